/**
 * Wine's ws2_32 sock.c test_WSASocket, from real Windows: its table of family / type / protocol
 * combinations, each with WSASocket's error (the last error, 0 on success) and, for the ones
 * that succeed, the socket's type. The rest of Windows' function (WSAEnumProtocols, sockets made
 * from a WSAPROTOCOL_INFO, SO_PROTOCOL_INFO, what SOCK_RAW does for an administrator) is outside this file; see
 * docs/conformance.md.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { errName, lastError, releaseWinsocks, winsock, ws2 } from '../../fixtures/winsock.js';

const { AF_INET, AF_UNSPEC, SOCK_STREAM, SOCK_DGRAM, IPPROTO_TCP, IPPROTO_UDP, INVALID_SOCKET, SOL_SOCKET, SO_TYPE } =
  ws2;
const MARK = 0xdeadbeef | 0;
const BAD = 0xdead;

afterEach(releaseWinsocks);

/** Windows' table: [family, type, protocol, error name or the socket type it gets]. */
const TESTS: [number, number, number, string | number][] = [
  [BAD, SOCK_STREAM, IPPROTO_TCP, 'WSAEAFNOSUPPORT'],
  [-1, SOCK_STREAM, IPPROTO_TCP, 'WSAEAFNOSUPPORT'],
  [AF_INET, BAD, IPPROTO_TCP, 'WSAESOCKTNOSUPPORT'],
  [AF_INET, -1, IPPROTO_TCP, 'WSAESOCKTNOSUPPORT'],
  [AF_INET, SOCK_STREAM, BAD, 'WSAEPROTONOSUPPORT'],
  [AF_INET, SOCK_STREAM, -1, 'WSAEPROTONOSUPPORT'],
  [BAD, BAD, IPPROTO_TCP, 'WSAESOCKTNOSUPPORT'],
  [BAD, SOCK_STREAM, BAD, 'WSAEAFNOSUPPORT'],
  [AF_INET, BAD, BAD, 'WSAESOCKTNOSUPPORT'],
  [BAD, SOCK_STREAM, IPPROTO_UDP, 'WSAEAFNOSUPPORT'],
  // 10
  [AF_INET, SOCK_STREAM, 0, SOCK_STREAM],
  [AF_INET, SOCK_DGRAM, 0, SOCK_DGRAM],
  [AF_INET, BAD, 0, 'WSAESOCKTNOSUPPORT'],
  [AF_INET, 0, IPPROTO_TCP, SOCK_STREAM],
  [AF_INET, 0, IPPROTO_UDP, SOCK_DGRAM],
  [AF_INET, 0, BAD, 'WSAEPROTONOSUPPORT'],
  [AF_INET, 0, 0, SOCK_STREAM],
  [AF_INET, SOCK_STREAM, IPPROTO_UDP, 'WSAEPROTONOSUPPORT'],
  [AF_INET, SOCK_DGRAM, IPPROTO_TCP, 'WSAEPROTONOSUPPORT'],
  // 19
  [AF_UNSPEC, SOCK_STREAM, IPPROTO_TCP, SOCK_STREAM],
  [AF_UNSPEC, SOCK_STREAM, BAD, 'WSAEPROTONOSUPPORT'],
  [AF_UNSPEC, BAD, IPPROTO_UDP, 'WSAESOCKTNOSUPPORT'],
  [AF_UNSPEC, SOCK_STREAM, 0, 'WSAEINVAL'],
  [AF_UNSPEC, SOCK_DGRAM, 0, 'WSAEINVAL'],
  [AF_UNSPEC, BAD, 0, 'WSAEINVAL'],
  [AF_UNSPEC, 0, IPPROTO_TCP, SOCK_STREAM],
  [AF_UNSPEC, 0, IPPROTO_UDP, SOCK_DGRAM],
  [AF_UNSPEC, 0, BAD, 'WSAEPROTONOSUPPORT'],
  [AF_UNSPEC, 0, 0, 'WSAEINVAL'],
];

describe('WSASocket (test_WSASocket)', () => {
  for (const [i, [af, type, protocol, want]] of TESTS.entries()) {
    const what = typeof want === 'string' ? want : `a socket of type ${want}`;
    it(`Test ${i}: WSASocket(${af}, ${type}, ${protocol}) → ${what}`, () => {
      const w = winsock();
      w.WSASetLastError(MARK);
      const s = w.WSASocket(af, type, protocol, null, 0, 0);
      if (typeof want === 'string') {
        expect(lastError(w)).toBe(want);
        expect(s).toBe(INVALID_SOCKET);
        return;
      }
      expect(w.WSAGetLastError(), errName(w.WSAGetLastError())).toBe(0);
      expect(s).not.toBe(INVALID_SOCKET);
      const value = new Uint8Array(4);
      const len = { value: 4 };
      expect(w.getsockopt(s, SOL_SOCKET, SO_TYPE, value, len), lastError(w)).toBe(0);
      expect(new DataView(value.buffer).getInt32(0, true)).toBe(want);
      expect(w.closesocket(s)).toBe(0);
    });
  }
});

describe('WSASocket without a type (test_WSASocket), SO_TYPE read-only', () => {
  it('(0, 0, IPPROTO_TCP) is a stream socket, (0, 0, IPPROTO_UDP) a datagram one', () => {
    const w = winsock();
    for (const [protocol, type] of [
      [IPPROTO_TCP, SOCK_STREAM],
      [IPPROTO_UDP, SOCK_DGRAM],
    ] as const) {
      const s = w.WSASocket(0, 0, protocol, null, 0, 0);
      expect(s, lastError(w)).not.toBe(INVALID_SOCKET);
      const value = new Uint8Array(4);
      expect(w.getsockopt(s, SOL_SOCKET, SO_TYPE, value, { value: 4 }), lastError(w)).toBe(0);
      expect(new DataView(value.buffer).getInt32(0, true)).toBe(type);
      expect(w.closesocket(s)).toBe(0);
    }
  });

  it('setsockopt(SO_TYPE) fails: WSAEINVAL on a UDP socket, WSAENOPROTOOPT on a TCP one, for either value', () => {
    const w = winsock();
    for (const [type, protocol, error] of [
      [SOCK_DGRAM, IPPROTO_UDP, 'WSAEINVAL'],
      [SOCK_STREAM, IPPROTO_TCP, 'WSAENOPROTOOPT'],
    ] as const) {
      const s = w.WSASocket(AF_INET, type, protocol, null, 0, 0);
      expect(s, lastError(w)).not.toBe(INVALID_SOCKET);
      for (const value of [SOCK_STREAM, SOCK_DGRAM]) {
        const optval = new Uint8Array(new Int32Array([value]).buffer);
        w.WSASetLastError(MARK);
        expect(w.setsockopt(s, SOL_SOCKET, SO_TYPE, optval, 4)).toBe(ws2.SOCKET_ERROR);
        expect(lastError(w)).toBe(error);
      }
      expect(w.closesocket(s)).toBe(0);
    }
  });
});

describe('WSASocket, families not installed (test_WSASocket)', () => {
  it('IPX (AF_IPX, SOCK_DGRAM, NSPROTO_IPX) and Bluetooth (AF_BTH, SOCK_STREAM, BTHPROTO_RFCOMM) → WSAEAFNOSUPPORT', () => {
    const w = winsock();
    const AF_IPX = 6;
    const NSPROTO_IPX = 1000;
    const AF_BTH = 32;
    const BTHPROTO_RFCOMM = 3;
    for (const [af, type, protocol] of [
      [AF_IPX, SOCK_DGRAM, NSPROTO_IPX],
      [AF_BTH, SOCK_STREAM, BTHPROTO_RFCOMM],
    ] as const) {
      w.WSASetLastError(MARK);
      expect(w.WSASocket(af, type, protocol, null, 0, 0)).toBe(INVALID_SOCKET);
      expect(lastError(w)).toBe('WSAEAFNOSUPPORT');
    }
  });
});

describe('WSASocket, SOCK_RAW (test_WSASocket)', () => {
  it('(AF_INET, SOCK_RAW, IPPROTO_ICMP) → WSAEACCES, as for a process without administrator rights', () => {
    const w = winsock();
    w.WSASetLastError(MARK);
    expect(w.WSASocket(AF_INET, ws2.SOCK_RAW, ws2.IPPROTO_ICMP, null, 0, 0)).toBe(INVALID_SOCKET);
    expect(lastError(w)).toBe('WSAEACCES');
  });
});
