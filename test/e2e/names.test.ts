/**
 * Name resolution end to end: getaddrinfo / GetAddrInfoW / freeaddrinfo / gai_strerror and the
 * legacy calls ported code still uses, resolved by the relay against the suite's real dnsmasq
 * (test/fixtures/dnsmasq.ts, names in dns-zone.ts). The page has no DNS; nothing here queries
 * the machine's resolver (the setup's DNS guard fails the run if anything tries).
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { ADDRINFO } from '../../packages/browser/src/index.js';
import { Control } from '../fixtures/control.js';
import { MULTI_ORDER, ZONE } from '../fixtures/dns-zone.js';
import { errName, present, releaseWinsocks, winsock, ws2, type Winsock } from '../fixtures/winsock.js';

const { AF_INET, AF_INET6, AF_UNSPEC, SOCK_STREAM, SOCK_DGRAM, IPPROTO_TCP } = ws2;
const control = new Control();

afterEach(releaseWinsocks);
afterAll(() => control.releaseAll());

/** getaddrinfo's return code by name, and the chain (empty on failure). */
async function resolve(
  w: Winsock,
  node: string | null,
  service: string | null,
  hints: AddrinfoHints | null,
  call: 'getaddrinfo' | 'GetAddrInfoW' = 'getaddrinfo',
): Promise<{ rc: string; list: ADDRINFO[] }> {
  const result = { value: null as ADDRINFO | null };
  const rc = await w[call](node, service, hints, result);
  return { rc: errName(rc), list: rc === 0 ? chain(result.value) : [] };
}

type AddrinfoHints = Partial<ADDRINFO>;

/** Walks an ADDRINFO chain into an array. */
function chain(ai: ADDRINFO | null): ADDRINFO[] {
  const out: ADDRINFO[] = [];
  for (let p = ai; p; p = p.ai_next) {
    out.push(p);
    if (out.length > 64) throw new Error('ADDRINFO chain longer than 64: a cycle?');
  }
  return out;
}

const hints = (h: AddrinfoHints): AddrinfoHints => ({
  ai_flags: 0,
  ai_family: AF_UNSPEC,
  ai_socktype: 0,
  ai_protocol: 0,
  ...h,
});
const endpoints = (list: ADDRINFO[]): string[] =>
  list.map((ai) => {
    const a = ws2.parseSockaddr(present(ai.ai_addr, 'ai_addr'));
    return `${a.address}:${a.port}`;
  });

describe('getaddrinfo', () => {
  it("AF_INET, SOCK_STREAM, IPPROTO_TCP: one.test → one ADDRINFO in the contract's shape (sockaddr_in, ai_addrlen 16)", async () => {
    const w = winsock();
    const { rc, list } = await resolve(
      w,
      ZONE.one,
      '80',
      hints({ ai_family: AF_INET, ai_socktype: SOCK_STREAM, ai_protocol: IPPROTO_TCP }),
    );
    expect(rc).toBe('0');
    expect(list).toHaveLength(1);
    const ai = list[0]!;
    expect(ai).toMatchObject({
      ai_family: AF_INET,
      ai_socktype: SOCK_STREAM,
      ai_protocol: IPPROTO_TCP,
      ai_addrlen: 16,
      ai_next: null,
    });
    expect(ai.ai_canonname ?? null, 'no AI_CANONNAME: no canonical name').toBeNull();
    expect(ai.ai_addr).toBeInstanceOf(Uint8Array);
    expect(present(ai.ai_addr, 'ai_addr').length).toBe(16);
    expect(ws2.parseSockaddr(present(ai.ai_addr, 'ai_addr'))).toMatchObject({
      family: AF_INET,
      address: '127.0.0.1',
      port: 80,
    });
    expect(
      (await control.dnsQueries()).some((q) => q.name === ZONE.one),
      "the relay never asked the suite's dnsmasq",
    ).toBe(true);
  });

  it('AF_INET6: six.test → ::1 as a 28-byte sockaddr_in6 (ai_addrlen 28)', async () => {
    const w = winsock();
    const { rc, list } = await resolve(w, ZONE.six, '443', hints({ ai_family: AF_INET6, ai_socktype: SOCK_STREAM }));
    expect(rc).toBe('0');
    expect(list.map((ai) => [ai.ai_family, ai.ai_addrlen, present(ai.ai_addr, 'ai_addr').length])).toEqual([
      [AF_INET6, 28, 28],
    ]);
    expect(ws2.parseSockaddr(present(list[0]!.ai_addr, 'ai_addr'))).toMatchObject({
      family: AF_INET6,
      address: '::1',
      port: 443,
    });
  });

  it('AF_UNSPEC: dual.test → both its IPv4 and its IPv6 address', async () => {
    const w = winsock();
    const { rc, list } = await resolve(w, ZONE.dual, '7', hints({ ai_socktype: SOCK_STREAM }));
    expect(rc).toBe('0');
    expect(endpoints(list).sort()).toEqual(['127.0.0.1:7', '::1:7']);
    for (const ai of list) expect(ai.ai_addrlen).toBe(ai.ai_family === AF_INET6 ? 28 : 16);
  });

  it("a multi-address name: every address, in the resolver's order", async () => {
    const w = winsock();
    const { rc, list } = await resolve(w, ZONE.multi, '1', hints({ ai_family: AF_INET, ai_socktype: SOCK_STREAM }));
    expect(rc).toBe('0');
    expect(endpoints(list)).toEqual(MULTI_ORDER.map((a) => `${a}:1`));
  });

  it('socktype SOCK_DGRAM is carried into the results', async () => {
    const w = winsock();
    const { rc, list } = await resolve(w, ZONE.one, '53', hints({ ai_family: AF_INET, ai_socktype: SOCK_DGRAM }));
    expect(rc).toBe('0');
    expect(list.length).toBeGreaterThan(0);
    for (const ai of list) {
      expect(ai.ai_socktype).toBe(SOCK_DGRAM);
      expect([0, ws2.IPPROTO_UDP]).toContain(ai.ai_protocol);
    }
  });

  it('AI_PASSIVE with a null node → the wildcard address (0.0.0.0 / ::); without it → loopback', async () => {
    const w = winsock();
    const passive = ws2.AI_PASSIVE;
    const v4 = await resolve(
      w,
      null,
      '8080',
      hints({ ai_flags: passive, ai_family: AF_INET, ai_socktype: SOCK_STREAM }),
    );
    expect(v4.rc).toBe('0');
    expect(endpoints(v4.list)).toEqual(['0.0.0.0:8080']);
    const v6 = await resolve(
      w,
      null,
      '8080',
      hints({ ai_flags: passive, ai_family: AF_INET6, ai_socktype: SOCK_STREAM }),
    );
    expect(v6.rc).toBe('0');
    expect(endpoints(v6.list)).toEqual([':::8080']);
    const active = await resolve(w, null, '8080', hints({ ai_family: AF_INET, ai_socktype: SOCK_STREAM }));
    expect(active.rc).toBe('0');
    expect(endpoints(active.list)).toEqual(['127.0.0.1:8080']);
  });

  it('AI_NUMERICHOST: an IP literal resolves locally; a name → WSAHOST_NOT_FOUND (EAI_NONAME) without a DNS query', async () => {
    const w = winsock();
    const numeric = ws2.AI_NUMERICHOST;
    const literal = await resolve(w, '127.0.0.9', '5', hints({ ai_flags: numeric, ai_family: AF_INET }));
    expect(literal.rc).toBe('0');
    expect(endpoints(literal.list)).toContain('127.0.0.9:5');
    const before = (await control.dnsQueries()).length;
    const name = await resolve(w, 'numeric-only.test', '5', hints({ ai_flags: numeric }));
    expect(name.rc).toBe('WSAHOST_NOT_FOUND');
    expect(ws2.EAI_NONAME).toBe(ws2.WSAHOST_NOT_FOUND);
    const asked = (await control.dnsQueries()).slice(before).filter((q) => q.name === 'numeric-only.test');
    expect(asked, 'AI_NUMERICHOST must not resolve the name').toEqual([]);
  });

  it('AI_NUMERICSERV with "http" → WSATYPE_NOT_FOUND (EAI_SERVICE)', async () => {
    const w = winsock();
    const { rc } = await resolve(w, '127.0.0.1', 'http', hints({ ai_flags: ws2.AI_NUMERICSERV, ai_family: AF_INET }));
    expect(rc).toBe('WSATYPE_NOT_FOUND');
    expect(ws2.EAI_SERVICE).toBe(ws2.WSATYPE_NOT_FOUND);
  });

  it('services by number and by name: "http" → 80; an unknown service → WSATYPE_NOT_FOUND', async () => {
    const w = winsock();
    const h = hints({ ai_family: AF_INET, ai_socktype: SOCK_STREAM });
    expect(endpoints((await resolve(w, '127.0.0.1', 'http', h)).list)).toEqual(['127.0.0.1:80']);
    expect(endpoints((await resolve(w, '127.0.0.1', '8443', h)).list)).toEqual(['127.0.0.1:8443']);
    expect((await resolve(w, '127.0.0.1', 'no-such-service', h)).rc).toBe('WSATYPE_NOT_FOUND');
  });

  it('AI_CANONNAME on a CNAME: ai_canonname of the first result is the target (alias.test → one.test)', async () => {
    const w = winsock();
    const { rc, list } = await resolve(
      w,
      ZONE.alias,
      '80',
      hints({ ai_flags: ws2.AI_CANONNAME, ai_family: AF_INET, ai_socktype: SOCK_STREAM }),
    );
    expect(rc).toBe('0');
    expect(list[0]?.ai_canonname).toBe(ZONE.one);
    expect(endpoints(list)).toEqual(['127.0.0.1:80']);
  });

  it('NXDOMAIN → WSAHOST_NOT_FOUND', async () => {
    const w = winsock();
    const { rc } = await resolve(w, ZONE.missing, '80', hints({ ai_family: AF_INET }));
    expect(rc).toBe('WSAHOST_NOT_FOUND');
  });

  it('a name with only an A record, asked for AF_INET6 → WSANO_DATA', async () => {
    const w = winsock();
    const { rc } = await resolve(w, ZONE.one, '80', hints({ ai_family: AF_INET6 }));
    expect(rc).toBe('WSANO_DATA');
  });

  it('a family other than AF_UNSPEC/AF_INET/AF_INET6 → WSAEAFNOSUPPORT (EAI_FAMILY)', async () => {
    const w = winsock();
    const { rc } = await resolve(w, ZONE.one, '80', hints({ ai_family: 12345 }));
    expect(rc).toBe('WSAEAFNOSUPPORT');
  });

  it('GetAddrInfoW gives the same answers and the same errors', async () => {
    const w = winsock();
    const h = hints({ ai_family: AF_INET, ai_socktype: SOCK_STREAM });
    const a = await resolve(w, ZONE.multi, '80', h, 'GetAddrInfoW');
    expect(a.rc).toBe('0');
    expect(endpoints(a.list)).toEqual(MULTI_ORDER.map((x) => `${x}:80`));
    expect((await resolve(w, ZONE.missing, '80', h, 'GetAddrInfoW')).rc).toBe('WSAHOST_NOT_FOUND');
  });

  it("freeaddrinfo takes the chain getaddrinfo made (and null); gai_strerror returns Windows' message", async () => {
    const w = winsock();
    const result = { value: null as ADDRINFO | null };
    expect(await w.getaddrinfo(ZONE.dual, '80', null, result)).toBe(0);
    // Nothing to free in JavaScript (the calls have no observable effect); ported programs still make them.
    w.freeaddrinfo(result.value);
    w.freeaddrinfo(null);
    expect(w.gai_strerror(ws2.WSAHOST_NOT_FOUND)).toBe('No such host is known.');
  });
});

describe('legacy name calls', () => {
  it('gethostbyname: a hostent with h_name, h_aliases, h_addrtype AF_INET, h_length 4, h_addr_list', async () => {
    const w = winsock();
    const he = await w.gethostbyname(ZONE.alias);
    expect(he, `gethostbyname: ${errName(w.WSAGetLastError())}`).not.toBeNull();
    expect(he!.h_name).toBe(ZONE.one);
    expect(he!.h_aliases).toContain(ZONE.alias);
    expect(he!.h_addrtype).toBe(AF_INET);
    expect(he!.h_length).toBe(4);
    expect(he!.h_addr_list.map((a) => [...a])).toEqual([[127, 0, 0, 1]]);
  });

  it('gethostbyname of a missing name → null with WSAHOST_NOT_FOUND', async () => {
    const w = winsock();
    expect(await w.gethostbyname(ZONE.missing)).toBeNull();
    expect(errName(w.WSAGetLastError())).toBe('WSAHOST_NOT_FOUND');
  });

  it('gethostname writes a NUL-terminated, non-empty name', () => {
    const w = winsock();
    const buf = new Uint8Array(256).fill(0xff);
    expect(w.gethostname(buf, buf.length), errName(w.WSAGetLastError())).toBe(0);
    const end = buf.indexOf(0);
    expect(end).toBeGreaterThan(0);
  });

  it('inet_addr / inet_ntoa / inet_pton / inet_ntop', () => {
    const w = winsock();
    expect(ws2.inet_addr('127.0.0.1')).toBe(0x0100007f);
    expect(ws2.inet_addr('not an address')).toBe(ws2.INADDR_NONE);
    expect(ws2.inet_ntoa(0x0100007f)).toBe('127.0.0.1');
    const b6 = new Uint8Array(16);
    expect(w.inet_pton(AF_INET6, '::ffff:127.0.0.1', b6)).toBe(1);
    expect([...b6]).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1]);
    expect(w.inet_ntop(AF_INET6, b6)).toBe('::ffff:127.0.0.1');
    const b4 = new Uint8Array(4);
    expect(w.inet_pton(AF_INET, '10.1.2.3', b4)).toBe(1);
    expect(w.inet_ntop(AF_INET, b4)).toBe('10.1.2.3');
    expect(w.inet_pton(AF_INET, 'one.test', b4)).toBe(0);
  });

  it('getservbyname("http", "tcp") → s_port 80 in network order, as Windows', () => {
    const w = winsock();
    const se = w.getservbyname('http', 'tcp');
    expect(se).not.toBeNull();
    expect(se!.s_port).toBe(ws2.htons(80));
    expect(se!.s_port).toBe(0x5000);
    expect(se!.s_name).toBe('http');
    expect(se!.s_proto).toBe('tcp');
  });

  it('getnameinfo with NI_NUMERICHOST | NI_NUMERICSERV: the numeric host and port, IPv4 and IPv6', async () => {
    const w = winsock();
    const flags = ws2.NI_NUMERICHOST | ws2.NI_NUMERICSERV;
    for (const [sa, hostText] of [
      [ws2.sockaddrIn('127.0.0.1', 8080), '127.0.0.1'],
      [ws2.sockaddrIn6('::1', 8080), '::1'],
    ] as const) {
      const host = { value: '' };
      const serv = { value: '' };
      const rc = await w.getnameinfo(sa, sa.length, host, ws2.NI_MAXHOST, serv, ws2.NI_MAXSERV, flags);
      expect(errName(rc)).toBe('0');
      expect(host.value).toBe(hostText);
      expect(serv.value).toBe('8080');
    }
  });
});
