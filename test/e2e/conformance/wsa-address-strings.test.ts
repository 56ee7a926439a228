/**
 * Wine's ws2_32 protocol.c tests test_WSAAddressToString and test_WSAStringToAddress, from real
 * Windows, for the A and W forms (one implementation here: JavaScript strings are Unicode). No
 * network: these calls never reach the relay.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Ref, StringRef } from '../../../packages/browser/src/index.js';
import { lastError, releaseWinsocks, winsock, ws2 } from '../../fixtures/winsock.js';
import { STRING_TO_V4 } from './address-tables.js';

const { AF_INET, AF_INET6, SOCKET_ERROR } = ws2;

afterEach(releaseWinsocks);

/** A sockaddr_in with sin_addr.s_addr and sin_port given as the u_long / u_short values in memory. */
function sockaddrIn(sAddr: number, sinPort: number): Uint8Array {
  const b = new Uint8Array(16);
  const v = new DataView(b.buffer);
  v.setUint16(0, AF_INET, true);
  v.setUint16(2, sinPort, true);
  v.setUint32(4, sAddr >>> 0, true);
  return b;
}

/** A sockaddr_in6 from the eight words of sin6_addr as they lie in memory, the scope and sin6_port. */
function sockaddrIn6(words: readonly number[], scope: number, sinPort: number): Uint8Array {
  const b = new Uint8Array(28);
  const v = new DataView(b.buffer);
  v.setUint16(0, AF_INET6, true);
  v.setUint16(2, sinPort, true);
  for (const [k, w] of words.entries()) v.setUint16(8 + 2 * k, w, true);
  v.setUint32(24, scope, true);
  return b;
}

const CALLS = ['WSAAddressToStringA', 'WSAAddressToStringW'] as const;

describe('WSAAddressToString (test_WSAAddressToString)', () => {
  it('length 0: WSAEFAULT and the 8 characters 0.0.0.0 needs (A with a buffer, W without)', () => {
    const w = winsock();
    const sa = sockaddrIn(0, 0);
    const lenA: Ref = { value: 0 };
    w.WSASetLastError(0xdeadbeef | 0);
    expect(w.WSAAddressToStringA(sa, sa.length, null, { value: '' }, lenA)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEFAULT');
    expect(lenA.value).toBe(8);

    const lenW: Ref = { value: 0 };
    w.WSASetLastError(0xdeadbeef | 0);
    expect(w.WSAAddressToStringW(sa, sa.length, null, null, lenW)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEFAULT');
    expect(lenW.value).toBe(8);

    const out: StringRef = { value: '' };
    const room: Ref = { value: 64 };
    expect(w.WSAAddressToStringW(sa, sa.length, null, out, room)).toBe(0);
    expect(room.value).toBe(8);
    expect(out.value).toBe('0.0.0.0');
  });

  it.each(
    CALLS.flatMap((call) =>
      (
        [
          [0, 0, '0.0.0.0'],
          [0xffffffff, 0, '255.255.255.255'],
          [0, 0xffff, '0.0.0.0:65535'],
          [0xffffffff, 0xffff, '255.255.255.255:65535'],
        ] as const
      ).map(([a, p, text]) => [call, a, p, text] as const),
    ),
  )('%s: IPv4 %i port %i → %s', (call, sAddr, port, text) => {
    const w = winsock();
    const out: StringRef = { value: '' };
    const len: Ref = { value: 64 };
    expect(w[call](sockaddrIn(sAddr, port), 16, null, out, len), lastError(w)).toBe(0);
    expect(out.value).toBe(text);
    expect(len.value).toBe(text.length + 1);
  });

  it.each(
    CALLS.flatMap((call) =>
      (
        [
          [[0, 0, 0, 0, 0, 0, 0, 0x100], 0, 0, '::1'],
          [[0xab20, 0, 0, 0, 0, 0, 0, 0x100], 0, 0, '20ab::1'],
          [[0xab20, 0, 0, 0, 0, 0, 0, 0x120], 0, 0xfa81, '[20ab::2001]:33274'],
          [[0xab20, 0, 0, 0, 0, 0, 0, 0x120], 0x1234, 0xfa81, '[20ab::2001%4660]:33274'],
          [[0xab20, 0, 0, 0, 0, 0, 0, 0x120], 0x1234, 0, '20ab::2001%4660'],
        ] as const
      ).map(([words, scope, port, text]) => [call, [...words], scope, port, text] as const),
    ),
  )('%s: IPv6 %j scope %i port %i → %s', (call, words, scope, port, text) => {
    const w = winsock();
    const out: StringRef = { value: '' };
    const len: Ref = { value: 64 };
    expect(w[call](sockaddrIn6(words, scope, port), 28, null, out, len), lastError(w)).toBe(0);
    expect(out.value).toBe(text);
    expect(len.value).toBe(text.length + 1);
  });
});

/** WSAStringToAddress(AF_INET6): text, the eight words of sin6_addr in memory, sin6_port in memory, error. */
const STRING_TO_V6: [string, number[], number, string][] = [
  ['::1', [0, 0, 0, 0, 0, 0, 0, 0x100], 0, '0'],
  ['[::1]', [0, 0, 0, 0, 0, 0, 0, 0x100], 0, '0'],
  ['[::1]:65535', [0, 0, 0, 0, 0, 0, 0, 0x100], 0xffff, '0'],
  ['2001::1', [0x120, 0, 0, 0, 0, 0, 0, 0x100], 0, '0'],
  ['::1]:65535', [0, 0, 0, 0, 0, 0, 0, 0x100], 0, 'WSAEINVAL'],
  ['001::1', [0x100, 0, 0, 0, 0, 0, 0, 0x100], 0, '0'],
  // Windows reads a leading "::" as two zero groups at least, so this is one group too many.
  ['::1:2:3:4:5:6:7', [0, 0, 0x100, 0x200, 0x300, 0x400, 0x500, 0x600], 0, 'WSAEINVAL'],
  ['1.2.3.4', [0x201, 0x3, 0, 0, 0, 0, 0, 0], 0, 'WSAEINVAL'],
  ['1:2:3:', [0x100, 0x200, 0x300, 0, 0, 0, 0, 0], 0, 'WSAEINVAL'],
  ['', [0, 0, 0, 0, 0, 0, 0, 0], 0, 'WSAEINVAL'],
];

describe('WSAStringToAddress (test_WSAStringToAddress)', () => {
  it('length 0: WSAEFAULT and at least sizeof(sockaddr_in)', () => {
    const w = winsock();
    const len: Ref = { value: 0 };
    w.WSASetLastError(0);
    expect(w.WSAStringToAddressA('', AF_INET, null, new Uint8Array(16), len)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEFAULT');
    expect(len.value).toBeGreaterThanOrEqual(16);
  });

  const calls = ['WSAStringToAddressA', 'WSAStringToAddressW'] as const;

  it.each(calls.flatMap((call) => STRING_TO_V4.map((row) => [call, ...row] as const)))(
    '%s AF_INET %j → address %i port %i, %s',
    (call, text, address, port, error) => {
      const w = winsock();
      const out = new Uint8Array(16).fill(0xab);
      const len: Ref = { value: 26 };
      w.WSASetLastError(0);
      const rc = w[call](text, AF_INET, null, out, len);
      const v = new DataView(out.buffer);
      expect(rc).toBe(error === '0' ? 0 : SOCKET_ERROR);
      expect(lastError(w)).toBe(error);
      expect(v.getUint16(0, true)).toBe(error === '0' ? AF_INET : 0);
      expect(v.getUint32(4, false)).toBe(address >>> 0);
      expect(v.getUint16(2, false)).toBe(port);
      expect(len.value).toBe(error === '0' ? 16 : 26);
    },
  );

  it.each(calls.flatMap((call) => STRING_TO_V6.map((row) => [call, ...row] as const)))(
    '%s AF_INET6 %j → words %j port %i, %s',
    (call, text, words, port, error) => {
      const w = winsock();
      const out = new Uint8Array(28).fill(0xab);
      const len: Ref = { value: 38 };
      w.WSASetLastError(0);
      const rc = w[call](text, AF_INET6, null, out, len);
      const v = new DataView(out.buffer);
      expect(rc).toBe(error === '0' ? 0 : SOCKET_ERROR);
      expect(lastError(w)).toBe(error);
      expect(v.getUint16(0, true)).toBe(error === '0' ? AF_INET6 : 0);
      expect(Array.from({ length: 8 }, (_, k) => v.getUint16(8 + 2 * k, true))).toEqual(words);
      expect(v.getUint32(24, true)).toBe(0); // sin6_scope_id
      expect(v.getUint16(2, true)).toBe(port);
      expect(v.getUint32(4, true)).toBe(0); // sin6_flowinfo
      expect(len.value).toBe(error === '0' ? 28 : 38);
    },
  );
});
