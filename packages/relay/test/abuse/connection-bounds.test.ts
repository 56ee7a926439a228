/**
 * What a client can hold before and beyond the upgrade: TCP connections that never send (or
 * send one byte), many of them from one address, more than the relay's connection budget, and
 * sockets up to the relay-wide total from one address. Everything waits for the relay's own
 * event (a close, a metric), never for a fixed time.
 */
import net from 'node:net';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { FrameType, Reason } from '@ws2web/protocol';
import type { Relay } from '../../src/index.js';
import { PageClient, defer, sleep, useRelay, usePage, waitUntil } from '../support/index.js';

/** A raw TCP connection to the relay's port that sends `bytes` and nothing else. */
async function idle(relay: Relay, bytes = ''): Promise<net.Socket> {
  const socket = net.connect(relay.port, '127.0.0.1');
  defer(() => socket.destroy());
  socket.on('error', () => {});
  await once(socket, 'connect');
  if (bytes) socket.write(bytes);
  return socket;
}

const closed = (socket: net.Socket): Promise<unknown> => (socket.destroyed ? Promise.resolve() : once(socket, 'close'));

describe('before the upgrade', () => {
  it('a connection that sends nothing, or one byte, is closed after upgradeTimeoutMs', async () => {
    const relay = await useRelay({ upgradeTimeoutMs: 300 });
    const silent = await idle(relay);
    const oneByte = await idle(relay, 'G');
    const started = performance.now();
    await Promise.all([closed(silent), closed(oneByte)]);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(relay.metrics().limitHits).toEqual({ upgrade_timeout: 2 });
    // A page that upgrades in time is not affected, and stays once upgraded: the timer that
    // must not fire is what is tested here, so time has to pass.
    const page = await usePage(relay);
    await sleep(450);
    expect((await page.resolve(1, '127.0.0.1')).type).toBe(FrameType.RESOLVED);
    expect(relay.metrics().limitHits).toEqual({ upgrade_timeout: 2 });
  });

  it('maxPendingUpgradesPerIp: the 4th not-yet-upgraded connection from one address is closed at once', async () => {
    const relay = await useRelay({ exemptClients: [], maxPendingUpgradesPerIp: 3 });
    const held = [await idle(relay), await idle(relay), await idle(relay)];
    const extra = await idle(relay);
    await closed(extra);
    expect(relay.metrics().limitHits).toEqual({ pending_upgrades_per_ip: 1 });
    expect(held.every((s) => !s.destroyed)).toBe(true);
    // Once they go, the address may connect again.
    for (const s of held) s.destroy();
    await waitUntil(
      async () => {
        try {
          const p = await PageClient.ready(relay.url);
          defer(() => p.close());
          return true;
        } catch {
          return false;
        }
      },
      5000,
      'a page to connect again',
    );
  });

  it('exempt (loopback by default) addresses skip the per-address cap, not the timeout', async () => {
    const relay = await useRelay({ maxPendingUpgradesPerIp: 1, upgradeTimeoutMs: 300 });
    const a = await idle(relay);
    const b = await idle(relay);
    await Promise.all([closed(a), closed(b)]);
    expect(relay.metrics().limitHits).toEqual({ upgrade_timeout: 2 });
  });

  it('maxConnections: connections beyond it are closed before a byte is read', async () => {
    const relay = await useRelay({ maxConnections: 3 });
    const held = [await idle(relay), await idle(relay), await idle(relay)];
    const extra = await idle(relay);
    await closed(extra);
    await waitUntil(() => relay.metrics().limitHits.connections_total === 1, 5000, 'the drop to be counted');
    expect(held.every((s) => !s.destroyed)).toBe(true);
  });
});

describe('maxSocketsPerClient', () => {
  it('counts one address across its WebSockets: the 3rd socket is LIMIT; a closed one frees a place', async () => {
    const relay = await useRelay({ exemptClients: [], maxSocketsPerClient: 2 });
    const p1 = await usePage(relay);
    const p2 = await usePage(relay);
    expect((await p1.dgramOpen(1, 4)).type).toBe(FrameType.DGRAM_OPENED);
    expect((await p2.dgramOpen(1, 4)).type).toBe(FrameType.DGRAM_OPENED);
    expect(await p2.dgramOpen(3, 4)).toEqual({ type: FrameType.OPEN_FAILED, stream: 3, reason: Reason.LIMIT });
    expect(relay.metrics().limitHits).toEqual({ sockets_per_client: 1 });
    p1.send({ type: FrameType.CLOSE, stream: 1, reason: Reason.OK });
    await waitUntil(() => relay.metrics().udpSockets === 1, 5000, 'the UDP socket to close');
    expect((await p2.dgramOpen(5, 4)).type).toBe(FrameType.DGRAM_OPENED);
  });

  it('exempt clients are not counted', async () => {
    const relay = await useRelay({ maxSocketsPerClient: 1 });
    const p = await usePage(relay);
    expect((await p.dgramOpen(1, 4)).type).toBe(FrameType.DGRAM_OPENED);
    expect((await p.dgramOpen(3, 4)).type).toBe(FrameType.DGRAM_OPENED);
  });
});
