/**
 * Local binds a page asks for: a TCP OPEN's local endpoint (bind before connect) and UDP binds.
 * Only the relay host's own addresses, port 0 unless `localPorts` (or the inbound policy)
 * allows a fixed one, never below 1024. TCP dials are recorded, not made (recording-relay.ts);
 * UDP binds that are allowed bind on loopback.
 */
import { describe, expect, it } from 'vitest';
import { FrameType, Reason, type DgramOpenedFrame } from '@ws2web/protocol';
import { resolveOptions } from '../../src/config/options.js';
import { checkTcpLocal } from '../../src/policy/local-bind.js';
import { PortSet } from '../../src/policy/port-set.js';
import { InboundPolicy } from '../../src/policy/inbound-policy.js';
import { LOOPBACK, defer, ipv4, ipv6, useRelay, usePage, waitUntil } from '../support/index.js';
import { startUdpPeer } from '../support/udp-peers.js';
import { recordingRelay } from './recording-relay.js';

const denied = (stream: number) => ({ type: FrameType.OPEN_FAILED, stream, reason: Reason.POLICY_DENIED });
const PUBLIC = '93.184.216.34';

describe('defaults by where the relay listens', () => {
  it('loopback relay: fixed ports 1024-65535; beyond loopback: ephemeral only', () => {
    expect(resolveOptions({}).localPorts.toString()).toBe('1024-65535');
    expect(resolveOptions({ host: '::1' }).localPorts.toString()).toBe('1024-65535');
    expect(resolveOptions({ host: '0.0.0.0' }).localPorts.toString()).toBe('ephemeral');
    expect(resolveOptions({ host: '192.0.2.10' }).localPorts.has(40000)).toBe(false);
  });

  it('localPorts below 1024 are refused at start', () => {
    expect(() => resolveOptions({ localPorts: '80-90' })).toThrow(/localPorts: ports below 1024/);
    expect(() => resolveOptions({ localPorts: ['40000', '1023'] })).toThrow(TypeError);
  });
});

describe('TCP OPEN with a local endpoint', () => {
  it('privileged and foreign source addresses/ports are refused before any dial', async () => {
    const { relay, page, dials } = await recordingRelay();
    expect(await page.open(1, ipv4(80, PUBLIC), { local: ipv4(80, '0.0.0.0') })).toEqual(denied(1));
    expect(await page.open(3, ipv4(80, PUBLIC), { local: ipv4(1023, '127.0.0.1') })).toEqual(denied(3));
    expect(await page.open(5, ipv4(80, PUBLIC), { local: ipv4(0, '8.8.8.8') })).toEqual(denied(5));
    expect(await page.open(7, ipv6(80, '2606:4700::1'), { local: ipv6(0, '2001:db8::99') })).toEqual(denied(7));
    expect(dials).toEqual([]);
    expect(relay.metrics().policyRefusalsByReason).toEqual({ bind: 4 });
  });

  it('the wildcard / loopback on port 0 or an allowed fixed port are honoured', async () => {
    const { page, dials } = await recordingRelay();
    expect(await page.open(1, ipv4(80, PUBLIC), { local: ipv4(0, '0.0.0.0') })).toMatchObject({
      type: FrameType.OPENED,
    });
    expect(await page.open(3, ipv4(80, PUBLIC), { local: ipv4(40000, '0.0.0.0') })).toMatchObject({
      type: FrameType.OPENED,
    });
    expect(dials.map((d) => d.localPort)).toEqual([undefined, 40000]);
  });

  it('a relay with localPorts "ephemeral" (the beyond-loopback default) refuses every fixed source port', async () => {
    const { page, dials } = await recordingRelay({ localPorts: 'ephemeral' });
    expect(await page.open(1, ipv4(80, PUBLIC), { local: ipv4(40000, '0.0.0.0') })).toEqual(denied(1));
    expect(await page.open(3, ipv4(80, PUBLIC), { local: ipv4(0, '0.0.0.0') })).toMatchObject({
      type: FrameType.OPENED,
    });
    expect(dials).toHaveLength(1);
  });

  it("an address of the relay host is a valid source; the inbound policy's ports govern when it is on", () => {
    const ctx = {
      localPorts: PortSet.parse('ephemeral'),
      inbound: new InboundPolicy({ addresses: ['127.0.0.1'], ports: '20000-20009' }),
      listenScope: null,
    };
    const own = [resolveOptions({}).policy.ownAddresses].flat();
    expect(checkTcpLocal('127.0.0.1', 20005, { ...ctx, own })).toEqual({ ok: true });
    expect(checkTcpLocal('127.0.0.1', 20010, { ...ctx, own })).toMatchObject({
      ok: false,
      why: 'bind to fixed port 20010: not in listen.ports',
    });
    for (const address of own.filter((a) => a.kind() === 'ipv4')) {
      expect(checkTcpLocal(address.toString(), 0, { ...ctx, own })).toEqual({ ok: true });
    }
    expect(checkTcpLocal('203.0.113.200', 0, { ...ctx, own })).toMatchObject({
      ok: false,
      reason: Reason.POLICY_DENIED,
    });
  });
});

describe('UDP fixed-port binds', () => {
  it('without an inbound policy: only inside localPorts; port 0 always', async () => {
    const relay = await useRelay({ allow: LOOPBACK, localPorts: 'ephemeral' });
    const page = await usePage(relay);
    expect(await page.dgramOpen(1, 4, { local: ipv4(40123, '127.0.0.1') })).toEqual(denied(1));
    expect(await page.dgramOpen(3, 4, { local: ipv4(8125, '0.0.0.0') })).toEqual(denied(3)); // statsd
    expect(await page.dgramOpen(5, 4, { local: ipv4(0, '127.0.0.1') })).toMatchObject({ type: FrameType.DGRAM_OPENED });
    expect(relay.metrics().policyRefusalsByReason).toEqual({ bind: 2 });
  });

  it('never below 1024, even when localPorts is wide', async () => {
    const relay = await useRelay({ allow: LOOPBACK });
    const page = await usePage(relay);
    expect(await page.dgramOpen(1, 4, { local: ipv4(514, '127.0.0.1') })).toEqual(denied(1));
  });
});

describe('udpReplyOnly: an unconnected socket hears only peers it sent to', () => {
  it('on by default beyond loopback, off on a loopback relay', () => {
    expect(resolveOptions({}).udpReplyOnly).toBe(false);
    expect(resolveOptions({ host: '0.0.0.0' }).udpReplyOnly).toBe(true);
    expect(resolveOptions({ host: '0.0.0.0', udpReplyOnly: false }).udpReplyOnly).toBe(false);
  });

  it('a local process sending to the page first is dropped (unsolicited); the peer it sent to is heard', async () => {
    const relay = await useRelay({ allow: LOOPBACK, udpReplyOnly: true });
    const server = await startUdpPeer({ echo: true });
    defer(() => server.close());
    const stranger = await startUdpPeer();
    defer(() => stranger.close());
    const p = await usePage(relay);
    const o = (await p.dgramOpen(1, 4, { local: ipv4(0, '127.0.0.1') })) as DgramOpenedFrame;
    expect(o.type).toBe(FrameType.DGRAM_OPENED);
    for (let i = 0; i < 3; i++) await stranger.send(Buffer.from(`statsd ${i}`), o.local.port);
    await waitUntil(() => (relay.metrics().datagramsDropped.unsolicited ?? 0) === 3, 5000, 'three unsolicited drops');
    p.send({ type: FrameType.DATAGRAM, stream: 1, address: ipv4(server.port), data: Buffer.from('hello') });
    const echoed = await p.datagram(1);
    expect([Buffer.from(echoed.data).toString(), echoed.address]).toEqual(['hello', ipv4(server.port)]);
    // (p.datagram took the echo from the inbox: nothing of the stranger's is left behind it.)
    expect(p.inbox.filter((f) => f.type === FrameType.DATAGRAM)).toEqual([]);
  });

  it('a fixed port bound under the inbound policy hears any source', async () => {
    const relay = await useRelay({
      allow: LOOPBACK,
      udpReplyOnly: true,
      listen: { addresses: ['127.0.0.1'], ports: '0,20000-29999' },
    });
    const stranger = await startUdpPeer();
    defer(() => stranger.close());
    const p = await usePage(relay);
    // A free fixed port of the range (another process may hold one: try the next).
    let o: DgramOpenedFrame | null = null;
    for (let port = 20000 + Math.floor(Math.random() * 9000), stream = 1; o === null; port++, stream += 2) {
      const f = await p.dgramOpen(stream, 4, { local: ipv4(port, '127.0.0.1') });
      if (f.type === FrameType.DGRAM_OPENED) o = f;
      else expect(f.reason).toBe(Reason.ADDR_IN_USE);
    }
    await stranger.send(Buffer.from('to a server'), o.local.port);
    expect(Buffer.from((await p.datagram(o.stream)).data).toString()).toBe('to a server');
  });
});
