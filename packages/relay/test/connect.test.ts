/** OPEN → dial → OPENED / OPEN_FAILED against real loopback servers. */
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { FrameType, OpenFlag, Reason, type GoawayFrame, type OpenedFrame } from '@ws2web/protocol';
import type { DialRequest } from '../src/index.js';
import { startBlackhole, type Blackhole } from './support/blackhole.js';
import { ipv4, ipv6 } from './support/page-client.js';
import { freePort, hasIPv6Loopback, startEchoServer, startServer, type TestServer } from './support/tcp-servers.js';
import { defer, streamsInState, useRelay, usePage, waitUntil, LOOPBACK } from './support/index.js';

async function server(s: Promise<TestServer>): Promise<TestServer> {
  const srv = await s;
  defer(() => srv.close());
  return srv;
}

describe('OPEN', () => {
  it('connects and reports the real local and remote addresses', async () => {
    const relay = await useRelay({ allow: LOOPBACK });
    const srv = await server(startEchoServer());
    const p = await usePage(relay);
    const opened = (await p.open(1, ipv4(srv.port))) as OpenedFrame;
    expect(opened.type).toBe(FrameType.OPENED);
    const accepted = await srv.accepted();
    expect(opened.window).toBe(1024 * 1024);
    expect(opened.remote).toEqual({ kind: 'ipv4', address: '127.0.0.1', port: srv.port });
    expect(opened.local).toEqual({ kind: 'ipv4', address: accepted.remoteAddress, port: accepted.remotePort });
    expect(relay.metrics().opens).toEqual({ OK: 1 });
    expect(relay.metrics().streams).toBe(1);
  });

  it('connects over IPv6 loopback and reports IPv6 endpoints with scope 0', async (ctx) => {
    if (!(await hasIPv6Loopback())) return ctx.skip('this host has no ::1');
    const relay = await useRelay({ allow: LOOPBACK });
    const srv = await server(startEchoServer('::1'));
    const p = await usePage(relay);
    const opened = (await p.open(1, ipv6(srv.port))) as OpenedFrame;
    expect(opened.type).toBe(FrameType.OPENED);
    const accepted = await srv.accepted();
    expect(opened.remote).toEqual({ kind: 'ipv6', address: '::1', port: srv.port, scopeId: 0 });
    expect(opened.local).toEqual({ kind: 'ipv6', address: '::1', port: accepted.remotePort, scopeId: 0 });
  });

  it('dials an IPv4-mapped IPv6 destination as IPv4, judges it as IPv4, and reports IPv4 endpoints', async () => {
    const denying = await useRelay({ allow: [] });
    const srv = await server(startEchoServer());
    const p1 = await usePage(denying);
    const denied = await p1.open(1, ipv6(srv.port, '::ffff:127.0.0.1'));
    expect(denied).toEqual({ type: FrameType.OPEN_FAILED, stream: 1, reason: Reason.POLICY_DENIED });

    const relay = await useRelay({ allow: ['127.0.0.0/8'] });
    const p2 = await usePage(relay);
    const opened = (await p2.open(1, ipv6(srv.port, '::ffff:127.0.0.1'))) as OpenedFrame;
    expect(opened.type).toBe(FrameType.OPENED);
    // The relay's socket is AF_INET; the page maps these back for its AF_INET6 socket.
    const accepted = await srv.accepted();
    expect(accepted.remoteFamily).toBe('IPv4');
    expect(opened.remote).toEqual({ kind: 'ipv4', address: '127.0.0.1', port: srv.port });
    expect(opened.local).toEqual({ kind: 'ipv4', address: '127.0.0.1', port: accepted.remotePort });
  });

  it('translates an IPv6 wildcard bind when a mapped destination is dialled as IPv4', async () => {
    const relay = await useRelay({ allow: ['127.0.0.0/8'] });
    const srv = await server(startEchoServer());
    const localPort = await freePort();
    const p = await usePage(relay);
    const opened = (await p.open(1, ipv6(srv.port, '::ffff:127.0.0.1'), {
      local: ipv6(localPort, '::'),
    })) as OpenedFrame;
    expect(opened.type).toBe(FrameType.OPENED);
    expect(opened.local).toEqual({ kind: 'ipv4', address: '127.0.0.1', port: localPort });
    expect((await srv.accepted()).remotePort).toBe(localPort);
  });

  it('binds the local address and port from OPEN', async () => {
    const relay = await useRelay({ allow: LOOPBACK });
    const srv = await server(startEchoServer());
    const localPort = await freePort();
    const p = await usePage(relay);
    const opened = (await p.open(1, ipv4(srv.port), { local: ipv4(localPort, '127.0.0.1') })) as OpenedFrame;
    expect(opened.type).toBe(FrameType.OPENED);
    expect(opened.local).toEqual({ kind: 'ipv4', address: '127.0.0.1', port: localPort });
    expect((await srv.accepted()).remotePort).toBe(localPort);
  });

  it('reports a local port in use as ADDR_IN_USE', async () => {
    const relay = await useRelay({ allow: LOOPBACK });
    const srv = await server(startEchoServer());
    const taken = await server(startServer());
    const p = await usePage(relay);
    const failed = await p.open(1, ipv4(srv.port), { local: ipv4(taken.port, '127.0.0.1') });
    expect(failed).toEqual({ type: FrameType.OPEN_FAILED, stream: 1, reason: Reason.ADDR_IN_USE });
  });

  it('reports a closed port as REFUSED', async () => {
    const relay = await useRelay({ allow: LOOPBACK });
    const port = await freePort();
    const p = await usePage(relay);
    expect(await p.open(1, ipv4(port))).toEqual({ type: FrameType.OPEN_FAILED, stream: 1, reason: Reason.REFUSED });
    expect(relay.metrics().opens).toEqual({ REFUSED: 1 });
    expect(relay.metrics().streams).toBe(0);
  });

  it('gives up after connectTimeoutMs with TIMED_OUT', async () => {
    const hole: Blackhole = await startBlackhole();
    defer(() => hole.close());
    const relay = await useRelay({ allow: LOOPBACK, connectTimeoutMs: 300 });
    const p = await usePage(relay);
    const started = Date.now();
    const failed = await p.open(1, ipv4(hole.port));
    const elapsed = Date.now() - started;
    expect(failed).toEqual({ type: FrameType.OPEN_FAILED, stream: 1, reason: Reason.TIMED_OUT });
    expect(elapsed).toBeGreaterThanOrEqual(280);
    expect(elapsed).toBeLessThan(3000);
  });

  it('refuses destination port 0 with INVALID_ARGUMENT, without dialling', async () => {
    const dials: DialRequest[] = [];
    const relay = await useRelay({
      allow: LOOPBACK,
      dial: (req) => {
        dials.push(req);
        return net.connect(req.port, req.host);
      },
    });
    const p = await usePage(relay);
    expect(await p.open(1, ipv4(0))).toEqual({
      type: FrameType.OPEN_FAILED,
      stream: 1,
      reason: Reason.INVALID_ARGUMENT,
    });
    expect(dials).toEqual([]);
  });

  it('passes NODELAY / KEEPALIVE flags to the dial and accepts SETOPT on the live socket', async () => {
    const dials: DialRequest[] = [];
    const sockets: net.Socket[] = [];
    const relay = await useRelay({
      allow: LOOPBACK,
      dial: (req) => {
        dials.push(req);
        const s = net.connect({
          host: req.host,
          port: req.port,
          allowHalfOpen: true,
          noDelay: req.noDelay,
          keepAlive: req.keepAlive,
        });
        sockets.push(s);
        return s;
      },
    });
    const srv = await server(startEchoServer());
    const p = await usePage(relay);
    const opened = await p.open(1, ipv4(srv.port), { flags: OpenFlag.NODELAY | OpenFlag.KEEPALIVE });
    expect(opened.type).toBe(FrameType.OPENED);
    expect(dials).toEqual([{ host: '127.0.0.1', port: srv.port, family: 4, noDelay: true, keepAlive: true }]);
    const calls: string[] = [];
    const s = sockets[0]!;
    const origNoDelay = s.setNoDelay.bind(s);
    const origKeepAlive = s.setKeepAlive.bind(s);
    s.setNoDelay = (v?: boolean) => {
      calls.push(`nodelay=${v}`);
      return origNoDelay(v);
    };
    s.setKeepAlive = (v?: boolean, d?: number) => {
      calls.push(`keepalive=${v}`);
      return origKeepAlive(v, d);
    };
    p.send(
      { type: FrameType.SETOPT, stream: 1, option: 1, value: 0 },
      { type: FrameType.SETOPT, stream: 1, option: 2, value: 0 },
      { type: FrameType.DATA, stream: 1, data: Buffer.from('ping') },
    );
    expect((await p.read(1, 4)).toString()).toBe('ping'); // the stream still works after SETOPT
    expect(calls).toEqual(['nodelay=false', 'keepalive=false']);
  });

  it('answers OPEN beyond maxStreams with OPEN_FAILED(LIMIT)', async () => {
    const relay = await useRelay({ allow: LOOPBACK, maxStreams: 2 });
    const srv = await server(startEchoServer());
    const p = await usePage(relay);
    expect((await p.open(1, ipv4(srv.port))).type).toBe(FrameType.OPENED);
    expect((await p.open(2, ipv4(srv.port))).type).toBe(FrameType.OPENED);
    expect(await p.open(3, ipv4(srv.port))).toEqual({ type: FrameType.OPEN_FAILED, stream: 3, reason: Reason.LIMIT });
    // Closing one frees a slot.
    p.send({ type: FrameType.CLOSE, stream: 1, reason: Reason.RESET });
    await waitUntil(() => relay.metrics().streams === 1, 2000, 'stream 1 released');
    expect((await p.open(4, ipv4(srv.port))).type).toBe(FrameType.OPENED);
  });

  it('counts sockets still draining after a graceful CLOSE against maxStreams', async () => {
    const relay = await useRelay({ allow: LOOPBACK, maxStreams: 1 });
    const srv = await server(startServer());
    const p = await usePage(relay);
    expect((await p.open(1, ipv4(srv.port))).type).toBe(FrameType.OPENED);
    const peer = await srv.accepted();
    p.send({ type: FrameType.CLOSE, stream: 1, reason: Reason.OK }); // the peer has not ended: the socket lingers
    await waitUntil(async () => (await streamsInState(relay, 'LINGERING')) === 1, 2000, 'stream 1 lingering');
    expect(await p.open(2, ipv4(srv.port))).toEqual({ type: FrameType.OPEN_FAILED, stream: 2, reason: Reason.LIMIT });
    peer.end(); // the peer's FIN completes the graceful close
    await new Promise((r) => peer.once('close', r));
    await waitUntil(async () => (await streamsInState(relay, 'LINGERING')) === 0, 2000, 'the lingering socket closed');
    expect((await p.open(3, ipv4(srv.port))).type).toBe(FrameType.OPENED);
  });

  it('treats a duplicate OPEN for a live stream as a protocol error', async () => {
    const relay = await useRelay({ allow: LOOPBACK });
    const srv = await server(startEchoServer());
    const p = await usePage(relay);
    expect((await p.open(1, ipv4(srv.port))).type).toBe(FrameType.OPENED);
    const accepted = await srv.accepted();
    const serverSawClose = new Promise((r) => accepted.once('close', r));
    p.send({
      type: FrameType.OPEN,
      stream: 1,
      transport: 1,
      flags: 0,
      window: 10,
      remote: ipv4(srv.port),
      local: null,
    });
    const goaway = (await p.next((f) => f.type === FrameType.GOAWAY)) as GoawayFrame;
    expect(goaway).toEqual({
      type: FrameType.GOAWAY,
      reason: Reason.PROTOCOL_ERROR,
      message: 'duplicate OPEN for live stream 1',
    });
    expect((await p.closed).code).toBe(1002);
    await serverSawClose; // every socket of the connection is destroyed
  });

  it('ignores frames for unknown or finished streams', async () => {
    const relay = await useRelay({ allow: LOOPBACK });
    const srv = await server(startEchoServer());
    const p = await usePage(relay);
    p.send(
      { type: FrameType.DATA, stream: 99, data: Buffer.from('x') },
      { type: FrameType.CREDIT, stream: 99, bytes: 5 },
      { type: FrameType.FIN, stream: 99 },
      { type: FrameType.CLOSE, stream: 99, reason: 0 },
    );
    expect((await p.open(100, ipv4(srv.port))).type).toBe(FrameType.OPENED);
    expect(p.inbox).toEqual([]);
  });

  it('frees the stream when the page closes it while the dial is in progress', async () => {
    const hole = await startBlackhole();
    defer(() => hole.close());
    const relay = await useRelay({ allow: LOOPBACK, connectTimeoutMs: 5000 });
    const p = await usePage(relay);
    p.send({
      type: FrameType.OPEN,
      stream: 1,
      transport: 1,
      flags: 0,
      window: 10,
      remote: ipv4(hole.port),
      local: null,
    });
    await waitUntil(() => relay.metrics().streams === 1, 2000, 'the stream dialling');
    expect(await streamsInState(relay, 'CONNECTING')).toBe(1);
    p.send({ type: FrameType.CLOSE, stream: 1, reason: Reason.OK });
    await waitUntil(() => relay.metrics().streams === 0, 2000, 'the stream released');
    // Nothing more is sent for a stream the page closed: a RESOLVE answered after the CLOSE
    // (frames keep their order) arrives with nothing before it.
    expect((await p.resolve(3, '127.0.0.1')).type).toBe(FrameType.RESOLVED);
    expect(p.inbox).toEqual([]);
  });
});
