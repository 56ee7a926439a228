#!/usr/bin/env node
// What one MiB (or one round trip, or one connect) costs each process, in figures that do not
// depend on how busy the machine is: CPU milliseconds per MiB of the relay, the client and the
// echo server (process.cpuUsage deltas), read/write syscalls per MiB (/proc/<pid>/io), and the
// WebSocket messages and ws2web frames per MiB each way. The client is the user-style client
// (bench/lib/user-client.mjs --cost) in a fresh process, as in the bench's user-style cases; the
// plain proxy is measured the same way for reference.
//
//   node bench/cost.mjs [--mib 128] [--runs 3] [--only bulk64k,bulk4k,pieces,request64,connect]
//                       [--paths ws2web,proxy] [--relay-options JSON] [--prof DIR] [--out FILE]
//                       [--base DIR]
//   --prof DIR writes V8 CPU profiles of the relay and of every client process into DIR.
//   --base DIR adds the path `base`: the relay and client of another checkout, built (e.g.
//   `git archive <commit> packages bench … | tar -x -C DIR`, its node_modules linked, `tsc -b`),
//   measured round-robin with this one, so a before/after pair shares the machine's load.
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startRole, stopAll } from './lib/children.mjs';
import { costDelta } from './lib/cost-counters.mjs';
import { MiB, median, round } from './lib/stats.mjs';

const { values: args } = parseArgs({
  options: {
    mib: { type: 'string', default: '128' },
    runs: { type: 'string', default: '3' },
    only: { type: 'string', default: 'bulk64k,bulk4k,pieces,request64,connect' },
    paths: { type: 'string', default: 'ws2web,proxy' },
    'relay-options': { type: 'string', default: '{}' },
    prof: { type: 'string' },
    out: { type: 'string', default: fileURLToPath(new URL('./results/cost.json', import.meta.url)) },
    smoke: { type: 'boolean', default: false },
    base: { type: 'string' },
  },
});
const CLIENT = fileURLToPath(new URL('./lib/user-client.mjs', import.meta.url));
const baseFile = (file) => `${args.base}/bench/lib/${file}`;
const bytes = Math.round(Number(args.smoke ? '2' : args.mib) * MiB);
const runs = args.smoke ? 1 : Number(args.runs);
const TIMEOUT_MS = 300_000;
if (args.prof) {
  mkdirSync(args.prof, { recursive: true });
  process.env.BENCH_CPU_PROF = args.prof;
}

const targets = await startRole('user-targets');
const { plainPort, piecesPort } = targets.info;
const proxy = await startRole('user-proxy', [String(plainPort), String(piecesPort)]);
delete process.env.BENCH_CPU_PROF; // only the relay and the clients are profiled
const relay = await startRole('relay', [args['relay-options']], {
  execArgv: args.prof ? ['--cpu-prof', `--cpu-prof-dir=${args.prof}`, '--cpu-prof-name=relay.cpuprofile'] : [],
});
const baseRelay = args.base
  ? await startRole('relay', [args['relay-options']], { module: baseFile('server-process.mjs') })
  : null;
const ports = { plain: plainPort, pieces: piecesPort };
const proxyPorts = { plain: proxy.info.ports[0], pieces: proxy.info.ports[1] };
const pathArgs = {
  ws2web: (echo) => ['ws2web', '--relay', relay.info.relayUrl, '--port', String(ports[echo])],
  proxy: (echo) => ['net', '--port', String(proxyPorts[echo])],
};
const middle = { ws2web: relay, proxy };
if (baseRelay) {
  pathArgs.base = (echo) => ['ws2web', '--relay', baseRelay.info.relayUrl, '--port', String(ports[echo])];
  middle.base = baseRelay;
}
const paths = [...(baseRelay ? ['base'] : []), ...args.paths.split(',')];

const cases = {
  bulk64k: { echo: 'plain', mode: ['bulk', '--bytes', String(bytes), '--chunk', String(64 * 1024)], unit: 'MiB' },
  bulk4k: { echo: 'plain', mode: ['bulk', '--bytes', String(bytes), '--chunk', String(4 * 1024)], unit: 'MiB' },
  pieces: { echo: 'pieces', mode: ['bulk', '--bytes', String(bytes), '--chunk', String(64 * 1024)], unit: 'MiB' },
  request64: {
    echo: 'plain',
    mode: ['request', '--size', '64', '--ms', args.smoke ? '200' : '2000'],
    unit: 'round trip',
  },
  connect: { echo: 'plain', mode: ['connect', '--count', args.smoke ? '20' : '300'], unit: 'connect' },
};

let profileRun = 0;
function runClient(clientArgs, client = CLIENT) {
  const execArgv = args.prof
    ? [
        '--cpu-prof',
        `--cpu-prof-dir=${args.prof}`,
        `--cpu-prof-name=client-${clientArgs[0]}-${++profileRun}.cpuprofile`,
      ]
    : [];
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [...execArgv, client, ...clientArgs, '--cost'],
      { timeout: TIMEOUT_MS, maxBuffer: 64 * MiB },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`client ${clientArgs.join(' ')} failed: ${error.message}\n${stderr}`));
        else resolve(JSON.parse(stdout.trim().split('\n').pop()));
      },
    );
  });
}

const cpuMs = (d) => (d.userUs + d.systemUs) / 1000;

/** One run: the figures per unit (MiB, round trip or connect). */
async function measure(pathName, c) {
  const box = middle[pathName];
  const [boxBefore, echoBefore] = [await box.cost(), await targets.cost()];
  const client = pathName === 'base' ? baseFile('user-client.mjs') : CLIENT;
  const r = await runClient([...pathArgs[pathName](c.echo), ...c.mode], client);
  const [boxAfter, echoAfter] = [await box.cost(), await targets.cost()];
  if (r.verified === false) throw new Error(`${pathName} ${c.mode[0]}: transfer did not verify`);
  const units = c.unit === 'MiB' ? r.received / MiB : c.unit === 'round trip' ? r.rounds : r.samples.length;
  const boxCost = costDelta(boxBefore, boxAfter);
  const echoCost = costDelta(echoBefore, echoAfter);
  const per = (v) => v / units;
  const row = {
    units,
    middleCpuMs: per(cpuMs(boxCost)),
    clientCpuMs: per(cpuMs(r.cost.client)),
    echoCpuMs: per(cpuMs(echoCost)),
    middleSyscalls: per(boxCost.syscr + boxCost.syscw),
    clientSyscalls: per(r.cost.client.syscr + r.cost.client.syscw),
  };
  if (r.cost.ws) {
    const { sent, received } = r.cost.ws;
    row.messagesToRelay = per(sent.messages);
    row.messagesFromRelay = per(received.messages);
    for (const [dir, side] of [
      ['ToRelay', sent],
      ['FromRelay', received],
    ])
      for (const [type, n] of Object.entries(side.frames)) row[`${type}${dir}`] = per(n);
  }
  return row;
}

const report = {
  date: new Date().toISOString(),
  bytes,
  runs,
  relayOptions: JSON.parse(args['relay-options']),
  cases: {},
};
try {
  for (const name of args.only.split(',')) {
    const c = cases[name];
    if (!c) throw new Error(`unknown case ${name} (${Object.keys(cases).join(', ')})`);
    const byPath = Object.fromEntries(paths.map((p) => [p, []]));
    for (let i = 0; i < runs; i++) for (const [p, rows] of Object.entries(byPath)) rows.push(await measure(p, c));
    report.cases[name] = { unit: c.unit, paths: {} };
    for (const [p, rows] of Object.entries(byPath)) {
      const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))];
      const summary = Object.fromEntries(keys.map((k) => [k, round(median(rows.map((r) => r[k] ?? 0)), 3)]));
      report.cases[name].paths[p] = summary;
      const cpuUnit = c.unit === 'MiB' ? 'ms' : 'µs';
      const k = c.unit === 'MiB' ? 1 : 1000;
      const msg =
        summary.messagesToRelay !== undefined
          ? ` | WS messages to/from relay ${summary.messagesToRelay}/${summary.messagesFromRelay}, DATA ${summary.DATAToRelay ?? 0}/${summary.DATAFromRelay ?? 0}, CREDIT ${summary.CREDITToRelay ?? 0}/${summary.CREDITFromRelay ?? 0}`
          : '';
      console.log(
        `${name.padEnd(9)} ${p.padEnd(6)} per ${c.unit}: CPU ${cpuUnit} middle ${round(summary.middleCpuMs * k, 3)}, client ${round(summary.clientCpuMs * k, 3)}, echo ${round(summary.echoCpuMs * k, 3)} | syscalls middle ${round(summary.middleSyscalls, 1)}, client ${round(summary.clientSyscalls, 1)}${msg}`,
      );
    }
  }
  writeFileSync(args.out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`wrote ${args.out}`);
} finally {
  await stopAll();
}
