/**
 * WSAPoll as Windows answers it (Wine's ws2_32 test_WSAPoll records it from real Windows):
 * argument errors, POLLNVAL for handles that are no socket, the flags a listener, a connected
 * socket and a UDP socket report, POLLHUP after the peer's close (alone or with unread data),
 * a socket closed during the wait, and a failed non-blocking connect (Windows 10 2004+).
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Control } from '../../fixtures/control.js';
import { inboundWinsock, listeningSocket, localName } from '../../fixtures/inbound.js';
import { eventually, lastError, releaseWinsocks, tcpSocket, ws2, type Winsock } from '../../fixtures/winsock.js';
import { EXPECT_MS, sendText, setNonBlocking, syncRecv, tcpSocketPair, untilReadable } from './event-modes.js';

const {
  POLLRDNORM,
  POLLRDBAND,
  POLLIN,
  POLLWRNORM,
  POLLWRBAND,
  POLLPRI,
  POLLERR,
  POLLHUP,
  POLLNVAL,
  INVALID_SOCKET,
  SOCKET_ERROR,
  SD_RECEIVE,
  SD_SEND,
  SOL_SOCKET,
  SO_ERROR,
  AF_INET,
  SOCK_DGRAM,
  IPPROTO_UDP,
} = ws2;
const ALL = POLLRDNORM | POLLRDBAND | POLLWRNORM;
const control = new Control();

afterEach(releaseWinsocks);
afterAll(() => control.releaseAll());

/** WSAPoll on one socket with `events`, as Windows' tests check: the count matches revents. */
async function poll(w: Winsock, s: number, events = ALL, timeout = 1000): Promise<number> {
  const fd = { fd: s, events, revents: 0xdead };
  const rc = await w.WSAPoll([fd], 1, timeout);
  expect(rc, `WSAPoll: ${rc === SOCKET_ERROR ? lastError(w) : rc}`).toBe(fd.revents ? 1 : 0);
  return fd.revents;
}

function soError(w: Winsock, s: number): number {
  const v = new Uint8Array(4);
  const len = { value: 4 };
  expect(w.getsockopt(s, SOL_SOCKET, SO_ERROR, v, len), lastError(w)).toBe(0);
  return new DataView(v.buffer).getInt32(0, true);
}

describe('WSAPoll', () => {
  it('argument errors: no entries → WSAEINVAL, no array → WSAEFAULT; flags that cannot be asked for → WSAEINVAL', async () => {
    const w = inboundWinsock();
    for (const timeout of [0, 1]) {
      expect(await w.WSAPoll(null, 0, timeout)).toBe(SOCKET_ERROR);
      expect(lastError(w)).toBe('WSAEINVAL');
      expect(await w.WSAPoll(null, 1, timeout)).toBe(SOCKET_ERROR);
      expect(lastError(w)).toBe('WSAEFAULT');
    }
    const l = await listeningSocket(w);
    for (const bad of [
      POLLERR,
      POLLHUP,
      POLLNVAL,
      0x8,
      POLLWRBAND,
      0x40,
      0x80,
      POLLPRI,
      0x800,
      0x1000,
      0x2000,
      0x4000,
      0x8000,
    ]) {
      const fd = { fd: l.s, events: bad, revents: 0xdead };
      w.WSASetLastError(0);
      expect(await w.WSAPoll([fd], 1, 0), `events ${bad.toString(16)}`).toBe(SOCKET_ERROR);
      expect(lastError(w), `events ${bad.toString(16)}`).toBe('WSAEINVAL');
    }
  });

  it('POLLNVAL for handles that are no socket: not counted; all of them → WSAENOTSOCK', async () => {
    const w = inboundWinsock();
    const l = await listeningSocket(w);
    const quiet = { fd: l.s, events: ALL, revents: 0xdead };
    expect(await w.WSAPoll([quiet], 1, 0)).toBe(0);
    expect(quiet.revents, 'nothing pending: revents cleared').toBe(0);

    let fds = [
      { fd: INVALID_SOCKET, events: POLLERR, revents: 0xdead },
      { fd: l.s, events: POLLIN, revents: 0xdead },
    ];
    w.WSASetLastError(12345);
    expect(await w.WSAPoll(fds, 2, 0)).toBe(0);
    expect(w.WSAGetLastError(), 'success clears the last error').toBe(0);
    expect(fds.map((f) => f.revents)).toEqual([POLLNVAL, 0]);

    fds = [
      { fd: l.s, events: POLLIN, revents: 0xdead },
      { fd: 0xabacab, events: POLLIN, revents: 0xdead },
    ];
    w.WSASetLastError(12345);
    expect(await w.WSAPoll(fds, 2, 0)).toBe(0);
    expect(w.WSAGetLastError()).toBe(0);
    expect(fds.map((f) => f.revents)).toEqual([0, POLLNVAL]);

    fds = [
      { fd: l.s, events: POLLIN, revents: 0xdead },
      { fd: 0xabacab, events: POLLERR, revents: 0xdead },
    ];
    expect(await w.WSAPoll(fds, 2, 0)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEINVAL');
    expect(fds.map((f) => f.revents)).toEqual([0, 0]);

    fds = [
      { fd: INVALID_SOCKET, events: POLLERR, revents: 0xdead },
      { fd: 0xabacab, events: POLLERR, revents: 0xdead },
    ];
    expect(await w.WSAPoll(fds, 2, 0)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAENOTSOCK');
    expect(fds.map((f) => f.revents)).toEqual([POLLNVAL, POLLNVAL]);
  });

  it('a listener with a connection waiting: POLLRDNORM only; connected sockets: POLLWRNORM; data: POLLRDNORM', async () => {
    const w = inboundWinsock();
    const l = await listeningSocket(w);
    const client = tcpSocket(w);
    setNonBlocking(w, client, true);
    const name = ws2.sockaddrIn('127.0.0.1', l.port);
    const rc = await w.connect(client, name, name.length);
    if (rc === SOCKET_ERROR) expect(lastError(w)).toBe('WSAEWOULDBLOCK');

    expect(await poll(w, l.s, POLLIN, EXPECT_MS), 'the listener, POLLIN').toBe(POLLRDNORM);
    expect(await poll(w, l.s, POLLIN, 0), 'again').toBe(POLLRDNORM);
    expect(await poll(w, l.s, POLLRDBAND | POLLWRNORM, 0), 'not asked for').toBe(0);

    const server = await w.accept(l.s, null, null);
    expect(server, lastError(w)).not.toBe(INVALID_SOCKET);
    setNonBlocking(w, server, true);
    for (const bad of [
      POLLERR,
      POLLHUP,
      POLLNVAL,
      0x8,
      POLLWRBAND,
      0x40,
      0x80,
      POLLPRI,
      0x800,
      0x1000,
      0x2000,
      0x4000,
      0x8000,
    ]) {
      const fd = { fd: server, events: bad, revents: 0xdead };
      expect(await w.WSAPoll([fd], 1, 0), `events ${bad.toString(16)} on a connected socket`).toBe(SOCKET_ERROR);
      expect(lastError(w), `events ${bad.toString(16)} on a connected socket`).toBe('WSAEINVAL');
    }
    await untilWritable(w, client);
    const fds = [l.s, server, client].map((fd) => ({ fd, events: ALL, revents: 0xdead }));
    expect(await w.WSAPoll(fds, 3, 0)).toBe(2);
    expect(fds.map((f) => f.revents)).toEqual([0, POLLWRNORM, POLLWRNORM]);

    await sendText(w, server, '1234');
    expect(await poll(w, client, POLLRDNORM | POLLRDBAND, EXPECT_MS)).toBe(POLLRDNORM);
    expect(await poll(w, client)).toBe(POLLRDNORM | POLLWRNORM);
    expect(await poll(w, server)).toBe(POLLWRNORM);
    expect(await syncRecv(w, client, 6)).toBe(4);
    expect(await poll(w, client)).toBe(POLLWRNORM);
    expect(await poll(w, server)).toBe(POLLWRNORM);

    // shutdown: our SD_RECEIVE changes nothing; our SD_SEND is POLLHUP at the peer, asked for or not.
    expect(w.shutdown(client, SD_RECEIVE), lastError(w)).toBe(0);
    expect(await poll(w, client)).toBe(POLLWRNORM);
    expect(await poll(w, server)).toBe(POLLWRNORM);
    expect(w.shutdown(client, SD_SEND), lastError(w)).toBe(0);
    expect(await poll(w, client)).toBe(POLLWRNORM);
    await untilReadable(w, server);
    expect(await poll(w, server, 0)).toBe(POLLHUP);
    expect(await poll(w, server)).toBe(POLLWRNORM | POLLHUP);
  });

  it("the peer's closesocket is POLLHUP, with POLLRDNORM while its data is unread", async () => {
    const w = inboundWinsock();
    const l = await listeningSocket(w);
    let pair = await tcpSocketPair(w, l);
    expect(w.closesocket(pair.client)).toBe(0);
    await untilReadable(w, pair.server);
    expect(await poll(w, pair.server, 0)).toBe(POLLHUP);
    expect(await poll(w, pair.server)).toBe(POLLWRNORM | POLLHUP);

    pair = await tcpSocketPair(w, l);
    await sendText(w, pair.client, 'data\0');
    expect(await poll(w, pair.client)).toBe(POLLWRNORM);
    expect(await poll(w, pair.server, POLLRDNORM | POLLRDBAND, EXPECT_MS)).toBe(POLLRDNORM);
    expect(await poll(w, pair.server)).toBe(POLLWRNORM | POLLRDNORM);
    expect(w.shutdown(pair.client, SD_SEND), lastError(w)).toBe(0);
    expect(await poll(w, pair.client)).toBe(POLLWRNORM);
    expect(
      await eventually(async () => (await poll(w, pair.server, 0, 0)) === POLLHUP, EXPECT_MS),
      'POLLHUP once the FIN arrived',
    ).toBe(true);
    expect(await poll(w, pair.server)).toBe(POLLWRNORM | POLLRDNORM | POLLHUP);
  });

  it('a socket closed during the wait: POLLNVAL, counted', async () => {
    const w = inboundWinsock();
    const { client } = await tcpSocketPair(w);
    const fd = { fd: client, events: POLLRDNORM | POLLRDBAND, revents: 0xdead };
    const waiting = w.WSAPoll([fd], 1, 2000); // waiting once the call returns its promise
    expect(w.closesocket(client)).toBe(0);
    expect(await waiting).toBe(1);
    expect(fd.revents).toBe(POLLNVAL);
  });

  it('a failed non-blocking connect: POLLWRNORM|POLLHUP|POLLERR, SO_ERROR stays WSAECONNREFUSED', async () => {
    const w = inboundWinsock();
    const port = await control.refusedPort();
    const client = tcpSocket(w);
    setNonBlocking(w, client, true);
    const name = ws2.sockaddrIn('127.0.0.1', port);
    expect(await w.connect(client, name, name.length)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEWOULDBLOCK');
    expect(await poll(w, client, ALL, 10000)).toBe(POLLWRNORM | POLLHUP | POLLERR);
    expect(soError(w, client)).toBe(ws2.WSAECONNREFUSED);
    expect(soError(w, client), 'reading SO_ERROR does not clear it').toBe(ws2.WSAECONNREFUSED);
    expect(await poll(w, client)).toBe(POLLWRNORM | POLLHUP | POLLERR);

    const blocking = tcpSocket(w);
    expect(await w.connect(blocking, name, name.length)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAECONNREFUSED');
    expect(await poll(w, blocking), 'after a blocking connect failed').toBe(POLLWRNORM | POLLHUP | POLLERR);
    expect(soError(w, blocking), 'a blocking failure is not stored').toBe(0);
  });

  it('UDP: POLLWRNORM before and after bind; a datagram is POLLRDNORM', async () => {
    const w = inboundWinsock();
    const client = w.socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    const server = w.socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    expect(await poll(w, client)).toBe(POLLWRNORM);
    expect(await poll(w, server)).toBe(POLLWRNORM);
    const any = ws2.sockaddrIn('127.0.0.1', 0);
    expect(w.bind(client, any, any.length), lastError(w)).toBe(0);
    let port = 0;
    expect(
      await eventually(() => {
        const n = localName(w, client);
        port = typeof n === 'string' ? 0 : n.port;
        return port !== 0;
      }, EXPECT_MS),
    ).toBe(true);
    expect(await poll(w, client)).toBe(POLLWRNORM);
    expect(await poll(w, server)).toBe(POLLWRNORM);
    const to = ws2.sockaddrIn('127.0.0.1', port);
    const data = new TextEncoder().encode('data\0');
    expect(await w.sendto(server, data, data.length, 0, to, to.length), lastError(w)).toBe(5);
    expect(await poll(w, client, POLLRDNORM | POLLRDBAND, EXPECT_MS)).toBe(POLLRDNORM);
    expect(await poll(w, client)).toBe(POLLWRNORM | POLLRDNORM);
    expect(await poll(w, server)).toBe(POLLWRNORM);
  });
});

/** select() until `s` is writable (its connect completed). */
async function untilWritable(w: Winsock, s: number): Promise<void> {
  const writefds = { fd_count: 1, fd_array: [s] };
  expect(await w.select(0, null, writefds, null, { tv_sec: EXPECT_MS / 1000, tv_usec: 0 }), lastError(w)).toBe(1);
}
