#!/usr/bin/env node
// Why the older in-process bulk echo read higher than a user's own program: the user-style ws2web
// client with one difference at a time switched to what the older bench did, and the older
// bench's own measurement (in this process: a long-lived Winsock object, warm-up, bench/lib/
// ws2web-pipe.mjs, received side hashed, sent side's hash precomputed), all against one relay,
// round-robin so the machine's load hits every variant alike. Prints each variant's MiB/s
// (min / median / max) and its ratio to the user-style figure and to the plain proxy (a variant on
// the bench's echo compares with the proxy on that echo too: the echo's Nagle slows both).
//   node bench/gap.mjs [--mib 64] [--runs 5] [--echo-only]   (--echo-only: the four user-style rows on both echoes)
import { parseArgs } from 'node:util';
import { bulkEcho, patternBlock, periodicPayload } from './lib/cases.mjs';
import { shaCheck } from './lib/checks.mjs';
import { stopAll } from './lib/children.mjs';
import { MiB, describeSpread, spread } from './lib/stats.mjs';
import { openWinsock, ws2webOpener } from './lib/ws2web-client.mjs';
import { startUserWorld } from './lib/user-style.mjs';

const { values: args } = parseArgs({
  options: {
    mib: { type: 'string', default: '64' },
    runs: { type: 'string', default: '5' },
    'echo-only': { type: 'boolean', default: false },
  },
});
const bytes = Number(args.mib) * MiB;
const runs = Number(args.runs);
const TIMEOUT_MS = 120_000;

const world = await startUserWorld({ websockify: null });
const relayUrl = world.paths.ws2web('plain')[2];
const tunedPort = Number(world.paths.direct('tuned')[2]);
const inProcess = openWinsock(relayUrl);
const payload = periodicPayload(patternBlock(64 * MiB), bytes);

const user =
  (echo, ...extra) =>
  () =>
    world.runClient([...world.paths.ws2web(echo), 'bulk', '--bytes', String(bytes), ...extra], TIMEOUT_MS);
const variants = {
  'proxy (user-style)': () =>
    world.runClient([...world.paths.proxy('plain'), 'bulk', '--bytes', String(bytes)], TIMEOUT_MS),
  "proxy (user-style), the bench's echo": () =>
    world.runClient([...world.paths.proxy('tuned'), 'bulk', '--bytes', String(bytes)], TIMEOUT_MS),
  'ws2web user-style': user('plain'),
  '+ warm-up (32 MiB first)': user('plain', '--warmup', String(32 * MiB)),
  '+ TCP_NODELAY': user('plain', '--nodelay'),
  '+ 64 KiB recv buffer': user('plain', '--recv', String(64 * 1024)),
  '+ sent side hashed after': user('plain', '--hash-after'),
  "+ the bench's echo (NODELAY, half-open)": user('tuned'),
  'all five (fresh process)': user(
    'tuned',
    '--warmup',
    String(32 * MiB),
    '--nodelay',
    '--recv',
    String(64 * 1024),
    '--hash-after',
  ),
  'older bench, in process': () =>
    bulkEcho({
      open: ws2webOpener(inProcess, tunedPort),
      payload,
      bytes,
      chunkSize: 64 * 1024,
      deadline: Infinity,
      makeCheck: shaCheck,
    }),
};

if (args['echo-only']) {
  for (const name of Object.keys(variants)) {
    if (!/^(proxy|ws2web user-style|\+ the bench's echo)/.test(name)) delete variants[name];
  }
}

try {
  // The older bench warmed up once per path before its runs.
  await bulkEcho({
    open: ws2webOpener(inProcess, tunedPort),
    payload,
    bytes: bytes / 16,
    chunkSize: 64 * 1024,
    deadline: Infinity,
    makeCheck: shaCheck,
  });
  const rates = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  for (let i = 0; i < runs; i++) {
    for (const [name, run] of Object.entries(variants)) {
      const r = await run();
      if (!r.verified) throw new Error(`${name}: bytes did not verify`);
      rates[name].push(r.received / MiB / r.seconds);
    }
    console.log(`round ${i + 1} of ${runs} done`);
  }
  const base = spread(rates['ws2web user-style']).median;
  const proxy = spread(rates['proxy (user-style)']).median;
  console.log(`\n${args.mib} MiB per run, ${runs} runs per variant, round-robin; every run verified (sha256)`);
  for (const [name, values] of Object.entries(rates)) {
    const s = spread(values);
    console.log(
      `  ${name.padEnd(42)} ${describeSpread(s, ' MiB/s').padEnd(48)} ×${(s.median / base).toFixed(2)} user-style, ${(s.median / proxy).toFixed(2)}× proxy`,
    );
  }
} finally {
  inProcess.WSACleanup();
  await world.stop();
  await stopAll();
}
