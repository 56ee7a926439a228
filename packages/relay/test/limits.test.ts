/**
 * Resource limits on a live relay, with real sockets on loopback only. Loopback clients are
 * exempt from the per-client limits by default (they are processes on the relay's machine), so
 * these tests set `exemptClients: []`.
 */
import net from 'node:net';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { FrameType, Reason, type GoawayFrame } from '@ws2web/protocol';
import type { Relay } from '../src/index.js';
import { PageClient, ipv4 } from './support/page-client.js';
import { startEchoServer, startServer, type TestServer } from './support/tcp-servers.js';
import { defer, sleep, useRelay, waitUntil, LOOPBACK } from './support/index.js';

async function usePage(relay: Relay, headers: Record<string, string> = {}): Promise<PageClient> {
  const p = await PageClient.connect(relay.url, headers);
  defer(() => p.close());
  expect((await p.hello()).type).toBe(FrameType.WELCOME);
  return p;
}

async function echo(): Promise<TestServer> {
  const server = await startEchoServer();
  defer(() => server.close());
  return server;
}

const statusOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 101,
    (err: { statusCode?: number }) => err.statusCode ?? -1,
  );

describe('WebSockets per client address', () => {
  it('refuses the connection beyond maxConnectionsPerIp with HTTP 429, and admits one again once another closes', async () => {
    const relay = await useRelay({ allow: LOOPBACK, exemptClients: [], maxConnectionsPerIp: 2 });
    const a = await usePage(relay);
    await usePage(relay);
    expect(await statusOf(PageClient.connect(relay.url))).toBe(429);
    expect(relay.metrics().limitHits).toEqual({ connections_per_ip: 1 });
    await a.close();
    await a.closed;
    await waitUntil(() => relay.metrics().connections === 1, 2000, 'the relay to see the page go');
    await usePage(relay);
    expect(relay.metrics().connections).toBe(2);
  });

  it('does not count loopback clients by default (exemptClients)', async () => {
    const relay = await useRelay({ allow: LOOPBACK, maxConnectionsPerIp: 1, exemptClients: undefined });
    await usePage(relay);
    await usePage(relay);
    await usePage(relay);
    expect(relay.metrics().connections).toBe(3);
  });

  it('behind a trusted proxy, counts each X-Forwarded-For client on its own (and ignores the header from anyone else)', async () => {
    const relay = await useRelay({
      allow: LOOPBACK,
      exemptClients: [],
      maxConnectionsPerIp: 1,
      trustProxy: ['127.0.0.1/32'],
    });
    await usePage(relay, { 'X-Forwarded-For': '203.0.113.5' });
    await usePage(relay, { 'X-Forwarded-For': 'spoofed, 203.0.113.6' });
    expect(await statusOf(PageClient.connect(relay.url, { 'X-Forwarded-For': '203.0.113.5' }))).toBe(429);
    expect(await statusOf(PageClient.connect(relay.url, { 'X-Forwarded-For': '198.51.100.1, 203.0.113.6' }))).toBe(429);

    const untrusting = await useRelay({ allow: LOOPBACK, exemptClients: [], maxConnectionsPerIp: 1 });
    await usePage(untrusting, { 'X-Forwarded-For': '203.0.113.5' });
    // Without trustProxy the header means nothing: the client is 127.0.0.1, which already has one.
    expect(await statusOf(PageClient.connect(untrusting.url, { 'X-Forwarded-For': '203.0.113.7' }))).toBe(429);
  });
});

describe('sockets and opens', () => {
  it('maxSocketsTotal counts sockets across pages; a freed socket makes room again', async () => {
    const server = await echo();
    const relay = await useRelay({ allow: LOOPBACK, exemptClients: [], maxSocketsTotal: 2 });
    const p1 = await usePage(relay);
    const p2 = await usePage(relay);
    expect((await p1.open(1, ipv4(server.port))).type).toBe(FrameType.OPENED);
    expect((await p2.open(1, ipv4(server.port))).type).toBe(FrameType.OPENED);
    expect(await p2.open(2, ipv4(server.port))).toEqual({
      type: FrameType.OPEN_FAILED,
      stream: 2,
      reason: Reason.LIMIT,
    });
    expect(await p2.dgramOpen(3, 4)).toEqual({ type: FrameType.OPEN_FAILED, stream: 3, reason: Reason.LIMIT });
    // A name query holds no socket: it is not counted.
    expect((await p2.resolve(4, '127.0.0.1')).type).toBe(FrameType.RESOLVED);
    p1.send({ type: FrameType.CLOSE, stream: 1, reason: Reason.RESET });
    // The relay runs in this process: once the pong behind the CLOSE is here, it has reset the
    // socket and its close callback has run (which is what frees the slot).
    await p1.roundTrip();
    expect((await p2.open(5, ipv4(server.port))).type).toBe(FrameType.OPENED);
    expect(relay.metrics().limitHits).toEqual({ sockets_total: 2 });
  });

  it('opensPerSecond / openBurst: a token bucket per client; beyond it OPEN_FAILED(LIMIT), refilled over time', async () => {
    const relay = await useRelay({ allow: LOOPBACK, exemptClients: [], opensPerSecond: 10, openBurst: 3 });
    const p = await usePage(relay);
    const answers: number[] = [];
    for (let id = 1; id <= 5; id++) {
      const a = await p.resolve(id, '127.0.0.1');
      answers.push(a.type === FrameType.OPEN_FAILED ? a.reason : 0);
    }
    expect(answers).toEqual([0, 0, 0, Reason.LIMIT, Reason.LIMIT]);
    // Another WebSocket of the same client shares the bucket.
    const q = await usePage(relay);
    expect(await q.resolve(1, '127.0.0.1')).toEqual({ type: FrameType.OPEN_FAILED, stream: 1, reason: Reason.LIMIT });
    await sleep(250); // time is what refills the bucket: 2.5 tokens
    expect((await p.resolve(6, '127.0.0.1')).type).toBe(FrameType.RESOLVED);
    expect(relay.metrics().limitHits).toEqual({ open_rate: 3 });
  });

  it('maxConnectionsPerDestination caps connections to one address:port across the relay', async () => {
    const a = await echo();
    const b = await echo();
    const relay = await useRelay({ allow: LOOPBACK, exemptClients: [], maxConnectionsPerDestination: 2 });
    const p = await usePage(relay);
    const q = await usePage(relay);
    expect((await p.open(1, ipv4(a.port))).type).toBe(FrameType.OPENED);
    expect((await q.open(1, ipv4(a.port))).type).toBe(FrameType.OPENED);
    expect(await p.open(2, ipv4(a.port))).toEqual({ type: FrameType.OPEN_FAILED, stream: 2, reason: Reason.LIMIT });
    expect((await p.open(3, ipv4(b.port))).type).toBe(FrameType.OPENED);
    q.send({ type: FrameType.CLOSE, stream: 1, reason: Reason.RESET });
    await q.roundTrip(); // the socket is closed and its destination released, as above
    expect((await p.open(4, ipv4(a.port))).type).toBe(FrameType.OPENED);
    expect(relay.metrics().limitHits).toEqual({ per_destination: 1 });
  });
});

describe('bandwidth cap (per WebSocket, each direction)', () => {
  const CAP = 1_000_000;

  // Both directions are measured at once (on two relays) to keep the suite fast.
  it('peer → page by pausing reads, page → peer by delaying CREDIT: each about the cap over 2 s', async () => {
    const [down, up] = await Promise.all([peerToPage(), pageToPeer()]);
    console.log(
      `bandwidth against a cap of ${CAP} B/s: peer→page ${Math.round(down)} B/s, page→peer ${Math.round(up)} B/s`,
    );
    for (const rate of [down, up]) {
      expect(rate).toBeGreaterThan(CAP * 0.8);
      expect(rate).toBeLessThan(CAP * 1.2);
    }
  });

  async function peerToPage(): Promise<number> {
    const server = await startServer((socket) => {
      const chunk = Buffer.alloc(64 * 1024, 7);
      const pump = (): void => {
        while (!socket.destroyed && socket.write(chunk));
      };
      socket.on('drain', pump);
      pump();
    });
    defer(() => server.close());
    const relay = await useRelay({ allow: LOOPBACK, exemptClients: [], bandwidthBytesPerSec: CAP });
    const p = await usePage(relay);
    expect((await p.open(1, ipv4(server.port), { window: 4 << 20 })).type).toBe(FrameType.OPENED);
    // Read with credit for 2.5 s; count what arrives in [0.5 s, 2.5 s] (the start has a small burst).
    let inWindow = 0;
    const start = performance.now();
    while (performance.now() - start < 2500) {
      const f = await p.nextOn(1, FrameType.DATA, 2000);
      if (f.type !== FrameType.DATA) continue;
      p.send({ type: FrameType.CREDIT, stream: 1, bytes: f.data.length });
      if (performance.now() - start >= 500) inWindow += f.data.length;
    }
    expect(relay.metrics().limitHits.bandwidth).toBeGreaterThan(0);
    return inWindow / 2;
  }

  /** The page never exceeds its credit; the relay slows it down by returning credit late. */
  async function pageToPeer(): Promise<number> {
    const arrivals: Array<[number, number]> = [];
    const server = await startServer((socket) =>
      socket.on('data', (d: Buffer) => arrivals.push([performance.now(), d.length])),
    );
    defer(() => server.close());
    const relay = await useRelay({
      allow: LOOPBACK,
      exemptClients: [],
      bandwidthBytesPerSec: CAP,
      streamWindow: 32 * 1024,
    });
    const p = await usePage(relay);
    const opened = await p.open(1, ipv4(server.port));
    if (opened.type !== FrameType.OPENED) throw new Error('not opened');
    let credit = opened.window;
    const start = performance.now();
    const chunk = new Uint8Array(16 * 1024);
    while (performance.now() - start < 2500) {
      credit += p.takeCredit(1);
      if (credit === 0) {
        await p
          .next((f) => f.type === FrameType.CREDIT && f.stream === 1, 2000)
          .then((f) => {
            if (f.type === FrameType.CREDIT) credit += f.bytes;
          });
        continue;
      }
      const n = Math.min(credit, chunk.length);
      p.send({ type: FrameType.DATA, stream: 1, data: chunk.subarray(0, n) });
      credit -= n;
      await sleep(0);
    }
    const inWindow = arrivals.filter(([t]) => t - start >= 500 && t - start < 2500).reduce((sum, [, n]) => sum + n, 0);
    return inWindow / 2;
  }
});

describe('timeouts', () => {
  it('closes a WebSocket idle for idleTimeoutMs with GOAWAY(TIMED_OUT) and 1001, but not one with an open stream', async () => {
    const server = await echo();
    const relay = await useRelay({ allow: LOOPBACK, exemptClients: [], idleTimeoutMs: 300 });
    const idle = await usePage(relay);
    const busy = await usePage(relay);
    expect((await busy.open(1, ipv4(server.port))).type).toBe(FrameType.OPENED);
    const started = performance.now();
    const goaway = (await idle.next((f) => f.type === FrameType.GOAWAY, 3000)) as GoawayFrame;
    expect(goaway.reason).toBe(Reason.TIMED_OUT);
    expect((await idle.closed).code).toBe(1001);
    expect(performance.now() - started).toBeGreaterThan(200);
    await sleep(400); // more than another idle period: the busy page's timer has fired again
    expect(busy.ws.readyState).toBe(busy.ws.OPEN);
    expect(relay.metrics().limitHits).toEqual({ idle_timeout: 1 });
  });

  it('cuts a slowloris upgrade whose headers never finish (headersTimeout), while real pages still connect', async () => {
    // maxPendingUpgradesPerIp off: 20 pending upgrades from one address would hit it (16), and
    // this test is about headersTimeout (that cap has its own test in abuse/).
    const relay = await useRelay({
      allow: LOOPBACK,
      exemptClients: [],
      handshakeTimeoutMs: 500,
      maxPendingUpgradesPerIp: 0,
    });
    const { port } = new URL(relay.url);
    const sockets: net.Socket[] = [];
    for (let i = 0; i < 20; i++) {
      const s = net.connect({ host: '127.0.0.1', port: Number(port) });
      s.on('error', () => {});
      await once(s, 'connect');
      s.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n');
      sockets.push(s);
    }
    const trickle = setInterval(function trickleHeaders() {
      for (const s of sockets) if (s.writable) s.write('X-Slow: 1\r\n', () => {});
    }, 100);
    defer(() => clearInterval(trickle));
    const started = performance.now();
    await usePage(relay); // not starved meanwhile
    // (not events.once: it would reject on the EPIPE a trickling write may meet)
    await Promise.all(sockets.map((s) => new Promise((resolve) => s.once('close', resolve))));
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(3000);
    console.log(`slowloris: 20 trickling upgrades cut after ${Math.round(elapsed)} ms`);
  });

  it('keeps at most maxHeadersCount (64) headers: a request with 100 headers is answered 400, never upgraded', async () => {
    const relay = await useRelay({ allow: LOOPBACK, exemptClients: [] });
    const { port } = new URL(relay.url);
    const s = net.connect({ host: '127.0.0.1', port: Number(port) });
    await once(s, 'connect');
    const junk = Array.from({ length: 100 }, (_, i) => `X-Junk-${i}: ${i}\r\n`).join('');
    s.write(
      `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n${junk}Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
    );
    const [data] = (await once(s, 'data')) as [Buffer];
    expect(data.toString().split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
    s.destroy();
  });
});
