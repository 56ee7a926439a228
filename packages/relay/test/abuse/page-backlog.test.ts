/**
 * A page that grants huge credit to many fast streams and then stops reading its WebSocket must
 * not make the relay hold what the peers offer: credit is clamped (maxStreamCredit), each page's
 * unsent bytes are bounded (maxPageBacklogBytes), all pages' together too (maxHeldBytesTotal),
 * and a page that never drains is cut (stalledPageMs).
 */
import type net from 'node:net';
import { describe, expect, it } from 'vitest';
import { FrameType } from '@ws2web/protocol';
import {
  LOOPBACK,
  ipv4,
  stalled,
  startServer,
  usePage,
  useRelay,
  useServer,
  waitUntil,
  type TestServer,
} from '../support/index.js';
import { honestPage, latencyCeiling, mib, stopReading, watch } from './measure.js';

/** A peer that writes as fast as the relay reads, for as long as the test lasts. */
function firehose(): Promise<TestServer> {
  const chunk = Buffer.alloc(64 * 1024, 0x5a);
  return startServer((socket: net.Socket) => {
    socket.on('error', () => {});
    const more = (): void => {
      while (!socket.destroyed && socket.write(chunk));
      if (!socket.destroyed) socket.once('drain', more);
    };
    more();
  });
}

describe('a page that grants credit and stops reading', () => {
  it('clamps granted credit to maxStreamCredit: the relay forwards exactly that much to a page that grants 0xFFFFFFFF', async () => {
    const server = await useServer(firehose());
    const relay = await useRelay({ allow: LOOPBACK, maxStreamCredit: 1 << 20 });
    const page = await usePage(relay);
    expect((await page.open(1, ipv4(server.port), { window: 0xffffffff })).type).toBe(FrameType.OPENED);
    await waitUntil(() => page.bufferedData(1) >= 1 << 20, 5000, 'the clamped credit');
    await waitUntil(
      stalled(() => relay.metrics().bytesPeerToPage),
      5000,
      'forwarding to stop',
    );
    expect(relay.metrics().bytesPeerToPage).toBe(1 << 20);
  });

  it('bounds what one page and all pages make the relay hold; the honest page keeps its latency; a page that never drains is cut', async () => {
    // Each page alone could hold 4 MiB; all three together may hold 3.
    const PAGE = 4 << 20;
    const TOTAL = 3 << 20;
    const server = await useServer(firehose());
    const relay = await useRelay({
      allow: LOOPBACK,
      maxPageBacklogBytes: PAGE,
      maxHeldBytesTotal: TOTAL,
      stalledPageMs: 2500,
    });
    const honest = await honestPage(relay);
    const idle = await honest.p99();

    const seen = watch(relay);
    const attackers = [];
    for (let p = 0; p < 3; p++) {
      const page = await usePage(relay);
      for (let s = 1; s <= 8; s++)
        page.send({
          type: FrameType.OPEN,
          stream: s,
          transport: 1,
          flags: 0,
          window: 0xffffffff,
          remote: ipv4(server.port),
          local: null,
        });
      stopReading(page);
      attackers.push(page);
    }
    await waitUntil(() => (relay.metrics().limitHits.held_total ?? 0) > 0, 5000, 'the relay-wide bound');
    await waitUntil(
      stalled(() => relay.metrics().bytesPeerToPage, 10),
      5000,
      "the attackers' streams to stop",
    );
    const during = await honest.p99();
    const figures = seen.stop();
    console.log(
      `3 pages × 8 streams, credit 0xFFFFFFFF, not reading: peak held ${mib(figures.peakHeldBytes)} MiB (bounds ${mib(PAGE)}/page, ${mib(TOTAL)} total), RSS ${figures.rssStartMiB} → ${figures.peakRssMiB} MiB; honest p99 idle ${idle.toFixed(2)} ms, during ${during.toFixed(2)} ms`,
    );
    // Past the bound: what one event-loop turn's reads queued before the next check (one read
    // per stream, 24 × 64 KiB, twice: the outbox and the chunk in hand) and one coalesced
    // message. Without the relay-wide bound the three pages would hold 3 × 4 MiB and more.
    expect(figures.peakHeldBytes).toBeLessThan(TOTAL + 2 * 3 * 8 * 64 * 1024 + (1 << 20));
    expect(relay.metrics().limitHits.page_backlog ?? 0).toBeGreaterThan(0);
    expect(during).toBeLessThan(latencyCeiling(idle));

    // Nobody drains: after stalledPageMs every attacker is cut, and what they held is released.
    await waitUntil(() => relay.metrics().connections === 1, 10_000, 'the stalled pages to be cut');
    expect(relay.metrics().limitHits.stalled_page).toBe(3);
    // (A paused client does not see its TCP connection go until it reads again.)
    for (const page of attackers) page.ws.resume();
    for (const page of attackers) expect((await page.closed).code).toBe(1006);
  }, 20_000);
});
