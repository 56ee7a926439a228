/**
 * Adversarial destinations (docs/security.md), each case end to end through a live
 * relay whose dialer and lookup are injected: they RECORD what would be dialled or resolved and
 * never reach anything but a loopback echo server. So even if the policy were wrong, no test
 * packet could leave loopback; the assertions are that nothing was dialled or looked up.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { FrameType, PeerMode, Reason, encodeFrame, type Endpoint, type OpenedFrame } from '@ws2web/protocol';
import {
  createTicket,
  startRelay,
  type DialRequest,
  type Lookup,
  type Relay,
  type RelayOptions,
} from '../src/index.js';
import { Policy } from '../src/policy/policy.js';
import { defaultDialer } from '../src/streams/dial.js';
import { PageClient, ipv4, ipv6, named } from './support/page-client.js';
import { startEchoServer } from './support/tcp-servers.js';
import { defer } from './support/index.js';

interface Harness {
  relay: Relay;
  page: PageClient;
  dials: DialRequest[];
  lookups: string[];
}

/**
 * A relay whose dialer records each request and connects to a loopback echo server instead,
 * and whose lookup records each name and answers from `answers` (a function of the call count).
 */
async function harness(
  options: RelayOptions = {},
  answers: (host: string, call: number) => Array<{ address: string; family: number }> = () => [],
  token = '',
): Promise<Harness> {
  const echo = await startEchoServer();
  defer(() => echo.close());
  const dials: DialRequest[] = [];
  const lookups: string[] = [];
  const lookup: Lookup = async (host) => {
    lookups.push(host);
    return answers(host, lookups.length);
  };
  const relay = await startRelay({
    log: () => {},
    lookup,
    dial: (req) => {
      dials.push(req);
      return net.connect({ host: '127.0.0.1', port: echo.port, allowHalfOpen: true });
    },
    ...options,
  });
  defer(() => relay.close());
  const page = await PageClient.ready(relay.url, token);
  defer(() => page.close());
  return { relay, page, dials, lookups };
}

let nextStream = 1;
async function openOn(h: Harness, remote: Endpoint): Promise<number> {
  const stream = nextStream++;
  const answer = await h.page.open(stream, remote);
  return answer.type === FrameType.OPEN_FAILED ? answer.reason : -1;
}

describe('adversarial destinations: refused, never dialled, never looked up', () => {
  // Host strings that every resolver reads as an IPv4 address (inet_aton forms) or that are IP literals.
  const literalNames: Array<[string, string]> = [
    ['2130706433', '127.0.0.1 as one decimal number'],
    ['0x7f000001', '127.0.0.1 in hex'],
    ['0177.0.0.1', '127.0.0.1 with an octal first part'],
    ['0x7f.1', '127.0.0.1 as hex.number'],
    ['127.1', '127.0.0.1 in two parts'],
    ['0', '0.0.0.0 (Node connects that to loopback)'],
    ['0.0.0.0', 'unspecified (Node connects that to loopback)'],
    ['0xA9FEA9FE', '169.254.169.254, the cloud metadata service'],
    ['::', 'IPv6 unspecified (Node connects that to loopback)'],
    ['0000::1', '::1 with leading zeros'],
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
    ['::FFFF:7f00:1', 'IPv4-mapped loopback, upper case hex'],
    ['::127.0.0.1', 'IPv4-compatible loopback (deprecated; ipaddr.js alone calls it unicast)'],
    ['64:ff9b::7f00:1', 'NAT64 of 127.0.0.1'],
    ['2002:7f00:1::', '6to4 of 127.0.0.1'],
    ['fd00::1', 'unique local'],
    ['fe80::1%eth0', 'link local with a zone'],
    ['::ffff:169.254.169.254', 'mapped metadata service'],
    ['fec0::1', 'site local (deprecated)'],
  ];

  it.each(literalNames)('OPEN to the host string %s (%s) → POLICY_DENIED', async (host) => {
    const h = await harness();
    expect(await openOn(h, named(host, 80))).toBe(Reason.POLICY_DENIED);
    expect(h.dials).toEqual([]);
    expect(h.lookups).toEqual([]);
    expect(h.relay.metrics().policyRefusals).toBe(1);
  });

  // The same addresses as binary endpoints (what a page's sockaddr becomes on the wire).
  const wireLiterals: Endpoint[] = [
    ipv4(80, '127.0.0.1'),
    ipv4(80, '0.0.0.0'),
    ipv4(80, '169.254.169.254'),
    ipv4(80, '10.0.0.1'),
    ipv4(80, '100.64.0.1'),
    ipv4(80, '192.0.0.170'),
    ipv4(80, '198.18.0.1'),
    ipv4(80, '255.255.255.255'),
    ipv6(80, '::'),
    ipv6(80, '::1'),
    ipv6(80, '::ffff:127.0.0.1'),
    ipv6(80, '::127.0.0.1'),
    ipv6(80, '64:ff9b::7f00:1'),
    ipv6(80, '2002:7f00:1::'),
    ipv6(80, 'fd00::1'),
    ipv6(80, 'fe80::1', 2),
    ipv6(80, 'ff02::1'),
    ipv6(80, '100::1'),
    ipv6(80, '2001::1'),
    ipv6(80, '2001:db8::1'),
    ipv6(80, '::ffff:0:7f00:1'),
  ];
  it.each(wireLiterals.map((e) => [e.kind === 'name' ? e.host : e.address, e] as const))(
    'OPEN to the endpoint %s → POLICY_DENIED',
    async (_text, endpoint) => {
      const h = await harness();
      expect(await openOn(h, endpoint)).toBe(Reason.POLICY_DENIED);
      expect(h.dials).toEqual([]);
    },
  );

  it('names that resolve to 127.0.0.1, ::1, ::ffff:127.0.0.1 or 169.254.169.254 → POLICY_DENIED, nothing dialled', async () => {
    const table: Record<string, string> = {
      'v4.rebind.test': '127.0.0.1',
      'v6.rebind.test': '::1',
      'mapped.rebind.test': '::ffff:127.0.0.1',
      'meta.rebind.test': '169.254.169.254',
    };
    const h = await harness({}, (host) => [{ address: table[host]!, family: table[host]!.includes(':') ? 6 : 4 }]);
    for (const name of Object.keys(table)) expect(await openOn(h, named(name, 80))).toBe(Reason.POLICY_DENIED);
    expect(h.lookups).toEqual(Object.keys(table));
    expect(h.dials).toEqual([]);
    expect(h.relay.metrics().policyRefusalsByReason).toEqual({ loopback: 3, cloudMetadata: 1 });
  });

  it('localhost., LOCALHOST and a.localhost answer loopback without any lookup, and are refused', async () => {
    const h = await harness();
    for (const host of ['localhost.', 'LOCALHOST', 'a.LocalHost', 'localhost'])
      expect(await openOn(h, named(host, 80))).toBe(Reason.POLICY_DENIED);
    expect(h.lookups).toEqual([]);
    expect(h.dials).toEqual([]);
  });

  it('malformed host strings → INVALID_ARGUMENT before any lookup: empty, trailing space or NUL, over 253 bytes, bad characters', async () => {
    const h = await harness();
    const long = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(62)}`; // 254 bytes
    expect(Buffer.byteLength(long)).toBe(254);
    for (const host of [
      '',
      'example.com ',
      'example.com\0',
      long,
      'exa mple.com',
      'a..b',
      'evil.com/x',
      'user@evil.com',
      'ex%61mple.com',
      'bücher.example',
    ]) {
      expect(await openOn(h, named(host, 80)), JSON.stringify(host)).toBe(Reason.INVALID_ARGUMENT);
    }
    expect(h.lookups).toEqual([]);
    expect(h.dials).toEqual([]);
  });

  it('ports: 0 → INVALID_ARGUMENT, 25 → POLICY_DENIED, 65536 cannot even be encoded', async () => {
    const h = await harness();
    expect(await openOn(h, ipv4(0, '93.184.216.34'))).toBe(Reason.INVALID_ARGUMENT);
    expect(await openOn(h, ipv4(25, '93.184.216.34'))).toBe(Reason.POLICY_DENIED);
    expect(await openOn(h, named('mail.example.test', 25))).toBe(Reason.POLICY_DENIED);
    expect(h.lookups).toEqual([]); // the port is refused before the name is resolved
    expect(h.dials).toEqual([]);
    expect(() =>
      encodeFrame({
        type: FrameType.OPEN,
        stream: 99,
        transport: 1,
        flags: 0,
        window: 1,
        remote: ipv4(65536, '93.184.216.34'),
        local: null,
      }),
    ).toThrow(RangeError);
    expect(new Policy().checkPort(65536)).toEqual({ allowed: false, why: 'port 65536' });
  });

  it('a name with A records for refused and allowed addresses: only the allowed one is dialled', async () => {
    const h = await harness({}, () => [
      { address: '127.0.0.1', family: 4 },
      { address: '169.254.169.254', family: 4 },
      { address: '93.184.216.34', family: 4 },
      { address: '10.0.0.1', family: 4 },
    ]);
    expect(await openOn(h, named('mixed.example.test', 443))).toBe(-1);
    expect(h.dials.map((d) => `${d.host}:${d.port}`)).toEqual(['93.184.216.34:443']);
  });

  it('DNS answers that change between check and dial: one lookup, and the checked address is the one dialled', async () => {
    // First answer public, every later one loopback: a second lookup at dial time would be rebinding.
    const h = await harness({}, (_host, call) => [{ address: call === 1 ? '93.184.216.34' : '127.0.0.1', family: 4 }]);
    const opened = await h.page.open(nextStream++, named('rebinding.example.test', 80));
    expect(opened.type).toBe(FrameType.OPENED);
    expect(h.lookups).toEqual(['rebinding.example.test']);
    expect(h.dials.map((d) => d.host)).toEqual(['93.184.216.34']);
    expect(net.isIP(h.dials[0]!.host)).toBe(4);
  });

  it('dials the canonical text of the address it judged', async () => {
    const h = await harness();
    expect(await openOn(h, named('2606:4700:0000:0000:0000:0000:6810:84E5', 80))).toBe(-1);
    expect(await openOn(h, named('::ffff:93.184.216.34', 80))).toBe(-1);
    expect(await openOn(h, named('64:ff9b::5db8:d822', 80))).toBe(-1); // NAT64 of public 93.184.216.34: allowed
    expect(h.dials.map((d) => [d.host, d.family])).toEqual([
      ['2606:4700::6810:84e5', 6],
      ['93.184.216.34', 4],
      ['64:ff9b::5db8:d822', 6],
    ]);
  });

  it('allow 0.0.0.0/0 and ::/0 still never dial the unspecified addresses (they land on loopback)', async () => {
    const h = await harness({ allow: ['0.0.0.0/0', '::/0'] });
    for (const e of [ipv4(80, '0.0.0.0'), ipv6(80, '::'), named('0', 80), ipv6(80, '::ffff:0.0.0.0')])
      expect(await openOn(h, e)).toBe(Reason.POLICY_DENIED);
    expect(h.dials).toEqual([]);
  });

  it('UDP: PEER checks of loopback in disguise are refused, and such datagrams are never sent', async () => {
    const sends: string[] = [];
    const relay2 = await startRelay({
      log: () => {},
      udpSocket: () => {
        const socket = dgram.createSocket('udp6');
        socket.send = ((...args: unknown[]) => {
          sends.push(String(args[2]));
        }) as typeof socket.send;
        return socket;
      },
    });
    defer(() => relay2.close());
    const page = await PageClient.ready(relay2.url);
    defer(() => page.close());
    const o = await page.dgramOpen(1, 6, { flags: 2 });
    expect(o.type).toBe(FrameType.DGRAM_OPENED);
    let seq = 1;
    for (const address of ['::ffff:127.0.0.1', '::127.0.0.1', '64:ff9b::7f00:1', '2002:7f00:1::', '::1', 'fe80::1']) {
      expect((await page.peer(1, seq++, PeerMode.CHECK, ipv6(53, address))).reason, address).toBe(Reason.POLICY_DENIED);
    }
    page.send({ type: FrameType.DATAGRAM, stream: 1, address: ipv6(53, '::ffff:127.0.0.1'), data: new Uint8Array(4) });
    expect((await page.peer(1, seq++, PeerMode.CHECK, ipv6(25, '2606:4700::1'))).reason).toBe(Reason.POLICY_DENIED); // port 25
    expect(sends).toEqual([]);
  });

  it('the default dialer refuses a host name instead of looking it up', async () => {
    const socket = defaultDialer({ host: 'example.invalid', port: 80, family: 4, noDelay: false, keepAlive: false });
    const err = await new Promise<NodeJS.ErrnoException>((resolve) => socket.once('error', resolve));
    expect(err.code).toBe('EINVAL');
    expect(err.message).toMatch(/refusing to resolve example\.invalid/);
  });
});

describe('operator rules in the relay', () => {
  it('deny CIDRs beat allow CIDRs and public addresses', async () => {
    const h = await harness({ allow: ['10.0.0.0/8'], deny: ['10.9.0.0/16', '93.184.216.0/24'] });
    expect(await openOn(h, ipv4(80, '10.1.2.3'))).toBe(-1);
    expect(await openOn(h, ipv4(80, '10.9.1.1'))).toBe(Reason.POLICY_DENIED);
    expect(await openOn(h, ipv4(80, '93.184.216.34'))).toBe(Reason.POLICY_DENIED);
    expect(await openOn(h, ipv6(80, '::ffff:93.184.216.34'))).toBe(Reason.POLICY_DENIED);
    expect(h.dials.map((d) => d.host)).toEqual(['10.1.2.3']);
    expect(h.relay.metrics().policyRefusalsByReason).toEqual({ deny_rule: 3 });
  });

  it('denyHosts refuses before resolving; allowHosts admits only matching names, and literals only if allow-listed', async () => {
    const h = await harness(
      { denyHosts: ['*.evil.test'], allowHosts: ['api.good.test', '*.cdn.test'], allow: ['198.51.100.7'] },
      () => [{ address: '93.184.216.34', family: 4 }],
    );
    expect(await openOn(h, named('x.evil.test', 443))).toBe(Reason.POLICY_DENIED);
    expect(await openOn(h, named('other.test', 443))).toBe(Reason.POLICY_DENIED);
    expect(await openOn(h, named('API.good.test.', 443))).toBe(-1);
    expect(await openOn(h, named('img.cdn.test', 443))).toBe(-1);
    expect(await openOn(h, named('cdn.test', 443))).toBe(Reason.POLICY_DENIED); // *.cdn.test is below it only
    expect(await openOn(h, ipv4(443, '93.184.216.34'))).toBe(Reason.POLICY_DENIED); // literal, not allow-listed
    expect(await openOn(h, ipv4(443, '198.51.100.7'))).toBe(-1);
    expect(h.lookups).toEqual(['API.good.test.', 'img.cdn.test']);
  });

  it('allowPorts keeps to the listed ports and ranges', async () => {
    const h = await harness({ allowPorts: [443, '8000-8009'] });
    expect(await openOn(h, ipv4(443, '93.184.216.34'))).toBe(-1);
    expect(await openOn(h, ipv4(8005, '93.184.216.34'))).toBe(-1);
    expect(await openOn(h, ipv4(80, '93.184.216.34'))).toBe(Reason.POLICY_DENIED);
    expect(await openOn(h, ipv4(8010, '93.184.216.34'))).toBe(Reason.POLICY_DENIED);
    expect(h.dials.map((d) => d.port)).toEqual([443, 8005]);
  });

  it('bad rules are TypeErrors naming the entry', async () => {
    await expect(startRelay({ deny: ['10.0.0.0/40'], log: () => {} })).rejects.toThrow(/deny entry "10.0.0.0\/40"/);
    await expect(startRelay({ allowPorts: ['0'], log: () => {} })).rejects.toThrow(/allowPorts entry "0"/);
    await expect(startRelay({ denyHosts: ['bad host'], log: () => {} })).rejects.toThrow(/host pattern "bad host"/);
    await expect(startRelay({ allow: ['127.1/8'], log: () => {} })).rejects.toThrow(TypeError);
  });
});

describe('ticket destination scopes', () => {
  const secret = 'scope-secret';

  it('a scoped ticket narrows the policy: names by pattern, addresses by CIDR, ports by range', async () => {
    const token = createTicket({
      secret,
      ttlSeconds: 60,
      destinations: ['*.example.test:443', '93.184.216.0/24:80', '[2606:4700::/32]:8000-8100'],
    });
    const h = await harness(
      { secret },
      () => [
        { address: '198.51.100.1', family: 4 },
        { address: '93.184.216.40', family: 4 },
      ],
      token,
    );
    expect(await openOn(h, named('www.example.test', 443))).toBe(-1); // name entry; 198.51.100.1 is documentation → next answer
    expect(await openOn(h, named('www.example.test', 80))).toBe(-1); // no name entry for :80, but 93.184.216.40 is in the CIDR entry
    expect(await openOn(h, named('www.other.test', 443))).toBe(Reason.POLICY_DENIED);
    expect(await openOn(h, ipv4(80, '93.184.216.34'))).toBe(-1);
    expect(await openOn(h, ipv4(81, '93.184.216.34'))).toBe(Reason.POLICY_DENIED);
    expect(await openOn(h, ipv6(8080, '2606:4700::1'))).toBe(-1);
    expect(await openOn(h, ipv6(443, '2606:4700::1'))).toBe(Reason.POLICY_DENIED);
    expect(await openOn(h, ipv4(80, '1.1.1.1'))).toBe(Reason.POLICY_DENIED);
    expect(h.dials.map((d) => `${d.host}:${d.port}`)).toEqual([
      '93.184.216.40:443',
      '93.184.216.40:80',
      '93.184.216.34:80',
      '2606:4700::1:8080',
    ]);
    expect(h.relay.metrics().policyRefusalsByReason).toEqual({ ticket_scope: 3, documentation: 1 }); // www.other.test: its first answer's range
  });

  it('a scope never widens the policy: a scoped loopback destination is still refused', async () => {
    const token = createTicket({ secret, ttlSeconds: 60, destinations: ['127.0.0.1:*', 'localhost:*'] });
    const h = await harness({ secret }, () => [], token);
    expect(await openOn(h, ipv4(80, '127.0.0.1'))).toBe(Reason.POLICY_DENIED);
    expect(await openOn(h, named('localhost', 80))).toBe(Reason.POLICY_DENIED);
    expect(h.dials).toEqual([]);
  });

  it('createTicket rejects a malformed destination', () => {
    expect(() => createTicket({ secret, ttlSeconds: 60, destinations: ['example.com'] })).toThrow(/no port/);
    expect(() => createTicket({ secret, ttlSeconds: 60, destinations: ['2001:db8::/32:443'] })).toThrow(/brackets/);
    expect(() => createTicket({ secret, ttlSeconds: 60, destinations: ['ex ample.com:80'] })).toThrow(TypeError);
  });

  it('an unscoped ticket leaves the policy as it is', async () => {
    const token = createTicket({ secret, ttlSeconds: 60 });
    const h = await harness({ secret }, () => [], token);
    expect(await openOn(h, ipv4(80, '1.1.1.1'))).toBe(-1);
    const opened = await h.page.open(nextStream++, ipv4(443, '8.8.8.8'));
    expect((opened as OpenedFrame).type).toBe(FrameType.OPENED);
  });
});
