/**
 * Listening sockets counted per client address and per ticket subject across WebSockets (and
 * relays, with `redis`): one client opening several WebSockets × listen.maxListeners cannot take
 * a relay's whole inbound port range.
 */
import { describe, expect, it } from 'vitest';
import { FrameType, Reason } from '@ws2web/protocol';
import { createTicket } from '../../src/index.js';
import { PageClient, defer, ipv4, useRelay, usePage, waitUntil } from '../support/index.js';

const LISTEN = { addresses: ['127.0.0.1'], ports: 'ephemeral' };

describe('listeners across WebSockets', () => {
  it('maxListenersPerClient: the 4th listener of one client address is LIMIT, whichever WebSocket asks; a closed one frees a place', async () => {
    const relay = await useRelay({ listen: LISTEN, exemptClients: [], maxListenersPerClient: 3 });
    const a = await usePage(relay);
    const b = await usePage(relay);
    expect((await a.listen(1, ipv4(0))).type).toBe(FrameType.LISTENING);
    expect((await a.listen(3, ipv4(0))).type).toBe(FrameType.LISTENING);
    expect((await b.listen(1, ipv4(0))).type).toBe(FrameType.LISTENING);
    expect(await b.listen(3, ipv4(0))).toMatchObject({ type: FrameType.OPEN_FAILED, reason: Reason.LIMIT });
    expect(await a.listen(5, ipv4(0))).toMatchObject({ type: FrameType.OPEN_FAILED, reason: Reason.LIMIT });
    expect(relay.metrics().limitHits).toMatchObject({ listeners_per_client: 2 });
    expect(relay.metrics().listeners).toBe(3);
    a.send({ type: FrameType.CLOSE, stream: 1, reason: Reason.OK });
    await waitUntil(() => relay.metrics().listeners === 2, 5000, 'the listener to close');
    expect((await b.listen(5, ipv4(0))).type).toBe(FrameType.LISTENING);
  });

  it('maxListenersPerSubject: pages of one ticket subject share the cap, exempt clients included', async () => {
    const secret = 'listener-secret';
    const relay = await useRelay({ listen: LISTEN, secret, maxListenersPerSubject: 2 });
    const pages: PageClient[] = [];
    for (let i = 0; i < 2; i++) {
      const page = await PageClient.ready(relay.url, createTicket({ secret, ttlSeconds: 60, subject: 'carol' }));
      defer(() => page.close());
      pages.push(page);
    }
    expect((await pages[0]!.listen(1, ipv4(0))).type).toBe(FrameType.LISTENING);
    expect((await pages[1]!.listen(1, ipv4(0))).type).toBe(FrameType.LISTENING);
    expect(await pages[1]!.listen(3, ipv4(0))).toMatchObject({ reason: Reason.LIMIT });
    const other = await PageClient.ready(relay.url, createTicket({ secret, ttlSeconds: 60, subject: 'dave' }));
    defer(() => other.close());
    expect((await other.listen(1, ipv4(0))).type).toBe(FrameType.LISTENING);
    expect(relay.metrics().limitHits).toMatchObject({ listeners_per_subject: 1 });
  });
});
