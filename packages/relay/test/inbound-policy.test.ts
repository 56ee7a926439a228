/** The inbound policy and port sets as pure values, and how options, CLI flags and config files reach them. */
import { describe, expect, it } from 'vitest';
import { Reason } from '@ws2web/protocol';
import { parseConfig } from '../src/config/config-file.js';
import { InboundPolicy } from '../src/policy/inbound-policy.js';
import { PortSet } from '../src/policy/port-set.js';
import { UsageError, parseCommandLine } from '../src/config/cli-options.js';

const v4 = (address: string, port: number, dualStack = false) => ({
  family: 4 as const,
  address,
  scopeId: 0,
  port,
  dualStack,
});
const v6 = (address: string, port: number, dualStack = false) => ({
  family: 6 as const,
  address,
  scopeId: 0,
  port,
  dualStack,
});

describe('PortSet', () => {
  it('parses ranges, single ports, "ephemeral"/"0", comma lists and arrays; merges and counts', () => {
    const set = PortSet.parse(['20000-20009', 20010, '7000, ephemeral', '20005-20012']);
    expect(set.toString()).toBe('7000,20000-20012,ephemeral');
    expect(set.size).toBe(14);
    expect(set.ephemeral).toBe(true);
    expect([6999, 7000, 20012, 20013].map((p) => set.has(p))).toEqual([false, true, true, false]);
    expect(PortSet.parse('0').toString()).toBe('ephemeral');
    expect(PortSet.parse([]).empty).toBe(true);
  });

  it('refuses what is not a port, a range or "ephemeral"', () => {
    for (const bad of ['65536', '10-5', 'http', '-1', '1-2-3', '80x']) {
      expect(() => PortSet.parse(bad), bad).toThrow(TypeError);
    }
  });

  it('intersects (ephemeral only if both say so) and picks distinct candidates from a random start, wrapping', () => {
    const policy = PortSet.parse('20000-20999,ephemeral');
    const ticket = PortSet.parse('20990-21010');
    const both = policy.intersect(ticket);
    expect(both.toString()).toBe('20990-20999');
    expect(both.ephemeral).toBe(false);
    expect(both.candidates(4, () => 0.75)).toEqual([20997, 20998, 20999, 20990]);
    expect(both.candidates(100, () => 0)).toHaveLength(10);
    expect(PortSet.parse('ephemeral').candidates(5)).toEqual([]);
  });
});

describe('InboundPolicy', () => {
  it('off without options: every request POLICY_DENIED (inbound_off)', () => {
    const off = new InboundPolicy();
    expect(off.enabled).toBe(false);
    expect(off.plan(v4('127.0.0.1', 0))).toEqual({
      ok: false,
      reason: Reason.POLICY_DENIED,
      why: 'inbound connections are off on this relay',
      category: 'inbound_off',
    });
    expect(off.describe()).toEqual({ inbound: 'off' });
  });

  it('addresses: listed ones pass, others are refused; the wildcard is itself when listed, else narrowed', () => {
    const p = new InboundPolicy({ addresses: ['127.0.0.1', '::1'], ports: '20000-20999' });
    expect(p.plan(v4('127.0.0.1', 20001))).toEqual({ ok: true, host: '127.0.0.1', ipv6Only: true, ports: [20001] });
    expect(p.plan(v4('10.0.0.1', 20001))).toMatchObject({
      ok: false,
      reason: Reason.POLICY_DENIED,
      category: 'listen_address',
    });
    expect(p.plan(v4('0.0.0.0', 20001))).toMatchObject({ ok: true, host: '127.0.0.1' });
    expect(p.plan(v6('::', 20001))).toMatchObject({ ok: true, host: '::1', ipv6Only: true });
    const any = new InboundPolicy({ addresses: ['0.0.0.0', '::'], ports: '20000' });
    expect(any.plan(v4('0.0.0.0', 20000))).toMatchObject({ ok: true, host: '0.0.0.0' });
    expect(any.plan(v6('::', 20000, true))).toMatchObject({ ok: true, host: '::', ipv6Only: false });
    expect(any.plan(v6('::', 20000))).toMatchObject({ ok: true, host: '::', ipv6Only: true });
    // Listing the wildcard does not list every specific address.
    expect(any.plan(v4('127.0.0.1', 20000))).toMatchObject({ ok: false, category: 'listen_address' });
  });

  it('IPv4-mapped and dual-stack: mapped needs IPV6_V6ONLY off; a dual-stack wildcard may narrow to an IPv4 address', () => {
    const p = new InboundPolicy({ addresses: ['127.0.0.1'], ports: 'ephemeral' });
    expect(p.plan(v6('::ffff:127.0.0.1', 0, true))).toEqual({
      ok: true,
      host: '::ffff:127.0.0.1',
      ipv6Only: false,
      ports: [0],
    });
    expect(p.plan(v6('::ffff:127.0.0.1', 0, false))).toMatchObject({ ok: false, reason: Reason.ADDR_NOT_AVAIL });
    expect(p.plan(v6('::', 0, true))).toMatchObject({ ok: true, host: '::ffff:127.0.0.1', ipv6Only: false });
    expect(p.plan(v6('::', 0, false))).toMatchObject({ ok: false, category: 'listen_address' });
    expect(p.plan(v4('::1', 0))).toMatchObject({ ok: false, reason: Reason.INVALID_ARGUMENT });
    expect(p.plan(v6('127.0.0.1', 0))).toMatchObject({ ok: false, reason: Reason.INVALID_ARGUMENT });
  });

  it('ports: fixed ones must be in the set; port 0 is the OS\'s with "ephemeral", else candidates from the ranges', () => {
    const ranged = new InboundPolicy({ addresses: ['127.0.0.1'], ports: '20000-20999' });
    expect(ranged.plan(v4('127.0.0.1', 19999))).toMatchObject({ ok: false, category: 'listen_port' });
    const zero = ranged.plan(v4('127.0.0.1', 0));
    expect(zero.ok && zero.ports.length).toBe(32);
    expect(zero.ok && zero.ports.every((port) => port >= 20000 && port <= 20999)).toBe(true);
    expect(new Set(zero.ok ? zero.ports : []).size).toBe(32);
    const ephemeral = new InboundPolicy({ addresses: ['127.0.0.1'] });
    expect(ephemeral.plan(v4('127.0.0.1', 0))).toMatchObject({ ok: true, ports: [0] });
    expect(ephemeral.plan(v4('127.0.0.1', 20000))).toMatchObject({ ok: false, category: 'listen_port' });
  });

  it("a ticket's listenPorts narrow and never widen", () => {
    const p = new InboundPolicy({ addresses: ['127.0.0.1'], ports: '20000-20999' });
    const scope = PortSet.parse('20500-21500');
    expect(p.plan(v4('127.0.0.1', 20100), scope)).toMatchObject({ ok: false, category: 'ticket_scope' });
    expect(p.plan(v4('127.0.0.1', 21000), scope)).toMatchObject({ ok: false, category: 'listen_port' });
    expect(p.plan(v4('127.0.0.1', 20600), scope)).toMatchObject({ ok: true, ports: [20600] });
    const zero = p.plan(v4('127.0.0.1', 0), scope);
    expect(zero.ok && zero.ports.every((port) => port >= 20500 && port <= 20999)).toBe(true);
    expect(p.plan(v4('127.0.0.1', 0), PortSet.parse('ephemeral'))).toMatchObject({
      ok: false,
      reason: Reason.POLICY_DENIED,
    });
    expect(p.plan(v4('127.0.0.1', 0), PortSet.parse([]))).toMatchObject({ ok: false, reason: Reason.POLICY_DENIED });
  });

  it('remotes: any peer by default; with a list only those (IPv4-mapped peers judged as IPv4)', () => {
    expect(new InboundPolicy({ addresses: ['127.0.0.1'] }).permitsRemote('203.0.113.9')).toBe(true);
    const p = new InboundPolicy({ addresses: ['127.0.0.1'], remotes: ['127.0.0.0/8', '::1'] });
    expect(
      ['127.0.0.5', '::ffff:127.0.0.5', '::1', '10.0.0.1', '::2', 'nonsense'].map((a) => p.permitsRemote(a)),
    ).toEqual([true, true, true, false, false, false]);
  });

  it('refuses bad options with the option named', () => {
    expect(() => new InboundPolicy({ addresses: [] })).toThrow(/listen.addresses/);
    expect(() => new InboundPolicy({ addresses: ['localhost'] })).toThrow(/listen.addresses entry "localhost"/);
    expect(() => new InboundPolicy({ addresses: ['127.0.0.1'], ports: '99999' })).toThrow(/listen.ports entry "99999"/);
    expect(() => new InboundPolicy({ addresses: ['127.0.0.1'], remotes: ['10.0.0.0/33'] })).toThrow(/listen.remotes/);
    expect(() => new InboundPolicy({ addresses: ['127.0.0.1'], maxPending: 0 })).toThrow(/listen.maxPending/);
  });
});

describe('configuration', () => {
  it("CLI flags make a listen option, replacing a config file's keys one by one", () => {
    expect(
      parseCommandLine(
        [
          '--listen-address',
          '127.0.0.1',
          '--listen-address',
          '::1',
          '--listen-ports',
          '20000-20999,ephemeral',
          '--listen-remote',
          '10.0.0.0/8',
          '--max-listeners',
          '3',
          '--max-pending',
          '9',
        ],
        {},
      )!.listen,
    ).toEqual({
      addresses: ['127.0.0.1', '::1'],
      ports: '20000-20999,ephemeral',
      remotes: ['10.0.0.0/8'],
      maxListeners: 3,
      maxPending: 9,
    });
    expect(parseCommandLine([], {})!.listen).toBeUndefined();
    expect(() => parseCommandLine(['--listen-ports', '20000-20999'], {})).toThrow(UsageError);
    expect(() => parseCommandLine(['--listen-address', '127.0.0.1', '--max-pending', 'x'], {})).toThrow(
      /--max-pending/,
    );
  });

  it('config files take listen: { addresses, ports, remotes, maxListeners, maxPending }, strictly', () => {
    const options = parseConfig(
      'listen:\n  addresses: [127.0.0.1]\n  ports: 20000-20999\n  maxPending: 4\n',
      'relay.yaml',
    );
    expect(options.listen).toEqual({ addresses: ['127.0.0.1'], ports: '20000-20999', maxPending: 4 });
    expect(
      parseConfig('{"listen": {"addresses": ["::1"], "ports": [7000, "ephemeral"]}}', 'relay.json').listen,
    ).toEqual({ addresses: ['::1'], ports: [7000, 'ephemeral'] });
    expect(() => parseConfig('listen:\n  ports: 20000\n', 'relay.yaml')).toThrow(/listen.addresses: Required/);
    expect(() => parseConfig('listen:\n  addresses: [127.0.0.1]\n  backlog: 5\n', 'relay.yaml')).toThrow(
      /Unrecognized key/,
    );
  });
});
