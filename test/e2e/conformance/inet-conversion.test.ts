/**
 * Wine's ws2_32 protocol.c tests of the address conversions, from real Windows: test_inet_ntoa,
 * test_inet_addr, test_inet_pton (inet_pton and InetPtonW) and test_addr_to_print (inet_ntoa,
 * inet_ntop). No network: these calls never reach the relay.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { lastError, releaseWinsocks, winsock, ws2, type Winsock } from '../../fixtures/winsock.js';
import { INET_ADDR, PTON_V4, PTON_V6 } from './address-tables.js';

const { AF_INET, AF_INET6, AF_UNSPEC, INADDR_NONE } = ws2;
/** WSASetLastError keeps a 32-bit int: the marker Windows' test leaves in place to see it untouched. */
const MARK = 0xdeadbeef | 0;

afterEach(releaseWinsocks);

/** A 4-byte buffer holding `value` as a little-endian DWORD, as `DWORD addr = value` lies in memory. */
function dword(value: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, value >>> 0, true);
  return b;
}
const readDword = (b: Uint8Array): number => new DataView(b.buffer).getUint32(0, true);

/** The eight 16-bit words of a buffer as they lie in memory, as hex text like Windows' table. */
const words = (b: Uint8Array): string =>
  Array.from({ length: 8 }, (_, k) => new DataView(b.buffer).getUint16(2 * k, true).toString(16)).join(' ');

describe('inet_ntoa (test_inet_ntoa)', () => {
  it('1.2.3.4 both ways; a later call does not change the earlier string', () => {
    const addr = ws2.inet_addr('1.2.3.4');
    expect(addr).toBe(ws2.htonl(0x01020304));
    const str = ws2.inet_ntoa(addr);
    expect(str).toBe('1.2.3.4');
    // Windows' test makes these two calls on another thread; the fact is the first result survives.
    const other = ws2.inet_addr('4.3.2.1');
    expect(other).toBe(ws2.htonl(0x04030201));
    expect(ws2.inet_ntoa(other)).toBe('4.3.2.1');
    expect(str).toBe('1.2.3.4');
  });
});

describe('inet_addr (test_inet_addr)', () => {
  it('no string: INADDR_NONE with WSAEFAULT', () => {
    const w = winsock();
    w.WSASetLastError(MARK);
    expect(w.inet_addr(null)).toBe(INADDR_NONE);
    expect(lastError(w)).toBe('WSAEFAULT');
  });

  it.each(INET_ADDR)('%j → %i, last error untouched', (text, expected) => {
    const w = winsock();
    w.WSASetLastError(MARK);
    expect(w.inet_addr(text)).toBe(expected >>> 0);
    expect(w.WSAGetLastError()).toBe(MARK);
  });

  it('"1.2.3" and one more character: accepted after white space only', () => {
    const w = winsock();
    const wrong: string[] = [];
    for (let c = 1; c < 256; c++) {
      const ch = String.fromCharCode(c);
      if (ch >= '0' && ch <= '9') continue;
      const expected = ' \t\n\v\f\r'.includes(ch) ? 0x03000201 : INADDR_NONE;
      const got = w.inet_addr(`1.2.3${ch}`);
      if (got !== expected) wrong.push(`${c}: ${got.toString(16)}`);
    }
    expect(wrong).toEqual([]);
  });
});

describe('inet_pton / InetPtonW (test_inet_pton)', () => {
  it('no text: -1 with WSAEFAULT, before the family is looked at', () => {
    const w = winsock();
    for (const call of ['inet_pton', 'InetPtonW'] as const) {
      for (const family of [AF_UNSPEC, AF_INET]) {
        w.WSASetLastError(MARK);
        expect(w[call](family, null, new Uint8Array(32))).toBe(-1);
        expect(lastError(w)).toBe('WSAEFAULT');
      }
    }
  });

  it('AF_UNSPEC with an address: -1 with WSAEAFNOSUPPORT', () => {
    const w = winsock();
    for (const text of ['127.0.0.1', '2607:f0d0:1002:51::4']) {
      w.WSASetLastError(MARK);
      expect(w.inet_pton(AF_UNSPEC, text, new Uint8Array(32))).toBe(-1);
      expect(lastError(w)).toBe('WSAEAFNOSUPPORT');
    }
  });

  it.each(PTON_V4)('AF_INET %j → %i, buffer %i', (text, ret, addr) => {
    const w = winsock();
    w.WSASetLastError(MARK);
    const a = dword(0xdeadbeef);
    expect(w.inet_pton(AF_INET, text, a)).toBe(ret);
    expect(w.WSAGetLastError()).toBe(MARK);
    expect(readDword(a)).toBe(addr >>> 0);

    w.WSASetLastError(MARK);
    const b = dword(0xdeadbeef);
    expect(w.InetPtonW(AF_INET, text, b)).toBe(ret);
    expect(ret ? w.WSAGetLastError() : lastError(w)).toBe(ret ? MARK : 'WSAEINVAL');
    expect(readDword(b)).toBe(addr >>> 0);

    // Windows' test also calls inet_addr here; its check on the value cannot fail as written, so
    // only the last error is counted. Where inet_pton takes the text, inet_addr gives the same.
    w.WSASetLastError(MARK);
    const viaInetAddr = w.inet_addr(text);
    expect(w.WSAGetLastError()).toBe(MARK);
    if (ret === 1) expect(viaInetAddr).toBe(addr >>> 0);
  });

  it.each(PTON_V6)('AF_INET6 %j → %i, words %s', (text, ret, expected) => {
    const check = (w: Winsock, call: 'inet_pton' | 'InetPtonW') => {
      w.WSASetLastError(MARK);
      const buf = new Uint8Array(16).fill(0xab);
      expect(w[call](AF_INET6, text, buf)).toBe(ret);
      if (call === 'InetPtonW' && !ret) expect(lastError(w)).toBe('WSAEINVAL');
      else expect(w.WSAGetLastError()).toBe(MARK);
      expect(words(buf)).toBe(expected);
    };
    const w = winsock();
    check(w, 'inet_pton');
    check(w, 'InetPtonW');
  });
});

describe('inet_ntoa / inet_ntop (test_addr_to_print)', () => {
  it('IPv4: inet_ntoa and inet_ntop give the same text; family 1 → WSAEAFNOSUPPORT', () => {
    const w = winsock();
    expect(ws2.inet_ntoa(0)).toBe('0.0.0.0');
    expect(ws2.inet_ntoa(0x20201015)).toBe('21.16.32.32');
    expect(w.inet_ntop(AF_INET, dword(0x20201015))).toBe('21.16.32.32');
    expect(w.inet_ntop(1, dword(0x20201015))).toBeNull();
    expect(lastError(w)).toBe('WSAEAFNOSUPPORT');
  });

  it.each([
    [[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xfe, 0xcc, 0x98, 0xbd, 0x74], '::fffe:cc98:bd74'],
    [[0x20, 0x30, 0xa4, 0xb1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], '2030:a4b1::'],
    [[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xcc, 0x98, 0xbd, 0x74], '::204.152.189.116'],
  ])('IPv6 %j → %s', (bytes, text) => {
    const w = winsock();
    expect(w.inet_ntop(AF_INET6, new Uint8Array(bytes))).toBe(text);
  });
});
