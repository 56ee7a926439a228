/**
 * WSAAddressToStringA/W, WSAStringToAddressA/W, InetPtonW and InetNtopW: the text forms and the
 * error rules Windows has (the values are those Windows gives in Wine's test_WSAAddressToString,
 * test_WSAStringToAddress, test_InetPtonW and test_InetNtopW). No network: these calls never
 * reach the relay.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Ref, StringRef } from '../../packages/browser/src/index.js';
import { errName, lastError, releaseWinsocks, winsock, ws2 } from '../fixtures/winsock.js';

const { AF_INET, AF_INET6, SOCKET_ERROR } = ws2;

afterEach(releaseWinsocks);

/** A sockaddr_in6 from eight 16-bit groups as written in the text (host order), a scope and a port. */
function in6(groups: number[], scopeId: number, port: number): Uint8Array {
  const out = new Uint8Array(28);
  const v = new DataView(out.buffer);
  v.setUint16(0, AF_INET6, true);
  v.setUint16(2, port, false);
  for (const [i, g] of groups.entries()) v.setUint16(8 + 2 * i, g, false);
  v.setUint32(24, scopeId, true);
  return out;
}

/** A sockaddr_in from a 32-bit address in host order and a port. */
function in4(address: number, port: number): Uint8Array {
  const out = new Uint8Array(16);
  const v = new DataView(out.buffer);
  v.setUint16(0, AF_INET, true);
  v.setUint16(2, port, false);
  v.setUint32(4, address >>> 0, false);
  return out;
}

describe.each(['WSAAddressToStringA', 'WSAAddressToStringW'] as const)('%s', (call) => {
  it.each([
    [in4(0, 0), '0.0.0.0'],
    [in4(0xffffffff, 0), '255.255.255.255'],
    [in4(0, 65535), '0.0.0.0:65535'],
    [in4(0xffffffff, 65535), '255.255.255.255:65535'],
    [in6([0, 0, 0, 0, 0, 0, 0, 1], 0, 0), '::1'],
    [in6([0x20ab, 0, 0, 0, 0, 0, 0, 1], 0, 0), '20ab::1'],
    [in6([0x20ab, 0, 0, 0, 0, 0, 0, 0x2001], 0, 33274), '[20ab::2001]:33274'],
    [in6([0x20ab, 0, 0, 0, 0, 0, 0, 0x2001], 4660, 33274), '[20ab::2001%4660]:33274'],
    [in6([0x20ab, 0, 0, 0, 0, 0, 0, 0x2001], 4660, 0), '20ab::2001%4660'],
  ])('%# gives %s and its length with the NUL', (sockaddr, text) => {
    const w = winsock();
    const out: StringRef = { value: '' };
    const len: Ref = { value: 64 };
    expect(w[call](sockaddr, sockaddr.length, null, out, len), lastError(w)).toBe(0);
    expect(out.value).toBe(text);
    expect(len.value).toBe(text.length + 1);
  });

  it('a zero length or no buffer: WSAEFAULT and the length needed', () => {
    const w = winsock();
    const out: StringRef = { value: 'untouched' };
    const len: Ref = { value: 0 };
    w.WSASetLastError(0);
    expect(w[call](in4(0, 0), 16, null, out, len)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEFAULT');
    expect(len.value).toBe(8);
    expect(out.value).toBe('untouched');
    const noBuffer: Ref = { value: 0 };
    expect(w[call](in4(0, 0), 16, null, null, noBuffer)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEFAULT');
    expect(noBuffer.value).toBe(8);
  });

  it('one character short: WSAEFAULT; exactly long enough: 0', () => {
    const w = winsock();
    const sockaddr = in6([0x20ab, 0, 0, 0, 0, 0, 0, 0x2001], 4660, 33274);
    const out: StringRef = { value: '' };
    const len: Ref = { value: 23 };
    expect(w[call](sockaddr, 28, null, out, len)).toBe(SOCKET_ERROR);
    expect([lastError(w), len.value]).toEqual(['WSAEFAULT', 24]);
    expect(w[call](sockaddr, 28, null, out, len)).toBe(0);
    expect(out.value).toBe('[20ab::2001%4660]:33274');
  });

  it('a sockaddr shorter than its family: WSAEFAULT; an unknown family: WSAEINVAL', () => {
    const w = winsock();
    const out: StringRef = { value: '' };
    expect(w[call](in4(0x7f000001, 80), 15, null, out, { value: 64 })).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEFAULT');
    expect(w[call](in6([0, 0, 0, 0, 0, 0, 0, 1], 0, 0), 27, null, out, { value: 64 })).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEFAULT');
    const unix = new Uint8Array(16);
    unix[0] = 1; // AF_UNIX
    expect(w[call](unix, 16, null, out, { value: 64 })).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEINVAL');
    expect(w[call](null, 16, null, out, { value: 64 })).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEFAULT');
  });

  it('before WSAStartup: WSANOTINITIALISED', () => {
    const w = ws2.createWinsock({ relay: 'ws://127.0.0.1:9/' });
    expect(w[call](in4(0, 0), 16, null, { value: '' }, { value: 64 })).toBe(SOCKET_ERROR);
    expect(errName(w.WSAGetLastError())).toBe('WSANOTINITIALISED');
  });
});

/** [text, address (host order), port, error name or 0] for AF_INET. */
const IPV4: [string, number, number, string][] = [
  ['', 0, 0, 'WSAEINVAL'],
  [' ', 0, 0, 'WSAEINVAL'],
  ['1.1.1.1', 0x01010101, 0, '0'],
  ['0.0.0.0', 0, 0, '0'],
  ['127.127.127.127', 0x7f7f7f7f, 0, '0'],
  ['127.127.127.127:', 0x7f7f7f7f, 0, 'WSAEINVAL'],
  ['127.127.127.127:0', 0x7f7f7f7f, 0, 'WSAEINVAL'],
  ['127.127.127.127:123', 0x7f7f7f7f, 123, '0'],
  ['127.127.127.127:65535', 0x7f7f7f7f, 65535, '0'],
  ['127.127.127.127:65537', 0x7f7f7f7f, 0, 'WSAEINVAL'],
  ['127.127.127.127::1', 0x7f7f7f7f, 0, 'WSAEINVAL'],
  ['127.127.127.127:0xAbCd', 0x7f7f7f7f, 43981, '0'],
  ['127.127.127.127:0XaBcD', 0x7f7f7f7f, 43981, '0'],
  ['127.127.127.127:0x', 0x7f7f7f7f, 0, 'WSAEINVAL'],
  ['127.127.127.127:0x10000', 0x7f7f7f7f, 0, 'WSAEINVAL'],
  ['127.127.127.127:010', 0x7f7f7f7f, 8, '0'],
  ['127.127.127.127:007', 0x7f7f7f7f, 7, '0'],
  ['127.127.127.127:08', 0x7f7f7f7f, 0, 'WSAEINVAL'],
  ['127.127.127.127:008', 0x7f7f7f7f, 0, 'WSAEINVAL'],
  ['127.127.127.127:0a', 0x7f7f7f7f, 0, 'WSAEINVAL'],
  ['127.127.127.127:0o10', 0x7f7f7f7f, 0, 'WSAEINVAL'],
  ['127.127.127.127:0b10', 0x7f7f7f7f, 0, 'WSAEINVAL'],
  ['255.255.255.255', 0xffffffff, 0, '0'],
  ['255.255.255.255:123', 0xffffffff, 123, '0'],
  ['255.255.255.255:65535', 0xffffffff, 65535, '0'],
  ['255.255.255.256', 0, 0, 'WSAEINVAL'],
  ['a', 0, 0, 'WSAEINVAL'],
  ['1.1.1.0xaA', 0x010101aa, 0, '0'],
  ['1.1.1.0XaA', 0x010101aa, 0, '0'],
  ['1.1.1.0x', 0, 0, 'WSAEINVAL'],
  ['1.1.1.0xff', 0x010101ff, 0, '0'],
  ['1.1.1.0x100', 0, 0, 'WSAEINVAL'],
  ['1.1.1.010', 0x01010108, 0, '0'],
  ['1.1.1.00', 0x01010100, 0, '0'],
  ['1.1.1.007', 0x01010107, 0, '0'],
  ['1.1.1.08', 0, 0, 'WSAEINVAL'],
  ['1.1.1.-2', 0, 0, 'WSAEINVAL'],
  ['1', 0x00000001, 0, '0'],
  ['-1', 0, 0, 'WSAEINVAL'],
  ['1:1', 0x00000001, 1, '0'],
  ['1.2', 0x01000002, 0, '0'],
  ['1.2:1', 0x01000002, 1, '0'],
  ['1000.2000', 0, 0, 'WSAEINVAL'],
  ['1.2.', 0, 0, 'WSAEINVAL'],
  ['1..2', 0, 0, 'WSAEINVAL'],
  ['1...2', 0, 0, 'WSAEINVAL'],
  ['1.2.3', 0x01020003, 0, '0'],
  ['1.2.3.', 0, 0, 'WSAEINVAL'],
  ['1.2.3:1', 0x01020003, 1, '0'],
  ['203569230', 0x0c22384e, 0, '0'],
  ['203569230:123', 0x0c22384e, 123, '0'],
  ['2001::1', 0x000007d1, 0, 'WSAEINVAL'],
  ['1.223756', 0x01036a0c, 0, '0'],
  ['3.4.756', 0x030402f4, 0, '0'],
  ['756.3.4', 0, 0, 'WSAEINVAL'],
  ['3.756.4', 0, 0, 'WSAEINVAL'],
  ['3.4.756.1', 0, 0, 'WSAEINVAL'],
  ['3.4.65536', 0, 0, 'WSAEINVAL'],
  ['3.4.5.6.7', 0, 0, 'WSAEINVAL'],
  ['3.4.5.+6', 0, 0, 'WSAEINVAL'],
  [' 3.4.5.6', 0, 0, 'WSAEINVAL'],
  ['\t3.4.5.6', 0, 0, 'WSAEINVAL'],
  ['3.4.5.6:7 ', 0x03040506, 0, 'WSAEINVAL'],
  ['3.4.5.6: 7', 0x03040506, 0, 'WSAEINVAL'],
  ['3. 4.5.6', 0, 0, 'WSAEINVAL'],
  ['.', 0, 0, 'WSAEINVAL'],
  ['[0.1.2.3]', 0, 0, 'WSAEINVAL'],
  ['0x00010203', 0x00010203, 0, '0'],
  ['0X00010203', 0x00010203, 0, '0'],
  ['0x00010203:10', 0x00010203, 10, '0'],
  ['0x1234', 0x00001234, 0, '0'],
  ['0x123456789', 0x23456789, 0, '0'],
  ['x00010203', 0, 0, 'WSAEINVAL'],
  ['017700000001', 0x7f000001, 0, '0'],
  ['0777', 0x000001ff, 0, '0'],
  ['0777:10', 0x000001ff, 10, '0'],
  ['::1', 0, 0, 'WSAEINVAL'],
  [':1', 0, 0, 'WSAEINVAL'],
];

/** [text, the eight groups, port, error name or 0] for AF_INET6. */
const IPV6: [string, number[], number, string][] = [
  ['::1', [0, 0, 0, 0, 0, 0, 0, 1], 0, '0'],
  ['[::1]', [0, 0, 0, 0, 0, 0, 0, 1], 0, '0'],
  ['[::1]:65535', [0, 0, 0, 0, 0, 0, 0, 1], 65535, '0'],
  ['2001::1', [0x2001, 0, 0, 0, 0, 0, 0, 1], 0, '0'],
  ['::1]:65535', [0, 0, 0, 0, 0, 0, 0, 0], 0, 'WSAEINVAL'],
  ['001::1', [1, 0, 0, 0, 0, 0, 0, 1], 0, '0'],
  // Windows reads a leading "::" as two zero groups at least: one group too many.
  ['::1:2:3:4:5:6:7', [0, 0, 0, 0, 0, 0, 0, 0], 0, 'WSAEINVAL'],
  ['1.2.3.4', [0, 0, 0, 0, 0, 0, 0, 0], 0, 'WSAEINVAL'],
  ['1:2:3:', [0, 0, 0, 0, 0, 0, 0, 0], 0, 'WSAEINVAL'],
  ['', [0, 0, 0, 0, 0, 0, 0, 0], 0, 'WSAEINVAL'],
];

describe.each(['WSAStringToAddressA', 'WSAStringToAddressW'] as const)('%s', (call) => {
  it('a length smaller than the sockaddr: WSAEFAULT and at least its size', () => {
    const w = winsock();
    const len: Ref = { value: 0 };
    expect(w[call]('1.1.1.1', AF_INET, null, new Uint8Array(16), len)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEFAULT');
    expect(len.value).toBeGreaterThanOrEqual(16);
  });

  it.each(IPV4)('AF_INET %j → %s port %i, %s', (text, address, port, error) => {
    const w = winsock();
    const out = new Uint8Array(16).fill(0xab);
    const len: Ref = { value: 26 };
    w.WSASetLastError(0);
    const rc = w[call](text, AF_INET, null, out, len);
    expect([rc, lastError(w)]).toEqual([error === '0' ? 0 : SOCKET_ERROR, error]);
    const v = new DataView(out.buffer);
    expect(v.getUint16(0, true)).toBe(error === '0' ? AF_INET : 0);
    expect(v.getUint32(4, false)).toBe(address >>> 0);
    expect(v.getUint16(2, false)).toBe(port);
    expect(len.value).toBe(error === '0' ? 16 : 26);
  });

  it.each(IPV6)('AF_INET6 %j → groups %j port %i, %s', (text, groups, port, error) => {
    const w = winsock();
    const out = new Uint8Array(28).fill(0xab);
    const len: Ref = { value: 38 };
    w.WSASetLastError(0);
    const rc = w[call](text, AF_INET6, null, out, len);
    expect([rc, lastError(w)]).toEqual([error === '0' ? 0 : SOCKET_ERROR, error]);
    const v = new DataView(out.buffer);
    if (error === '0') {
      expect(v.getUint16(0, true)).toBe(AF_INET6);
      expect(Array.from({ length: 8 }, (_, i) => v.getUint16(8 + 2 * i, false))).toEqual(groups);
      expect(len.value).toBe(28);
    } else {
      expect(v.getUint16(0, true)).toBe(0);
      expect(len.value).toBe(38);
    }
    expect(v.getUint32(24, true)).toBe(0); // sin6_scope_id
    expect(v.getUint16(2, false)).toBe(port);
    expect(v.getUint32(4, false)).toBe(0); // sin6_flowinfo
  });

  it('reads a scope id with or without a port, and round-trips through WSAAddressToString', () => {
    const w = winsock();
    for (const text of ['fe80::1%3', '[fe80::1%3]:443', '[2001:db8::7]:8080', '192.0.2.7:8080']) {
      const family = text.includes(':') && !/^\d+\.\d+\.\d+\.\d+:/.test(text) ? AF_INET6 : AF_INET;
      const out = new Uint8Array(28);
      const len: Ref = { value: 28 };
      expect(w[call](text, family, null, out, len), `${text}: ${lastError(w)}`).toBe(0);
      const back: StringRef = { value: '' };
      expect(w.WSAAddressToStringA(out, len.value, null, back, { value: 64 })).toBe(0);
      expect(back.value).toBe(text);
    }
  });

  it('a family other than AF_INET / AF_INET6: WSAEINVAL', () => {
    const w = winsock();
    expect(w[call]('1.2.3.4', 1, null, new Uint8Array(28), { value: 28 })).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEINVAL');
  });
});

describe('InetPtonW / InetNtopW', () => {
  it('convert as inet_pton / inet_ntop do, setting the same errors', () => {
    const w = winsock();
    const v4 = new Uint8Array(4);
    expect(w.InetPtonW(AF_INET, '192.0.2.1', v4)).toBe(1);
    expect([...v4]).toEqual([192, 0, 2, 1]);
    const v6 = new Uint8Array(16);
    expect(w.InetPtonW(AF_INET6, '20ab::2001', v6)).toBe(1);
    expect(w.InetNtopW(AF_INET6, v6)).toBe('20ab::2001');
    expect(w.InetNtopW(AF_INET, v4)).toBe('192.0.2.1');
    expect(w.InetPtonW(AF_INET, '1.2.3', v4)).toBe(0); // strict: no loose forms
    expect(w.InetPtonW(AF_INET, '1.2.3.4:80', v4)).toBe(0);
    expect(w.InetPtonW(AF_INET6, '[::1]', v6)).toBe(0);
    expect(w.InetPtonW(9999, '1.2.3.4', v4)).toBe(-1);
    expect(lastError(w)).toBe('WSAEAFNOSUPPORT');
    expect(w.InetNtopW(9999, v4)).toBe(null);
    expect(lastError(w)).toBe('WSAEAFNOSUPPORT');
  });
});
