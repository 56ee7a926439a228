// Child-process entry for the benchmark. argv[2] is the role:
//   targets                       the echo, sink, UDP echo, source, slow-reader and WebSocket echo servers
//   proxy <echoPort> <sinkPort>   plain TCP proxies to the echo and to the sink
//   user-targets                  the user's echo server, the small-pieces echo, the bench's tuned echo
//   user-proxy <port>...          a plain TCP proxy with Node's defaults to each port
//   relay <options JSON>          a ws2web relay (loopback only) with these startRelay options
// Each reports its ports to the parent over IPC, answers { cmd: 'memory' } with its memory use
// (after a full GC when started with --expose-gc), { cmd: 'cost' } with its CPU time and syscall
// counts so far (bench/cost.mjs takes deltas), { cmd: 'loopDelay' } with its event loop's delay
// since the last such question (p50 / p99 / max ms: how long a ready callback waited), and exits on { cmd: 'stop' } or when the
// parent goes away. One role per process, so a process's RSS is its role's alone.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { patternBlock } from './cases.mjs';
import { processCost } from './cost-counters.mjs';
import {
  startBulkEcho,
  startPiecesEcho,
  startPlainEcho,
  startSink,
  startSlowReader,
  startSource,
  startTcpProxy,
  startUdpEcho,
  startWebSocketEcho,
} from './servers.mjs';

/** The slow reader's pace: far below what any path can deliver, so the relay must hold back. */
const SLOW_READER_BYTES_PER_SECOND = 4 * 1024 * 1024;

const [role, ...rest] = process.argv.slice(2);
const closers = [];

async function start() {
  if (role === 'targets') {
    const echo = await startBulkEcho();
    const sink = await startSink();
    const udp = await startUdpEcho();
    const source = await startSource(patternBlock(64 * 1024));
    const slow = await startSlowReader(SLOW_READER_BYTES_PER_SECOND);
    const wsEcho = await startWebSocketEcho();
    closers.push(echo.close, sink.close, udp.close, source.close, slow.close, wsEcho.close);
    return {
      echoPort: echo.port,
      sinkPort: sink.port,
      udpPort: udp.port,
      sourcePort: source.port,
      slowPort: slow.port,
      slowBytesPerSecond: SLOW_READER_BYTES_PER_SECOND,
      wsEchoUrl: wsEcho.url,
    };
  }
  if (role === 'proxy') {
    const echo = await startTcpProxy(Number(rest[0]));
    const sink = await startTcpProxy(Number(rest[1]));
    closers.push(echo.close, sink.close);
    return { echoPort: echo.port, sinkPort: sink.port };
  }
  if (role === 'user-targets') {
    const plain = await startPlainEcho();
    const pieces = await startPiecesEcho();
    const tuned = await startBulkEcho(); // the older bench's echo (TCP_NODELAY, half-open), to compare
    closers.push(plain.close, pieces.close, tuned.close);
    return { plainPort: plain.port, piecesPort: pieces.port, tunedPort: tuned.port };
  }
  if (role === 'user-proxy') {
    const proxies = await Promise.all(rest.map((port) => startTcpProxy(Number(port), '127.0.0.1', { noDelay: false })));
    closers.push(...proxies.map((p) => p.close));
    return { ports: proxies.map((p) => p.port) };
  }
  if (role === 'relay') {
    const { startRelay } = await import('../../packages/relay/dist/index.js');
    const relay = await startRelay({
      host: '127.0.0.1',
      port: 0,
      allow: ['127.0.0.0/8'],
      ...JSON.parse(rest[0] ?? '{}'),
    });
    closers.push(() => relay.close());
    return { relayUrl: relay.url };
  }
  throw new Error(`unknown role '${role}'`);
}

/** Memory, after a full collection unless `gc` is false (so garbage does not count as per-socket cost). */
async function memory(gc) {
  if (gc && globalThis.gc) {
    for (let i = 0; i < 3; i++) {
      globalThis.gc();
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
  return { rss, heapUsed, external, arrayBuffers };
}

async function stop() {
  for (const close of closers) await close();
  process.exit(0);
}

const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

/** The event loop's delay since the last call, in ms; starts a new window. */
function takeLoopDelay() {
  const ms = (ns) => Math.round(ns / 1e4) / 100;
  const window = { p50ms: ms(loopDelay.percentile(50)), p99ms: ms(loopDelay.percentile(99)), maxms: ms(loopDelay.max) };
  loopDelay.reset();
  return window;
}

process.on('message', async function onParentMessage(message) {
  if (message?.cmd === 'stop') await stop();
  else if (message?.cmd === 'memory') process.send({ memory: await memory(message.gc !== false) });
  else if (message?.cmd === 'cost') process.send({ cost: processCost() });
  else if (message?.cmd === 'loopDelay') process.send({ loopDelay: takeLoopDelay() });
});
process.on('disconnect', () => void stop());
process.send(await start());
