/**
 * listen and what accept inherits, as Windows answers (Wine's ws2_32 test_listen and
 * test_accept_inheritance record it from real Windows): listen's argument and state errors,
 * SO_ACCEPTCONN read-only and 1 once listening, a second listen allowed; the accepted socket
 * carries the listener's SO_REUSEADDR, SO_KEEPALIVE, SO_OOBINLINE, SO_SNDBUF, SO_RCVBUF,
 * SO_SNDTIMEO, SO_RCVTIMEO, TCP_NODELAY and SO_LINGER.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { acceptWithin, inboundWinsock, localName } from '../../fixtures/inbound.js';
import {
  eventually,
  lastError,
  readU32,
  releaseWinsocks,
  tcpSocket,
  u32,
  ws2,
  type Winsock,
} from '../../fixtures/winsock.js';
import { EXPECT_MS } from './event-modes.js';

const {
  SOCKET_ERROR,
  SOMAXCONN,
  AF_INET,
  SOCK_DGRAM,
  SOL_SOCKET,
  IPPROTO_TCP,
  SO_ACCEPTCONN,
  SO_REUSEADDR,
  SO_KEEPALIVE,
  SO_OOBINLINE,
  SO_SNDBUF,
  SO_RCVBUF,
  SO_SNDTIMEO,
  SO_RCVTIMEO,
  TCP_NODELAY,
  SO_LINGER,
} = ws2;

afterEach(releaseWinsocks);

function getInt(w: Winsock, s: number, level: number, name: number): number {
  const v = new Uint8Array(4);
  const len = { value: 4 };
  expect(w.getsockopt(s, level, name, v, len), `getsockopt ${name}: ${lastError(w)}`).toBe(0);
  return readU32(v);
}

describe('listen (test_listen)', () => {
  it('errors: no socket, UDP, unbound; SO_ACCEPTCONN read-only, 0 then 1; listen twice; a second socket on a listening one', () => {
    const w = inboundWinsock();
    for (const bad of [0, 0xdeadbeef]) {
      expect(w.listen(bad, 0)).toBe(SOCKET_ERROR);
      expect(lastError(w)).toBe('WSAENOTSOCK');
    }
    const udp = w.socket(AF_INET, SOCK_DGRAM, 0);
    expect(w.listen(udp, 1)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEOPNOTSUPP');
    expect(w.closesocket(udp)).toBe(0);

    const a = tcpSocket(w);
    const b = tcpSocket(w);
    for (const backlog of [-2, 1, SOMAXCONN]) {
      expect(w.listen(a, backlog), `unbound, backlog ${backlog}`).toBe(SOCKET_ERROR);
      expect(lastError(w)).toBe('WSAEINVAL');
    }
    const name = ws2.sockaddrIn('127.0.0.1', 0);
    expect(w.bind(a, name, name.length), lastError(w)).toBe(0);
    expect(getInt(w, a, SOL_SOCKET, SO_ACCEPTCONN)).toBe(0);
    for (const value of [1, 0]) {
      expect(w.setsockopt(a, SOL_SOCKET, SO_ACCEPTCONN, u32(value), 4)).toBe(SOCKET_ERROR);
      expect(lastError(w)).toBe('WSAENOPROTOOPT');
    }
    expect(w.listen(a, 0), lastError(w)).toBe(0);
    expect(w.listen(a, SOMAXCONN), 'a second listen').toBe(0);
    expect(getInt(w, a, SOL_SOCKET, SO_ACCEPTCONN)).toBe(1);
    for (const value of [1, 0]) {
      expect(w.setsockopt(a, SOL_SOCKET, SO_ACCEPTCONN, u32(value), 4)).toBe(SOCKET_ERROR);
      expect(lastError(w)).toBe('WSAENOPROTOOPT');
    }
    expect(w.listen(b, SOMAXCONN), 'b is unbound').toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEINVAL');
    expect(w.closesocket(b)).toBe(0);
    expect(w.closesocket(a)).toBe(0);
  });
});

describe('accept inheritance (test_accept_inheritance)', () => {
  it("the accepted socket has the listener's options", async () => {
    const w = inboundWinsock();
    const l = tcpSocket(w);
    const ints: [number, number, number][] = [
      [SOL_SOCKET, SO_REUSEADDR, 1],
      [SOL_SOCKET, SO_KEEPALIVE, 1],
      [SOL_SOCKET, SO_OOBINLINE, 1],
      [SOL_SOCKET, SO_SNDBUF, 0x123],
      [SOL_SOCKET, SO_RCVBUF, 0x123],
      [SOL_SOCKET, SO_SNDTIMEO, 0x123],
      [SOL_SOCKET, SO_RCVTIMEO, 0x123],
      [IPPROTO_TCP, TCP_NODELAY, 1],
    ];
    for (const [level, opt, value] of ints)
      expect(w.setsockopt(l, level, opt, u32(value), 4), `setsockopt ${opt}: ${lastError(w)}`).toBe(0);
    const linger = new Uint8Array(4); // struct linger { u_short l_onoff; u_short l_linger; }
    new DataView(linger.buffer).setUint16(0, 1, true);
    new DataView(linger.buffer).setUint16(2, 555, true);
    expect(w.setsockopt(l, SOL_SOCKET, SO_LINGER, linger, 4), lastError(w)).toBe(0);
    const any = ws2.sockaddrIn('127.0.0.1', 0);
    expect(w.bind(l, any, any.length), lastError(w)).toBe(0);
    expect(w.listen(l, 1), lastError(w)).toBe(0);
    let port = 0;
    expect(
      await eventually(() => {
        const n = localName(w, l);
        port = typeof n === 'string' ? 0 : n.port;
        return port !== 0;
      }, EXPECT_MS),
    ).toBe(true);

    const client = tcpSocket(w);
    const name = ws2.sockaddrIn('127.0.0.1', port);
    expect(await w.connect(client, name, name.length), lastError(w)).toBe(0);
    const { s: server } = await acceptWithin(w, l);
    for (const [level, opt, value] of ints)
      expect(getInt(w, server, level, opt), `option ${opt} on the accepted socket`).toBe(value);
    const got = new Uint8Array(4);
    expect(w.getsockopt(server, SOL_SOCKET, SO_LINGER, got, { value: 4 }), lastError(w)).toBe(0);
    const view = new DataView(got.buffer);
    expect([view.getUint16(0, true), view.getUint16(2, true)]).toEqual([1, 555]);
  });
});
