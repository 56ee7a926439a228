import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { FrameType, Reason, type GoawayFrame } from '@ws2web/protocol';
import { createTicket, startRelay, verifyTicket } from '../src/index.js';
import { PageClient, ipv4 } from './support/page-client.js';
import { peerGone, startServer, type TestServer } from './support/tcp-servers.js';
import { defer, useRelay, waitUntil } from './support/index.js';

async function tcpServer(): Promise<TestServer> {
  const srv = await startServer();
  defer(() => srv.close());
  return srv;
}

describe('connection loss and shutdown', () => {
  it('destroys every TCP socket of a WebSocket that drops', async () => {
    const relay = await useRelay({ allow: ['127.0.0.0/8'] });
    const srv = await tcpServer();
    const page = await PageClient.ready(relay.url);
    await page.open(1, ipv4(srv.port));
    await page.open(2, ipv4(srv.port));
    const [a, b] = [await srv.accepted(0), await srv.accepted(1)];
    const closed = Promise.all([peerGone(a), peerGone(b)]);
    page.ws.terminate(); // no close frame: the page just vanishes
    await closed;
    await waitUntil(
      () => relay.metrics().connections === 0 && relay.metrics().streams === 0,
      2000,
      'relay to forget the page',
    );
  });

  it('close(): GOAWAY(SHUTTING_DOWN), close 1001, every socket and the listener released', async () => {
    const relay = await startRelay({ allow: ['127.0.0.0/8'], log: () => {} });
    const srv = await tcpServer();
    const page = await PageClient.ready(relay.url);
    const idle = await PageClient.connect(relay.url); // never sent HELLO
    await page.open(1, ipv4(srv.port));
    const peer = await srv.accepted();
    const peerClosed = peerGone(peer);
    await relay.close();
    const goaway = (await page.next((f) => f.type === FrameType.GOAWAY)) as GoawayFrame;
    expect(goaway).toEqual({ type: FrameType.GOAWAY, reason: Reason.SHUTTING_DOWN, message: 'relay shutting down' });
    expect((await page.closed).code).toBe(1001);
    expect((await idle.closed).code).toBe(1001);
    await peerClosed;
    expect(relay.metrics()).toMatchObject({ connections: 0, streams: 0 });
    // The port is closed.
    const probe = net.connect(relay.port, '127.0.0.1');
    const err = await new Promise<NodeJS.ErrnoException>((resolve) => probe.once('error', resolve));
    expect(err.code).toBe('ECONNREFUSED');
    await relay.close(); // idempotent
  });

  it('close() also cuts streams the page closed gracefully that are still draining', async () => {
    const relay = await startRelay({ allow: ['127.0.0.0/8'], log: () => {}, lingerMs: 60_000 });
    const srv = await tcpServer();
    const page = await PageClient.ready(relay.url);
    await page.open(1, ipv4(srv.port));
    const peer = await srv.accepted();
    peer.pause(); // never reads, never ends: the relay's socket lingers
    page.send({ type: FrameType.CLOSE, stream: 1, reason: Reason.OK });
    await waitUntil(() => relay.metrics().streams === 0, 2000, 'stream release');
    const started = Date.now();
    await relay.close(); // resolves only once the lingering socket is closed, long before lingerMs
    expect(Date.now() - started).toBeLessThan(2000);
    // The relay's end is really gone: bytes from the peer are answered with a reset.
    // (The first write is accepted locally; a later one reports the RST.)
    const error = new Promise<NodeJS.ErrnoException>((resolve) => peer.once('error', resolve));
    const writer = setInterval(() => peer.write('anyone there?'), 10);
    const code = (await error).code;
    clearInterval(writer);
    expect(['ECONNRESET', 'EPIPE']).toContain(code);
  });
});

describe('heartbeat', () => {
  it('drops a page that stops answering pings, and keeps one that answers', async () => {
    const relay = await useRelay({ allow: ['127.0.0.0/8'], heartbeatMs: 50 });
    const alive = await PageClient.ready(relay.url);
    const silent = await PageClient.ready(relay.url);
    defer(() => alive.close());
    // Stop reading the silent page's socket: pings go unanswered (ws answers them on read).
    (silent.ws as unknown as { _socket: net.Socket })._socket.pause();
    await waitUntil(() => relay.metrics().connections === 1, 3000, 'the silent page to be dropped');
    expect(alive.ws.readyState).toBe(alive.ws.OPEN);
    silent.ws.terminate();
  });
});

describe('HTTP endpoints', () => {
  it('GET /healthz → 200 "ok"', async () => {
    const relay = await useRelay({ allow: ['127.0.0.0/8'] });
    const res = await fetch(`http://127.0.0.1:${relay.port}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok');
  });

  it('GET /metrics → Prometheus text with connections, streams, bytes, opens, refusals', async () => {
    const relay = await useRelay({ allow: ['127.0.0.0/8'] });
    const srv = await startServer((s) => s.end('0123456789'));
    defer(() => srv.close());
    const page = await PageClient.ready(relay.url);
    defer(() => page.close());
    await page.open(1, ipv4(srv.port));
    await page.read(1, 10);
    page.send({ type: FrameType.DATA, stream: 1, data: Buffer.from('abc') });
    await waitUntil(() => relay.metrics().bytesPageToPeer === 3, 2000, 'the 3 bytes written');
    await page.open(2, ipv4(80, '10.9.8.7'));
    const res = await fetch(`http://127.0.0.1:${relay.port}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await res.text();
    const sample = (name: string) =>
      text
        .split('\n')
        .find((l) => l.startsWith(`${name} `))
        ?.split(' ')[1];
    expect(sample('ws2web_relay_connections')).toBe('1');
    expect(sample('ws2web_relay_connections_total')).toBe('1');
    expect(sample('ws2web_relay_streams')).toBe('1');
    expect(sample('ws2web_relay_bytes_total{direction="page_to_peer"}')).toBe('3');
    expect(sample('ws2web_relay_bytes_total{direction="peer_to_page"}')).toBe('10');
    expect(sample('ws2web_relay_opens_total{outcome="OK"}')).toBe('1');
    expect(sample('ws2web_relay_opens_total{outcome="POLICY_DENIED"}')).toBe('1');
    expect(sample('ws2web_relay_policy_refusals_total')).toBe('1');
    expect(text).toContain('# TYPE ws2web_relay_bytes_total counter');
  });

  it('answers other paths 404 and a plain GET / with 426', async () => {
    const relay = await useRelay({ allow: ['127.0.0.0/8'] });
    expect((await fetch(`http://127.0.0.1:${relay.port}/nope`)).status).toBe(404);
    const root = await fetch(`http://127.0.0.1:${relay.port}/`);
    expect(root.status).toBe(426);
    expect(root.headers.get('upgrade')).toBe('websocket');
  });
});

describe('allowOrigins', () => {
  it('answers an upgrade from an unlisted Origin with 403 and accepts a listed one', async () => {
    const relay = await useRelay({ allow: ['127.0.0.0/8'], allowOrigins: ['https://app.example'] });
    await expect(PageClient.connect(relay.url, { Origin: 'https://evil.example' })).rejects.toMatchObject({
      statusCode: 403,
    });
    await expect(PageClient.connect(relay.url)).rejects.toMatchObject({ statusCode: 403 }); // no Origin at all
    const page = await PageClient.connect(relay.url, { Origin: 'https://APP.example/' });
    expect((await page.hello()).type).toBe(FrameType.WELCOME);
    await page.close();
    expect(relay.metrics().originRefusals).toBe(2);
  });
});

describe('tickets', () => {
  const secret = 'correct horse battery staple';

  it('createTicket / verifyTicket: valid, forged, expired, malformed, missing', () => {
    const now = Date.UTC(2030, 0, 1);
    const ticket = createTicket({ secret, ttlSeconds: 60, subject: 'user-42', now });
    expect(ticket).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(verifyTicket(ticket, secret, now + 59_000)).toEqual({
      ok: true,
      subject: 'user-42',
      expiresAt: now + 60_000,
      scope: null,
      listenPorts: null,
    });
    expect(verifyTicket(ticket, secret, now + 60_000)).toEqual({ ok: false, why: 'expired' });
    expect(verifyTicket(ticket, 'another secret', now)).toEqual({ ok: false, why: 'forged' });
    const [payload, sig] = ticket.split('.') as [string, string];
    const longer = Buffer.from(JSON.stringify({ v: 1, iat: 0, exp: 4102444800 * 2, n: 'x', sub: 'admin' })).toString(
      'base64url',
    );
    expect(verifyTicket(`${longer}.${sig}`, secret, now)).toEqual({ ok: false, why: 'forged' });
    expect(verifyTicket(`${payload}.${sig.slice(0, -2)}`, secret, now)).toEqual({ ok: false, why: 'forged' });
    expect(verifyTicket('garbage', secret, now)).toEqual({ ok: false, why: 'malformed' });
    expect(verifyTicket('', secret, now)).toEqual({ ok: false, why: 'missing' });
    expect(createTicket({ secret, ttlSeconds: 60, now })).not.toBe(createTicket({ secret, ttlSeconds: 60, now })); // nonce
    expect(() => createTicket({ secret: '', ttlSeconds: 60 })).toThrow(TypeError);
    expect(() => createTicket({ secret, ttlSeconds: 0 })).toThrow(RangeError);
  });

  it('with a secret, HELLO needs a valid unexpired ticket: else GOAWAY(AUTH_FAILED) and close 1008', async () => {
    const relay = await useRelay({ allow: ['127.0.0.0/8'], secret });
    const good = await PageClient.connect(relay.url);
    expect((await good.hello(createTicket({ secret, ttlSeconds: 30, subject: 'alice' }))).type).toBe(FrameType.WELCOME);
    await good.close();

    const cases: Array<[string, string]> = [
      ['', 'ticket missing'],
      [createTicket({ secret: 'not the secret', ttlSeconds: 30 }), 'ticket forged'],
      [createTicket({ secret, ttlSeconds: 1, now: Date.now() - 10_000 }), 'ticket expired'],
      ['abc.def.ghi', 'ticket malformed'],
    ];
    for (const [token, message] of cases) {
      const page = await PageClient.connect(relay.url);
      const goaway = (await page.hello(token)) as GoawayFrame;
      expect(goaway).toEqual({ type: FrameType.GOAWAY, reason: Reason.AUTH_FAILED, message });
      expect((await page.closed).code).toBe(1008);
    }
    expect(relay.metrics().handshakeFailures).toEqual({ AUTH_FAILED: 4 });
  });

  it('without a secret, any token is accepted', async () => {
    const relay = await useRelay({ allow: ['127.0.0.0/8'] });
    const page = await PageClient.connect(relay.url);
    expect((await page.hello('whatever')).type).toBe(FrameType.WELCOME);
    await page.close();
  });
});
