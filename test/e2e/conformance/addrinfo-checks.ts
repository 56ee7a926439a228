/**
 * What Wine's protocol.c test_getaddrinfo and test_GetAddrInfoW share: the call, Windows'
 * compare_addrinfo(w) of two chains, the computer name, and the hints table.
 */
import { expect } from 'vitest';
import type { ADDRINFO } from '../../../packages/browser/src/index.js';
import { errName, lastError, ws2, type Winsock } from '../../fixtures/winsock.js';

const { AF_INET, AF_INET6, AF_UNSPEC, SOCK_STREAM, SOCK_DGRAM, IPPROTO_TCP, IPPROTO_UDP, IPPROTO_IPV6 } = ws2;

export type Hints = Partial<ADDRINFO>;
/** A zeroed ADDRINFOW, as Windows' test's `memset(&hint, 0, …)`. */
export const zeroHint = (): Hints => ({ ai_flags: 0, ai_family: 0, ai_socktype: 0, ai_protocol: 0 });

/** The call's return value and the chain it gave (null when none). */
export async function lookup(
  w: Winsock,
  call: 'getaddrinfo' | 'GetAddrInfoW',
  node: string | null,
  service: string | null,
  hints: Hints | null,
): Promise<{ ret: number; result: ADDRINFO | null }> {
  const out = { value: null as ADDRINFO | null };
  const ret = await w[call](node, service, hints, out);
  return { ret, result: out.value };
}

export function chain(ai: ADDRINFO | null): ADDRINFO[] {
  const list: ADDRINFO[] = [];
  for (let p = ai; p; p = p.ai_next) list.push(p);
  return list;
}

/** Windows' compare_addrinfow: the two chains alike, entry by entry, and of one length. */
export function expectSameChains(a: ADDRINFO | null, b: ADDRINFO | null): void {
  const x = chain(a);
  const y = chain(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const p = x[i]!;
    const q = y[i]!;
    expect(p.ai_flags).toBe(q.ai_flags);
    expect(p.ai_family).toBe(q.ai_family);
    expect(p.ai_socktype).toBe(q.ai_socktype);
    expect(p.ai_protocol).toBe(q.ai_protocol);
    expect(p.ai_addrlen).toBe(q.ai_addrlen);
    expect(p.ai_addr).toEqual(q.ai_addr);
    expect(p.ai_canonname ?? null).toBe(q.ai_canonname ?? null);
  }
  expect(x.length).toBe(y.length);
}

/** The computer name as gethostname gives it (Windows' test asks GetComputerNameExW). */
export function computerName(w: Winsock): string {
  const buf = new Uint8Array(256);
  expect(w.gethostname(buf, buf.length), lastError(w)).toBe(0);
  return new TextDecoder().decode(buf.subarray(0, buf.indexOf(0)));
}

/** Windows' hinttests: family, socket type, protocol, and the error (0: success). */
export const HINTS: [number, number, number, string][] = [
  [AF_UNSPEC, SOCK_STREAM, IPPROTO_TCP, '0'],
  [AF_UNSPEC, SOCK_STREAM, IPPROTO_UDP, '0'],
  [AF_UNSPEC, SOCK_STREAM, IPPROTO_IPV6, '0'],
  [AF_UNSPEC, SOCK_DGRAM, IPPROTO_TCP, '0'],
  [AF_UNSPEC, SOCK_DGRAM, IPPROTO_UDP, '0'],
  [AF_UNSPEC, SOCK_DGRAM, IPPROTO_IPV6, '0'],
  [AF_INET, SOCK_STREAM, IPPROTO_TCP, '0'],
  [AF_INET, SOCK_STREAM, IPPROTO_UDP, '0'],
  [AF_INET, SOCK_STREAM, IPPROTO_IPV6, '0'],
  [AF_INET, SOCK_DGRAM, IPPROTO_TCP, '0'],
  [AF_INET, SOCK_DGRAM, IPPROTO_UDP, '0'],
  [AF_INET, SOCK_DGRAM, IPPROTO_IPV6, '0'],
  [AF_UNSPEC, 0, IPPROTO_TCP, '0'],
  [AF_UNSPEC, 0, IPPROTO_UDP, '0'],
  [AF_UNSPEC, 0, IPPROTO_IPV6, '0'],
  [AF_UNSPEC, SOCK_STREAM, 0, '0'],
  [AF_UNSPEC, SOCK_DGRAM, 0, '0'],
  [AF_INET, 0, IPPROTO_TCP, '0'],
  [AF_INET, 0, IPPROTO_UDP, '0'],
  [AF_INET, 0, IPPROTO_IPV6, '0'],
  [AF_INET, SOCK_STREAM, 0, '0'],
  [AF_INET, SOCK_DGRAM, 0, '0'],
  [AF_UNSPEC, 999, IPPROTO_TCP, 'WSAESOCKTNOSUPPORT'],
  [AF_UNSPEC, 999, IPPROTO_UDP, 'WSAESOCKTNOSUPPORT'],
  [AF_UNSPEC, 999, IPPROTO_IPV6, 'WSAESOCKTNOSUPPORT'],
  [AF_INET, 999, IPPROTO_TCP, 'WSAESOCKTNOSUPPORT'],
  [AF_INET, 999, IPPROTO_UDP, 'WSAESOCKTNOSUPPORT'],
  [AF_INET, 999, IPPROTO_IPV6, 'WSAESOCKTNOSUPPORT'],
  [AF_UNSPEC, SOCK_STREAM, 999, '0'],
  [AF_UNSPEC, SOCK_STREAM, 999, '0'],
  [AF_INET, SOCK_DGRAM, 999, '0'],
  [AF_INET, SOCK_DGRAM, 999, '0'],
];

/**
 * One hinttests row for "localhost": the error, or each result with the family asked (either for
 * AF_UNSPEC) and exactly the socket type and protocol given.
 */
export async function expectHintRow(
  w: Winsock,
  call: 'getaddrinfo' | 'GetAddrInfoW',
  family: number,
  socktype: number,
  protocol: number,
  error: string,
): Promise<void> {
  w.WSASetLastError(0xdeadbeef | 0);
  const hint = { ...zeroHint(), ai_family: family, ai_socktype: socktype, ai_protocol: protocol };
  const { ret, result } = await lookup(w, call, 'localhost', null, hint);
  expect(errName(ret)).toBe(error);
  if (error !== '0') {
    expect(lastError(w)).toBe(error);
    return;
  }
  const list = chain(result);
  expect(list.length).toBe(family === AF_UNSPEC ? 2 : 1);
  for (const p of list) {
    if (family === AF_UNSPEC) expect([AF_INET, AF_INET6]).toContain(p.ai_family);
    else expect(p.ai_family).toBe(family);
    expect(p.ai_socktype).toBe(socktype);
    expect(p.ai_protocol).toBe(protocol);
  }
}
