/**
 * Operating the relay: TLS (a self-signed certificate made by the `openssl` CLI for this run),
 * config files and their errors, JSON logs, /readyz, every new metric scraped from /metrics,
 * graceful drain (in process and on SIGTERM), the start-up warning. Loopback only.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FrameType, Reason, encodeFrame, type GoawayFrame } from '@ws2web/protocol';
import { startRelay } from '../../src/index.js';
import { parseCommandLine } from '../../src/config/cli-options.js';
import { parseConfig } from '../../src/config/config-file.js';
import { PageClient, ipv4 } from '../support/page-client.js';
import { startEchoServer, type TestServer } from '../support/tcp-servers.js';
import { defer, useRelay, waitUntil } from '../support/index.js';

const pkgDir = fileURLToPath(new URL('../..', import.meta.url));
const repoRoot = path.resolve(pkgDir, '../..');
const cli = path.join(pkgDir, 'dist/cli.js');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'ws2web-ops-'));
let cert = '';
let key = '';

beforeAll(() => {
  execFileSync(process.execPath, [path.join(repoRoot, 'node_modules/typescript/bin/tsc'), '-b', pkgDir], {
    cwd: repoRoot,
    stdio: 'inherit',
  });
  // A throw-away certificate for 127.0.0.1, valid for a day (node:crypto cannot make X.509).
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      path.join(tmp, 'key.pem'),
      '-out',
      path.join(tmp, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  cert = readFileSync(path.join(tmp, 'cert.pem'), 'utf8');
  key = readFileSync(path.join(tmp, 'key.pem'), 'utf8');
}, 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function echo(): Promise<TestServer> {
  const s = await startEchoServer();
  defer(() => s.close());
  return s;
}

function httpsGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca: cert }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => {
          body += c.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

/** HELLO over wss:// trusting only our certificate; resolves with the first frame type received. */
function wssHello(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { ca: cert, perMessageDeflate: false });
    ws.once('open', () => ws.send(encodeFrame({ type: FrameType.HELLO, version: 1, token: '' })));
    ws.once('message', (data: Buffer) => {
      resolve(data[0]!);
      ws.close();
    });
    ws.once('error', reject);
  });
}

function spawnCli(args: string[]): { child: ChildProcess; stderr: () => string; line: Promise<string> } {
  const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  defer(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let err = '';
  child.stderr!.on('data', (c: Buffer) => {
    err += c.toString();
  });
  const line = new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n')));
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
  });
  // A CLI that is meant to fail never prints a line; only callers that await `line` see the rejection.
  line.catch(() => {});
  return { child, stderr: () => err, line };
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
  });
}

describe('TLS', () => {
  it('startRelay({ tls }) serves wss:// and https:// health on the same port', async () => {
    const relay = await useRelay({ allow: ['127.0.0.0/8'], tls: { cert, key } });
    expect(relay.url).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\/$/);
    expect(await wssHello(relay.url)).toBe(FrameType.WELCOME);
    expect(await httpsGet(`${relay.url.replace('wss:', 'https:')}healthz`)).toEqual({ status: 200, body: 'ok' });
  });

  it('the CLI takes --tls-cert/--tls-key and prints a wss:// URL; a missing file exits 2', async () => {
    const { child, line } = spawnCli([
      '--port',
      '0',
      '--tls-cert',
      path.join(tmp, 'cert.pem'),
      '--tls-key',
      path.join(tmp, 'key.pem'),
      '--log-level',
      'warn',
    ]);
    const url = /listening on (wss:\/\/127\.0\.0\.1:\d+\/)$/.exec(await line)?.[1];
    expect(url).toBeDefined();
    expect(await wssHello(url!)).toBe(FrameType.WELCOME);
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
    const bad = spawnCli([
      '--port',
      '0',
      '--tls-cert',
      path.join(tmp, 'nope.pem'),
      '--tls-key',
      path.join(tmp, 'key.pem'),
    ]);
    expect(await exited(bad.child)).toBe(2);
    expect(bad.stderr()).toContain('--tls-cert');
  });
});

describe('config files', () => {
  it('YAML and JSON give startRelay options; paths are relative to the file', () => {
    writeFileSync(path.join(tmp, 'secret.txt'), 'from-a-file\n');
    const yaml = parseConfig(
      [
        'host: 127.0.0.1',
        'port: 0',
        'deny: [203.0.113.0/24]',
        'allowPorts: [443, "8000-8999"]',
        'maxConnectionsPerIp: 8',
        'logFormat: json',
        'secretFile: secret.txt',
        'dns: { servers: ["127.0.0.1:5353"] }',
        'tls: { cert: cert.pem, key: key.pem }',
      ].join('\n'),
      path.join(tmp, 'relay.yaml'),
    );
    expect(yaml).toMatchObject({
      host: '127.0.0.1',
      port: 0,
      deny: ['203.0.113.0/24'],
      allowPorts: [443, '8000-8999'],
      maxConnectionsPerIp: 8,
      logFormat: 'json',
      secret: 'from-a-file',
      dns: { servers: ['127.0.0.1:5353'] },
    });
    expect(yaml.tls).toEqual({ cert, key });
    expect(parseConfig('{"udp": false, "opensPerSecond": 2.5}', path.join(tmp, 'relay.json'))).toEqual({
      udp: false,
      opensPerSecond: 2.5,
    });
    expect(parseConfig('', path.join(tmp, 'empty.yaml'))).toEqual({});
  });

  it('a repeatable option takes one value as well as a list, as its flag does', () => {
    const file = path.join(tmp, 'relay.yaml');
    expect(parseConfig('allow: 127.0.0.0/8\ndenyPorts: 25\nexemptClients: ::1/128\n', file)).toEqual({
      allow: ['127.0.0.0/8'],
      denyPorts: [25],
      exemptClients: ['::1/128'],
    });
    expect(parseConfig('allow: [127.0.0.0/8, ::1/128]\n', file)).toEqual({ allow: ['127.0.0.0/8', '::1/128'] });
    expect(parseConfig('listen: { addresses: 127.0.0.1, remotes: 10.0.0.0/8 }\n', file)).toEqual({
      listen: { addresses: ['127.0.0.1'], remotes: ['10.0.0.0/8'] },
    });
    expect(() => parseConfig('allow: 8\n', file)).toThrow(/allow\.0: Expected string, received number/);
    expect(parseCommandLine(['--allow', '127.0.0.0/8'], {})!.allow).toEqual(['127.0.0.0/8']);
  });

  it('errors name the file, the key and the problem — every problem at once', () => {
    const file = path.join(tmp, 'bad.yaml');
    expect(() => parseConfig('port: "8787"\nallow: 10.0.0.0/8\nmaxStreams: -1\nalow: []\n', file)).toThrowError(
      `${file}: invalid configuration:\n  port: Expected number, received string\n  maxStreams: Number must be greater than 0\n  (top level): Unrecognized key(s) in object: 'alow'`,
    );
    expect(() => parseConfig('port: 1\nport: 2\n', file)).toThrow(/not valid YAML:\n.*Map keys must be unique/);
    expect(() => parseConfig('{"port": 1,}', path.join(tmp, 'bad.json'))).toThrow(/bad\.json: not valid JSON/);
    expect(() => parseConfig('secret: a\nsecretFile: b\n', file)).toThrow(/give secret or secretFile, not both/);
    expect(() => parseConfig('tls: { cert: missing.pem, key: key.pem }', file)).toThrow(
      /tls\.cert .*missing\.pem: cannot read \(ENOENT\)/,
    );
  });

  it('the CLI reads --config, lets flags override it, and exits 2 with the error on a bad file', async () => {
    const good = path.join(tmp, 'good.yaml');
    writeFileSync(good, 'port: 1\nudp: false\nlogLevel: warn\nallow: [127.0.0.0/8]\n');
    const { child, line } = spawnCli(['--config', good, '--port', '0']);
    const url = /listening on (ws:\/\/127\.0\.0\.1:(\d+)\/)$/.exec(await line);
    expect(url?.[2]).not.toBe('1');
    const page = await PageClient.connect(url![1]!);
    const welcome = await page.hello();
    expect(welcome.type === FrameType.WELCOME && welcome.capabilities).toBe(0b1101); // TCP | RESOLVE | INBOUND, UDP off from the file
    await page.close();
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);

    const badFile = path.join(tmp, 'bad-cli.yaml');
    writeFileSync(badFile, 'maxConnectionsPerIp: lots\n');
    const bad = spawnCli(['--config', badFile]);
    expect(await exited(bad.child)).toBe(2);
    expect(bad.stderr()).toBe(
      `ws2web-relay: ${badFile}: invalid configuration:\n  maxConnectionsPerIp: Expected number, received string\n`,
    );
    const semantic = spawnCli(['--config', good, '--deny', '10.0.0.0/99']);
    expect(await exited(semantic.child)).toBe(2);
    expect(semantic.stderr()).toContain('deny entry "10.0.0.0/99" is not a CIDR');
  });
});

describe('logs', () => {
  it('--log-format json writes one JSON object per line with connection ids and no payloads', async () => {
    const server = await echo();
    const { child, line, stderr } = spawnCli([
      '--port',
      '0',
      '--allow',
      '127.0.0.0/8',
      '--log-format',
      'json',
      '--log-level',
      'debug',
    ]);
    const url = /listening on (\S+)$/.exec(await line)![1]!;
    const page = await PageClient.ready(url);
    const opened = await page.open(1, ipv4(server.port));
    expect(opened.type).toBe(FrameType.OPENED);
    page.send({ type: FrameType.DATA, stream: 1, data: Buffer.from('SECRET-PAYLOAD') });
    expect((await page.read(1, 14)).toString()).toBe('SECRET-PAYLOAD');
    await page.close();
    child.kill('SIGTERM');
    await exited(child);
    const records = stderr()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.find((r) => r.msg === 'listening')).toMatchObject({ level: 'info', denyPorts: '25', auth: 'none' });
    const connected = records.find((r) => r.msg === 'page connected')!;
    expect(connected).toMatchObject({ level: 'info', peer: '127.0.0.1' });
    expect(connected.conn).toSatisfy((conn: unknown) => Number.isInteger(conn) && (conn as number) > 0);
    expect(records.find((r) => r.msg === 'opened')).toMatchObject({ conn: connected.conn, stream: 1 });
    expect(stderr()).not.toContain('SECRET-PAYLOAD');
  });

  it('warns at start-up when listening beyond loopback without a secret', async () => {
    const records: Array<[string, string]> = [];
    const open = await startRelay({
      host: '0.0.0.0',
      port: 0,
      log: (level, msg) => records.push([level, msg]),
      logLevel: 'warn',
    });
    await open.close();
    expect(records).toEqual([['warn', expect.stringMatching(/^listening beyond loopback without a secret/)]]);
    records.length = 0;
    const withSecret = await startRelay({
      host: '0.0.0.0',
      port: 0,
      secret: 's',
      log: (level, msg) => records.push([level, msg]),
      logLevel: 'warn',
    });
    await withSecret.close();
    const local = await startRelay({
      host: '127.0.0.1',
      port: 0,
      log: (level, msg) => records.push([level, msg]),
      logLevel: 'warn',
    });
    await local.close();
    expect(records).toEqual([]);
  });
});

describe('/readyz and /metrics', () => {
  it('/readyz is 200 while new pages are welcome and 503 at the socket limit', async () => {
    const server = await echo();
    const relay = await useRelay({ allow: ['127.0.0.0/8'], maxSocketsTotal: 1 });
    const base = relay.url.replace('ws:', 'http:');
    expect((await fetch(`${base}readyz`)).status).toBe(200);
    const page = await PageClient.ready(relay.url);
    defer(() => page.close());
    await page.open(1, ipv4(server.port));
    const full = await fetch(`${base}readyz`);
    expect([full.status, await full.text()]).toEqual([503, 'at capacity (1 sockets)']);
    expect((await fetch(`${base}healthz`)).status).toBe(200);
  });

  it('serves refusals by reason, limit hits, streams by state, the connect histogram and the drain gauge', async () => {
    const server = await echo();
    const relay = await useRelay({ allow: ['127.0.0.0/8'], maxStreams: 2 });
    const page = await PageClient.ready(relay.url);
    defer(() => page.close());
    await page.open(1, ipv4(server.port));
    await page.open(2, ipv4(80, '10.0.0.1'));
    await page.open(3, ipv4(25, '93.184.216.34'));
    await page.open(4, ipv4(server.port));
    await page.open(5, ipv4(server.port)); // the third live stream: LIMIT
    const text = await (await fetch(`${relay.url.replace('ws:', 'http:')}metrics`)).text();
    const sample = (line: string) =>
      text
        .split('\n')
        .find((l) => l.startsWith(`${line} `))
        ?.slice(line.length + 1);
    expect(sample('ws2web_relay_policy_refusals_total')).toBe('2');
    expect(sample('ws2web_relay_policy_refusals_by_reason_total{reason="private"}')).toBe('1');
    expect(sample('ws2web_relay_policy_refusals_by_reason_total{reason="port"}')).toBe('1');
    expect(sample('ws2web_relay_limit_hits_total{limit="streams_per_connection"}')).toBe('1');
    expect(sample('ws2web_relay_streams_by_state{state="OPEN"}')).toBe('2');
    expect(sample('ws2web_relay_connect_seconds_count')).toBe('2');
    expect(sample('ws2web_relay_connect_seconds_bucket{le="+Inf"}')).toBe('2');
    expect(Number(sample('ws2web_relay_connect_seconds_bucket{le="1"}'))).toBe(2);
    expect(sample('ws2web_relay_draining')).toBe('0');
    expect(text).toContain('# TYPE ws2web_relay_connect_seconds histogram');
  });
});

describe('graceful drain', () => {
  it('close({ drainMs }): no new pages or streams, open streams keep working, each page closes when its last stream ends', async () => {
    const server = await echo();
    const relay = await startRelay({ log: () => {}, allow: ['127.0.0.0/8'] });
    const busy = await PageClient.ready(relay.url);
    const idle = await PageClient.ready(relay.url);
    defer(() => busy.close());
    defer(() => idle.close());
    expect((await busy.open(1, ipv4(server.port))).type).toBe(FrameType.OPENED);
    const started = performance.now();
    const closing = relay.close({ drainMs: 5000 });
    // The idle page goes at once; the busy one keeps its stream.
    expect(((await idle.next((f) => f.type === FrameType.GOAWAY)) as GoawayFrame).reason).toBe(Reason.SHUTTING_DOWN);
    const base = relay.url.replace('ws:', 'http:');
    expect((await fetch(`${base}healthz`)).status).toBe(503);
    expect((await fetch(`${base}readyz`)).status).toBe(503);
    await expect(PageClient.connect(relay.url)).rejects.toMatchObject({ statusCode: 503 });
    expect(await busy.open(2, ipv4(server.port))).toEqual({
      type: FrameType.OPEN_FAILED,
      stream: 2,
      reason: Reason.SHUTTING_DOWN,
    });
    busy.send({ type: FrameType.DATA, stream: 1, data: Buffer.from('still here') });
    expect((await busy.read(1, 10)).toString()).toBe('still here');
    expect(relay.metrics().limitHits).toEqual({});
    busy.send({ type: FrameType.CLOSE, stream: 1, reason: Reason.OK });
    expect(((await busy.next((f) => f.type === FrameType.GOAWAY)) as GoawayFrame).reason).toBe(Reason.SHUTTING_DOWN);
    expect((await busy.closed).code).toBe(1001);
    await closing;
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('cuts what is still open when drainMs is over', async () => {
    const server = await echo();
    const relay = await startRelay({ log: () => {}, allow: ['127.0.0.0/8'] });
    const page = await PageClient.ready(relay.url);
    defer(() => page.close());
    await page.open(1, ipv4(server.port));
    const started = performance.now();
    await relay.close({ drainMs: 300 });
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(290);
    expect(waited).toBeLessThan(1500);
    expect(((await page.next((f) => f.type === FrameType.GOAWAY)) as GoawayFrame).reason).toBe(Reason.SHUTTING_DOWN);
    expect(relay.metrics().streams).toBe(0);
  });

  it('the CLI drains on SIGTERM: a transfer in progress finishes, then the process exits 0', async () => {
    const server = await echo();
    const { child, line, stderr } = spawnCli([
      '--port',
      '0',
      '--allow',
      '127.0.0.0/8',
      '--drain-ms',
      '5000',
      '--log-level',
      'warn',
    ]);
    const url = /listening on (\S+)$/.exec(await line)![1]!;
    const page = await PageClient.ready(url);
    defer(() => page.close());
    await page.open(1, ipv4(server.port));
    child.kill('SIGTERM');
    await waitUntil(() => stderr().includes('SIGTERM, draining'), 5000, 'the drain to start');
    page.send({ type: FrameType.DATA, stream: 1, data: Buffer.from('after SIGTERM') });
    expect((await page.read(1, 13)).toString()).toBe('after SIGTERM');
    expect(child.exitCode).toBeNull();
    page.send({ type: FrameType.CLOSE, stream: 1, reason: Reason.OK });
    expect(await exited(child)).toBe(0);
  });
});

describe('dependencies', () => {
  it('runs on ws >= 8.21.1, the floor docs/security.md sets', () => {
    const version = (createRequire(path.join(pkgDir, 'package.json'))('ws/package.json') as { version: string })
      .version;
    const [major, minor, patch] = version.split('.').map(Number) as [number, number, number];
    expect(major * 1e6 + minor * 1e3 + patch, version).toBeGreaterThanOrEqual(8_021_001);
  });
});
