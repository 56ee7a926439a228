/**
 * The bench cannot rot: `node bench/run.mjs --smoke` runs every Node path of every case the bench
 * has (except the two that need thousands of sockets or seconds of waiting, and Chromium's) with
 * tiny sizes, the user-style cases and scale10k with 100 sockets included, and must exit 0 with
 * every transfer verified. No timing is asserted: the figures of a smoke run mean nothing. Needs
 * `pnpm build` (the bench drives dist/).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, test } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const outDir = mkdtempSync(join(tmpdir(), 'ws2web-bench-smoke-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

interface Row {
  value: number;
  verified?: boolean;
}
interface Report {
  failures: string[];
  cases: Record<string, { paths: Record<string, Row> }>;
}

function runSmoke(out: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(ROOT, 'bench/run.mjs'), '--smoke', '--out', out],
      { cwd: ROOT, timeout: 90_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) =>
        resolve({
          code: error ? (typeof error.code === 'number' ? error.code : -1) : 0,
          output: `${stdout}\n${stderr}`,
        }),
    );
  });
}

test('bench --smoke runs every case and every transfer verifies', async () => {
  expect(
    existsSync(join(ROOT, 'packages/browser/dist/index.js')),
    'run `pnpm build` first: the bench drives the built packages',
  ).toBe(true);
  const out = join(outDir, 'smoke.json');
  const { code, output } = await runSmoke(out);
  expect(code, output).toBe(0);
  const report = JSON.parse(readFileSync(out, 'utf8')) as Report;
  expect(report.failures).toEqual([]);
  const expected = [
    'userBulk64k',
    'userBulk4k',
    'userBulkPieces',
    'userConnect',
    'userRequest64',
    'bulkEcho',
    'bulkSink',
    'connectLatency',
    'pingPong64',
    'pingPong1k',
    'parallel',
    'fairness',
    'udp',
    'scale10k',
  ];
  expect(Object.keys(report.cases).sort()).toEqual([...expected].sort());
  for (const name of ['userBulk64k', 'userBulk4k', 'userBulkPieces', 'userConnect', 'userRequest64']) {
    // Each user-style case ran the baselines and ws2web, each to a verified end.
    expect(Object.keys(report.cases[name]?.paths ?? {}), name).toEqual(
      expect.arrayContaining(['direct', 'proxy', 'ws2web']),
    );
  }
  for (const [name, c] of Object.entries(report.cases)) {
    for (const [path, row] of Object.entries(c.paths)) {
      expect(row.value, `${name}/${path} has a figure`).toBeGreaterThan(0);
      if (row.verified !== undefined) expect(row.verified, `${name}/${path} verified`).toBe(true);
    }
  }
  for (const name of [
    'bulkEcho',
    'bulkSink',
    'parallel',
    'userBulk64k',
    'userBulk4k',
    'userBulkPieces',
    'userConnect',
    'userRequest64',
  ]) {
    for (const [path, row] of Object.entries(report.cases[name]?.paths ?? {}))
      expect(row.verified, `${name}/${path} is checked`).toBe(true);
  }
}, 100_000);

test('bench/cost.mjs --smoke measures every case with its counters', async () => {
  const out = join(outDir, 'cost.json');
  const { code, output } = await new Promise<{ code: number; output: string }>((resolve) => {
    execFile(
      process.execPath,
      [join(ROOT, 'bench/cost.mjs'), '--smoke', '--out', out],
      { cwd: ROOT, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) =>
        resolve({
          code: error ? (typeof error.code === 'number' ? error.code : -1) : 0,
          output: `${stdout}\n${stderr}`,
        }),
    );
  });
  expect(code, output).toBe(0);
  const report = JSON.parse(readFileSync(out, 'utf8')) as {
    cases: Record<string, { paths: Record<string, Record<string, number>> }>;
  };
  expect(Object.keys(report.cases).sort()).toEqual(['bulk4k', 'bulk64k', 'connect', 'pieces', 'request64']);
  for (const [name, c] of Object.entries(report.cases)) {
    const ws2web = c.paths.ws2web ?? {};
    expect(ws2web.middleCpuMs, `${name}: relay CPU`).toBeGreaterThan(0);
    expect(ws2web.clientCpuMs, `${name}: client CPU`).toBeGreaterThan(0);
    // Every case moves DATA both ways through the relay's WebSocket.
    expect(ws2web.DATAToRelay, `${name}: DATA frames to the relay`).toBeGreaterThan(0);
    expect(ws2web.DATAFromRelay, `${name}: DATA frames from the relay`).toBeGreaterThan(0);
    expect(c.paths.proxy?.middleCpuMs, `${name}: proxy CPU`).toBeGreaterThan(0);
  }
}, 70_000);
