/**
 * Wine's ws2_32 protocol.c test_GetAddrInfoW, from real Windows: NULL, "" and "localhost" nodes,
 * the computer name, services "0", "" and "80", a missing name, and the family / socket type /
 * protocol hints. Names are asked of the suite's dnsmasq through the relay (test/fixtures/dnsmasq.ts);
 * Windows' internet names are mapped onto zone names (nxdomain.codeweavers.com → no-such-name.test,
 * テスト.winehq.org and its punycode → テスト.test and xn--zckzah.test).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ADDRINFO } from '../../../packages/browser/src/index.js';
import { ZONE } from '../../fixtures/dns-zone.js';
import { errName, lastError, releaseWinsocks, winsock, ws2, type Winsock } from '../../fixtures/winsock.js';

const { AF_INET, AF_INET6, AF_UNSPEC, SOCK_STREAM, SOCK_DGRAM, IPPROTO_TCP, IPPROTO_UDP, IPPROTO_IPV6 } = ws2;
const MARK = 0xdeadbeef | 0;

afterEach(releaseWinsocks);

type Hints = Partial<ADDRINFO>;
/** A zeroed ADDRINFOW, as Windows' test's `memset(&hint, 0, …)`. */
const zeroHint = (): Hints => ({ ai_flags: 0, ai_family: 0, ai_socktype: 0, ai_protocol: 0 });

/** GetAddrInfoW's return value and the chain it gave (null when none). */
async function lookup(
  w: Winsock,
  node: string | null,
  service: string | null,
  hints: Hints | null,
): Promise<{ ret: number; result: ADDRINFO | null }> {
  const out = { value: null as ADDRINFO | null };
  const ret = await w.GetAddrInfoW(node, service, hints, out);
  return { ret, result: out.value };
}

function chain(ai: ADDRINFO | null): ADDRINFO[] {
  const list: ADDRINFO[] = [];
  for (let p = ai; p; p = p.ai_next) list.push(p);
  return list;
}

/** Windows' compare_addrinfow: the two chains alike, entry by entry, and of one length. */
function expectSameChains(a: ADDRINFO | null, b: ADDRINFO | null): void {
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
function computerName(w: Winsock): string {
  const buf = new Uint8Array(256);
  expect(w.gethostname(buf, buf.length), lastError(w)).toBe(0);
  return new TextDecoder().decode(buf.subarray(0, buf.indexOf(0)));
}

describe('GetAddrInfoW (test_GetAddrInfoW)', () => {
  it('NULL node and service → WSAHOST_NOT_FOUND, also the last error, and no result', async () => {
    const w = winsock();
    for (let i = 0; i < 2; i++) {
      w.WSASetLastError(MARK);
      const { ret, result } = await lookup(w, null, null, null);
      expect(errName(ret)).toBe('WSAHOST_NOT_FOUND');
      expect(lastError(w)).toBe('WSAHOST_NOT_FOUND');
      expect(result).toBeNull();
    }
  });

  it('"" node → success with a result, the last error 0', async () => {
    const w = winsock();
    w.WSASetLastError(MARK);
    const { ret, result } = await lookup(w, '', null, null);
    expect(errName(ret)).toBe('0');
    expect(result).not.toBeNull();
    expect(w.WSAGetLastError()).toBe(0);
  });

  it('NULL node with service "0" and with "" give the same chain; so do "" with "0" and with ""', async () => {
    const w = winsock();
    const a = await lookup(w, null, '0', null);
    expect(errName(a.ret)).toBe('0');
    expect(a.result).not.toBeNull();
    const b = await lookup(w, null, '', null);
    expect(errName(b.ret)).toBe('0');
    expect(b.result).not.toBeNull();
    expectSameChains(a.result, b.result);

    w.WSASetLastError(MARK);
    const c = await lookup(w, '', '0', null);
    expect(errName(c.ret)).toBe('0');
    expect(w.WSAGetLastError()).toBe(0);
    expect(c.result).not.toBeNull();
    const d = await lookup(w, '', '', null);
    expect(errName(d.ret)).toBe('0');
    expect(d.result).not.toBeNull();
    expectSameChains(c.result, d.result);
  });

  it('"localhost" with no, "", "0" and "80" service, with and without a zeroed hint', async () => {
    const w = winsock();
    for (const [service, hint] of [
      [null, null],
      ['', null],
      ['0', null],
      ['80', null],
      [null, zeroHint()],
    ] as const) {
      expect(errName((await lookup(w, 'localhost', service, hint)).ret)).toBe('0');
    }
    w.WSASetLastError(MARK);
    expect(errName((await lookup(w, 'localhost', '80', zeroHint())).ret)).toBe('0');
    expect(w.WSAGetLastError()).toBe(0);
  });

  it('the computer name gives what "" gives, with no service and with ""', async () => {
    const w = winsock();
    const name = computerName(w);
    for (const service of [null, '']) {
      const a = await lookup(w, name, service, null);
      expect(errName(a.ret)).toBe('0');
      expect(a.result).not.toBeNull();
      const b = await lookup(w, '', service, null);
      expect(errName(b.ret)).toBe('0');
      expect(b.result).not.toBeNull();
      expectSameChains(a.result, b.result);
    }
  });

  it('a missing name → WSAHOST_NOT_FOUND, also the last error, and no result', async () => {
    const w = winsock();
    w.WSASetLastError(MARK);
    const { ret, result } = await lookup(w, ZONE.missing, null, null);
    expect(errName(ret)).toBe('WSAHOST_NOT_FOUND');
    expect(lastError(w)).toBe('WSAHOST_NOT_FOUND');
    expect(result).toBeNull();
  });

  /** Windows' hinttests: family, socket type, protocol, and the error (0: success). */
  const HINTS: [number, number, number, string][] = [
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

  it.each(HINTS)(
    '"localhost", hint family %i socktype %i protocol %i → %s',
    async (family, socktype, protocol, error) => {
      const w = winsock();
      w.WSASetLastError(MARK);
      const hint = { ...zeroHint(), ai_family: family, ai_socktype: socktype, ai_protocol: protocol };
      const { ret, result } = await lookup(w, 'localhost', null, hint);
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
    },
  );

  it('IDN: the Unicode name is looked up as its punycode; with AI_DISABLE_IDN_ENCODING it is not found', async () => {
    const w = winsock();
    const unicode = 'テスト.test';
    const v4 = (): Hints => ({ ...zeroHint(), ai_family: AF_INET });
    const puny = await lookup(w, ZONE.idn, null, null);
    expect(errName(puny.ret)).toBe('0');
    expect(puny.result).not.toBeNull();
    const punyV4 = await lookup(w, ZONE.idn, null, v4());
    expect(errName(punyV4.ret)).toBe('0');
    expect(punyV4.result).not.toBeNull();

    const uni = await lookup(w, unicode, null, null);
    expect(errName(uni.ret)).toBe('0');
    expect(uni.result).not.toBeNull();
    const uniV4 = await lookup(w, unicode, null, v4());
    expect(errName(uniV4.ret)).toBe('0');
    expect(uniV4.result).not.toBeNull();
    expectSameChains(punyV4.result, uniV4.result);
    const again = await lookup(w, unicode, null, v4());
    expect(errName(again.ret)).toBe('0');
    expect(again.result).not.toBeNull();

    w.WSASetLastError(MARK);
    const raw = await lookup(w, unicode, null, { ...v4(), ai_flags: ws2.AI_DISABLE_IDN_ENCODING });
    expect(errName(raw.ret)).toBe('WSAHOST_NOT_FOUND');
    expect(lastError(w)).toBe('WSAHOST_NOT_FOUND');
    expect(raw.result).toBeNull();
  });
});
