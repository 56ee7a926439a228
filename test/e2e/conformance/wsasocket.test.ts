/**
 * Wine's ws2_32 sock.c test_WSASocket, from real Windows: its table of family / type / protocol
 * combinations, each with WSASocket's error (the last error, 0 on success) and, for the ones
 * that succeed, the socket's type and its provider (SO_PROTOCOL_INFOA); WSAEnumProtocolsA and
 * sockets made from the WSAPROTOCOL_INFO it lists; and the catalog ws2web lists. What SOCK_RAW,
 * IPX and Bluetooth do where installed is outside this file; see docs/conformance.md.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { errName, lastError, releaseWinsocks, winsock, ws2, type Winsock } from '../../fixtures/winsock.js';

const {
  AF_INET,
  AF_INET6,
  AF_UNSPEC,
  SOCK_STREAM,
  SOCK_DGRAM,
  IPPROTO_TCP,
  IPPROTO_UDP,
  INVALID_SOCKET,
  SOCKET_ERROR,
  SOL_SOCKET,
  SO_TYPE,
  SO_PROTOCOL_INFOA,
  SO_PROTOCOL_INFOW,
  FROM_PROTOCOL_INFO,
  PFL_MATCHES_PROTOCOL_ZERO,
  WSAPROTOCOL_INFOA_SIZE,
  WSAPROTOCOL_INFOW_SIZE,
} = ws2;
/** Where WSAPROTOCOL_INFO holds iAddressFamily, iSocketType and iProtocol (A and W alike). */
const FAMILY_AT = 76;
const TYPE_AT = 88;
const PROTOCOL_AT = 92;
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
      // The socket's provider, as SO_PROTOCOL_INFOA reports it (AF_UNSPEC: the first, IPv4, one).
      const info = new Uint8Array(WSAPROTOCOL_INFOA_SIZE);
      expect(w.getsockopt(s, SOL_SOCKET, SO_PROTOCOL_INFOA, info, { value: info.length }), lastError(w)).toBe(0);
      const entry = ws2.parseProtocolInfo(info, false);
      expect(entry.family).toBe(af === AF_UNSPEC ? AF_INET : af);
      expect(entry.type).toBe(want);
      expect(entry.protocol).toBe(want === SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP);
      expect(w.closesocket(s)).toBe(0);
    });
  }
});

/** WSAEnumProtocolsA's whole answer for `protocols`, after the size query Windows answers first. */
function enumProtocols(w: Winsock, protocols: number[] | null): { count: number; buffer: Uint8Array } {
  const len = { value: 0 };
  w.WSASetLastError(MARK);
  expect(w.WSAEnumProtocolsA(protocols, null, len), 'a size query').toBe(SOCKET_ERROR);
  expect(lastError(w)).toBe('WSAENOBUFS');
  expect(len.value % WSAPROTOCOL_INFOA_SIZE).toBe(0);
  const buffer = new Uint8Array(len.value);
  const count = w.WSAEnumProtocolsA(protocols, buffer, len);
  expect(count, lastError(w)).not.toBe(SOCKET_ERROR);
  expect(count * WSAPROTOCOL_INFOA_SIZE).toBe(len.value);
  return { count, buffer };
}

const entryAt = (buffer: Uint8Array, i: number) => ws2.parseProtocolInfo(buffer, false, i * WSAPROTOCOL_INFOA_SIZE);

function socketType(w: Winsock, s: number): number {
  const value = new Uint8Array(4);
  expect(w.getsockopt(s, SOL_SOCKET, SO_TYPE, value, { value: 4 }), lastError(w)).toBe(0);
  return new DataView(value.buffer).getInt32(0, true);
}

describe('WSAEnumProtocolsA and sockets made from a WSAPROTOCOL_INFO (test_WSASocket)', () => {
  it('the TCP providers: a size query fails with WSAENOBUFS, then FROM_PROTOCOL_INFO makes a socket of the first', () => {
    const w = winsock();
    const { count, buffer } = enumProtocols(w, [IPPROTO_TCP]);
    expect(count).toBeGreaterThan(0);
    const first = buffer.slice(0, WSAPROTOCOL_INFOA_SIZE);
    const s = w.WSASocket(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, first, 0, 0);
    expect(s, lastError(w)).not.toBe(INVALID_SOCKET);
    expect(socketType(w, s)).toBe(SOCK_STREAM);
    expect(w.closesocket(s)).toBe(0);
  });

  it('the protocol info comes before 0 arguments: -1 or 0 in its fields → WSAEAFNOSUPPORT despite IPPROTO_UDP', () => {
    const w = winsock();
    const { buffer } = enumProtocols(w, [IPPROTO_TCP]);
    for (const filler of [-1, 0]) {
      const info = buffer.slice(0, WSAPROTOCOL_INFOA_SIZE);
      const v = new DataView(info.buffer);
      for (const at of [FAMILY_AT, TYPE_AT, PROTOCOL_AT]) v.setInt32(at, filler, true);
      w.WSASetLastError(MARK);
      expect(w.WSASocket(0, 0, IPPROTO_UDP, info, 0, 0), `fields ${filler}`).toBe(INVALID_SOCKET);
      expect(lastError(w)).toBe('WSAEAFNOSUPPORT');
    }
  });

  it('a UDP protocol info with 0 arguments is a datagram socket; given arguments win over it (a stream socket)', () => {
    const w = winsock();
    const { buffer } = enumProtocols(w, [IPPROTO_TCP]);
    const info = buffer.slice(0, WSAPROTOCOL_INFOA_SIZE);
    const v = new DataView(info.buffer);
    v.setInt32(FAMILY_AT, AF_INET, true);
    v.setInt32(TYPE_AT, SOCK_DGRAM, true);
    v.setInt32(PROTOCOL_AT, IPPROTO_UDP, true);
    for (const [args, type, setError] of [
      [[0, 0, 0], SOCK_DGRAM, 'WSAEINVAL'],
      [[AF_INET, SOCK_STREAM, IPPROTO_TCP], SOCK_STREAM, 'WSAENOPROTOOPT'],
    ] as const) {
      const s = w.WSASocket(args[0], args[1], args[2], info, 0, 0);
      expect(s, lastError(w)).not.toBe(INVALID_SOCKET);
      expect(socketType(w, s)).toBe(type);
      for (const value of [SOCK_STREAM, SOCK_DGRAM]) {
        w.WSASetLastError(MARK);
        expect(w.setsockopt(s, SOL_SOCKET, SO_TYPE, new Uint8Array(new Int32Array([value]).buffer), 4)).toBe(
          SOCKET_ERROR,
        );
        expect(lastError(w)).toBe(setError);
      }
      expect(w.closesocket(s)).toBe(0);
    }
  });

  it('the whole catalog: (AF_INET, 0, 0) gets the first protocol-zero provider, (0, 0, protocol) the first of that protocol', () => {
    const w = winsock();
    const { count, buffer } = enumProtocols(w, null);
    const entries = Array.from({ length: count }, (_, i) => entryAt(buffer, i));
    const s = w.WSASocket(AF_INET, 0, 0, null, 0, 0);
    expect(s, lastError(w)).not.toBe(INVALID_SOCKET);
    const zero = entries.find((e) => (e.providerFlags & PFL_MATCHES_PROTOCOL_ZERO) !== 0);
    expect(zero, 'a provider matching protocol zero').toBeDefined();
    expect(socketType(w, s)).toBe(zero!.type);
    for (const protocol of [IPPROTO_TCP, IPPROTO_UDP]) {
      const p = w.WSASocket(0, 0, protocol, null, 0, 0);
      expect(p, lastError(w)).not.toBe(INVALID_SOCKET);
      const listed = entries.find((e) => e.protocol === protocol);
      expect(listed, `protocol ${protocol} in the catalog`).toBeDefined();
      expect(listed!.type).toBe(socketType(w, p));
    }
  });
});

describe('the catalog ws2web lists (WSAEnumProtocolsA/W, SO_PROTOCOL_INFOW)', () => {
  it("Windows' four TCP/IP providers, IPv4 first, with their flags, sizes and names in both layouts", () => {
    const w = winsock();
    const { count, buffer } = enumProtocols(w, null);
    const listed = Array.from({ length: count }, (_, i) => entryAt(buffer, i));
    expect(listed.map((e) => [e.name, e.family, e.type, e.protocol, e.sockaddrSize, e.messageSize])).toEqual([
      ['MSAFD Tcpip [TCP/IP]', AF_INET, SOCK_STREAM, IPPROTO_TCP, 16, 0],
      ['MSAFD Tcpip [UDP/IP]', AF_INET, SOCK_DGRAM, IPPROTO_UDP, 16, 65467],
      ['MSAFD Tcpip [TCP/IPv6]', AF_INET6, SOCK_STREAM, IPPROTO_TCP, 28, 0],
      ['MSAFD Tcpip [UDP/IPv6]', AF_INET6, SOCK_DGRAM, IPPROTO_UDP, 28, 65467],
    ]);
    expect(listed.map((e) => e.serviceFlags1)).toEqual([0x20066, 0x20609, 0x20066, 0x20609]);
    expect(listed.every((e) => e.providerFlags === PFL_MATCHES_PROTOCOL_ZERO)).toBe(true);

    const len = { value: 0 };
    expect(w.WSAEnumProtocolsW(null, null, len)).toBe(SOCKET_ERROR);
    expect(len.value).toBe(4 * WSAPROTOCOL_INFOW_SIZE);
    const wide = new Uint8Array(len.value);
    expect(w.WSAEnumProtocolsW(null, wide, len), lastError(w)).toBe(4);
    for (let i = 0; i < 4; i++) {
      expect(ws2.parseProtocolInfo(wide, true, i * WSAPROTOCOL_INFOW_SIZE)).toEqual(listed[i]);
    }

    const s = w.WSASocket(AF_INET6, SOCK_DGRAM, 0, null, 0, 0);
    const info = new Uint8Array(WSAPROTOCOL_INFOW_SIZE);
    const infoLen = { value: info.length };
    expect(w.getsockopt(s, SOL_SOCKET, SO_PROTOCOL_INFOW, info, infoLen), lastError(w)).toBe(0);
    expect(infoLen.value).toBe(WSAPROTOCOL_INFOW_SIZE);
    expect(ws2.parseProtocolInfo(info, true)).toEqual(listed[3]);
    w.WSASetLastError(MARK);
    expect(w.getsockopt(s, SOL_SOCKET, SO_PROTOCOL_INFOW, info, { value: WSAPROTOCOL_INFOA_SIZE })).toBe(SOCKET_ERROR);
    expect(lastError(w), 'a buffer too small for the W form').toBe('WSAEFAULT');
  });

  it('a buffer one entry short → WSAENOBUFS with the size needed; no length → WSAEFAULT', () => {
    const w = winsock();
    const len = { value: 2 * WSAPROTOCOL_INFOA_SIZE - 1 };
    expect(w.WSAEnumProtocolsA([IPPROTO_UDP], new Uint8Array(len.value), len)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAENOBUFS');
    expect(len.value).toBe(2 * WSAPROTOCOL_INFOA_SIZE);
    expect(w.WSAEnumProtocolsA([IPPROTO_UDP], new Uint8Array(len.value), len)).toBe(2);
    expect(w.WSAEnumProtocolsA(null, null, null)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEFAULT');
  });
});

describe('WSASocket without a type (test_WSASocket)', () => {
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
