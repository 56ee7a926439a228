#!/usr/bin/env node
// `pnpm bench`: bulk echo throughput and connect latency on loopback, for
//   direct  node:net client ↔ echo server
//   proxy   node:net client ↔ plain Node TCP proxy (stream pipes) ↔ echo server
//   ws2web  @ws2web/browser in Node (ws WebSocket) ↔ @ws2web/relay ↔ echo server
// Echo server and proxy/relay run in child processes. Every bulk transfer is verified by sha256.
// Writes bench/results/latest.json. Needs `pnpm build` first. Bounded to about two minutes.
//   node bench/run.mjs [--mib 64] [--connections 500] [--chunk-kib 64] [--repeat 3]
// Each bulk path runs `repeat` times after a warm-up; the median run is reported.
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { bulkEchoNet, latencyNet } from './lib/net-client.mjs';
import { MiB, quantile, round } from './lib/stats.mjs';
import { bulkEchoWs2web, latencyWs2web, openWinsock } from './lib/ws2web-client.mjs';

const { values: args } = parseArgs({
  options: {
    mib: { type: 'string', default: '64' },
    connections: { type: 'string', default: '500' },
    'chunk-kib': { type: 'string', default: '64' },
    repeat: { type: 'string', default: '3' },
  },
});
const totalBytes = Number(args.mib) * MiB;
const connections = Number(args.connections);
const chunkSize = Number(args['chunk-kib']) * 1024;
const repeat = Math.max(1, Number(args.repeat));

// Per-measurement caps keep the whole run under two minutes even on a slow path; a capped
// transfer reports the bytes it actually moved (and still verifies them).
const BULK_CAP_MS = 8_000; // per run
const WARMUP_CAP_MS = 3_000;
const LATENCY_CAP_MS = 10_000;
const WATCHDOG_MS = 115_000;

const children = [];

function startChild(role, ...rest) {
  const child = fork(new URL('./lib/server-process.mjs', import.meta.url), [role, ...rest], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`bench ${role} process exited with code ${code}`)));
  });
}

function stopChildren() {
  for (const child of children) {
    if (child.connected) child.send('stop');
  }
}

function describeMachine() {
  const cpu = cpus();
  return {
    cpuModel: cpu[0]?.model ?? 'unknown',
    nproc: cpu.length,
    memoryGiB: round(totalmem() / 1024 ** 3, 1),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}

async function measureBulk(name, transfer) {
  await transfer(totalBytes / 8, performance.now() + WARMUP_CAP_MS); // warm up JIT and buffers
  const runs = [];
  for (let i = 0; i < repeat; i++) {
    const result = await transfer(totalBytes, performance.now() + BULK_CAP_MS);
    runs.push({ ...result, mibPerSecond: result.received / MiB / result.seconds });
  }
  const median = [...runs].sort((a, b) => a.mibPerSecond - b.mibPerSecond)[Math.floor(runs.length / 2)];
  const verified = runs.every((run) => run.verified);
  const capped = runs.some((run) => run.sent < totalBytes);
  console.log(
    `  ${name.padEnd(7)} ${(median.received / MiB).toFixed(1)} MiB, runs ` +
      `${runs.map((run) => run.mibPerSecond.toFixed(1)).join(' / ')} MiB/s, median ${median.mibPerSecond.toFixed(1)} MiB/s, ` +
      `sha256 ${verified ? 'ok' : 'MISMATCH'}${capped ? ' (time cap)' : ''}`,
  );
  return {
    ...median,
    verified,
    capped,
    mib: round(median.received / MiB, 2),
    mibPerSecond: round(median.mibPerSecond, 1),
    runsMiBPerSecond: runs.map((run) => round(run.mibPerSecond, 1)),
  };
}

async function measureLatency(name, rounds) {
  await rounds(20, performance.now() + WARMUP_CAP_MS);
  const samples = await rounds(connections, performance.now() + LATENCY_CAP_MS);
  const result = {
    connections: samples.length,
    p50ms: round(quantile(samples, 0.5), 3),
    p99ms: round(quantile(samples, 0.99), 3),
    maxms: round(Math.max(...samples), 3),
  };
  console.log(`  ${name.padEnd(7)} ${result.connections} connections: p50 ${result.p50ms} ms, p99 ${result.p99ms} ms`);
  return result;
}

function printTables(bulk, latency) {
  const row = (cells, widths) =>
    cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
  const widths = [8, 9, 9, 10, 10, 9, 7];
  console.log('');
  console.log(row(['path', 'MiB', 'MiB/s', 'vs direct', 'vs proxy', 'seconds', 'sha256'], widths));
  for (const [name, r] of Object.entries(bulk)) {
    console.log(
      row(
        [
          name, r.mib, r.mibPerSecond.toFixed(1), (r.mibPerSecond / bulk.direct.mibPerSecond).toFixed(2),
          (r.mibPerSecond / bulk.proxy.mibPerSecond).toFixed(2), r.seconds.toFixed(2), r.verified ? 'ok' : 'BAD',
        ],
        widths,
      ),
    );
  }
  console.log('');
  const lw = [8, 12, 9, 9, 9];
  console.log(row(['path', 'connections', 'p50 ms', 'p99 ms', 'max ms'], lw));
  for (const [name, r] of Object.entries(latency)) {
    console.log(row([name, r.connections, r.p50ms.toFixed(3), r.p99ms.toFixed(3), r.maxms.toFixed(3)], lw));
  }
  console.log('');
}

async function main() {
  const watchdog = setTimeout(() => {
    console.error(`benchmark exceeded ${WATCHDOG_MS / 1000} s; stopping`);
    stopChildren();
    process.exit(1);
  }, WATCHDOG_MS);
  watchdog.unref();

  const machine = describeMachine();
  console.log(
    `ws2web bench: ${args.mib} MiB bulk echo in ${args['chunk-kib']} KiB chunks (median of ${repeat}), ${connections} connections`,
  );
  console.log(`machine: ${machine.cpuModel}, ${machine.nproc} CPUs, Node ${machine.node}`);

  const { echoPort } = await startChild('echo');
  const { proxyPort, relayUrl } = await startChild('middle', String(echoPort));
  const payload = randomBytes(totalBytes);
  const w = openWinsock(relayUrl);

  console.log('throughput (bulk echo, send and receive concurrently):');
  const bulk = {
    direct: await measureBulk('direct', (bytes, deadline) =>
      bulkEchoNet({ port: echoPort, payload: payload.subarray(0, bytes), chunkSize, deadline })),
    proxy: await measureBulk('proxy', (bytes, deadline) =>
      bulkEchoNet({ port: proxyPort, payload: payload.subarray(0, bytes), chunkSize, deadline })),
    ws2web: await measureBulk('ws2web', (bytes, deadline) =>
      bulkEchoWs2web(w, { port: echoPort, payload: payload.subarray(0, bytes), chunkSize, deadline })),
  };

  console.log('latency (connect + 1-byte echo + close, sequential):');
  const latency = {
    direct: await measureLatency('direct', (count, deadline) => latencyNet({ port: echoPort, count, deadline })),
    ws2web: await measureLatency('ws2web', (count, deadline) => latencyWs2web(w, { port: echoPort, count, deadline })),
  };

  w.WSACleanup();
  printTables(bulk, latency);

  const report = {
    date: new Date().toISOString(),
    machine,
    settings: { bulkMiB: Number(args.mib), chunkKiB: Number(args['chunk-kib']), repeat, connections },
    throughput: Object.fromEntries(
      Object.entries(bulk).map(([name, r]) => [
        name,
        {
          mib: r.mib, seconds: round(r.seconds, 3), mibPerSecond: r.mibPerSecond,
          vsDirect: round(r.mibPerSecond / bulk.direct.mibPerSecond, 3),
          vsProxy: round(r.mibPerSecond / bulk.proxy.mibPerSecond, 3),
          runsMiBPerSecond: r.runsMiBPerSecond, sha256: r.sha256, verified: r.verified, capped: r.capped,
        },
      ]),
    ),
    latency,
  };
  const resultsDir = new URL('./results/', import.meta.url);
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(new URL('latest.json', resultsDir), `${JSON.stringify(report, null, 2)}\n`);
  console.log('wrote bench/results/latest.json');

  stopChildren();
  const allVerified = Object.values(bulk).every((r) => r.verified);
  if (!allVerified) console.error('a transfer did not verify (sha256 mismatch or lost bytes)');
  process.exit(allVerified ? 0 : 1);
}

main().catch((error) => {
  console.error(error?.stack ?? error);
  stopChildren();
  process.exit(1);
});
