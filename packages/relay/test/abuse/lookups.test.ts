/**
 * Name lookups bounded relay-wide: a storm of fresh NXDOMAIN names from many pages, a name asked
 * again and again, and lookups that never answer. The lookup is injected (it records, and
 * answers ENOTFOUND or never): nothing leaves the machine.
 */
import { describe, expect, it } from 'vitest';
import { FrameType, Reason } from '@ws2web/protocol';
import type { Lookup } from '../../src/index.js';
import { type PageClient, useRelay, usePage } from '../support/index.js';

function notFound(): Error {
  return Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
}

/** Frames of `page` until `count` answers to RESOLVE arrived: OPEN_FAILED reasons by name. */
async function answers(page: PageClient, count: number): Promise<Record<string, number>> {
  const seen: Record<string, number> = {};
  for (let i = 0; i < count; i++) {
    const f = await page.next((x) => x.type === FrameType.OPEN_FAILED || x.type === FrameType.RESOLVED, 10_000);
    const key = f.type === FrameType.OPEN_FAILED ? String(f.reason) : 'answered';
    seen[key] = (seen[key] ?? 0) + 1;
  }
  return seen;
}

describe('name lookups across the relay', () => {
  it('a storm of fresh NXDOMAIN names from 10 pages: lookups held to lookupsPerSecond and maxLookupsInFlight, the rest TRY_AGAIN at once', async () => {
    let asked = 0;
    const lookup: Lookup = async () => {
      asked++;
      throw notFound();
    };
    const relay = await useRelay({ lookup, lookupsPerSecond: 200, opensPerSecond: 0 });
    const pages = await Promise.all(Array.from({ length: 10 }, () => usePage(relay)));
    const start = performance.now();
    let n = 0;
    for (const page of pages) {
      const frames = Array.from({ length: 150 }, (_, i) => ({
        type: FrameType.RESOLVE,
        stream: 1 + 2 * i,
        family: 0,
        flags: 0,
        host: `fresh-${n++}.storm.test`,
      }));
      page.send(...frames);
    }
    const results = await Promise.all(pages.map((p) => answers(p, 150)));
    const elapsed = (performance.now() - start) / 1000;
    const total = (reason: number) => results.reduce((sum, r) => sum + (r[String(reason)] ?? 0), 0);
    console.log(
      `RESOLVE storm: 1,500 fresh names in ${elapsed.toFixed(2)} s, ${asked} looked up (200/s, burst 200), ${total(Reason.TRY_AGAIN)} TRY_AGAIN`,
    );
    expect(asked).toBeLessThanOrEqual(200 + Math.ceil(elapsed * 200) + 1);
    expect(total(Reason.HOST_NOT_FOUND)).toBe(asked);
    expect(total(Reason.TRY_AGAIN)).toBe(1500 - asked);
    // Refused by the rate, or (within one turn of the event loop) by maxLookupsInFlight (64).
    const { lookup_rate = 0, lookups_in_flight = 0 } = relay.metrics().limitHits;
    expect(lookup_rate).toBeGreaterThan(0);
    expect(lookup_rate + lookups_in_flight).toBe(1500 - asked);
  });

  it('a name that does not exist is asked once within negativeCacheMs', async () => {
    let asked = 0;
    const lookup: Lookup = async () => {
      asked++;
      throw notFound();
    };
    const relay = await useRelay({ lookup, negativeCacheMs: 60_000 });
    const page = await usePage(relay);
    for (let i = 0; i < 5; i++)
      expect(await page.resolve(1 + 2 * i, 'missing.test')).toMatchObject({ reason: Reason.HOST_NOT_FOUND });
    expect(asked).toBe(1);
    const off = await useRelay({ lookup, negativeCacheMs: 0 });
    const again = await usePage(off);
    await again.resolve(1, 'missing.test');
    await again.resolve(3, 'missing.test');
    expect(asked).toBe(3);
  });

  it('lookups that never answer: at most maxLookupsInFlight wait, each for lookupTimeoutMs; then names resolve again', async () => {
    const lookup: Lookup = (host) =>
      host.startsWith('hang') ? new Promise(() => {}) : Promise.resolve([{ address: '192.0.2.7', family: 4 }]);
    const relay = await useRelay({ lookup, maxLookupsInFlight: 4, lookupTimeoutMs: 400 });
    const attacker = await usePage(relay);
    const honest = await usePage(relay);
    const start = performance.now();
    attacker.send(
      ...Array.from({ length: 8 }, (_, i) => ({
        type: FrameType.RESOLVE,
        stream: 1 + 2 * i,
        family: 0,
        flags: 0,
        host: `hang-${i}.test`,
      })),
    );
    const early = await answers(attacker, 4);
    expect(early).toEqual({ [String(Reason.TRY_AGAIN)]: 4 });
    expect(performance.now() - start).toBeLessThan(400);
    expect(relay.metrics().limitHits.lookups_in_flight).toBe(4);
    const late = await answers(attacker, 4);
    expect(late).toEqual({ [String(Reason.TRY_AGAIN)]: 4 });
    expect(performance.now() - start).toBeGreaterThanOrEqual(390);
    // Their places are free again: the honest page's name resolves.
    expect((await honest.resolve(1, 'ok.test')).type).toBe(FrameType.RESOLVED);
  });
});
