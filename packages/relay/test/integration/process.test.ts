/**
 * The built package as a process: the CLI (prints its URL, serves, exits 0 on SIGTERM), and
 * `close()` leaving nothing behind (a child process that must exit on its own afterwards).
 * Both run `dist/`, which beforeAll builds (`tsc -b`, incremental).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Capability, FrameType, Reason, type GoawayFrame } from '@ws2web/protocol';
import { startDnsmasq } from '../support/dnsmasq.js';
import { PageClient } from '../support/page-client.js';

const pkgDir = fileURLToPath(new URL('../..', import.meta.url));
const repoRoot = path.resolve(pkgDir, '../..');
const cli = path.join(pkgDir, 'dist/cli.js');

beforeAll(() => {
  execFileSync(process.execPath, [path.join(repoRoot, 'node_modules/typescript/bin/tsc'), '-b', pkgDir], {
    cwd: repoRoot,
    stdio: 'inherit',
  });
}, 120_000);

function exitOf(child: ChildProcess, timeoutMs: number): Promise<{ code: number | null; signal: string | null }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`process ${child.pid} still running after ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const nl = buffered.indexOf('\n');
      if (nl >= 0) resolve(buffered.slice(0, nl));
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code} before printing a line`)));
  });
}

describe('ws2web-relay CLI', () => {
  it('starts with a shebang, prints its URL, serves, and exits 0 on SIGTERM', async () => {
    expect(execFileSync('head', ['-1', cli]).toString()).toBe('#!/usr/bin/env node\n');
    const child = spawn(process.execPath, [cli, '--port', '0', '--allow', '127.0.0.0/8', '--log-level', 'warn'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stderr: Buffer[] = [];
    child.stderr!.on('data', (c: Buffer) => stderr.push(c));
    try {
      const line = await firstLine(child);
      const match = /^ws2web relay listening on (ws:\/\/127\.0\.0\.1:(\d+)\/)$/.exec(line);
      expect(match, line).not.toBeNull();
      const [, url, port] = match!;
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      const page = await PageClient.ready(url!);
      child.kill('SIGTERM');
      const goaway = (await page.next((f) => f.type === FrameType.GOAWAY)) as GoawayFrame;
      expect(goaway.reason).toBe(Reason.SHUTTING_DOWN);
      expect((await page.closed).code).toBe(1001);
      expect(await exitOf(child, 5000)).toEqual({ code: 0, signal: null });
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    expect(Buffer.concat(stderr).toString()).toContain('SIGTERM, draining');
  });

  it('exits 0 on SIGINT too', async () => {
    const child = spawn(process.execPath, [cli, '--port', '0'], { stdio: ['ignore', 'pipe', 'ignore'] });
    expect(await firstLine(child)).toMatch(/^ws2web relay listening on ws:\/\/127\.0\.0\.1:\d+\/$/);
    child.kill('SIGINT');
    expect(await exitOf(child, 5000)).toEqual({ code: 0, signal: null });
  });

  it('on a port already taken, exits 1 with one line that names EADDRINUSE once', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      const child = spawn(process.execPath, [cli, '--host', '127.0.0.1', '--port', String(port)], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout!.setEncoding('utf8').on('data', (c: string) => (stdout += c));
      child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
      expect(await exitOf(child, 5000)).toEqual({ code: 1, signal: null });
      expect({ stdout, stderr }).toEqual({
        stdout: '',
        stderr: `ws2web-relay: cannot listen on 127.0.0.1:${port}: address already in use (EADDRINUSE); another process listens there; stop it or pick another --port (0 picks a free one)\n`,
      });
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  });

  it('prints usage for --help and exits 2 on a bad flag', async () => {
    const help = execFileSync(process.execPath, [cli, '--help']).toString();
    const flags = [
      '--host',
      '--port',
      '--allow',
      '--connect-timeout-ms',
      '--dns',
      '--no-udp',
      '--secret',
      '--allow-origin',
      '--log-level',
      '--config',
      '--tls-cert',
      '--tls-key',
      '--trust-proxy',
      '--deny',
      '--allow-host',
      '--deny-host',
      '--allow-port',
      '--deny-port',
      '--max-connections-per-ip',
      '--exempt-client',
      '--max-streams',
      '--max-sockets',
      '--max-per-destination',
      '--opens-per-second',
      '--open-burst',
      '--bandwidth',
      '--handshake-timeout-ms',
      '--idle-timeout-ms',
      '--heartbeat-ms',
      '--drain-ms',
      '--log-format',
    ];
    for (const flag of flags) {
      expect(help).toContain(flag);
    }
    const bad = spawn(process.execPath, [cli, '--allow', 'not-a-cidr'], { stdio: ['ignore', 'ignore', 'pipe'] });
    const err: Buffer[] = [];
    bad.stderr!.on('data', (c: Buffer) => err.push(c));
    expect((await exitOf(bad, 5000)).code).toBe(2);
    expect(Buffer.concat(err).toString()).toContain('not a CIDR');
    const unknown = spawn(process.execPath, [cli, '--frobnicate'], { stdio: 'ignore' });
    expect((await exitOf(unknown, 5000)).code).toBe(2);
  });

  it('--dns sends names to that server and --no-udp drops the UDP capability', async () => {
    const dns = await startDnsmasq({ records: { hosts: { 'cli.test': ['192.0.2.9'] } } });
    const child = spawn(
      process.execPath,
      [cli, '--port', '0', '--dns', dns.server, '--no-udp', '--log-level', 'warn'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    try {
      const url = /listening on (\S+)$/.exec(await firstLine(child))![1]!;
      const page = await PageClient.connect(url);
      expect(await page.hello()).toMatchObject({
        type: FrameType.WELCOME,
        capabilities: Capability.TCP | Capability.RESOLVE | Capability.INBOUND,
      });
      expect(await page.resolve(1, 'cli.test', 4)).toMatchObject({
        type: FrameType.RESOLVED,
        addresses: [{ kind: 'ipv4', address: '192.0.2.9', port: 0 }],
      });
      expect(dns.queries()).toContain('A cli.test');
      expect(await page.dgramOpen(2, 4)).toEqual({
        type: FrameType.OPEN_FAILED,
        stream: 2,
        reason: Reason.POLICY_DENIED,
      });
      await page.close();
      child.kill('SIGTERM');
      expect(await exitOf(child, 5000)).toEqual({ code: 0, signal: null });
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await dns.stop();
    }
  });
});

describe('close() leaves nothing running', () => {
  it('a process that used the relay exits by itself after close()', async () => {
    // Opens a stream with data in flight, a page that never said HELLO, a stream the page
    // closed gracefully whose peer never reads, and a UDP socket, then closes. Any leaked timer or socket keeps
    // the child alive and fails the test.
    const script = `
      import net from 'node:net';
      import { once } from 'node:events';
      import { WebSocket } from 'ws';
      import { encodeFrames, decodeMessage, FrameType } from '@ws2web/protocol';
      import { startRelay } from './dist/index.js';
      const echo = net.createServer({ allowHalfOpen: true }, (s) => { s.on('error', () => {}); s.pipe(s); });
      const sink = net.createServer((s) => { s.on('error', () => {}); s.pause(); });
      echo.listen(0, '127.0.0.1'); sink.listen(0, '127.0.0.1');
      await Promise.all([once(echo, 'listening'), once(sink, 'listening')]);
      const relay = await startRelay({ allow: ['127.0.0.0/8'], heartbeatMs: 50, lingerMs: 60000, log: () => {} });
      const idle = new WebSocket(relay.url); idle.on('error', () => {});
      const ws = new WebSocket(relay.url);
      await once(ws, 'open');
      const frames = [];
      ws.on('message', (m) => { const d = decodeMessage(new Uint8Array(m)); if (d.ok) frames.push(...d.frames); });
      const ep = (port) => ({ kind: 'ipv4', address: '127.0.0.1', port });
      ws.send(encodeFrames([
        { type: FrameType.HELLO, version: 1, token: '' },
        { type: FrameType.OPEN, stream: 1, transport: 1, flags: 0, window: 1 << 20, remote: ep(echo.address().port), local: null },
        { type: FrameType.OPEN, stream: 2, transport: 1, flags: 0, window: 1 << 20, remote: ep(sink.address().port), local: null },
        { type: FrameType.DGRAM_OPEN, stream: 3, family: 4, flags: 0, window: 1 << 16, local: null },
      ]));
      while (frames.filter((f) => f.type === FrameType.OPENED || f.type === FrameType.DGRAM_OPENED).length < 3) await new Promise((r) => setTimeout(r, 5));
      ws.send(encodeFrames([
        { type: FrameType.DATA, stream: 1, data: new Uint8Array(60000) },
        { type: FrameType.DATA, stream: 2, data: new Uint8Array(60000) },
        { type: FrameType.CLOSE, stream: 2, reason: 0 },
      ]));
      while (!frames.some((f) => f.type === FrameType.DATA)) await new Promise((r) => setTimeout(r, 5));
      await relay.close();
      echo.close(); sink.close();
      console.log('closed', JSON.stringify(relay.metrics()));
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      cwd: pkgDir,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
    });
    const started = Date.now();
    expect(await exitOf(child, 8000)).toEqual({ code: 0, signal: null });
    expect(Date.now() - started).toBeLessThan(8000);
    expect(out).toMatch(/^closed /);
    const metrics = JSON.parse(out.slice('closed '.length));
    expect(metrics).toMatchObject({ connections: 0, streams: 0, opens: { OK: 2 }, udpSockets: 0, udpOpens: { OK: 1 } });
  }, 15_000);
});
