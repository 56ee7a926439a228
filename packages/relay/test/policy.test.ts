/**
 * The destination policy: unit checks of the ranges, then the relay end to end with an
 * injected dialer (records what would be dialled, then dials a loopback server instead) and an
 * injected lookup. No test here sends a packet to a non-loopback address.
 */
import net from 'node:net';
import type os from 'node:os';
import { describe, expect, it } from 'vitest';
import { FrameType, Reason, type OpenedFrame } from '@ws2web/protocol';
import { startRelay, type DialRequest, type Lookup, type Relay, type RelayOptions } from '../src/index.js';
import { Policy } from '../src/policy/policy.js';
import { PageClient, ipv4, ipv6, named } from './support/page-client.js';
import { startEchoServer, type TestServer } from './support/tcp-servers.js';
import { defer } from './support/index.js';

describe('Policy (default: public unicast only)', () => {
  const policy = new Policy([]);
  const refused: Array<[string, string]> = [
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'cloudMetadata'], // AWS, GCP, Azure, Oracle metadata
    ['100.64.0.1', 'carrierGradeNat'],
    ['100.100.100.200', 'cloudMetadata'], // Alibaba metadata
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.1', 'documentation'],
    ['198.18.0.1', 'benchmarking'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'linkLocal'],
    ['fc00::1', 'uniqueLocal'],
    ['fd00:ec2::254', 'cloudMetadata'], // AWS IPv6 metadata
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'], // IPv4-mapped is judged as IPv4
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:169.254.169.254', 'cloudMetadata'],
    ['64:ff9b::a00:1', 'nat64:private'], // NAT64 of 10.0.0.1: judged as 10.0.0.1
    ['2002:a00:1::1', '6to4:private'], // 6to4 of 10.0.0.1
    ['2001:0::1', 'teredo'],
    ['2001:db8::1', 'documentation'],
  ];
  it.each(refused)('refuses %s (%s)', (address, why) => {
    expect(policy.check(address)).toEqual({ allowed: false, why });
  });

  it.each([
    '8.8.8.8',
    '93.184.216.34',
    '1.1.1.1',
    '2606:4700:4700::1111',
    '2a00:1450:4001:80b::200e',
    '::ffff:8.8.8.8',
  ])('allows public %s', (address) => {
    expect(policy.check(address)).toEqual({ allowed: true, why: 'public unicast' });
  });

  it('refuses text that is not an IP address', () => {
    expect(policy.check('example.com')).toEqual({ allowed: false, why: 'not an IP address' });
  });

  it('lets allow CIDRs (v4, v6, bare addresses) override the refusal', () => {
    const p = new Policy(['127.0.0.0/8', '::1/128', '10.1.0.0/16', 'fd00::5']);
    expect(p.check('127.0.0.1')).toEqual({ allowed: true, why: 'allow-listed' });
    expect(p.check('::ffff:127.0.0.1')).toEqual({ allowed: true, why: 'allow-listed' });
    expect(p.check('::1')).toEqual({ allowed: true, why: 'allow-listed' });
    expect(p.check('10.1.200.3')).toEqual({ allowed: true, why: 'allow-listed' });
    expect(p.check('fd00::5')).toEqual({ allowed: true, why: 'allow-listed' });
    expect(p.check('10.2.0.1')).toEqual({ allowed: false, why: 'private' });
    expect(p.check('fd00::6')).toEqual({ allowed: false, why: 'uniqueLocal' });
    expect(p.allowList).toEqual(['127.0.0.0/8', '::1/128', '10.1.0.0/16', 'fd00::5/128']);
  });

  it('throws a TypeError naming a bad CIDR', () => {
    expect(() => new Policy(['10.0.0.0/33'])).toThrow(TypeError);
    expect(() => new Policy(['not-a-cidr'])).toThrow(/"not-a-cidr" is not a CIDR/);
  });

  it('makes startRelay reject a bad allow entry', async () => {
    await expect(startRelay({ allow: ['300.0.0.0/8'], log: () => {} })).rejects.toThrow(TypeError);
  });
});

describe('Policy: broadcast and bind rules (UDP)', () => {
  const iface = (cidr: string, family: 'IPv4' | 'IPv6' = 'IPv4') =>
    ({
      address: cidr.split('/')[0]!,
      netmask: '',
      family,
      mac: '00:00:00:00:00:00',
      internal: false,
      cidr,
    }) as unknown as os.NetworkInterfaceInfo;
  const policy = new Policy([], {
    lo: [iface('127.0.0.1/8'), iface('::1/128', 'IPv6')],
    eth0: [iface('192.168.7.20/24'), iface('fd00::2/64', 'IPv6')],
    p2p: [iface('10.9.9.1/31')],
  });

  it('knows the limited broadcast and the directed broadcast of each local IPv4 subnet', () => {
    expect(policy.isBroadcast('255.255.255.255')).toBe(true);
    expect(policy.isBroadcast('::ffff:255.255.255.255')).toBe(true);
    expect(policy.isBroadcast('192.168.7.255')).toBe(true);
    expect(policy.isBroadcast('127.255.255.255')).toBe(true);
    expect(policy.isBroadcast('192.168.7.254')).toBe(false);
    expect(policy.isBroadcast('10.9.9.1')).toBe(false); // a /31 has no broadcast address
    expect(policy.isBroadcast('192.168.8.255')).toBe(false); // not a local subnet
    expect(policy.isBroadcast('ff02::1')).toBe(false);
    expect(policy.isBroadcast('not an address')).toBe(false);
  });

  it('lets UDP bind only the wildcard or loopback, on port 0 or an unprivileged port', () => {
    expect(policy.checkBind('0.0.0.0', 0)).toEqual({ allowed: true, why: 'unspecified' });
    expect(policy.checkBind('::', 5353)).toEqual({ allowed: true, why: 'unspecified' });
    expect(policy.checkBind('127.0.0.1', 1024)).toEqual({ allowed: true, why: 'loopback' });
    expect(policy.checkBind('::ffff:127.0.0.1', 0)).toEqual({ allowed: true, why: 'loopback' });
    expect(policy.checkBind('127.0.0.1', 1023)).toEqual({ allowed: false, why: 'bind to privileged port 1023' });
    expect(policy.checkBind('192.168.7.20', 5000)).toEqual({ allowed: false, why: 'bind to a private address' });
    expect(policy.checkBind('fe80::1%2', 5000)).toEqual({ allowed: false, why: 'bind to a linkLocal address' });
  });
});

describe('policy in the relay', () => {
  /** A relay whose dialer records each request and connects to `echo` on loopback instead. */
  async function recordingRelay(
    options: RelayOptions = {},
  ): Promise<{ relay: Relay; dials: DialRequest[]; echo: TestServer; page: PageClient }> {
    const echo = await startEchoServer();
    defer(() => echo.close());
    const dials: DialRequest[] = [];
    const relay = await startRelay({
      log: () => {},
      dial: (req) => {
        dials.push(req);
        return net.connect({ host: '127.0.0.1', port: echo.port, allowHalfOpen: true });
      },
      ...options,
    });
    defer(() => relay.close());
    const page = await PageClient.ready(relay.url);
    defer(() => page.close());
    return { relay, dials, echo, page };
  }

  it('refuses loopback without allow: POLICY_DENIED and no dial', async () => {
    const { relay, dials, page } = await recordingRelay();
    expect(await page.open(1, ipv4(80, '127.0.0.1'))).toEqual({
      type: FrameType.OPEN_FAILED,
      stream: 1,
      reason: Reason.POLICY_DENIED,
    });
    expect(await page.open(2, ipv4(80, '169.254.169.254'))).toEqual({
      type: FrameType.OPEN_FAILED,
      stream: 2,
      reason: Reason.POLICY_DENIED,
    });
    expect(await page.open(3, ipv6(80, '::ffff:192.168.0.1'))).toEqual({
      type: FrameType.OPEN_FAILED,
      stream: 3,
      reason: Reason.POLICY_DENIED,
    });
    expect(dials).toEqual([]);
    expect(relay.metrics().policyRefusals).toBe(3);
    expect(relay.metrics().opens).toEqual({ POLICY_DENIED: 3 });
  });

  it('logs each refusal with the reason', async () => {
    const records: Array<{ level: string; msg: string; fields: Record<string, unknown> }> = [];
    const { page } = await recordingRelay({
      logLevel: 'info',
      log: (level, msg, fields) => records.push({ level, msg, fields }),
    });
    await page.open(1, ipv4(22, '10.0.0.7'));
    const refusal = records.find((r) => r.msg === 'destination refused by policy');
    expect(refusal?.level).toBe('info');
    expect(refusal?.fields.detail).toBe('10.0.0.7: private');
    expect(refusal?.fields.stream).toBe(1);
  });

  it('dials a public address itself (recorded by the injected dialer)', async () => {
    const { dials, page } = await recordingRelay();
    const opened = await page.open(1, ipv4(443, '93.184.216.34'), { flags: 1 });
    expect(opened.type).toBe(FrameType.OPENED);
    expect(dials).toEqual([{ host: '93.184.216.34', port: 443, family: 4, noDelay: true, keepAlive: false }]);
  });

  it('resolves a name once and dials the first allowed address, never the name', async () => {
    const lookups: string[] = [];
    const lookup: Lookup = async (host) => {
      lookups.push(host);
      return [
        { address: '10.0.0.1', family: 4 },
        { address: '2606:4700::6810:84e5', family: 6 },
        { address: '93.184.216.34', family: 4 },
      ];
    };
    const { dials, page } = await recordingRelay({ lookup });
    const opened = (await page.open(1, named('www.example.test', 8080))) as OpenedFrame;
    expect(opened.type).toBe(FrameType.OPENED);
    expect(lookups).toEqual(['www.example.test']);
    expect(dials).toEqual([{ host: '2606:4700::6810:84e5', port: 8080, family: 6, noDelay: false, keepAlive: false }]);
  });

  it('keeps to the bound family: an IPv4-bound socket skips IPv6 answers', async () => {
    const lookup: Lookup = async () => [
      { address: '2606:4700::6810:84e5', family: 6 },
      { address: '93.184.216.34', family: 4 },
    ];
    const { dials, page } = await recordingRelay({ lookup });
    await page.open(1, named('dual.example.test', 80), { local: ipv4(0, '0.0.0.0') });
    expect(dials.map((d) => d.host)).toEqual(['93.184.216.34']);
  });

  it('answers POLICY_DENIED when every address of a name is refused', async () => {
    const lookup: Lookup = async () => [
      { address: '127.0.0.1', family: 4 },
      { address: '::1', family: 6 },
      { address: '169.254.169.254', family: 4 },
    ];
    const { dials, page, relay } = await recordingRelay({ lookup });
    expect(await page.open(1, named('rebind.example.test', 80))).toEqual({
      type: FrameType.OPEN_FAILED,
      stream: 1,
      reason: Reason.POLICY_DENIED,
    });
    expect(dials).toEqual([]);
    expect(relay.metrics().policyRefusals).toBe(1);
  });

  it('maps lookup failures: ENOTFOUND → HOST_NOT_FOUND, EAI_AGAIN → TRY_AGAIN, empty → HOST_NOT_FOUND', async () => {
    const fail = (code: string) => Object.assign(new Error(code), { code });
    const lookup: Lookup = async (host) => {
      if (host === 'nx.example.test') throw fail('ENOTFOUND');
      if (host === 'slow.example.test') throw fail('EAI_AGAIN');
      return [];
    };
    const { dials, page } = await recordingRelay({ lookup });
    expect(await page.open(1, named('nx.example.test', 80))).toEqual({
      type: FrameType.OPEN_FAILED,
      stream: 1,
      reason: Reason.HOST_NOT_FOUND,
    });
    expect(await page.open(2, named('slow.example.test', 80))).toEqual({
      type: FrameType.OPEN_FAILED,
      stream: 2,
      reason: Reason.TRY_AGAIN,
    });
    expect(await page.open(3, named('empty.example.test', 80))).toEqual({
      type: FrameType.OPEN_FAILED,
      stream: 3,
      reason: Reason.HOST_NOT_FOUND,
    });
    expect(dials).toEqual([]);
  });

  it('resolves "localhost" with the real resolver and connects when loopback is allowed', async () => {
    const echo = await startEchoServer();
    defer(() => echo.close());
    const relay = await startRelay({ allow: ['127.0.0.0/8'], log: () => {} });
    defer(() => relay.close());
    const page = await PageClient.ready(relay.url);
    defer(() => page.close());
    // Bound to IPv4 so that an ::1 answer (refused here: not allow-listed) is not even considered.
    const opened = (await page.open(1, named('localhost', echo.port), { local: ipv4(0, '0.0.0.0') })) as OpenedFrame;
    expect(opened.type).toBe(FrameType.OPENED);
    expect(opened.remote).toEqual({ kind: 'ipv4', address: '127.0.0.1', port: echo.port });
  });
});
