// The `scale10k` case: many concurrent sockets through one relay process, for sizing a fleet.
// `clients` client processes (scale-client.mjs) hold `webSockets` Winsock objects in all (one
// WebSocket each) with `perWebSocket` TCP sockets each, through a fresh relay with default
// options to the bench's echo server (its own process). Three phases:
//   open    every socket connected; the relay's RSS after a full GC, per socket
//   paced   every socket echoes one 1 KiB message per `intervalMs`: round trip p50 / p99, the
//           relay's CPU per MiB and share of a core, its RSS, its event-loop delay
//   busy    one socket per WebSocket echoes back to back (as fast as the machine goes), the
//           others stay open and idle: the same figures with the relay saturated
// "MiB" is payload echoed: each one crosses the relay twice (page → peer, peer → page).
import { cpus } from 'node:os';
import { startRole } from './children.mjs';
import { MiB, quantile, round } from './stats.mjs';

const CLIENT = new URL('./scale-client.mjs', import.meta.url);

const cpuUs = (c) => c.userUs + c.systemUs;

/** Runs one phase on every client at once; merges their figures with the relay's over the phase. */
async function phase({ relay, echo, clients, command }) {
  const relayBefore = await relay.cost();
  const echoBefore = await echo.cost();
  await relay.request({ cmd: 'loopDelay' }); // starts a fresh window
  let peakRss = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peakRss = Math.max(peakRss, (await relay.memory(false)).rss);
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  const started = performance.now();
  const results = await Promise.all(clients.map((c) => c.request({ cmd: 'run', ...command })));
  const seconds = (performance.now() - started) / 1000;
  sampling = false;
  await sampler;
  const { loopDelay } = await relay.request({ cmd: 'loopDelay' });
  const relayCpuMs = (cpuUs(await relay.cost()) - cpuUs(relayBefore)) / 1000;
  const echoCpuMs = (cpuUs(await echo.cost()) - cpuUs(echoBefore)) / 1000;
  const rtts = results.flatMap((r) => r.rttsMs);
  const bytes = results.reduce((sum, r) => sum + r.bytes, 0);
  const mib = bytes / MiB;
  return {
    seconds: round(seconds, 2),
    messages: results.reduce((sum, r) => sum + r.messages, 0),
    messagesPerSecond: round(results.reduce((sum, r) => sum + r.messages, 0) / seconds, 0),
    mibPerSecond: round(mib / seconds, 2),
    rttP50ms: round(quantile(rtts, 0.5), 2),
    rttP99ms: round(quantile(rtts, 0.99), 2),
    rttMaxms: round(Math.max(...rtts), 1),
    relayCpuMsPerMiB: round(relayCpuMs / mib, 2),
    relayCoreShare: round(relayCpuMs / 1000 / seconds, 3),
    echoCpuMsPerMiB: round(echoCpuMs / mib, 2),
    clientCpuMsPerMiB: round(results.reduce((sum, r) => sum + r.cpuMs, 0) / mib, 2),
    relayPeakRssMiB: round(peakRss / MiB, 1),
    relayLoopDelay: loopDelay,
    errors: results.reduce((sum, r) => sum + r.errors, 0),
    mismatches: results.reduce((sum, r) => sum + r.mismatches, 0),
  };
}

/**
 * Opens `webSockets × perWebSocket` sockets from `clients` processes and runs the phases.
 * Returns every figure; throws if a client fails to open its sockets.
 */
export async function scaleCase({
  echo,
  echoPort,
  clients: clientCount,
  webSockets,
  perWebSocket,
  intervalMs,
  durationMs,
  log,
}) {
  const relay = await startRole('relay', ['{}'], { execArgv: ['--expose-gc'] });
  const clients = [];
  try {
    const empty = await relay.memory();
    const perClient = Math.ceil(webSockets / clientCount);
    const started = performance.now();
    const opening = [];
    for (let first = 0; first < webSockets; first += perClient) {
      const own = String(Math.min(perClient, webSockets - first));
      const args = [relay.info.relayUrl, String(echoPort), own, String(perWebSocket), String(first * perWebSocket)];
      opening.push(startRole('scale-client', args, { module: CLIENT }));
    }
    clients.push(...(await Promise.all(opening)));
    const sockets = clients.reduce((sum, c) => sum + c.info.opened, 0);
    const openSeconds = (performance.now() - started) / 1000;
    const opened = await relay.memory();
    const open = {
      sockets,
      seconds: round(openSeconds, 2),
      relayRssMiB: round(opened.rss / MiB, 1),
      relayEmptyRssMiB: round(empty.rss / MiB, 1),
      relayRssPerSocketKiB: round((opened.rss - empty.rss) / sockets / 1024, 2),
    };
    log(
      `  open    ${sockets} sockets over ${webSockets} WebSockets from ${clients.length} processes in ${open.seconds} s; relay RSS ${open.relayEmptyRssMiB} → ${open.relayRssMiB} MiB = ${open.relayRssPerSocketKiB} KiB/socket (after GC)`,
    );
    const show = (name, p) =>
      log(
        `  ${name.padEnd(7)} ${p.messagesPerSecond} echoes/s = ${p.mibPerSecond} MiB/s echoed; RTT p50 ${p.rttP50ms} ms, p99 ${p.rttP99ms} ms; relay ${p.relayCpuMsPerMiB} ms CPU/MiB, ${round(p.relayCoreShare * 100, 0)}% of a core, peak RSS ${p.relayPeakRssMiB} MiB, loop delay p99 ${p.relayLoopDelay.p99ms} ms max ${p.relayLoopDelay.maxms} ms${p.errors || p.mismatches ? `; ${p.errors} errors, ${p.mismatches} mismatches` : ''}`,
      );
    const paced = await phase({ relay, echo, clients, command: { mode: 'paced', intervalMs, durationMs } });
    show('paced', paced);
    const closed = await phase({ relay, echo, clients, command: { mode: 'closed', durationMs, perWebSocket: 1 } });
    show('busy', closed);
    // One relay is one JavaScript thread: at saturation it can use about one core.
    const limit = {
      sockets: sockets,
      mibPerSecondPerCore: round(1000 / closed.relayCpuMsPerMiB, 0),
      echoesPerSecondPerCore: round((1000 / closed.relayCpuMsPerMiB) * 1024, 0),
      note: 'what one relay process can carry at 100% of one core, from its CPU per MiB when busy (1 KiB echoes)',
    };
    log(
      `  limit   one relay process ≈ ${limit.mibPerSecondPerCore} MiB/s = ${limit.echoesPerSecondPerCore} 1 KiB echoes/s per core of ${cpus()[0]?.model ?? 'this CPU'} (1000 ms ÷ ${closed.relayCpuMsPerMiB} ms/MiB)`,
    );
    return { open, paced, busy: closed, limit, intervalMs, durationMs, messageBytes: 1024 };
  } finally {
    await Promise.all(clients.map((c) => c.stop()));
    await relay.stop();
  }
}
