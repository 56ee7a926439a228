/**
 * Wine's ws2_32 protocol.c test_getaddrinfo, from real Windows: what test_GetAddrInfoW checks,
 * and AI_NUMERICHOST with "localhost", IPv4 and IPv6 literals (with brackets, a port, unmatched
 * brackets), an unknown service, and AI_ALL | AI_DNS_ONLY. Names are asked of the suite's dnsmasq
 * through the relay; Windows' internet names are zone names (nxdomain.codeweavers.com →
 * no-such-name.test, winehq.org → one.test). Literals are converted in the page: nothing is sent.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ADDRINFO } from '../../../packages/browser/src/index.js';
import { ZONE } from '../../fixtures/dns-zone.js';
import { errName, lastError, present, releaseWinsocks, winsock, ws2, type Winsock } from '../../fixtures/winsock.js';
import {
  HINTS,
  computerName,
  expectHintRow,
  expectSameChains,
  lookup,
  zeroHint,
  type Hints,
} from './addrinfo-checks.js';

const { AF_INET, AF_INET6, AF_UNSPEC, SOCK_STREAM, IPPROTO_TCP, AI_NUMERICHOST } = ws2;
const MARK = 0xdeadbeef | 0;

afterEach(releaseWinsocks);

const lookupA = (w: Winsock, node: string | null, service: string | null, hints: Hints | null) =>
  lookup(w, 'getaddrinfo', node, service, hints);

/** Windows' verify_ipv6_addrinfo: an AF_INET6 entry, sockaddr_in6 of port 0 holding `text`. */
function expectIpv6Entry(w: Winsock, ai: ADDRINFO | null, text: string): void {
  const entry = present(ai, 'result');
  expect(entry.ai_family).toBe(AF_INET6);
  expect(entry.ai_addrlen).toBeGreaterThanOrEqual(28);
  const sa = present(entry.ai_addr, 'ai_addr');
  const v = new DataView(sa.buffer, sa.byteOffset, sa.byteLength);
  expect(v.getUint16(0, true)).toBe(AF_INET6);
  expect(v.getUint16(2, false)).toBe(0);
  const ntop = w.inet_ntop(AF_INET6, sa.subarray(8, 24));
  expect(ntop, lastError(w)).not.toBeNull();
  expect(ntop).toBe(text);
}

describe('getaddrinfo (test_getaddrinfo)', () => {
  it('NULL node and service → WSAHOST_NOT_FOUND, also the last error, and no result', async () => {
    const w = winsock();
    w.WSASetLastError(MARK);
    const { ret, result } = await lookupA(w, null, null, null);
    expect(errName(ret)).toBe('WSAHOST_NOT_FOUND');
    expect(lastError(w)).toBe('WSAHOST_NOT_FOUND');
    expect(result).toBeNull();
  });

  it('"" node → success, a result, the last error 0', async () => {
    const w = winsock();
    w.WSASetLastError(MARK);
    const { ret, result } = await lookupA(w, '', null, null);
    expect(errName(ret)).toBe('0');
    expect(result).not.toBeNull();
    expect(w.WSAGetLastError()).toBe(0);
  });

  it('NULL with service "0" and with "" give the same chain; so do "" with "0" and with ""', async () => {
    const w = winsock();
    const a = await lookupA(w, null, '0', null);
    expect(errName(a.ret)).toBe('0');
    expect(a.result).not.toBeNull();
    const b = await lookupA(w, null, '', null);
    expect(errName(b.ret)).toBe('0');
    expect(b.result).not.toBeNull();
    expectSameChains(a.result, b.result);

    w.WSASetLastError(MARK);
    const c = await lookupA(w, '', '0', null);
    expect(errName(c.ret)).toBe('0');
    expect(w.WSAGetLastError()).toBe(0);
    expect(c.result).not.toBeNull();
    const d = await lookupA(w, '', '', null);
    expect(errName(d.ret)).toBe('0');
    expect(d.result).not.toBeNull();
    expectSameChains(c.result, d.result);
  });

  it('"localhost" with each service and hint; with AI_NUMERICHOST → WSAHOST_NOT_FOUND', async () => {
    const w = winsock();
    for (const [service, hint] of [
      [null, null],
      ['', null],
      ['0', null],
      ['80', null],
      [null, zeroHint()],
    ] as const) {
      expect(errName((await lookupA(w, 'localhost', service, hint)).ret)).toBe('0');
    }
    w.WSASetLastError(MARK);
    expect(errName((await lookupA(w, 'localhost', '80', zeroHint())).ret)).toBe('0');
    expect(w.WSAGetLastError()).toBe(0);

    const numeric = await lookupA(w, 'localhost', '80', { ...zeroHint(), ai_flags: AI_NUMERICHOST });
    expect(errName(numeric.ret)).toBe('WSAHOST_NOT_FOUND');
    expect(lastError(w)).toBe('WSAHOST_NOT_FOUND');
    expect(numeric.result).toBeNull();
  });

  it('the computer name gives what "" gives, with no service and with ""', async () => {
    const w = winsock();
    const name = computerName(w);
    for (const service of [null, '']) {
      const a = await lookupA(w, name, service, null);
      expect(errName(a.ret)).toBe('0');
      expect(a.result).not.toBeNull();
      const b = await lookupA(w, '', service, null);
      expect(errName(b.ret)).toBe('0');
      expect(b.result).not.toBeNull();
      expectSameChains(a.result, b.result);
    }
  });

  it('a missing name → WSAHOST_NOT_FOUND, also the last error, and no result', async () => {
    const w = winsock();
    w.WSASetLastError(MARK);
    const { ret, result } = await lookupA(w, ZONE.missing, null, null);
    expect(errName(ret)).toBe('WSAHOST_NOT_FOUND');
    expect(lastError(w)).toBe('WSAHOST_NOT_FOUND');
    expect(result).toBeNull();
  });

  it('an IPv4 literal: one sockaddr_in of port 0; with ":1024" under AI_NUMERICHOST → WSAHOST_NOT_FOUND', async () => {
    const w = winsock();
    const { ret, result } = await lookupA(w, '192.168.1.253', null, null);
    expect(errName(ret)).toBe('0');
    const entry = present(result, 'result');
    expect(entry.ai_family).toBe(AF_INET);
    expect(entry.ai_addrlen).toBeGreaterThanOrEqual(16);
    const sa = present(entry.ai_addr, 'ai_addr');
    const v = new DataView(sa.buffer, sa.byteOffset, sa.byteLength);
    expect(v.getUint16(0, true)).toBe(AF_INET);
    expect(v.getUint16(2, false)).toBe(0);
    expect(ws2.inet_ntoa(v.getUint32(4, true))).toBe('192.168.1.253');

    const withPort = await lookupA(w, '192.168.1.253:1024', null, { ...zeroHint(), ai_flags: AI_NUMERICHOST });
    expect(errName(withPort.ret)).toBe('WSAHOST_NOT_FOUND');
    expect(withPort.result).toBeNull();
  });

  it('IPv6 literals: plain, in brackets (also with AI_NUMERICHOST, and with a port); unmatched brackets are not', async () => {
    const w = winsock();
    const plain = await lookupA(w, '2a00:2039:dead:beef:cafe::6666', null, null);
    expect(errName(plain.ret)).toBe('0');
    expectIpv6Entry(w, plain.result, '2a00:2039:dead:beef:cafe::6666');

    const bracketed = await lookupA(w, '[beef::cafe]', null, null);
    expect(errName(bracketed.ret)).toBe('0');
    expectIpv6Entry(w, bracketed.result, 'beef::cafe');

    const numericV6 = { ...zeroHint(), ai_flags: AI_NUMERICHOST, ai_family: AF_INET6 };
    const hinted = await lookupA(w, '[beef::cafe]', null, numericV6);
    expect(errName(hinted.ret)).toBe('0');
    expectIpv6Entry(w, hinted.result, 'beef::cafe');

    const numericV4 = { ...zeroHint(), ai_flags: AI_NUMERICHOST, ai_family: AF_INET };
    expect(errName((await lookupA(w, '[beef::cafe]', null, numericV4)).ret)).toBe('WSAHOST_NOT_FOUND');

    const withPort = await lookupA(w, '[beef::cafe]:10239', null, null);
    expect(errName(withPort.ret)).toBe('0');
    expectIpv6Entry(w, withPort.result, 'beef::cafe');

    expect(errName((await lookupA(w, '[beef::cafe', null, numericV4)).ret)).toBe('WSAHOST_NOT_FOUND');
    expect(errName((await lookupA(w, 'beef::cafe]', null, numericV4)).ret)).toBe('WSAHOST_NOT_FOUND');
  });

  it.each(HINTS)('"localhost", hint family %i socktype %i protocol %i → %s', (...row) =>
    expectHintRow(winsock(), 'getaddrinfo', ...row),
  );

  it('NULL node with an unknown service → WSATYPE_NOT_FOUND', async () => {
    const w = winsock();
    expect(errName((await lookupA(w, null, 'nonexistentservice', zeroHint())).ret)).toBe('WSATYPE_NOT_FOUND');
  });

  it('AI_ALL | AI_DNS_ONLY, SOCK_STREAM, IPPROTO_TCP on a name: the first entry in full', async () => {
    const w = winsock();
    const { ret, result } = await lookupA(w, ZONE.one, null, {
      ai_flags: ws2.AI_ALL | ws2.AI_DNS_ONLY,
      ai_family: AF_UNSPEC,
      ai_socktype: SOCK_STREAM,
      ai_protocol: IPPROTO_TCP,
    });
    expect(errName(ret), lastError(w)).toBe('0');
    const entry = present(result, 'result');
    expect(entry.ai_flags).toBe(0);
    expect(entry.ai_family).toBe(AF_INET);
    expect(entry.ai_socktype).toBe(SOCK_STREAM);
    expect(entry.ai_protocol).toBe(IPPROTO_TCP);
    expect(entry.ai_canonname ?? null).toBeNull();
    expect(entry.ai_addrlen).toBe(16);
    const sa = present(entry.ai_addr, 'ai_addr');
    const v = new DataView(sa.buffer, sa.byteOffset, sa.byteLength);
    expect(v.getUint16(0, true)).toBe(AF_INET);
    expect(v.getUint16(2, false)).toBe(0);
  });
});
