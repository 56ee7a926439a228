/**
 * Blocking connect against real loopback servers through the real relay: success and the
 * addresses it yields, and each failure the relay can produce (refused, timed out, policy,
 * relay unreachable), with a retry on the same socket where Windows allows one.
 */
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { Control, text, untext } from '../fixtures/control.js';
import {
  addr,
  connectedSocket,
  lastError,
  recvExactly,
  releaseWinsocks,
  tcpSocket,
  u32,
  winsock,
  ws2,
} from '../fixtures/winsock.js';

const { AF_INET, AF_INET6, SOCKET_ERROR } = ws2;
const control = new Control();

afterEach(releaseWinsocks);
afterAll(() => control.releaseAll());

function sockname(w: ReturnType<typeof winsock>, s: number, which: 'getsockname' | 'getpeername') {
  const buf = new Uint8Array(28);
  const len = { value: buf.length };
  const rc = w[which](s, buf, len);
  return { rc, len: len.value, addr: rc === 0 ? ws2.parseSockaddr(buf.subarray(0, len.value)) : null };
}

describe('blocking connect', () => {
  it("succeeds; getsockname is the relay socket's real 127.0.0.1 address, getpeername the server", async () => {
    const sink = await control.sink();
    const w = winsock();
    const s = await connectedSocket(w, sink.port);
    const state = await control.peer(sink.id, 'connected');
    expect(state.connections).toBe(1);

    const local = sockname(w, s, 'getsockname');
    expect(local.rc, lastError(w)).toBe(0);
    expect(local.len).toBe(16);
    expect(local.addr).toMatchObject({ family: AF_INET, address: '127.0.0.1' });
    expect(local.addr!.port).not.toBe(0);
    // The server saw the relay's socket: the same port getsockname reports.
    expect(local.addr!.port).toBe(state.last!.remotePort);

    const peer = sockname(w, s, 'getpeername');
    expect(peer.rc, lastError(w)).toBe(0);
    expect(peer.len).toBe(16);
    expect(peer.addr).toMatchObject({ family: AF_INET, address: '127.0.0.1', port: sink.port });
  });

  it('after bind(127.0.0.1:0), getsockname says port 0 until the connect, then the real port', async () => {
    const echo = await control.echo();
    const w = winsock();
    const s = tcpSocket(w);
    const local = addr(0);
    expect(w.bind(s, local, local.length), lastError(w)).toBe(0);
    expect(sockname(w, s, 'getsockname').addr).toMatchObject({ address: '127.0.0.1', port: 0 });
    const name = addr(echo.port);
    expect(await w.connect(s, name, name.length), lastError(w)).toBe(0);
    const after = sockname(w, s, 'getsockname').addr!;
    expect(after.address).toBe('127.0.0.1');
    expect(after.port).toBeGreaterThan(0);
    const st = await control.peer(echo.id, 'connected');
    expect(after.port).toBe(st.last!.remotePort);
  });

  it('bind(127.0.0.1:<free port>) then connect: the relay dials from exactly that port', async () => {
    const sink = await control.sink();
    const port = await control.refusedPort(); // free a moment ago
    const w = winsock();
    const s = tcpSocket(w);
    const local = addr(port);
    expect(w.bind(s, local, local.length), lastError(w)).toBe(0);
    expect(sockname(w, s, 'getsockname').addr).toMatchObject({ address: '127.0.0.1', port });
    const name = addr(sink.port);
    expect(await w.connect(s, name, name.length), lastError(w)).toBe(0);
    const st = await control.peer(sink.id, 'connected');
    expect(st.last!.remotePort).toBe(port);
    expect(sockname(w, s, 'getsockname').addr).toMatchObject({ address: '127.0.0.1', port });
  });

  it('IPv6: connect to [::1] works and getpeername reports ::1', async () => {
    const echo = await control.echo('::1');
    const w = winsock();
    const s = await connectedSocket(w, echo.port, '::1');
    const peer = sockname(w, s, 'getpeername');
    expect(peer.len).toBe(28);
    expect(peer.addr).toMatchObject({ family: AF_INET6, address: '::1', port: echo.port });
    expect(await w.send(s, text('v6'), 2, 0)).toBe(2);
    expect(untext(await recvExactly(w, s, 2))).toBe('v6');
  });

  it('WSAECONNREFUSED, then connect again on the same socket to a live port succeeds', async () => {
    const refused = await control.refusedPort();
    const echo = await control.echo();
    const w = winsock();
    const s = tcpSocket(w);
    const bad = addr(refused);
    expect(await w.connect(s, bad, bad.length)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAECONNREFUSED');

    const good = addr(echo.port);
    expect(await w.connect(s, good, good.length), lastError(w)).toBe(0);
    expect(await w.send(s, text('again'), 5, 0)).toBe(5);
    expect(untext(await recvExactly(w, s, 5))).toBe('again');
  });

  it('WSAETIMEDOUT when the destination never answers (relay connect timeout 1.5 s), then retry succeeds', async () => {
    const hole = await control.blackhole();
    const echo = await control.echo();
    const w = winsock();
    const s = tcpSocket(w);
    const name = addr(hole.port);
    const t0 = Date.now();
    expect(await w.connect(s, name, name.length)).toBe(SOCKET_ERROR);
    const took = Date.now() - t0;
    expect(lastError(w)).toBe('WSAETIMEDOUT');
    expect(took).toBeGreaterThanOrEqual(1300);
    expect(took).toBeLessThan(8000);

    const good = addr(echo.port);
    expect(await w.connect(s, good, good.length), lastError(w)).toBe(0);
  });

  it('WSAEACCES when the relay policy refuses the destination (default policy: no loopback); never dialled', async () => {
    const sink = await control.sink();
    const w = winsock(inject('denyRelayUrl'));
    const s = tcpSocket(w);
    const name = addr(sink.port);
    expect(await w.connect(s, name, name.length)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEACCES');
    expect((await control.peer(sink.id)).connections).toBe(0);
  });

  it('WSAEACCES for IPv6 loopback and IPv4-mapped loopback under the default policy', async () => {
    const sink = await control.sink();
    const w = winsock(inject('denyRelayUrl'));
    for (const host of ['::1', '::ffff:127.0.0.1']) {
      const s = tcpSocket(w, AF_INET6);
      // IPV6_V6ONLY is TRUE by default (as Windows): only a dual-stack socket may even try a mapped address.
      expect(w.setsockopt(s, ws2.IPPROTO_IPV6, ws2.IPV6_V6ONLY, u32(0), 4), lastError(w)).toBe(0);
      const name = addr(sink.port, host);
      expect(await w.connect(s, name, name.length), host).toBe(SOCKET_ERROR);
      expect(lastError(w), host).toBe('WSAEACCES');
    }
    expect((await control.peer(sink.id)).connections).toBe(0);
  });

  it('WSAENETDOWN when the relay cannot be reached (nothing listens on its port)', async () => {
    const deadPort = await control.refusedPort();
    const echo = await control.echo();
    const w = winsock(`ws://127.0.0.1:${deadPort}/`);
    const s = tcpSocket(w);
    const name = addr(echo.port);
    expect(await w.connect(s, name, name.length)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAENETDOWN');
    // A second socket on the same object fails the same way; nothing hangs.
    const s2 = tcpSocket(w);
    expect(await w.connect(s2, name, name.length)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAENETDOWN');
  });

  it('WSAENETDOWN when the relay URL is an HTTP server that refuses the upgrade (404)', async () => {
    const echo = await control.echo();
    // The control server speaks HTTP but has no WebSocket route: the handshake fails.
    const w = winsock(`${inject('controlUrl').replace('http:', 'ws:')}/not-a-relay`);
    const s = tcpSocket(w);
    const name = addr(echo.port);
    expect(await w.connect(s, name, name.length)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAENETDOWN');
    expect((await control.peer(echo.id)).connections).toBe(0);
  });

  it('WSAENETDOWN when the relay URL resets the connection during the handshake', async () => {
    const resetter = await control.reset({ resetOn: 'data' });
    const echo = await control.echo();
    const w = winsock(`ws://127.0.0.1:${resetter.port}/`);
    const s = tcpSocket(w);
    const name = addr(echo.port);
    expect(await w.connect(s, name, name.length)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAENETDOWN');
  });

  it('several sockets of one object connect concurrently over the one WebSocket', async () => {
    const echo = await control.echo();
    const w = winsock();
    const sockets = await Promise.all([0, 1, 2, 3, 4].map(() => connectedSocket(w, echo.port)));
    await Promise.all(
      sockets.map(async (s, i) => {
        expect(await w.send(s, text(`n${i}`), 2, 0)).toBe(2);
        expect(untext(await recvExactly(w, s, 2))).toBe(`n${i}`);
      }),
    );
    expect((await control.peer(echo.id)).connections).toBe(5);
  });
});
