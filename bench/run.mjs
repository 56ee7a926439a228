#!/usr/bin/env node
// `pnpm bench`: ws2web against the alternatives, on loopback, in one run. Needs `pnpm build`.
//
// Paths (each to the same echo / sink servers, in their own process):
//   direct      node:net client ↔ server
//   proxy       node:net client ↔ plain Node TCP proxy (stream pipes) ↔ server
//   websockify  `ws` client ↔ websockify (Debian package `websockify`) ↔ server
//   ws2web      @ws2web/browser in Node (`ws` WebSocket) ↔ @ws2web/relay ↔ server
//   chromium    @ws2web/browser in headless Chromium ↔ @ws2web/relay ↔ server
//   chromium-ws (bulk echo only) Chromium's own WebSocket ↔ a `ws` echo server: the most any
//               page-side client of any relay can get from this browser here
// User-style cases (bench/lib/user-style.mjs): what a user's own program sees — a fresh standalone
// client process per measurement, sender and receiver loops at once, sha256 of both directions,
// no TCP_NODELAY, against the user's own echo server and plain proxy — bulk with 64 KiB and 4 KiB
// sends and against an echo that writes in small pieces, 300 × connect + 1-byte echo + close,
// 64-byte request/response.
// Cases: bulk echo, one-way bulk to a sink, connect + 1-byte echo latency, ping-pong (64 B and
// 1 KiB), 100 sockets in parallel, one saturating socket beside 99 ping-ponging ones, idle relay
// memory at 1,000 / 10,000 sockets, relay memory with slow readers, UDP datagrams/s, the page's
// transports in Chromium (chromiumTransports: WebSocket, WebSocketStream, a Worker, N WebSockets),
// 10,000 busy sockets through one relay (scale10k: CPU per MiB, latency, RSS per socket).
// Prints a table per case and writes bench/results/latest.json (figures, ratios against the
// baselines of the same run, and the targets of issue 6 with whether each holds).
//
//   node bench/run.mjs [--quick | --smoke] [--only bulkEcho,user,…] [--no-chromium] [--no-websockify]
//                      [--mib 512] [--connections 2000] [--repeat 5] [--out FILE]
//   (a full run writes bench/results/latest.json; --quick or --only write quick.json, --smoke
//   smoke.json, unless --out FILE says: relative to bench/results/, or an absolute path)
//   Every figure taken over several runs is reported as min / median / max with the count of runs;
//   `value` (what ratios and targets use) is the true median (mean of the middle two for an even count).
//   --smoke: a few seconds, tiny sizes, no Chromium, the slow memory cases left out; checks that every
//   path runs and every transfer verifies, asserts no timing (CI runs it: bench/smoke.test.ts).
//                      [--relay-options '{"streamWindow":1048576}']   (startRelay options, JSON)
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  bulkEcho,
  bulkSink,
  connectLatency,
  parallelEcho,
  patternBlock,
  periodicPayload,
  pingPong,
  saturatedFairness,
} from './lib/cases.mjs';
import { sha256Prefix, shaCheck } from './lib/checks.mjs';
import { findWebsockify, startRole, startWebsockify, stopAll } from './lib/children.mjs';
import { idleProxyMemory, idleRelayMemory, slowReaderMemory } from './lib/memory.mjs';
import { openNetPipe, openWebSocketPipe } from './lib/pipes.mjs';
import { evaluateContext, evaluateTargets, printCase, printTargets } from './lib/report.mjs';
import { MiB, describeSpread, median, quantile, round, spread } from './lib/stats.mjs';
import { scaleCase } from './lib/scale.mjs';
import { udpDirect, udpWs2web } from './lib/udp.mjs';
import { startUserWorld, userBulk, userConnect, userRequest } from './lib/user-style.mjs';
import { openWinsock, ws2web, ws2webOpener } from './lib/ws2web-client.mjs';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    smoke: { type: 'boolean', default: false },
    only: { type: 'string' },
    'no-chromium': { type: 'boolean', default: false },
    'no-websockify': { type: 'boolean', default: false },
    mib: { type: 'string' },
    connections: { type: 'string' },
    repeat: { type: 'string' },
    out: { type: 'string' },
    'relay-options': { type: 'string', default: '{}' },
  },
});

const smoke = args.smoke;
const quick = args.quick;
if (smoke && quick) throw new Error('--smoke and --quick exclude each other');
/** Only a full run replaces latest.json (the figures docs/performance.md quotes). */
const outFile = args.out ?? (smoke ? 'smoke.json' : quick || args.only ? 'quick.json' : 'latest.json');
/** A value for the full run, --quick and --smoke. */
const pick = (full, q, s) => (smoke ? s : quick ? q : full);
const settings = {
  bulkMiB: Number(args.mib ?? pick(512, 64, 2)),
  chunkKiB: 64,
  /** Runs per figure: an odd count ≥ 5 gives a true median; --quick's 3 still does. */
  repeat: Number(args.repeat ?? pick(5, 3, 1)),
  /** Per bulk run; a capped run reports the bytes it moved (still verified). */
  bulkCapMs: pick(12_000, 4_000, 2_000),
  connections: Number(args.connections ?? pick(2000, 300, 20)),
  latencyCapMs: pick(20_000, 5_000, 2_000),
  pingPongMs: pick(2_000, 1_000, 100),
  parallelSockets: smoke ? 10 : 100,
  parallelMs: pick(4_000, 2_000, 200),
  idleLevels: quick ? [200, 1000] : [1000, 10000],
  /** The proxy holds two descriptors per connection; the hard limit here is 20,000 a process. */
  idleProxyLevels: quick ? [200, 1000] : [1000, 5000],
  idleWebSockets: 100,
  slowReaderMs: quick ? 2_000 : 4_000,
  udpMs: pick(3_000, 1_000, 100),
  /** chromiumTransports: bytes per run of each transport, 4 sockets or WebSockets for the ×N rows. */
  transportMiB: Number(args.mib ?? pick(64, 32, 1)),
  transportParallel: 4,
  /** scale10k: client processes, WebSockets in all, sockets per WebSocket, phase length. */
  scaleClients: pick(4, 4, 1),
  scaleWebSockets: pick(100, 100, 10),
  scalePerWebSocket: pick(100, 100, 10),
  /** Paced: every socket one echo per interval (10,000 sockets / 20 s = 500 echoes/s, which a shared two-core machine can answer). */
  scaleIntervalMs: pick(20_000, 20_000, 500),
  scaleDurationMs: pick(30_000, 15_000, 1_000),
  /** User-style bulk: bytes per run (each run a fresh client process). */
  userMiB: Number(args.mib ?? pick(256, 64, 1)),
  userConnections: smoke ? 10 : 300,
  userRequestMs: pick(2_000, 1_000, 100),
  userTimeoutMs: pick(120_000, 60_000, 20_000),
};
const WATCHDOG_MS = (smoke ? 2 : 25) * 60_000;
const CASES = [
  'user',
  'bulkEcho',
  'bulkSink',
  'connectLatency',
  'pingPong',
  'parallel',
  'fairness',
  'idleMemory',
  'slowReader',
  'udp',
  'chromiumTransports',
  'scale10k',
];
/**
 * The smoke run leaves out the cases that need thousands of sockets or seconds of waiting, and
 * Chromium's; scale10k runs with 100 sockets.
 */
const SMOKE_CASES = CASES.filter((c) => c !== 'idleMemory' && c !== 'slowReader' && c !== 'chromiumTransports');
const only = args.only ? new Set(args.only.split(',')) : new Set(smoke ? SMOKE_CASES : CASES);
for (const name of only)
  if (!CASES.includes(name)) throw new Error(`unknown case '${name}' (cases: ${CASES.join(', ')})`);

/** Cases with Chromium rows: without one of them the bench does not start Chromium. */
const CHROMIUM_CASES = new Set(['bulkEcho', 'bulkSink', 'connectLatency', 'pingPong', 'chromiumTransports']);
const chunkSize = settings.chunkKiB * 1024;
const totalBytes = settings.bulkMiB * MiB;
const notes = [];

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

const log = (text) => console.log(text);

// ------------------------------------------------------------------------------------------------
// Paths

async function startPaths() {
  const targets = await startRole('targets');
  const proxy = await startRole('proxy', [String(targets.info.echoPort), String(targets.info.sinkPort)]);
  const relay = await startRole('relay', [args['relay-options']]);
  const t = targets.info;
  const w = openWinsock(relay.info.relayUrl);
  const paths = {
    direct: { echo: () => openNetPipe(t.echoPort), sink: () => openNetPipe(t.sinkPort) },
    proxy: { echo: () => openNetPipe(proxy.info.echoPort), sink: () => openNetPipe(proxy.info.sinkPort) },
    ws2web: { echo: ws2webOpener(w, t.echoPort), sink: ws2webOpener(w, t.sinkPort) },
  };
  const program = args['no-websockify'] ? null : findWebsockify();
  if (program) {
    const echo = await startWebsockify(program, t.echoPort);
    const sink = await startWebsockify(program, t.sinkPort);
    paths.websockify = { echo: () => openWebSocketPipe(echo.url), sink: () => openWebSocketPipe(sink.url) };
  } else {
    notes.push(
      args['no-websockify']
        ? 'websockify skipped (--no-websockify)'
        : 'websockify not installed (apt-get install websockify): its rows are missing',
    );
  }
  let chromium = null;
  if (smoke) {
    notes.push('Chromium skipped (--smoke)');
  } else if (!args['no-chromium'] && [...only].some((c) => CHROMIUM_CASES.has(c))) {
    try {
      const { openChromiumBench } = await import('./lib/chromium.mjs');
      chromium = await openChromiumBench();
      await chromium.call('setup', { relayUrl: relay.info.relayUrl, blockBytes: 64 * MiB });
    } catch (err) {
      chromium = null;
      notes.push(`Chromium rows missing: ${err.message.split('\n')[0]}`);
    }
  } else {
    notes.push('Chromium skipped (--no-chromium)');
  }
  for (const note of notes) log(`note: ${note}`);
  return { targets, proxy, relay, w, paths, chromium, websockify: program };
}

/** The Node paths in table order. */
const nodePathNames = (paths) => ['direct', 'proxy', 'websockify', 'ws2web'].filter((p) => paths[p]);

// ------------------------------------------------------------------------------------------------
// Cases

async function runBulkEcho({ paths, targets, chromium, payload }) {
  log(
    `\nbulk echo: ${settings.bulkMiB} MiB in ${settings.chunkKiB} KiB writes, send and receive at once (${settings.repeat} runs each: min / median / max)`,
  );
  const rows = {};
  const one = async (name, transfer) => {
    await transfer(totalBytes / 16, 3_000); // warm up JIT, buffers, windows
    const runs = [];
    for (let i = 0; i < settings.repeat; i++) runs.push(await transfer(totalBytes, settings.bulkCapMs));
    const s = spread(runs.map((r) => r.received / MiB / r.seconds));
    rows[name] = {
      value: s.median,
      ...s,
      runs: runs.map((r) => round(r.received / MiB / r.seconds, 1)),
      mib: round(median(runs.map((r) => r.received)) / MiB, 1),
      capped: runs.some((r) => r.sent < totalBytes),
      verified: runs.every((r) => r.verified),
      check: runs[0].check,
      sha256: runs[0].sha256,
    };
    log(
      `  ${name.padEnd(10)} ${describeSpread(s, ' MiB/s')}${rows[name].capped ? ' (time cap)' : ''} ${rows[name].verified ? 'verified' : 'MISMATCH'}`,
    );
  };
  for (const name of nodePathNames(paths)) {
    await one(name, (bytes, capMs) =>
      bulkEcho({
        open: paths[name].echo,
        payload,
        bytes,
        chunkSize,
        deadline: performance.now() + capMs,
        makeCheck: shaCheck,
      }),
    );
  }
  if (chromium) {
    await one('chromium', (bytes, capMs) =>
      chromium.call('bulkEcho', { port: targets.info.echoPort, bytes, chunkSize, capMs }),
    );
    await one('chromium-ws', (bytes, capMs) =>
      chromium.call('webSocketEcho', { url: targets.info.wsEchoUrl, bytes, chunkSize, capMs }),
    );
  }
  return { unit: 'MiB/s', higherIsBetter: true, paths: rows };
}

async function runBulkSink({ paths, targets, chromium, payload }) {
  log(
    `\none-way bulk to a sink: ${settings.bulkMiB} MiB, sha256 answered by the sink (${settings.repeat} runs each: min / median / max)`,
  );
  const rows = {};
  const one = async (name, transfer) => {
    await transfer(totalBytes / 16);
    // A path slower than bytes/cap gets fewer bytes (the sink needs the length up front).
    const probe = await transfer(totalBytes / 8);
    const rate = probe.sent / probe.seconds;
    const bytes = Math.max(
      chunkSize,
      Math.min(totalBytes, Math.floor((rate * settings.bulkCapMs) / 1000 / chunkSize) * chunkSize),
    );
    const runs = [];
    for (let i = 0; i < settings.repeat; i++) runs.push(await transfer(bytes));
    for (const run of runs) run.verified = run.sinkSha256 === sha256Prefix(payload, run.sent);
    const s = spread(runs.map((r) => r.sent / MiB / r.seconds));
    rows[name] = {
      value: s.median,
      ...s,
      runs: runs.map((r) => round(r.sent / MiB / r.seconds, 1)),
      mib: round(bytes / MiB, 1),
      verified: runs.every((r) => r.verified),
      check: 'sha256 by the sink',
      sha256: runs[0].sinkSha256,
    };
    log(
      `  ${name.padEnd(10)} ${describeSpread(s, ' MiB/s')} (${rows[name].mib} MiB) ${rows[name].verified ? 'verified' : 'MISMATCH'}`,
    );
  };
  for (const name of nodePathNames(paths)) {
    await one(name, (bytes) => bulkSink({ open: paths[name].sink, payload, bytes, chunkSize }));
  }
  if (chromium)
    await one('chromium', (bytes) => chromium.call('bulkSink', { port: targets.info.sinkPort, bytes, chunkSize }));
  return { unit: 'MiB/s', higherIsBetter: true, paths: rows };
}

function latencyRow(samples) {
  return {
    value: round(quantile(samples, 0.5), 3),
    p50ms: round(quantile(samples, 0.5), 3),
    p99ms: round(quantile(samples, 0.99), 3),
    maxms: round(Math.max(...samples), 3),
    connections: samples.length,
  };
}

async function runConnectLatency({ paths, targets, chromium }) {
  log(`\nconnect + 1-byte echo + close, sequential, ${settings.connections} connections (p50 / p99 ms)`);
  const rows = {};
  const one = async (name, measure) => {
    await measure(Math.min(50, settings.connections), 5_000);
    rows[name] = latencyRow(await measure(settings.connections, settings.latencyCapMs));
    log(
      `  ${name.padEnd(10)} ${rows[name].connections} connections: p50 ${rows[name].p50ms} ms, p99 ${rows[name].p99ms} ms`,
    );
  };
  for (const name of nodePathNames(paths)) {
    await one(name, (count, capMs) =>
      connectLatency({ open: paths[name].echo, count, deadline: performance.now() + capMs }),
    );
  }
  if (chromium)
    await one('chromium', (count, capMs) =>
      chromium.call('connectLatency', { port: targets.info.echoPort, count, capMs }),
    );
  return { unit: 'ms (p50)', higherIsBetter: false, paths: rows };
}

async function runPingPong({ paths, targets, chromium }, size) {
  log(
    `\nping-pong ${size} B on one socket, ${settings.repeat} windows of ${settings.pingPongMs} ms (round trips/s: min / median / max)`,
  );
  const rows = {};
  const one = async (name, measure) => {
    const runs = [];
    for (let i = 0; i < settings.repeat; i++) runs.push(await measure());
    const rates = runs.map((r) => r.perSecond);
    const samples = runs.flatMap((r) => r.samples);
    const s = spread(rates, 0);
    rows[name] = {
      value: s.median,
      ...s,
      runs: rates.map((r) => round(r, 0)),
      p50ms: round(quantile(samples, 0.5), 4),
      p99ms: round(quantile(samples, 0.99), 4),
    };
    log(`  ${name.padEnd(10)} ${describeSpread(s, ' round trips/s')}, p99 ${rows[name].p99ms} ms`);
  };
  for (const name of nodePathNames(paths)) {
    await one(name, () => pingPong({ open: paths[name].echo, size, durationMs: settings.pingPongMs }));
  }
  if (chromium)
    await one('chromium', () =>
      chromium.call('pingPong', { port: targets.info.echoPort, size, durationMs: settings.pingPongMs }),
    );
  return { unit: 'round trips/s', higherIsBetter: true, paths: rows };
}

async function runParallel({ paths, payload }) {
  const n = settings.parallelSockets;
  log(`\n${n} sockets in parallel, bulk echo for ${settings.parallelMs} ms (ws2web: all through one WebSocket)`);
  const rows = {};
  for (const name of ['direct', 'proxy', 'ws2web']) {
    const r = await parallelEcho({
      open: paths[name].echo,
      sockets: n,
      payload,
      chunkSize,
      durationMs: settings.parallelMs,
      makeCheck: shaCheck,
    });
    const per = r.perSocket.map((s) => s.received / MiB / r.seconds);
    const total = per.reduce((a, b) => a + b, 0);
    rows[name] = {
      value: round(total, 1),
      minPerSocket: round(Math.min(...per), 2),
      medianPerSocket: round(median(per), 2),
      maxPerSocket: round(Math.max(...per), 2),
      minOverMedian: round(Math.min(...per) / median(per), 3),
      verified: r.perSocket.every((s) => s.verified),
    };
    log(
      `  ${name.padEnd(10)} total ${rows[name].value} MiB/s, per socket min ${rows[name].minPerSocket} / median ${rows[name].medianPerSocket} / max ${rows[name].maxPerSocket} MiB/s ${rows[name].verified ? 'verified' : 'MISMATCH'}`,
    );
  }
  return { unit: 'MiB/s (sum)', higherIsBetter: true, paths: rows };
}

async function runFairness({ paths, payload }) {
  const pingers = settings.parallelSockets - 1;
  log(
    `\none socket saturating (bulk echo) beside ${pingers} sockets doing 64-byte ping-pongs, ${settings.parallelMs} ms`,
  );
  const rows = {};
  for (const name of ['direct', 'proxy', 'ws2web']) {
    const r = await saturatedFairness({
      open: paths[name].echo,
      pingers,
      payload,
      chunkSize,
      durationMs: settings.parallelMs,
      makeCheck: shaCheck,
    });
    const seconds = settings.parallelMs / 1000;
    rows[name] = {
      value: round(quantile(r.rtts, 0.99), 3),
      bulkMiBPerSecond: round(r.bulk.received / MiB / r.bulk.seconds, 1),
      minRoundsPerSecond: round(Math.min(...r.rounds) / seconds, 1),
      medianRoundsPerSecond: round(median(r.rounds) / seconds, 1),
      p50ms: round(quantile(r.rtts, 0.5), 3),
      p99ms: round(quantile(r.rtts, 0.99), 3),
      verified: r.bulk.verified,
    };
    log(
      `  ${name.padEnd(10)} bulk ${rows[name].bulkMiBPerSecond} MiB/s; pingers: min ${rows[name].minRoundsPerSecond} / median ${rows[name].medianRoundsPerSecond} round trips/s each, RTT p50 ${rows[name].p50ms} ms p99 ${rows[name].p99ms} ms`,
    );
  }
  return { unit: 'ms (pinger RTT p99)', higherIsBetter: false, paths: rows };
}

async function runIdleMemory({ targets }) {
  log(
    `\nidle memory: relay RSS with ${settings.idleLevels.join(' / ')} idle sockets over ${settings.idleWebSockets} WebSockets (fresh relay, after GC)`,
  );
  const relay = await startRole('relay', ['{}'], { execArgv: ['--expose-gc'] });
  let ws2webResult;
  try {
    ws2webResult = await idleRelayMemory({
      relay,
      relayUrl: relay.info.relayUrl,
      port: targets.info.echoPort,
      levels: settings.idleLevels,
      webSockets: settings.idleWebSockets,
    });
  } finally {
    await relay.stop();
  }
  const proxy = await startRole('proxy', [String(targets.info.echoPort), String(targets.info.sinkPort)], {
    execArgv: ['--expose-gc'],
  });
  let proxyResult;
  try {
    proxyResult = await idleProxyMemory({ proxy, port: proxy.info.echoPort, levels: settings.idleProxyLevels });
  } finally {
    await proxy.stop();
  }
  for (const [name, r] of [
    ['ws2web', ws2webResult],
    ['proxy', proxyResult],
  ]) {
    log(
      `  ${name.padEnd(10)} empty ${r.emptyRssMiB.toFixed(1)} MiB; ${r.levels.map((l) => `${l.sockets} sockets: ${l.rssMiB.toFixed(1)} MiB = ${l.perSocketKiB.toFixed(2)} KiB/socket`).join('; ')}`,
    );
  }
  const last = (r) => r.levels[r.levels.length - 1];
  return {
    unit: 'KiB RSS per idle socket',
    higherIsBetter: false,
    paths: {
      ws2web: { value: round(last(ws2webResult).perSocketKiB, 2), ...ws2webResult },
      proxy: { value: round(last(proxyResult).perSocketKiB, 2), ...proxyResult },
    },
  };
}

async function runSlowReader({ targets, payload }) {
  log(
    `\nslow readers: relay RSS while uploading to a ${targets.info.slowBytesPerSecond / MiB} MiB/s reader and while a page does not read a flood (${settings.slowReaderMs} ms each)`,
  );
  const relay = await startRole('relay', ['{}'], { execArgv: ['--expose-gc'] });
  try {
    const r = await slowReaderMemory({
      relay,
      relayUrl: relay.info.relayUrl,
      slowPort: targets.info.slowPort,
      sourcePort: targets.info.sourcePort,
      durationMs: settings.slowReaderMs,
      payload,
      chunkSize,
    });
    const show = (g) =>
      `live buffers +${g.liveBuffersGrowthMiB.toFixed(2)} MiB, RSS after GC +${g.liveRssGrowthMiB.toFixed(1)} MiB (without GC +${g.peakRssGrowthMiB.toFixed(1)} MiB)`;
    log(`  ws2web     idle relay ${r.idleRssMiB.toFixed(1)} MiB`);
    log(`    upload to the slow reader (${r.upload.sentMiB.toFixed(1)} MiB taken): ${show(r.upload)}`);
    log(
      `    flood to a page that does not read (page holds ${r.unreadDownload.pageBufferedKiB} KiB): ${show(r.unreadDownload)}`,
    );
    const value = Math.max(r.upload.liveBuffersGrowthMiB, r.unreadDownload.liveBuffersGrowthMiB);
    return {
      unit: 'MiB live buffers held',
      higherIsBetter: false,
      paths: { ws2web: { value: round(value, 2), ...r } },
    };
  } finally {
    await relay.stop();
  }
}

async function runUdp({ targets, w }) {
  log(`\nUDP: 64-byte datagrams to a UDP echo, 32 in flight, ${settings.udpMs} ms`);
  const rows = {};
  const direct = await udpDirect({ port: targets.info.udpPort, durationMs: settings.udpMs });
  const relayed = await udpWs2web(ws2web, w, { port: targets.info.udpPort, durationMs: settings.udpMs });
  for (const [name, r] of [
    ['direct', direct],
    ['ws2web', relayed],
  ]) {
    rows[name] = { value: round(r.perSecond, 0), sent: r.sent, received: r.received, lost: r.lost };
    log(`  ${name.padEnd(10)} ${rows[name].value} echoed datagrams/s (${r.lost} lost of ${r.sent})`);
  }
  return { unit: 'datagrams/s', higherIsBetter: true, paths: rows };
}

async function runChromiumTransports({ chromium, targets, relay }) {
  if (!chromium) throw new Error('needs Chromium (see the notes)');
  const { chromiumTransports } = await import('./lib/chromium-transports.mjs');
  log(
    `\nChromium transports: bulk echo of ${settings.transportMiB} MiB in ${settings.chunkKiB} KiB messages / sends, ${settings.repeat} runs per row round-robin (min / median / max), ratio to the page's own single WebSocket`,
  );
  return chromiumTransports({
    chromium,
    wsEchoUrl: targets.info.wsEchoUrl,
    relayUrl: relay.info.relayUrl,
    port: targets.info.echoPort,
    bytes: settings.transportMiB * MiB,
    chunkSize,
    capMs: settings.bulkCapMs,
    repeat: settings.repeat,
    parallel: settings.transportParallel,
    log,
  });
}

async function runScale({ targets }) {
  const { scaleClients: clients, scaleWebSockets: webSockets, scalePerWebSocket: perWebSocket } = settings;
  log(
    `\nscale: ${webSockets * perWebSocket} sockets over ${webSockets} WebSockets from ${clients} client processes, one fresh relay, 1 KiB echoes (paced: every socket one per ${settings.scaleIntervalMs} ms; busy: one socket per WebSocket back to back), ${settings.scaleDurationMs} ms each`,
  );
  const r = await scaleCase({
    echo: targets,
    echoPort: targets.info.echoPort,
    clients,
    webSockets,
    perWebSocket,
    intervalMs: settings.scaleIntervalMs,
    durationMs: settings.scaleDurationMs,
    log,
  });
  const verified = [r.paced, r.busy].every((p) => p.errors === 0 && p.mismatches === 0 && p.messages > 0);
  return {
    unit: 'relay CPU ms per MiB echoed (busy)',
    higherIsBetter: false,
    paths: { ws2web: { value: r.busy.relayCpuMsPerMiB, verified, ...r } },
  };
}

/**
 * The user-style cases, in a world of their own (user-style.mjs): the user's echo servers, a
 * plain proxy with Node's defaults and a fresh relay; every measurement a fresh client process.
 */
async function runUserCases({ websockify }, attempt) {
  const world = await startUserWorld({ websockify });
  try {
    const bytes = settings.userMiB * MiB;
    const runs = settings.repeat;
    const timeoutMs = settings.userTimeoutMs;
    const bulkCase = (title, options) => async () => {
      log(
        `\nuser-style bulk echo, ${title}: ${settings.userMiB} MiB, a fresh client process per run, ${runs} runs per path round-robin (min / median / max)`,
      );
      const paths = await userBulk(world, { bytes, runs, timeoutMs, ...options });
      for (const [name, r] of Object.entries(paths))
        log(`  ${name.padEnd(10)} ${describeSpread(r, ' MiB/s')} ${r.verified ? 'verified' : 'MISMATCH'}`);
      return { unit: 'MiB/s', higherIsBetter: true, statistic: `median of ${runs}`, paths };
    };
    await attempt('userBulk64k', 'user', bulkCase('64 KiB sends', { echo: 'plain', chunk: 64 * 1024 }));
    await attempt('userBulk4k', 'user', bulkCase('4 KiB sends', { echo: 'plain', chunk: 4 * 1024 }));
    await attempt(
      'userBulkPieces',
      'user',
      bulkCase('64 KiB sends, echo writing 1 KiB pieces', { echo: 'pieces', chunk: 64 * 1024 }),
    );
    await attempt('userConnect', 'user', async () => {
      log(
        `\nuser-style connect + 1-byte echo + close, ${settings.userConnections} in sequence from one fresh process (p50 / p99 ms)`,
      );
      const paths = await userConnect(world, { count: settings.userConnections, timeoutMs });
      for (const [name, r] of Object.entries(paths))
        log(`  ${name.padEnd(10)} p50 ${r.p50ms} ms, p99 ${r.p99ms} ms ${r.verified ? 'verified' : 'MISMATCH'}`);
      return { unit: 'ms (p50)', higherIsBetter: false, statistic: `p50 of ${settings.userConnections}`, paths };
    });
    await attempt('userRequest64', 'user', async () => {
      log(
        `\nuser-style request/response 64 B on one connection, ${settings.userRequestMs} ms per process, ${runs} per path (round trips/s: min / median / max)`,
      );
      const paths = await userRequest(world, { size: 64, ms: settings.userRequestMs, runs, timeoutMs });
      for (const [name, r] of Object.entries(paths))
        log(
          `  ${name.padEnd(10)} ${describeSpread(r, ' round trips/s')}, p99 ${r.p99ms} ms ${r.verified ? 'verified' : 'MISMATCH'}`,
        );
      return { unit: 'round trips/s', higherIsBetter: true, statistic: `median of ${runs}`, paths };
    });
  } finally {
    await world.stop();
  }
}

// ------------------------------------------------------------------------------------------------

async function main() {
  const started = performance.now();
  const watchdog = setTimeout(async () => {
    console.error(`benchmark exceeded ${WATCHDOG_MS / 1000} s; stopping`);
    await stopAll();
    process.exit(1);
  }, WATCHDOG_MS);
  watchdog.unref();

  const machine = describeMachine();
  log(
    `ws2web bench${quick ? ' (quick)' : smoke ? ' (smoke: checks every path and transfer, no timing)' : ''}: ${machine.cpuModel}, ${machine.nproc} CPUs, Node ${machine.node}`,
  );
  const payload = periodicPayload(patternBlock(64 * MiB), totalBytes);
  const ctx = { ...(await startPaths()), payload };
  if (ctx.chromium) machine.chromium = ctx.chromium.version;

  const cases = {};
  const failures = [];
  /** Runs case `group` (a --only name) and records it as `name`; a failing case does not stop the others. */
  const attempt = async (name, group, fn) => {
    if (!only.has(group)) return;
    try {
      cases[name] = await fn();
    } catch (err) {
      failures.push(`${name}: ${err.message}`);
      console.error(`case ${name} failed: ${err.stack ?? err}`);
    }
  };
  if (only.has('user')) {
    try {
      await runUserCases(ctx, attempt);
    } catch (err) {
      failures.push(`user: ${err.message}`);
      console.error(`user-style cases failed: ${err.stack ?? err}`);
    }
  }
  await attempt('bulkEcho', 'bulkEcho', () => runBulkEcho(ctx));
  await attempt('bulkSink', 'bulkSink', () => runBulkSink(ctx));
  await attempt('connectLatency', 'connectLatency', () => runConnectLatency(ctx));
  await attempt('pingPong64', 'pingPong', () => runPingPong(ctx, 64));
  await attempt('pingPong1k', 'pingPong', () => runPingPong(ctx, 1024));
  await attempt('parallel', 'parallel', () => runParallel(ctx));
  await attempt('fairness', 'fairness', () => runFairness(ctx));
  await attempt('udp', 'udp', () => runUdp(ctx));
  await attempt('chromiumTransports', 'chromiumTransports', () => runChromiumTransports(ctx));
  ctx.w.WSACleanup();
  await ctx.chromium?.close();
  await attempt('scale10k', 'scale10k', () => runScale(ctx));
  await attempt('idleMemory', 'idleMemory', () => runIdleMemory(ctx));
  await attempt('slowReader', 'slowReader', () => runSlowReader(ctx));
  await stopAll();

  log('');
  for (const [name, c] of Object.entries(cases)) printCase(name, c);
  // A smoke run's sizes are too small for its figures to mean anything: no targets are judged.
  const targets = smoke ? [] : evaluateTargets(cases);
  const context = smoke ? [] : evaluateContext(cases);
  if (smoke) log('smoke run: tables above are not measurements; only that every path ran and verified counts');
  else printTargets(targets, context);

  const report = {
    date: new Date().toISOString(),
    machine,
    statistic: `each multi-run figure is min / median / max over its runs (settings.repeat = ${settings.repeat}); value = median`,
    settings: { ...settings, quick, smoke, relayOptions: JSON.parse(args['relay-options']) },
    seconds: round((performance.now() - started) / 1000, 1),
    notes,
    failures,
    cases,
    targets,
    context,
  };
  // A relative --out is relative to bench/results/, an absolute one is used as given.
  const outPath = resolve(fileURLToPath(new URL('./results/', import.meta.url)), outFile);
  mkdirSync(dirname(outPath), { recursive: true });
  writeFileSync(outPath, `${JSON.stringify(report, null, 2)}\n`);
  const shown = relative(process.cwd(), outPath);
  log(`\nwrote ${shown.startsWith('..') ? outPath : shown} (${report.seconds} s)`);

  const unverified = Object.entries(cases).flatMap(([name, c]) =>
    Object.entries(c.paths)
      .filter(([, r]) => r.verified === false)
      .map(([p]) => `${name}/${p}`),
  );
  if (unverified.length) console.error(`bytes did not verify: ${unverified.join(', ')}`);
  process.exit(failures.length || unverified.length ? 1 : 0);
}

main().catch(async (error) => {
  console.error(error?.stack ?? error);
  await stopAll();
  process.exit(1);
});
