/**
 * Name lookups bounded relay-wide: a storm of fresh NXDOMAIN names from many pages, a name asked
 * again and again, and lookups that never answer. The lookup is injected (it records, and
 * answers ENOTFOUND or never), or c-ares asks a DNS server on 127.0.0.1 that never answers some
 * names: nothing leaves the machine.
 */
import { describe, expect, it } from 'vitest';
import { FrameType, Reason, type Frame } from '@ws2web/protocol';
import type { Lookup, Relay } from '../../src/index.js';
import {
  LOOPBACK,
  PageClient,
  defer,
  startEchoServer,
  useRelay,
  usePage,
  useServer,
  waitUntil,
} from '../support/index.js';
import { startSilentDns } from '../support/silent-dns.js';

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
    // All 10 pages are one client (127.0.0.1): its own cap is off, the relay-wide bounds are tested.
    const relay = await useRelay({ lookup, lookupsPerSecond: 200, opensPerSecond: 0, maxLookupsInFlightPerClient: 0 });
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

/** A page whose client address is `client` (the relay trusts the loopback proxy's X-Forwarded-For). */
async function pageFrom(relay: Relay, client: string): Promise<PageClient> {
  const page = await PageClient.connect(relay.url, { 'X-Forwarded-For': client });
  defer(() => page.close());
  expect((await page.hello()).type).toBe(FrameType.WELCOME);
  return page;
}

const resolveFrame = (stream: number, host: string): Frame => ({
  type: FrameType.RESOLVE,
  stream,
  family: 4,
  flags: 0,
  host,
});
const openByName = (stream: number, host: string, port: number): Frame => ({
  type: FrameType.OPEN,
  stream,
  transport: 1,
  flags: 0,
  window: 1 << 16,
  remote: { kind: 'name', host, port },
  local: null,
});

describe('lookups that never answer, asked with c-ares (the default name service)', () => {
  it('16 never-answered names from one client: 8 wait (its cap), 8 TRY_AGAIN; another client still opens by name; closing frees every place at once', async () => {
    const dns = await startSilentDns();
    defer(() => dns.close());
    const echo = await useServer(startEchoServer());
    const relay = await useRelay({
      // c-ares would give up after 30 s; the test is long over by then: only cancellation frees places.
      dns: { servers: [dns.server], timeoutMs: 30_000, tries: 1 },
      lookupTimeoutMs: 60_000,
      allow: LOOPBACK,
      trustProxy: ['127.0.0.1/32'],
      opensPerSecond: 0,
    });
    const attacker = await pageFrom(relay, '198.51.100.1');
    const honest = await pageFrom(relay, '198.51.100.2');

    // 8 RESOLVEs and 8 OPENs by name that the server never answers.
    attacker.send(
      ...Array.from({ length: 8 }, (_, i) => resolveFrame(1 + 2 * i, `hang-r${i}.test`)),
      ...Array.from({ length: 8 }, (_, i) => openByName(17 + 2 * i, `hang-o${i}.test`, 80)),
    );
    const refused = await answers(attacker, 8);
    expect(refused).toEqual({ [String(Reason.TRY_AGAIN)]: 8 });
    expect(relay.metrics().limitHits.lookups_in_flight_per_client).toBe(8);
    await waitUntil(() => dns.dropped() >= 8, 5000, 'the server to receive the 8 queries it drops');
    expect(relay.metrics().lookupsInFlight).toBe(8);

    // The other client's names resolve and its OPEN by name connects meanwhile.
    const start = performance.now();
    expect(await honest.resolve(1, 'ok.test', 4)).toMatchObject({ type: FrameType.RESOLVED });
    expect(await honest.open(3, { kind: 'name', host: 'echo.test', port: echo.port })).toMatchObject({
      type: FrameType.OPENED,
    });
    const honestMs = performance.now() - start;
    console.log(
      `c-ares: 8 lookups never answered; the other client's RESOLVE + OPEN by name took ${honestMs.toFixed(0)} ms`,
    );
    expect(honestMs).toBeLessThan(2000);

    // Which 8 of the 16 got places depends on arrival order; CLOSE all 16: the 8 pending go.
    attacker.send(
      ...Array.from({ length: 16 }, (_, i) => ({ type: FrameType.CLOSE, stream: 1 + 2 * i, reason: Reason.OK })),
    );
    await waitUntil(() => relay.metrics().lookupsInFlight === 0, 1000, 'the closed streams to free their lookups');

    // The client's cap is free again: 8 new pending lookups, then its WebSocket goes.
    attacker.send(...Array.from({ length: 8 }, (_, i) => resolveFrame(101 + 2 * i, `hang-again${i}.test`)));
    await waitUntil(() => relay.metrics().lookupsInFlight === 8, 5000, '8 lookups pending again');
    expect(relay.metrics().limitHits.lookups_in_flight_per_client).toBe(8);
    attacker.close();
    await waitUntil(() => relay.metrics().lookupsInFlight === 0, 1000, 'the WebSocket going to free its lookups');
    expect((await honest.resolve(5, 'still-ok.test', 4)).type).toBe(FrameType.RESOLVED);
  });
});
