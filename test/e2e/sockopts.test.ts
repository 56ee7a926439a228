/**
 * getsockopt / setsockopt / ioctlsocket and the address queries, with Windows' value layouts
 * (DWORD and BOOL options are 4 bytes little-endian) and error rules.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Control } from '../fixtures/control.js';
import {
  addr,
  connectedSocket,
  eventually,
  lastError,
  readU32,
  releaseWinsocks,
  tcpSocket,
  u32,
  winsock,
  ws2,
  type Winsock,
} from '../fixtures/winsock.js';

const {
  SOCKET_ERROR,
  SOL_SOCKET,
  IPPROTO_TCP,
  SO_TYPE,
  SO_ERROR,
  SO_RCVTIMEO,
  SO_KEEPALIVE,
  SO_CONNECT_TIME,
  SO_RCVBUF,
  TCP_NODELAY,
  SIOCATMARK,
  SOCK_STREAM,
} = ws2;
const control = new Control();

afterEach(releaseWinsocks);
afterAll(() => control.releaseAll());

function getU32(w: Winsock, s: number, level: number, opt: number): number {
  const v = new Uint8Array(4);
  const len = { value: 4 };
  expect(w.getsockopt(s, level, opt, v, len), lastError(w)).toBe(0);
  expect(len.value).toBe(4);
  return readU32(v);
}

describe('getsockopt / setsockopt', () => {
  it('SO_TYPE is SOCK_STREAM, 4 bytes', () => {
    const w = winsock();
    expect(getU32(w, tcpSocket(w), SOL_SOCKET, SO_TYPE)).toBe(SOCK_STREAM);
  });

  it('SO_ERROR is 0 on a fresh socket', () => {
    const w = winsock();
    expect(getU32(w, tcpSocket(w), SOL_SOCKET, SO_ERROR)).toBe(0);
  });

  it('getsockopt with optlen too small → WSAEFAULT', () => {
    const w = winsock();
    const s = tcpSocket(w);
    const v = new Uint8Array(4);
    expect(w.getsockopt(s, SOL_SOCKET, SO_TYPE, v, { value: 2 })).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEFAULT');
    // optlen larger than the buffer it describes is a fault too.
    expect(w.getsockopt(s, SOL_SOCKET, SO_TYPE, new Uint8Array(2), { value: 4 })).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEFAULT');
  });

  it('setsockopt with optlen too small → WSAEFAULT', () => {
    const w = winsock();
    const s = tcpSocket(w);
    expect(w.setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, u32(100), 2)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEFAULT');
  });

  it('unknown option → WSAENOPROTOOPT (get and set); unknown level → WSAEINVAL', () => {
    const w = winsock();
    const s = tcpSocket(w);
    expect(w.getsockopt(s, SOL_SOCKET, 0x1234, new Uint8Array(4), { value: 4 })).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAENOPROTOOPT');
    expect(w.setsockopt(s, SOL_SOCKET, 0x1234, u32(1), 4)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAENOPROTOOPT');
    // getsockopt's reference: "WSAEINVAL: The level parameter is unknown or invalid."
    expect(w.getsockopt(s, 0x4242, SO_TYPE, new Uint8Array(4), { value: 4 })).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEINVAL');
  });

  it('getsockopt / setsockopt on something that is not a socket → WSAENOTSOCK', () => {
    const w = winsock();
    expect(w.getsockopt(0x5151, SOL_SOCKET, SO_TYPE, new Uint8Array(4), { value: 4 })).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAENOTSOCK');
    expect(w.setsockopt(0x5151, SOL_SOCKET, SO_KEEPALIVE, u32(1), 4)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAENOTSOCK');
  });

  it('SO_KEEPALIVE, TCP_NODELAY, SO_RCVTIMEO, SO_RCVBUF read back what was set', async () => {
    const sink = await control.sink();
    const w = winsock();
    const s = tcpSocket(w);
    expect(w.setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, u32(1), 4), lastError(w)).toBe(0);
    expect(w.setsockopt(s, IPPROTO_TCP, TCP_NODELAY, u32(1), 4), lastError(w)).toBe(0);
    expect(w.setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, u32(1234), 4), lastError(w)).toBe(0);
    expect(w.setsockopt(s, SOL_SOCKET, SO_RCVBUF, u32(65536), 4), lastError(w)).toBe(0);
    expect(getU32(w, s, SOL_SOCKET, SO_KEEPALIVE)).toBe(1);
    expect(getU32(w, s, IPPROTO_TCP, TCP_NODELAY)).toBe(1);
    expect(getU32(w, s, SOL_SOCKET, SO_RCVTIMEO)).toBe(1234);
    expect(getU32(w, s, SOL_SOCKET, SO_RCVBUF)).toBe(65536);
    // Options set before connect survive it, and can be changed on the connected socket.
    const name = addr(sink.port);
    expect(await w.connect(s, name, name.length), lastError(w)).toBe(0);
    expect(getU32(w, s, IPPROTO_TCP, TCP_NODELAY)).toBe(1);
    expect(w.setsockopt(s, IPPROTO_TCP, TCP_NODELAY, u32(0), 4), lastError(w)).toBe(0);
    expect(getU32(w, s, IPPROTO_TCP, TCP_NODELAY)).toBe(0);
  });

  it('SO_RCVTIMEO expiry → recv fails with WSAETIMEDOUT after about the timeout', async () => {
    const sink = await control.sink();
    const w = winsock();
    const s = await connectedSocket(w, sink.port);
    expect(w.setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, u32(300), 4), lastError(w)).toBe(0);
    const t0 = Date.now();
    expect(await w.recv(s, new Uint8Array(8), 8, 0)).toBe(SOCKET_ERROR);
    const took = Date.now() - t0;
    expect(lastError(w)).toBe('WSAETIMEDOUT');
    expect(took).toBeGreaterThanOrEqual(280);
    expect(took).toBeLessThan(3000);
  });

  it('SO_CONNECT_TIME is 0xFFFFFFFF before connect, then the seconds since the connection was made', async () => {
    const sink = await control.sink();
    const w = winsock();
    const s = tcpSocket(w);
    expect(getU32(w, s, SOL_SOCKET, SO_CONNECT_TIME)).toBe(0xffffffff);
    const name = addr(sink.port);
    expect(await w.connect(s, name, name.length), lastError(w)).toBe(0);
    expect(getU32(w, s, SOL_SOCKET, SO_CONNECT_TIME)).toBe(0);
    // The count is whole seconds: wait for it to turn, then check it turned only once.
    expect(
      await eventually(() => getU32(w, s, SOL_SOCKET, SO_CONNECT_TIME) >= 1, 3000, 50),
      'SO_CONNECT_TIME never reached 1 s',
    ).toBe(true);
    const seconds = getU32(w, s, SOL_SOCKET, SO_CONNECT_TIME);
    expect(seconds).toBeGreaterThanOrEqual(1);
    expect(seconds).toBeLessThanOrEqual(2); // 2 only if this machine stalled for most of a second
  });
});

describe('ioctlsocket and address queries', () => {
  it('SIOCATMARK is TRUE when no urgent data is pending', async () => {
    const sink = await control.sink();
    const w = winsock();
    const s = await connectedSocket(w, sink.port);
    const arg = { value: 0 };
    expect(w.ioctlsocket(s, SIOCATMARK, arg), lastError(w)).toBe(0);
    expect(arg.value).not.toBe(0);
  });

  it('bind twice → WSAEINVAL', () => {
    const w = winsock();
    const s = tcpSocket(w);
    const local = addr(0);
    expect(w.bind(s, local, local.length), lastError(w)).toBe(0);
    expect(w.bind(s, local, local.length)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEINVAL');
  });

  it('bind with namelen too small → WSAEFAULT', () => {
    const w = winsock();
    const s = tcpSocket(w);
    expect(w.bind(s, addr(0), 8)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEFAULT');
  });

  it('getpeername before connect → WSAENOTCONN', () => {
    const w = winsock();
    const s = tcpSocket(w);
    expect(w.getpeername(s, new Uint8Array(16), { value: 16 })).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAENOTCONN');
  });

  it('getsockname on an unbound socket → WSAEINVAL', () => {
    const w = winsock();
    const s = tcpSocket(w);
    expect(w.getsockname(s, new Uint8Array(16), { value: 16 })).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEINVAL');
  });

  it('getsockname with namelen too small → WSAEFAULT', async () => {
    const sink = await control.sink();
    const w = winsock();
    const s = await connectedSocket(w, sink.port);
    expect(w.getsockname(s, new Uint8Array(16), { value: 8 })).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEFAULT');
  });

  it('accept on a listening socket: the relay accepts no inbound connections → WSAEACCES', async () => {
    const w = winsock();
    const s = tcpSocket(w);
    const local = addr(0);
    expect(w.bind(s, local, local.length), lastError(w)).toBe(0);
    expect(w.listen(s, 5), lastError(w)).toBe(0);
    expect(await w.accept(s, null, null)).toBe(ws2.INVALID_SOCKET);
    expect(lastError(w)).toBe('WSAEACCES');
  });

  it('accept on a socket that is not listening → WSAEINVAL', async () => {
    const w = winsock();
    expect(await w.accept(tcpSocket(w), null, null)).toBe(ws2.INVALID_SOCKET);
    expect(lastError(w)).toBe('WSAEINVAL');
  });

  it('listen on an unbound socket → WSAEINVAL', () => {
    const w = winsock();
    expect(w.listen(tcpSocket(w), 5)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEINVAL');
  });
});
