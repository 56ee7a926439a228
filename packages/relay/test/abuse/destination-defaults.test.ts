/**
 * Default destination policy against a malicious page: cloud metadata addresses, names that
 * are addresses with a trailing dot or junk shaped like one, the relay host's own addresses,
 * and RESOLVE under the name rules and ticket scopes. The dialer and lookup only record
 * (recording-relay.ts): a refusal here is a refusal before any dial or query.
 */
import type os from 'node:os';
import { describe, expect, it } from 'vitest';
import { FrameType, Reason, type ResolvedFrame } from '@ws2web/protocol';
import { createTicket } from '../../src/index.js';
import { Policy } from '../../src/policy/policy.js';
import { ipv4, ipv6, named } from '../support/index.js';
import { recordingRelay } from './recording-relay.js';

const denied = (stream: number) => ({ type: FrameType.OPEN_FAILED, stream, reason: Reason.POLICY_DENIED });
const invalid = (stream: number) => ({ type: FrameType.OPEN_FAILED, stream, reason: Reason.INVALID_ARGUMENT });

describe('cloud metadata addresses', () => {
  const policy = new Policy([], {});
  it.each([
    ['168.63.129.16', 'Azure WireServer (a public address)'],
    ['169.254.169.254', 'AWS, GCP, Azure, Oracle IMDS'],
    ['169.254.170.2', 'AWS ECS task metadata'],
    ['192.0.0.192', 'Oracle Cloud (older)'],
    ['100.100.100.200', 'Alibaba Cloud'],
    ['fd00:ec2::254', 'AWS IPv6 IMDS'],
    ['::ffff:168.63.129.16', 'Azure WireServer, mapped'],
    ['64:ff9b::a83f:8110', 'Azure WireServer through NAT64'],
  ])('refuses %s (%s)', (address) => {
    expect(policy.check(address)).toMatchObject({ allowed: false, why: expect.stringMatching(/cloudMetadata$/) });
  });

  it('keeps the addresses next to WireServer public', () => {
    expect(policy.check('168.63.129.15')).toEqual({ allowed: true, why: 'public unicast' });
    expect(policy.check('168.63.129.17')).toEqual({ allowed: true, why: 'public unicast' });
  });

  it('an OPEN to 168.63.129.16 is refused before any dial and counted as cloudMetadata', async () => {
    const { relay, page, dials } = await recordingRelay();
    expect(await page.open(1, ipv4(80, '168.63.129.16'))).toEqual(denied(1));
    expect(await page.open(3, ipv4(80, '169.254.169.254'))).toEqual(denied(3));
    expect(dials).toEqual([]);
    expect(relay.metrics().policyRefusalsByReason).toEqual({ cloudMetadata: 2 });
  });
});

describe('names that are addresses (trailing dot) or junk shaped like one', () => {
  it.each(['127.0.0.1.', '169.254.169.254.', '0x7f000001.', '::1.', '168.63.129.16.'])(
    '%s is judged as the address: refused, no lookup, no dial',
    async (host) => {
      const { page, dials, lookups } = await recordingRelay();
      expect(await page.open(1, named(host, 80))).toEqual(denied(1));
      expect(lookups).toEqual([]);
      expect(dials).toEqual([]);
    },
  );

  it('a trailing-dot public literal is dialled as that literal, without a lookup', async () => {
    const { page, dials, lookups } = await recordingRelay();
    expect(await page.open(1, named('93.184.216.34.', 80))).toMatchObject({ type: FrameType.OPENED, stream: 1 });
    expect(dials.map((d) => d.host)).toEqual(['93.184.216.34']);
    expect(lookups).toEqual([]);
  });

  it.each(['127.0.0.1x', '10.0.0.256', '1.2.3.4.5', '127.0.0.1..', 'a.123', '0x7f.0x0.0.1z'])(
    '%s → INVALID_ARGUMENT, no lookup',
    async (host) => {
      const { page, dials, lookups } = await recordingRelay();
      expect(await page.open(1, named(host, 80))).toEqual(invalid(1));
      expect(lookups).toEqual([]);
      expect(dials).toEqual([]);
    },
  );

  it('names with digits that are names are still looked up', async () => {
    const { page, lookups } = await recordingRelay(
      {},
      { '1e100.net': ['93.184.216.34'], '123.example': ['93.184.216.35'] },
    );
    expect(await page.open(1, named('1e100.net', 80))).toMatchObject({ type: FrameType.OPENED });
    expect(await page.open(3, named('123.example', 80))).toMatchObject({ type: FrameType.OPENED });
    expect(lookups).toEqual(['1e100.net', '123.example']);
  });

  it('RESOLVE answers a trailing-dot literal itself and refuses junk as HOST_NOT_FOUND, no lookup', async () => {
    const { page, lookups } = await recordingRelay();
    expect(await page.resolve(1, '127.0.0.1.')).toEqual({
      type: FrameType.RESOLVED,
      stream: 1,
      canonName: '',
      addresses: [ipv4(0, '127.0.0.1')],
    });
    expect(await page.resolve(3, '127.0.0.1x')).toEqual({
      type: FrameType.OPEN_FAILED,
      stream: 3,
      reason: Reason.HOST_NOT_FOUND,
    });
    expect(lookups).toEqual([]);
  });
});

describe("the relay host's own addresses", () => {
  const interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]> = {
    eth0: [
      {
        address: '93.184.216.34',
        netmask: '255.255.255.0',
        family: 'IPv4',
        mac: '00:00:00:00:00:01',
        internal: false,
        cidr: '93.184.216.34/24',
      },
      {
        address: '2606:2800:220:1::1',
        netmask: 'ffff:ffff:ffff:ffff::',
        family: 'IPv6',
        mac: '00:00:00:00:00:01',
        internal: false,
        cidr: '2606:2800:220:1::1/64',
        scopeid: 0,
      },
    ],
  };

  it('refuses every interface address, in every spelling, unless allow-listed', () => {
    const policy = new Policy({}, interfaces);
    expect(policy.check('93.184.216.34')).toEqual({ allowed: false, why: 'relayHost' });
    expect(policy.check('::ffff:93.184.216.34')).toEqual({ allowed: false, why: 'relayHost' });
    expect(policy.check('64:ff9b::5db8:d822')).toEqual({ allowed: false, why: 'nat64:relayHost' });
    expect(policy.check('2606:2800:220:1::1')).toEqual({ allowed: false, why: 'relayHost' });
    expect(policy.check('93.184.216.35')).toEqual({ allowed: true, why: 'public unicast' });
    expect(new Policy({ allow: ['93.184.216.34'] }, interfaces).check('93.184.216.34')).toEqual({
      allowed: true,
      why: 'allow-listed',
    });
  });

  it('this machine: every address os.networkInterfaces() reports is refused by a default relay', async () => {
    const os = await import('node:os');
    const { page, dials } = await recordingRelay();
    const own = Object.values(os.networkInterfaces()).flatMap((infos) => infos ?? []);
    expect(own.length).toBeGreaterThan(0);
    let stream = 1;
    for (const info of own) {
      const endpoint = info.family === 'IPv4' ? ipv4(8080, info.address) : ipv6(8080, info.address, info.scopeid ?? 0);
      expect(await page.open(stream, endpoint)).toEqual(denied(stream));
      stream += 2;
    }
    expect(dials).toEqual([]);
  });
});

describe('RESOLVE under the name rules and ticket scopes', () => {
  const answers = {
    'db.internal.example': ['10.1.2.3'],
    'api.example.com': ['93.184.216.34'],
    'cdn.example.net': ['93.184.216.40', '198.51.100.9'],
  };

  it('denyHosts: refused before the lookup', async () => {
    const { relay, page, lookups } = await recordingRelay({ denyHosts: ['*.internal.example'] }, answers);
    expect(await page.resolve(1, 'db.internal.example')).toEqual(denied(1));
    expect(await page.resolve(3, 'DB.Internal.Example.')).toEqual(denied(3));
    expect(lookups).toEqual([]);
    expect(relay.metrics().policyRefusalsByReason).toEqual({ host_name: 2 });
    expect(await page.resolve(5, 'api.example.com')).toMatchObject({
      type: FrameType.RESOLVED,
      addresses: [ipv4(0, '93.184.216.34')],
    });
  });

  it('allowHosts: a name outside it is not looked up', async () => {
    const { page, lookups } = await recordingRelay({ allowHosts: ['api.example.com'] }, answers);
    expect(await page.resolve(1, 'db.internal.example')).toEqual(denied(1));
    expect(await page.resolve(3, 'api.example.com')).toMatchObject({ type: FrameType.RESOLVED });
    expect(lookups).toEqual(['api.example.com']);
  });

  it('a ticket scoped to names: other names are refused before the lookup', async () => {
    const secret = 'resolve-scope-secret';
    const token = createTicket({ secret, ttlSeconds: 60, destinations: ['api.example.com:443'] });
    const { relay, page, lookups } = await recordingRelay({ secret }, answers, token);
    expect(await page.resolve(1, 'db.internal.example')).toEqual(denied(1));
    expect(await page.resolve(3, 'api.example.com')).toMatchObject({
      type: FrameType.RESOLVED,
      addresses: [ipv4(0, '93.184.216.34')],
    });
    expect(lookups).toEqual(['api.example.com']);
    expect(relay.metrics().policyRefusalsByReason).toEqual({ ticket_scope: 1 });
  });

  it('a ticket scoped to addresses: only answers inside the scope are returned', async () => {
    const secret = 'resolve-scope-secret';
    const token = createTicket({ secret, ttlSeconds: 60, destinations: ['93.184.216.0/24:443'] });
    const { page } = await recordingRelay({ secret }, answers, token);
    const r = (await page.resolve(1, 'cdn.example.net')) as ResolvedFrame;
    expect(r).toEqual({ type: FrameType.RESOLVED, stream: 1, canonName: '', addresses: [ipv4(0, '93.184.216.40')] });
    expect(await page.resolve(3, 'db.internal.example')).toEqual(denied(3));
  });
});
