/**
 * RESOLVE with the REVERSE flag (PTR lookups) against a real dnsmasq on loopback: the address is
 * judged by the destination policy before any query, the name found by the name rules before it
 * is disclosed (docs/protocol.md, "Reverse lookups").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FrameType, Reason, ResolveFlag } from '@ws2web/protocol';
import { startDnsmasq, type Dnsmasq } from './support/dnsmasq.js';
import { ipv4, ipv6 } from './support/page-client.js';
import { useRelay, usePage } from './support/index.js';

const { REVERSE } = ResolveFlag;
let dns: Dnsmasq;
beforeAll(async () => {
  dns = await startDnsmasq({
    records: { hosts: { 'echo.test': ['127.0.0.3'], 'secret.test': ['127.0.0.5'], 'six.test': ['fd00::6'] } },
  });
});
afterAll(async () => {
  await dns?.stop();
});

const ptrQueries = (): string[] => dns.queries().filter((q) => q.startsWith('PTR '));

describe('RESOLVE REVERSE', () => {
  it('answers the PTR name of an allowed address, with the address itself', async () => {
    const relay = await useRelay({ dns: { servers: [dns.server] }, allow: ['127.0.0.0/8', 'fd00::/8'] });
    const p = await usePage(relay);
    expect(await p.resolve(1, '127.0.0.3', 4, REVERSE)).toEqual({
      type: FrameType.RESOLVED,
      stream: 1,
      canonName: 'echo.test',
      addresses: [ipv4(0, '127.0.0.3')],
    });
    expect(await p.resolve(2, 'fd00::6', 6, REVERSE)).toEqual({
      type: FrameType.RESOLVED,
      stream: 2,
      canonName: 'six.test',
      addresses: [ipv6(0, 'fd00::6')],
    });
    expect(ptrQueries()).toEqual(expect.arrayContaining(['PTR 3.0.0.127.in-addr.arpa']));
  });

  it('HOST_NOT_FOUND for an address without a PTR record', async () => {
    const p = await usePage(await useRelay({ dns: { servers: [dns.server] }, allow: ['127.0.0.0/8'] }));
    expect(await p.resolve(1, '127.0.0.9', 4, REVERSE)).toEqual({
      type: FrameType.OPEN_FAILED,
      stream: 1,
      reason: Reason.HOST_NOT_FOUND,
    });
  });

  it('POLICY_DENIED, without a query, for an address the destination policy refuses', async () => {
    const relay = await useRelay({ dns: { servers: [dns.server] } }); // default policy: no loopback
    const p = await usePage(relay);
    const before = ptrQueries().length;
    expect(await p.resolve(1, '127.0.0.3', 4, REVERSE)).toEqual({
      type: FrameType.OPEN_FAILED,
      stream: 1,
      reason: Reason.POLICY_DENIED,
    });
    expect(ptrQueries().length).toBe(before);
  });

  it('POLICY_DENIED for a name the name rules refuse (denyHosts): the name is not disclosed', async () => {
    const relay = await useRelay({
      dns: { servers: [dns.server] },
      allow: ['127.0.0.0/8'],
      denyHosts: ['secret.test'],
    });
    const p = await usePage(relay);
    expect(await p.resolve(1, '127.0.0.5', 4, REVERSE)).toEqual({
      type: FrameType.OPEN_FAILED,
      stream: 1,
      reason: Reason.POLICY_DENIED,
    });
  });

  it('INVALID_ARGUMENT for a name, a family that does not match the literal, or a zone', async () => {
    const p = await usePage(await useRelay({ dns: { servers: [dns.server] }, allow: ['127.0.0.0/8'] }));
    for (const [stream, host, family] of [
      [1, 'echo.test', 4],
      [2, '127.0.0.1', 6],
      [3, '127.0.0.1', 0],
      [4, 'fe80::1%1', 6],
    ] as const) {
      expect(await p.resolve(stream, host, family, REVERSE)).toEqual({
        type: FrameType.OPEN_FAILED,
        stream,
        reason: Reason.INVALID_ARGUMENT,
      });
    }
  });
});
