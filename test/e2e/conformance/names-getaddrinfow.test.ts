/**
 * Wine's ws2_32 protocol.c test_GetAddrInfoW, from real Windows: NULL, "" and "localhost" nodes,
 * the computer name, services "0", "" and "80", a missing name, and the family / socket type /
 * protocol hints. Names are asked of the suite's dnsmasq through the relay (test/fixtures/dnsmasq.ts);
 * Windows' internet names are mapped onto zone names (nxdomain.codeweavers.com → no-such-name.test,
 * テスト.winehq.org and its punycode → テスト.test and xn--zckzah.test).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ZONE } from '../../fixtures/dns-zone.js';
import {
  HINTS,
  computerName,
  expectHintRow,
  expectSameChains,
  lookup,
  zeroHint,
  type Hints,
} from './addrinfo-checks.js';
import { errName, lastError, releaseWinsocks, winsock, ws2, type Winsock } from '../../fixtures/winsock.js';

const { AF_INET } = ws2;
const MARK = 0xdeadbeef | 0;

afterEach(releaseWinsocks);

const lookupW = (w: Winsock, node: string | null, service: string | null, hints: Hints | null) =>
  lookup(w, 'GetAddrInfoW', node, service, hints);

describe('GetAddrInfoW (test_GetAddrInfoW)', () => {
  it('NULL node and service → WSAHOST_NOT_FOUND, also the last error, and no result', async () => {
    const w = winsock();
    for (let i = 0; i < 2; i++) {
      w.WSASetLastError(MARK);
      const { ret, result } = await lookupW(w, null, null, null);
      expect(errName(ret)).toBe('WSAHOST_NOT_FOUND');
      expect(lastError(w)).toBe('WSAHOST_NOT_FOUND');
      expect(result).toBeNull();
    }
  });

  it('"" node → success with a result, the last error 0', async () => {
    const w = winsock();
    w.WSASetLastError(MARK);
    const { ret, result } = await lookupW(w, '', null, null);
    expect(errName(ret)).toBe('0');
    expect(result).not.toBeNull();
    expect(w.WSAGetLastError()).toBe(0);
  });

  it('NULL node with service "0" and with "" give the same chain; so do "" with "0" and with ""', async () => {
    const w = winsock();
    const a = await lookupW(w, null, '0', null);
    expect(errName(a.ret)).toBe('0');
    expect(a.result).not.toBeNull();
    const b = await lookupW(w, null, '', null);
    expect(errName(b.ret)).toBe('0');
    expect(b.result).not.toBeNull();
    expectSameChains(a.result, b.result);

    w.WSASetLastError(MARK);
    const c = await lookupW(w, '', '0', null);
    expect(errName(c.ret)).toBe('0');
    expect(w.WSAGetLastError()).toBe(0);
    expect(c.result).not.toBeNull();
    const d = await lookupW(w, '', '', null);
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
      expect(errName((await lookupW(w, 'localhost', service, hint)).ret)).toBe('0');
    }
    w.WSASetLastError(MARK);
    expect(errName((await lookupW(w, 'localhost', '80', zeroHint())).ret)).toBe('0');
    expect(w.WSAGetLastError()).toBe(0);
  });

  it('the computer name gives what "" gives, with no service and with ""', async () => {
    const w = winsock();
    const name = computerName(w);
    for (const service of [null, '']) {
      const a = await lookupW(w, name, service, null);
      expect(errName(a.ret)).toBe('0');
      expect(a.result).not.toBeNull();
      const b = await lookupW(w, '', service, null);
      expect(errName(b.ret)).toBe('0');
      expect(b.result).not.toBeNull();
      expectSameChains(a.result, b.result);
    }
  });

  it('a missing name → WSAHOST_NOT_FOUND, also the last error, and no result', async () => {
    const w = winsock();
    w.WSASetLastError(MARK);
    const { ret, result } = await lookupW(w, ZONE.missing, null, null);
    expect(errName(ret)).toBe('WSAHOST_NOT_FOUND');
    expect(lastError(w)).toBe('WSAHOST_NOT_FOUND');
    expect(result).toBeNull();
  });

  it.each(HINTS)('"localhost", hint family %i socktype %i protocol %i → %s', (...row) =>
    expectHintRow(winsock(), 'GetAddrInfoW', ...row),
  );

  it('IDN: the Unicode name is looked up as its punycode; with AI_DISABLE_IDN_ENCODING it is not found', async () => {
    const w = winsock();
    const unicode = 'テスト.test';
    const v4 = (): Hints => ({ ...zeroHint(), ai_family: AF_INET });
    const puny = await lookupW(w, ZONE.idn, null, null);
    expect(errName(puny.ret)).toBe('0');
    expect(puny.result).not.toBeNull();
    const punyV4 = await lookupW(w, ZONE.idn, null, v4());
    expect(errName(punyV4.ret)).toBe('0');
    expect(punyV4.result).not.toBeNull();

    const uni = await lookupW(w, unicode, null, null);
    expect(errName(uni.ret)).toBe('0');
    expect(uni.result).not.toBeNull();
    const uniV4 = await lookupW(w, unicode, null, v4());
    expect(errName(uniV4.ret)).toBe('0');
    expect(uniV4.result).not.toBeNull();
    expectSameChains(punyV4.result, uniV4.result);
    const again = await lookupW(w, unicode, null, v4());
    expect(errName(again.ret)).toBe('0');
    expect(again.result).not.toBeNull();

    w.WSASetLastError(MARK);
    const raw = await lookupW(w, unicode, null, { ...v4(), ai_flags: ws2.AI_DISABLE_IDN_ENCODING });
    expect(errName(raw.ret)).toBe('WSAHOST_NOT_FOUND');
    expect(lastError(w)).toBe('WSAHOST_NOT_FOUND');
    expect(raw.result).toBeNull();
  });
});
