/**
 * Fault tolerance, on loopback only: the relay killed mid-transfer, a peer reset mid-transfer, a
 * page that stops reading while its peer sends 1 GiB (the relay's RSS must stay bounded), 1,000
 * pages × 10 sockets, a WebSocket cut while its connects are in flight, and random frames
 * thrown at a live relay (it answers protocol errors, never crashes, leaks nothing).
 *
 * Where a relay runs as a child process (the CLI from dist/, built by beforeAll) it is so that
 * its RSS and file descriptors are its own. The fuzzed relay dials nothing but a loopback echo
 * server, resolves nothing, and sends no datagram: its dialer, lookup and UDP sockets are
 * injected, whatever destinations the random frames name.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { beforeAll, describe, expect, it } from 'vitest';
import { FrameType, Reason, encodeFrame, type Frame } from '@ws2web/protocol';
import { startRelay, type Relay } from '../../src/index.js';
import { startBlackhole } from '../support/blackhole.js';
import { PageClient, ipv4, ipv6, named } from '../support/page-client.js';
import { startEchoServer, startServer, type TestServer } from '../support/tcp-servers.js';
import { defer, sleep, waitUntil } from '../support/index.js';

const pkgDir = fileURLToPath(new URL('../..', import.meta.url));
const repoRoot = path.resolve(pkgDir, '../..');
const cli = path.join(pkgDir, 'dist/cli.js');

beforeAll(() => {
  execFileSync(process.execPath, [path.join(repoRoot, 'node_modules/typescript/bin/tsc'), '-b', pkgDir], {
    cwd: repoRoot,
    stdio: 'inherit',
  });
}, 120_000);

async function server(onSocket: (s: net.Socket) => void): Promise<TestServer> {
  const s = await startServer(onSocket);
  defer(() => s.close());
  return s;
}

/** The CLI relay as a child process; resolves once it printed its URL. */
async function cliRelay(args: string[] = []): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [cli, '--port', '0', '--allow', '127.0.0.0/8', '--log-level', 'error', ...args],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  defer(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (\S+)\n/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`relay exited ${code}`)));
  });
  return { child, url };
}

function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m![1]) * 1024;
}

/** A server that sends `total` bytes as fast as the connection takes them (respecting backpressure). */
function firehose(total: number): (socket: net.Socket) => void {
  return (socket) => {
    const chunk = Buffer.alloc(64 * 1024, 0x5a);
    let sent = 0;
    const pump = (): void => {
      while (sent < total && !socket.destroyed) {
        sent += chunk.length;
        if (!socket.write(chunk)) return;
      }
    };
    socket.on('drain', pump);
    pump();
  };
}

describe('faults', () => {
  it('relay killed mid-transfer: the page sees its WebSocket close within a bounded time, the peer sees its socket go', async () => {
    let peerClosed = 0;
    const s = await server((socket) => {
      firehose(1 << 30)(socket);
      socket.on('close', () => {
        peerClosed = performance.now();
      });
    });
    const { child, url } = await cliRelay();
    const page = await PageClient.ready(url);
    defer(() => page.close());
    expect((await page.open(1, ipv4(s.port))).type).toBe(FrameType.OPENED);
    await page.read(1, 256 * 1024); // data is flowing
    const killed = performance.now();
    child.kill('SIGKILL');
    const closed = await page.closed;
    const toPage = performance.now() - killed;
    expect(closed.code).toBe(1006); // abnormal: no close frame, what a browser reports as WSAECONNABORTED after WELCOME
    expect(toPage).toBeLessThan(1000);
    await waitUntil(() => peerClosed > 0, 2000, 'the peer to see its connection go');
    expect(peerClosed - killed).toBeLessThan(2000);
    console.log(
      `relay SIGKILL: page saw close after ${Math.round(toPage)} ms, peer after ${Math.round(peerClosed - killed)} ms`,
    );
  });

  it('peer reset mid-transfer: the page reading along gets CLOSE(RESET), nothing after it, and the stream is freed', async () => {
    const s = await server((socket) => {
      // Node falls back to a plain close (FIN) when its own write queue is not empty, so the
      // reset waits until Node handed every byte to the kernel.
      socket.write(Buffer.alloc(4 << 20, 3));
      const reset = (): void => {
        if (socket.writableLength === 0) socket.resetAndDestroy();
        else socket.once('drain', reset);
      };
      setTimeout(reset, 100);
    });
    const relay = await startRelay({ log: () => {}, allow: ['127.0.0.0/8'] });
    defer(() => relay.close());
    const page = await PageClient.ready(relay.url);
    defer(() => page.close());
    expect((await page.open(1, ipv4(s.port), { window: 64 * 1024 })).type).toBe(FrameType.OPENED);
    let received = 0;
    let last: Frame;
    for (;;) {
      last = await page.next((f) => 'stream' in f && f.stream === 1, 3000);
      if (last.type !== FrameType.DATA) break;
      received += last.data.length;
      page.send({ type: FrameType.CREDIT, stream: 1, bytes: last.data.length });
    }
    expect(last).toEqual({ type: FrameType.CLOSE, stream: 1, reason: Reason.RESET });
    expect(received).toBeGreaterThan(0);
    await page.roundTrip();
    expect(page.typesOn(1)).toEqual([]);
    expect(relay.metrics().streams).toBe(0);
  });

  it('a page that stops reading while its peer sends 1 GiB: the relay reads no more than the window, its RSS stays bounded', async () => {
    let written = () => 0;
    const s = await server((socket) => {
      firehose(1 << 30)(socket);
      written = () => socket.bytesWritten;
    });
    const { child, url } = await cliRelay();
    const page = await PageClient.ready(url);
    defer(() => page.close());
    await sleep(300); // let the fresh process settle before its baseline RSS is taken
    const before = rssBytes(child.pid!);
    const WINDOW = 256 * 1024;
    expect((await page.open(1, ipv4(s.port), { window: WINDOW })).type).toBe(FrameType.OPENED);
    await sleep(1500); // the peer pushes as hard as it can; the page grants nothing more
    const after = rssBytes(child.pid!);
    const growth = after - before;
    console.log(
      `stalled page, 1 GiB offered: peer got ${written()} bytes out, page holds ${page.bufferedData(1)}, relay RSS ${before >> 20} → ${after >> 20} MiB`,
    );
    expect(page.bufferedData(1)).toBe(WINDOW);
    expect(written()).toBeLessThan(32 << 20); // the window + the kernel's socket buffers, not the GiB
    expect(growth).toBeLessThan(32 << 20);
  });

  it('1,000 pages × 10 sockets: every socket opens and echoes, and everything is released after', async () => {
    const s = await startEchoServer();
    defer(() => s.close());
    const { url } = await cliRelay(['--max-sockets', '20000']);
    const base = url.replace('ws:', 'http:');
    const PAGES = 1000;
    const SOCKETS = 10;
    const started = performance.now();
    const pages: PageClient[] = [];
    for (let batch = 0; batch < PAGES; batch += 100) {
      pages.push(...(await Promise.all(Array.from({ length: 100 }, () => PageClient.ready(url)))));
    }
    defer(() => Promise.all(pages.map((p) => p.close())));
    await Promise.all(
      pages.map(async (p) => {
        for (let id = 1; id <= SOCKETS; id++) {
          p.send({
            type: FrameType.OPEN,
            stream: id,
            transport: 1,
            flags: 0,
            window: 65536,
            remote: ipv4(s.port),
            local: null,
          });
        }
        for (let id = 1; id <= SOCKETS; id++) {
          const f = await p.next(
            (x) => (x.type === FrameType.OPENED || x.type === FrameType.OPEN_FAILED) && x.stream === id,
            20_000,
          );
          if (f.type !== FrameType.OPENED) throw new Error(`stream ${id}: ${JSON.stringify(f)}`);
        }
        // Every socket echoes (as the title says). That is also what makes the count below exact:
        // when the echo server's accept queue overflows, Linux's SYN cookies let the relay's side
        // finish the handshake while the server side only appears once data arrives.
        for (let id = 1; id <= SOCKETS; id++) p.send({ type: FrameType.DATA, stream: id, data: Buffer.from('ping') });
        for (let id = 1; id <= SOCKETS; id++)
          expect((await p.read(id, 4, { timeoutMs: 20_000 })).toString()).toBe('ping');
      }),
    );
    const opened = performance.now() - started;
    const metrics = await (await fetch(`${base}metrics`)).text();
    expect(metrics).toContain(`ws2web_relay_streams ${PAGES * SOCKETS}\n`);
    expect(metrics).toContain(`ws2web_relay_connections ${PAGES}\n`);
    // The server's accept loop may still be catching up on a busy machine: wait (bounded).
    await waitUntil(() => s.sockets.length === PAGES * SOCKETS, 5000, 'every connection accepted');
    expect(s.sockets.length).toBe(PAGES * SOCKETS);
    await Promise.all(pages.map((p) => p.close()));
    let after = '';
    await waitUntil(
      async () => {
        after = await (await fetch(`${base}metrics`)).text();
        return after.includes('ws2web_relay_streams 0\n') && after.includes('ws2web_relay_connections 0\n');
      },
      5000,
      'everything released',
    );
    expect(after).toContain('ws2web_relay_streams 0\n');
    expect(after).toContain('ws2web_relay_connections 0\n');
    console.log(`${PAGES} pages × ${SOCKETS} sockets opened and echoed in ${Math.round(opened)} ms; all released`);
  }, 60_000);

  it('a WebSocket cut while its connects and lookups are in flight leaves no socket and dials nothing late', async () => {
    const hole = await startBlackhole();
    defer(() => hole.close());
    let releaseLookup: () => void = () => {};
    const dials: string[] = [];
    const relay = await startRelay({
      log: () => {},
      allow: ['127.0.0.0/8'],
      lookup: () =>
        new Promise((resolve) => {
          releaseLookup = () => resolve([{ address: '127.0.0.1', family: 4 }]);
        }),
      dial: (req) => {
        dials.push(req.host);
        return net.connect({ host: '127.0.0.1', port: hole.port, allowHalfOpen: true });
      },
    });
    defer(() => relay.close());
    const page = await PageClient.ready(relay.url);
    for (let id = 1; id <= 5; id++)
      page.send({
        type: FrameType.OPEN,
        stream: id,
        transport: 1,
        flags: 0,
        window: 1024,
        remote: ipv4(hole.port),
        local: null,
      });
    page.send({
      type: FrameType.OPEN,
      stream: 6,
      transport: 1,
      flags: 0,
      window: 1024,
      remote: named('slow.example.test', 80),
      local: null,
    });
    await waitUntil(() => relay.metrics().streams === 6, 2000, 'six streams dialling or resolving');
    expect(relay.metrics().streams).toBe(6);
    page.ws.terminate();
    await waitUntil(() => relay.metrics().connections === 0, 2000, 'the relay to see the page go');
    releaseLookup();
    // The injected lookup answers in microtasks; a dial for it would have happened by the next turn.
    await new Promise((resolve) => setImmediate(resolve));
    expect(dials).toEqual(Array(5).fill('127.0.0.1')); // the name's answer came after the page left: not dialled
    expect(relay.metrics()).toMatchObject({ streams: 0, connections: 0 });
    expect(await (await fetch(`${relay.url.replace('ws:', 'http:')}readyz`)).text()).toBe('ready');
  });

  it('random frames against a live relay for 1 s: protocol errors, no crash, no leak', async () => {
    const echo = await startEchoServer();
    defer(() => echo.close());
    const udpSends: string[] = [];
    const relay: Relay = await startRelay({
      log: () => {},
      maxFrameBody: 4096,
      lookup: async () => [{ address: '93.184.216.34', family: 4 }],
      dial: () => net.connect({ host: '127.0.0.1', port: echo.port, allowHalfOpen: true }),
      udpSocket: (req) => {
        const socket = dgram.createSocket({ type: req.type, ipv6Only: req.type === 'udp6' ? req.ipv6Only : undefined });
        socket.send = ((_msg: Uint8Array, port: number, host: string, cb?: (err: Error | null) => void) => {
          udpSends.push(`${host}:${port}`);
          setImmediate(() => cb?.(null));
        }) as typeof socket.send;
        return socket;
      },
    });
    defer(() => relay.close());
    let seed = 0x2545f491;
    const random = (n: number): number => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) % n;
    };
    const bytes = (n: number): Buffer => Buffer.from(Array.from({ length: n }, () => random(256)));
    const valid = (stream: number): Frame[] => [
      {
        type: FrameType.OPEN,
        stream,
        transport: 1,
        flags: random(4),
        window: random(1 << 20),
        remote: [ipv4(1 + random(65535), '93.184.216.34'), ipv6(80, '::1'), named('x.test', 443)][random(3)]!,
        local: null,
      },
      { type: FrameType.DATA, stream, data: bytes(random(64)) },
      { type: FrameType.CREDIT, stream, bytes: random(1 << 20) },
      { type: FrameType.FIN, stream },
      { type: FrameType.CLOSE, stream, reason: random(3) },
      { type: FrameType.SETOPT, stream, option: random(4), value: random(2) },
      {
        type: FrameType.DGRAM_OPEN,
        stream,
        family: random(2) ? 4 : 6,
        flags: random(4),
        window: random(1 << 20),
        local: null,
      },
      { type: FrameType.DATAGRAM, stream, address: ipv4(53, '93.184.216.34'), data: bytes(random(32)) },
      { type: FrameType.RESOLVE, stream, family: 0, flags: 0, host: 'y.test' },
    ];
    const deadline = performance.now() + 1000;
    let clients = 0;
    const closes = new Map<number, number>();
    while (performance.now() < deadline) {
      const ws = new WebSocket(relay.url, { perMessageDeflate: false });
      clients++;
      const closed = new Promise<void>((resolve) =>
        ws.once('close', (code) => {
          closes.set(code, (closes.get(code) ?? 0) + 1);
          resolve();
        }),
      );
      ws.on('error', () => {});
      await new Promise((resolve) => ws.once('open', resolve));
      ws.send(encodeFrame({ type: FrameType.HELLO, version: 1, token: '' }));
      for (let i = 0; i < 40 && ws.readyState === ws.OPEN; i++) {
        const frame = valid(1 + random(8))[random(9)]!;
        let message: Buffer = Buffer.from(encodeFrame(frame));
        switch (
          random(12) // mostly well-formed, so the streams behind the handshake get exercised too
        ) {
          case 0:
            message = bytes(1 + random(40));
            break; // garbage
          case 1:
            message[random(message.length)] = random(256);
            break; // one flipped byte
          case 2:
            message = message.subarray(0, random(message.length));
            break; // truncated
          default:
            break; // as encoded
        }
        ws.send(message);
      }
      if (ws.readyState === ws.OPEN) ws.close();
      await Promise.race([closed, sleep(3000)]); // a bound, not a wait: most close at once
    }
    await waitUntil(
      () => {
        const n = relay.metrics();
        return n.connections === 0 && n.streams === 0 && n.udpSockets === 0;
      },
      3000,
      'every fuzzed page released',
    );
    const m = relay.metrics();
    console.log(
      `fuzz: ${clients} connections, ${m.protocolErrors} protocol errors, close codes ${JSON.stringify(Object.fromEntries(closes))}, datagrams recorded ${udpSends.length}`,
    );
    expect(clients).toBeGreaterThan(20);
    expect(m.protocolErrors).toBeGreaterThan(10);
    expect([...closes.keys()].every((c) => [1000, 1002, 1005, 1008, 1009].includes(c))).toBe(true);
    expect(m).toMatchObject({ connections: 0, streams: 0, udpSockets: 0 });
    expect(udpSends.every((d) => d === '93.184.216.34:53')).toBe(true);
    // Still serving.
    const page = await PageClient.ready(relay.url);
    defer(() => page.close());
    expect((await page.open(1, ipv4(443, '93.184.216.34'))).type).toBe(FrameType.OPENED);
  });
});
