/**
 * DATA a page sends beyond what the relay granted, and DATA sent to streams that are not open
 * yet (the name lookup or the connect still pending): the first closes the connection, the
 * second is bounded per stream (earlyWindow) and per page (maxEarlyBytes).
 */
import { describe, expect, it } from 'vitest';
import { FrameType, Reason, type Frame, type OpenedFrame } from '@ws2web/protocol';
import type { Lookup } from '../../src/streams/name-service.js';
import {
  LOOPBACK,
  defer,
  ipv4,
  named,
  stalled,
  startServer,
  usePage,
  useRelay,
  useServer,
  waitUntil,
} from '../support/index.js';
import { honestPage, latencyCeiling, mib, watch } from './measure.js';

/** A name service whose lookups never answer until the test ends (nothing is ever dialled). */
function pendingLookups(): Lookup {
  const waiting: Array<() => void> = [];
  defer(() => {
    for (const release of waiting) release();
  });
  return () =>
    new Promise((_resolve, reject) =>
      waiting.push(() => reject(Object.assign(new Error('test over'), { code: 'ENOTFOUND' }))),
    );
}

describe('flow control', () => {
  it('DATA beyond the window the relay granted: CLOSE(PROTOCOL_ERROR), then GOAWAY(PROTOCOL_ERROR) and 1002', async () => {
    // A server that never reads: once the kernel's buffers are full no more CREDIT comes back.
    const server = await useServer(startServer(() => {}));
    const relay = await useRelay({ allow: LOOPBACK });
    const page = await usePage(relay);
    const opened = (await page.open(1, ipv4(server.port))) as OpenedFrame;
    expect(opened.window).toBe(1 << 20);
    let credit = opened.window;
    const chunk = new Uint8Array(64 * 1024);
    const sendWithin = (): void => {
      credit += page.takeCredit(1);
      const frames: Frame[] = [];
      while (credit > 0) {
        const data = credit >= chunk.length ? chunk : chunk.subarray(0, credit);
        frames.push({ type: FrameType.DATA, stream: 1, data });
        credit -= data.length;
      }
      if (frames.length > 0) page.send(...frames);
    };
    // Send exactly what was granted until the relay stops granting more.
    await waitUntil(
      stalled(() => {
        sendWithin();
        return relay.metrics().bytesPageToPeer;
      }, 40),
      20_000,
      'the relay to stop granting',
    );
    sendWithin();
    await waitUntil(
      stalled(() => relay.metrics().bytesPageToPeer, 20),
      5000,
      'the last bytes to settle',
    );
    credit += page.takeCredit(1);
    expect(credit).toBe(0);
    page.send({ type: FrameType.DATA, stream: 1, data: new Uint8Array(1) });
    expect(await page.nextOn(1, FrameType.CLOSE)).toMatchObject({ reason: Reason.PROTOCOL_ERROR });
    expect(await page.next((f) => f.type === FrameType.GOAWAY)).toMatchObject({ reason: Reason.PROTOCOL_ERROR });
    expect((await page.closed).code).toBe(1002);
    console.log(
      `overrun after ${mib(relay.metrics().bytesPageToPeer)} MiB within credit: GOAWAY(PROTOCOL_ERROR), 1002`,
    );
  }, 30_000);

  it('DATA before OPENED: at most earlyWindow per stream and maxEarlyBytes per page; the honest page keeps its latency', async () => {
    // Every page here is one client (127.0.0.1) with 64 lookups pending: the per-client lookup
    // cap (its own test is in lookups.test.ts) is off, so the early-bytes bounds are what is hit.
    const relay = await useRelay({ allow: LOOPBACK, lookup: pendingLookups(), maxLookupsInFlightPerClient: 0 });
    const honest = await honestPage(relay);
    const idle = await honest.p99();
    const seen = watch(relay);
    const EARLY = 64 * 1024;
    const full = new Uint8Array(EARLY);

    // 4 pages × 16 streams, each stream sent its whole early window while its lookup hangs:
    // 1 MiB per page, exactly the page's bound, is accepted.
    const pages = [];
    for (let p = 0; p < 4; p++) {
      const page = await usePage(relay);
      for (let s = 1; s <= 16; s++) {
        page.send(
          {
            type: FrameType.OPEN,
            stream: s,
            transport: 1,
            flags: 0,
            window: 1 << 20,
            remote: named('pending.test', 80),
            local: null,
          },
          { type: FrameType.DATA, stream: s, data: full },
        );
      }
      pages.push(page);
    }
    for (const page of pages) await page.roundTrip();
    expect(relay.metrics().connections).toBe(5);
    expect(relay.metrics().protocolErrors).toBe(0);
    const during = await honest.p99();

    // One byte more — on a new stream (the page's bound) or on an open one (the stream's) — ends the page.
    pages[0]!.send(
      {
        type: FrameType.OPEN,
        stream: 17,
        transport: 1,
        flags: 0,
        window: 1 << 20,
        remote: named('pending.test', 80),
        local: null,
      },
      { type: FrameType.DATA, stream: 17, data: new Uint8Array(1) },
    );
    pages[1]!.send({ type: FrameType.DATA, stream: 1, data: new Uint8Array(1) });
    for (const page of pages.slice(0, 2)) {
      expect(await page.next((f) => f.type === FrameType.GOAWAY)).toMatchObject({ reason: Reason.PROTOCOL_ERROR });
      expect((await page.closed).code).toBe(1002);
    }
    expect(relay.metrics().limitHits.early_bytes).toBe(1);
    const figures = seen.stop();
    console.log(
      `4 pages × 16 streams × 64 KiB before OPENED: accepted (1 MiB per page, default bound); one byte more closed the page; RSS ${figures.rssStartMiB} → ${figures.peakRssMiB} MiB; honest p99 idle ${idle.toFixed(2)} ms, during ${during.toFixed(2)} ms`,
    );
    expect(during).toBeLessThan(latencyCeiling(idle));
  });
});
