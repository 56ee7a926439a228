/**
 * RESOLVE and host-name OPEN against a real DNS server: dnsmasq on 127.0.0.1 with its own
 * records (support/dnsmasq.ts; it never forwards anywhere). The OS resolver is asked only for
 * `localhost`. Answers in 192.0.2.0/24 and 2001:db8::/32 are documentation addresses: they are
 * looked at, never dialled.
 */
import dgram from 'node:dgram';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FrameType, Reason, ResolveFlag, type Endpoint, type OpenedFrame, type ResolvedFrame } from '@ws2web/protocol';
import { startRelay, type Lookup } from '../src/index.js';
import { reasonForLookupError } from '../src/streams/name-service.js';
import { startDnsmasq, type Dnsmasq } from './support/dnsmasq.js';
import { ipv4, ipv6, named } from './support/page-client.js';
import { startEchoServer } from './support/tcp-servers.js';
import { defer, useRelay, usePage } from './support/index.js';

let dns: Dnsmasq;
beforeAll(async () => {
  dns = await startDnsmasq({
    records: {
      hosts: {
        'one.test': ['192.0.2.1'],
        'six.test': ['2001:db8::6'],
        'multi.test': ['192.0.2.10', '192.0.2.11', '2001:db8::10', '2001:db8::11'],
        'echo.test': ['127.0.0.1'],
        'private.test': ['192.0.2.77', '10.9.8.7'],
      },
      cnames: { 'alias.test': 'alias2.test', 'alias2.test': 'multi.test' },
    },
  });
});
afterAll(async () => {
  await dns?.stop();
});

const v4 = (address: string) => ipv4(0, address);
const v6 = (address: string) => ipv6(0, address);
const addressOf = (e: Endpoint): string => (e.kind === 'name' ? e.host : e.address);
const sortByAddress = (list: Endpoint[]): Endpoint[] =>
  [...list].sort((a, b) => addressOf(a).localeCompare(addressOf(b)));

describe('RESOLVE against a DNS server (dnsmasq)', () => {
  it('answers the A record with port-0 endpoints and no canonical name unless asked', async () => {
    const relay = await useRelay({ dns: { servers: [dns.server] } });
    const p = await usePage(relay);
    expect(await p.resolve(1, 'one.test')).toEqual({
      type: FrameType.RESOLVED,
      stream: 1,
      canonName: '',
      addresses: [v4('192.0.2.1')],
    });
    expect(dns.queries()).toEqual(expect.arrayContaining(['A one.test', 'AAAA one.test']));
    expect(relay.metrics().resolves).toEqual({ OK: 1 });
  });

  it('answers every address of a multi-address name: IPv4 first, each family in resolver order', async () => {
    const p = await usePage(await useRelay({ dns: { servers: [dns.server] } }));
    const r = (await p.resolve(1, 'multi.test')) as ResolvedFrame;
    expect(r.type).toBe(FrameType.RESOLVED);
    expect(r.addresses.map((a) => a.kind)).toEqual(['ipv4', 'ipv4', 'ipv6', 'ipv6']);
    // dnsmasq rotates records between answers, so each family is compared as a set.
    expect(sortByAddress(r.addresses.slice(0, 2))).toEqual([v4('192.0.2.10'), v4('192.0.2.11')]);
    expect(sortByAddress(r.addresses.slice(2))).toEqual([v6('2001:db8::10'), v6('2001:db8::11')]);
  });

  it('filters by family 4 and 6', async () => {
    const p = await usePage(await useRelay({ dns: { servers: [dns.server] } }));
    const four = (await p.resolve(1, 'multi.test', 4)) as ResolvedFrame;
    expect(sortByAddress(four.addresses)).toEqual([v4('192.0.2.10'), v4('192.0.2.11')]);
    const six = (await p.resolve(2, 'multi.test', 6)) as ResolvedFrame;
    expect(sortByAddress(six.addresses)).toEqual([v6('2001:db8::10'), v6('2001:db8::11')]);
    expect(await p.resolve(3, 'six.test', 0)).toMatchObject({
      type: FrameType.RESOLVED,
      addresses: [v6('2001:db8::6')],
    });
  });

  it('follows CNAMEs for the canonical name when asked (alias → alias2 → multi)', async () => {
    const p = await usePage(await useRelay({ dns: { servers: [dns.server] } }));
    const r = (await p.resolve(1, 'alias.test', 4, ResolveFlag.CANONNAME)) as ResolvedFrame;
    expect(r.canonName).toBe('multi.test');
    expect(sortByAddress(r.addresses)).toEqual([v4('192.0.2.10'), v4('192.0.2.11')]);
    expect(await p.resolve(2, 'alias.test', 4)).toMatchObject({ canonName: '' });
    expect(await p.resolve(3, 'one.test', 0, ResolveFlag.CANONNAME)).toMatchObject({ canonName: 'one.test' });
    expect(dns.queries()).toEqual(
      expect.arrayContaining(['CNAME alias.test', 'CNAME alias2.test', 'CNAME multi.test']),
    );
  });

  it('HOST_NOT_FOUND for NXDOMAIN, NO_DATA for a name without the asked family', async () => {
    const relay = await useRelay({ dns: { servers: [dns.server] } });
    const p = await usePage(relay);
    expect(await p.resolve(1, 'nx.test')).toEqual({
      type: FrameType.OPEN_FAILED,
      stream: 1,
      reason: Reason.HOST_NOT_FOUND,
    });
    expect(await p.resolve(2, 'one.test', 6)).toEqual({
      type: FrameType.OPEN_FAILED,
      stream: 2,
      reason: Reason.NO_DATA,
    });
    expect(await p.resolve(3, 'six.test', 4)).toEqual({
      type: FrameType.OPEN_FAILED,
      stream: 3,
      reason: Reason.NO_DATA,
    });
    expect(relay.metrics().resolves).toEqual({ HOST_NOT_FOUND: 1, NO_DATA: 2 });
  });

  it('NO_RECOVERY when the server refuses (a name outside its zones: dnsmasq has no upstream)', async () => {
    const p = await usePage(await useRelay({ dns: { servers: [dns.server] } }));
    expect(await p.resolve(1, 'elsewhere.invalid', 4)).toEqual({
      type: FrameType.OPEN_FAILED,
      stream: 1,
      reason: Reason.NO_RECOVERY,
    });
  });

  it('answers localhost and *.localhost with loopback without asking the server (RFC 6761)', async () => {
    const p = await usePage(await useRelay({ dns: { servers: [dns.server] } }));
    expect(await p.resolve(1, 'localhost')).toMatchObject({
      type: FrameType.RESOLVED,
      addresses: [v4('127.0.0.1'), v6('::1')],
    });
    expect(await p.resolve(2, 'api.LOCALHOST.', 6)).toMatchObject({ type: FrameType.RESOLVED, addresses: [v6('::1')] });
    expect(await p.resolve(3, 'localhost', 4, ResolveFlag.CANONNAME)).toMatchObject({
      canonName: 'localhost',
      addresses: [v4('127.0.0.1')],
    });
    expect(dns.queries().filter((q) => /localhost/i.test(q))).toEqual([]);
  });

  it('answers an IP literal itself, without a query', async () => {
    const p = await usePage(await useRelay({ dns: { servers: [dns.server] } }));
    const before = dns.queries().length;
    expect(await p.resolve(1, '192.0.2.55')).toMatchObject({ type: FrameType.RESOLVED, addresses: [v4('192.0.2.55')] });
    expect(await p.resolve(2, '2001:db8::55', 6)).toMatchObject({
      type: FrameType.RESOLVED,
      addresses: [v6('2001:db8::55')],
    });
    expect(await p.resolve(3, '192.0.2.55', 6)).toMatchObject({
      type: FrameType.OPEN_FAILED,
      reason: Reason.HOST_NOT_FOUND,
    });
    expect(dns.queries().length).toBe(before);
  });

  it('INVALID_ARGUMENT for an empty name, one over 253 bytes, or a label over 63', async () => {
    const p = await usePage(await useRelay({ dns: { servers: [dns.server] } }));
    const label = (c: string, n: number) => c.repeat(n);
    const longest = `${label('a', 63)}.${label('b', 63)}.${label('c', 63)}.${label('d', 56)}.test`; // 253 bytes
    expect(longest.length).toBe(253);
    expect(await p.resolve(1, '')).toMatchObject({ type: FrameType.OPEN_FAILED, reason: Reason.INVALID_ARGUMENT });
    expect(await p.resolve(2, `x${longest}`)).toMatchObject({
      type: FrameType.OPEN_FAILED,
      reason: Reason.INVALID_ARGUMENT,
    });
    expect(await p.resolve(3, `${label('e', 64)}.test`)).toMatchObject({
      type: FrameType.OPEN_FAILED,
      reason: Reason.INVALID_ARGUMENT,
    });
    // 253 bytes (and with a trailing dot) is a legal name: asked, and it does not exist.
    expect(await p.resolve(4, longest, 4)).toMatchObject({
      type: FrameType.OPEN_FAILED,
      reason: Reason.HOST_NOT_FOUND,
    });
    expect(await p.resolve(5, `${longest}.`, 4)).toMatchObject({
      type: FrameType.OPEN_FAILED,
      reason: Reason.HOST_NOT_FOUND,
    });
  });

  it('TRY_AGAIN when the server does not answer in time', async () => {
    const silent = dgram.createSocket('udp4'); // receives queries, answers none
    silent.bind(0, '127.0.0.1');
    await once(silent, 'listening');
    defer(() => new Promise<void>((r) => silent.close(() => r())));
    const relay = await useRelay({
      dns: { servers: [`127.0.0.1:${silent.address().port}`], timeoutMs: 200, tries: 1 },
    });
    const p = await usePage(relay);
    const started = Date.now();
    expect(await p.resolve(1, 'slow.test', 4)).toEqual({
      type: FrameType.OPEN_FAILED,
      stream: 1,
      reason: Reason.TRY_AGAIN,
    });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('uses the configured resolver for OPEN to a host name: dials the checked address', async () => {
    const echo = await startEchoServer();
    defer(() => echo.close());
    const relay = await useRelay({ dns: { servers: [dns.server] }, allow: ['127.0.0.0/8'] });
    const p = await usePage(relay);
    const opened = (await p.open(1, named('echo.test', echo.port))) as OpenedFrame;
    expect(opened.type).toBe(FrameType.OPENED);
    expect(opened.remote).toEqual({ kind: 'ipv4', address: '127.0.0.1', port: echo.port });
    expect(dns.queries()).toContain('A echo.test');
    expect(await p.open(2, named('nx.test', 80))).toEqual({
      type: FrameType.OPEN_FAILED,
      stream: 2,
      reason: Reason.HOST_NOT_FOUND,
    });
  });

  it('refuses OPEN to a name whose every address the policy refuses; never dials', async () => {
    const dials: string[] = [];
    const relay = await useRelay({
      dns: { servers: [dns.server] },
      dial: (req) => {
        dials.push(req.host);
        throw new Error('must not dial');
      },
    });
    const p = await usePage(relay);
    expect(await p.open(1, named('private.test', 80))).toEqual({
      type: FrameType.OPEN_FAILED,
      stream: 1,
      reason: Reason.POLICY_DENIED,
    });
    expect(await p.open(2, named('localhost', 80))).toEqual({
      type: FrameType.OPEN_FAILED,
      stream: 2,
      reason: Reason.POLICY_DENIED,
    });
    expect(dials).toEqual([]);
    // RESOLVE itself applies no policy: the page may learn the private answers.
    expect(await p.resolve(3, 'private.test', 4)).toMatchObject({ type: FrameType.RESOLVED });
  });
});

describe('RESOLVE with the OS resolver', () => {
  it('resolves localhost (from the hosts file) to loopback', async () => {
    const relay = await startRelay({ log: () => {} });
    defer(() => relay.close());
    const p = await usePage(relay);
    const four = (await p.resolve(1, 'localhost', 4)) as ResolvedFrame;
    expect(four).toEqual({ type: FrameType.RESOLVED, stream: 1, canonName: '', addresses: [v4('127.0.0.1')] });
    const any = (await p.resolve(2, 'localhost', 0, ResolveFlag.CANONNAME)) as ResolvedFrame;
    expect(any.canonName).toBe('localhost');
    expect(any.addresses).toContainEqual(v4('127.0.0.1'));
  });
});

describe('RESOLVE with an injected lookup', () => {
  it('filters answers by family even when the lookup ignores it', async () => {
    const lookup: Lookup = async () => [
      { address: '192.0.2.1', family: 4 },
      { address: '2001:db8::1', family: 6 },
    ];
    const p = await usePage(await useRelay({ dns: { servers: [dns.server] }, lookup }));
    expect(await p.resolve(1, 'x.example', 6)).toMatchObject({ addresses: [v6('2001:db8::1')] });
    expect(await p.resolve(2, 'x.example', 4)).toMatchObject({ addresses: [v4('192.0.2.1')] });
  });

  it('NO_DATA when the answers hold only the other family', async () => {
    const lookup: Lookup = async () => [{ address: '192.0.2.1', family: 4 }];
    const p = await usePage(await useRelay({ dns: { servers: [dns.server] }, lookup }));
    expect(await p.resolve(1, 'x.example', 6)).toMatchObject({ type: FrameType.OPEN_FAILED, reason: Reason.NO_DATA });
  });

  it('a CLOSE before the answer cancels the query: no RESOLVED is sent', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const lookup: Lookup = async () => {
      await gate;
      return [{ address: '192.0.2.1', family: 4 }];
    };
    const relay = await useRelay({ dns: { servers: [dns.server] }, lookup });
    const p = await usePage(relay);
    p.send(
      { type: FrameType.RESOLVE, stream: 1, family: 0, flags: 0, host: 'slow.example' },
      { type: FrameType.CLOSE, stream: 1, reason: Reason.OK },
    );
    await p.roundTrip(); // the relay (in this process) has taken the CLOSE
    release();
    expect(await p.resolve(2, 'fast.example')).toMatchObject({ type: FrameType.RESOLVED });
    expect(p.typesOn(1)).toEqual([]);
  });

  it('counts in-flight queries against maxStreams', async () => {
    const lookup: Lookup = () => new Promise(() => {});
    const p = await usePage(await useRelay({ dns: { servers: [dns.server] }, lookup, maxStreams: 2 }));
    p.send(
      { type: FrameType.RESOLVE, stream: 1, family: 0, flags: 0, host: 'a.example' },
      { type: FrameType.RESOLVE, stream: 2, family: 0, flags: 0, host: 'b.example' },
    );
    expect(await p.resolve(3, 'c.example')).toEqual({ type: FrameType.OPEN_FAILED, stream: 3, reason: Reason.LIMIT });
  });
});

describe('lookup error mapping', () => {
  it.each([
    ['ENOTFOUND', 'HOST_NOT_FOUND'],
    ['ENONAME', 'HOST_NOT_FOUND'],
    ['ENODATA', 'NO_DATA'],
    ['ETIMEOUT', 'TRY_AGAIN'],
    ['ESERVFAIL', 'TRY_AGAIN'],
    ['EAI_AGAIN', 'TRY_AGAIN'],
    ['ECONNREFUSED', 'TRY_AGAIN'],
    ['EREFUSED', 'NO_RECOVERY'],
    ['EFORMERR', 'NO_RECOVERY'],
    ['EBADRESP', 'NO_RECOVERY'],
    ['ENOTIMP', 'NO_RECOVERY'],
    ['EAI_FAIL', 'NO_RECOVERY'],
    ['EBADNAME', 'INVALID_ARGUMENT'],
    ['EBADFAMILY', 'INVALID_ARGUMENT'],
    ['ENOMEM', 'LIMIT'],
    ['ECANCELLED', 'INTERNAL'],
  ])('%s → %s', (code, name) => {
    expect(reasonForLookupError(code)).toBe(Reason[name as keyof typeof Reason]);
  });
});

describe('dns option', () => {
  it('rejects an empty or malformed server list with a TypeError', async () => {
    await expect(startRelay({ dns: { servers: [] }, log: () => {} })).rejects.toThrow(TypeError);
    await expect(startRelay({ dns: { servers: ['not an address'] }, log: () => {} })).rejects.toThrow(TypeError);
  });
});
