/**
 * What every abuse test measures while its attack runs: an honest page's echo latency through
 * the same relay, and the relay's own figures — its sampled `heldBytes` (unsent bytes held for
 * pages, the bound these tests assert) and this process's RSS. The relay runs in the test's own
 * process, so RSS also counts the attacker and the servers: it is printed, not asserted; the
 * held-bytes metric is what the relay itself accounts for and is what the bounds are stated in.
 */
import { FrameType } from '@ws2web/protocol';
import type { Relay } from '../../src/index.js';
import { defer, ipv4, startEchoServer, useServer, usePage, type PageClient } from '../support/index.js';

/** Below this the 5× rule would be about scheduler jitter on a shared loopback machine, not the relay. */
const LATENCY_FLOOR_MS = 25;

export interface HonestPage {
  /**
   * Two windows of `count` echo round trips one after another; the lower of their 99th
   * percentiles in ms. A scheduler stall of the shared machine lands in one window; a relay that
   * stops serving honest pages shows in both.
   */
  p99(count?: number): Promise<number>;
}

/** A page that echoes 16 bytes through a loopback echo server and times each round trip. */
export async function honestPage(relay: Relay): Promise<HonestPage> {
  const echo = await useServer(startEchoServer());
  const page = await usePage(relay);
  const opened = await page.open(1, ipv4(echo.port));
  if (opened.type !== FrameType.OPENED) throw new Error('honest page could not open its echo stream');
  const payload = new Uint8Array(16).fill(0x68);
  return {
    async p99(count = 100) {
      const window = async (): Promise<number> => {
        const times: number[] = [];
        for (let i = 0; i < count; i++) {
          const start = performance.now();
          page.send({ type: FrameType.DATA, stream: 1, data: payload });
          await page.read(1, payload.length, { timeoutMs: 10_000 });
          times.push(performance.now() - start);
        }
        times.sort((a, b) => a - b);
        return times[Math.floor(0.99 * (times.length - 1))]!;
      };
      return Math.min(await window(), await window());
    },
  };
}

/** The honest page's p99 during the attack may be at most 5× its idle p99 (with the floor above). */
export function latencyCeiling(idleP99: number): number {
  return Math.max(5 * idleP99, LATENCY_FLOOR_MS);
}

export interface Watch {
  /** Stops sampling; the peaks seen. */
  stop(): { peakHeldBytes: number; rssStartMiB: number; peakRssMiB: number };
}

/** Samples the relay's heldBytes and this process's RSS every 5 ms until stopped (or the test ends). */
export function watch(relay: Relay): Watch {
  const rssStart = process.memoryUsage.rss();
  let peakHeld = 0;
  let peakRss = rssStart;
  const timer = setInterval(() => {
    peakHeld = Math.max(peakHeld, relay.metrics().heldBytes);
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 5);
  defer(() => clearInterval(timer));
  return {
    stop() {
      clearInterval(timer);
      return { peakHeldBytes: peakHeld, rssStartMiB: mib(rssStart), peakRssMiB: mib(peakRss) };
    },
  };
}

export const mib = (bytes: number): number => Math.round((bytes / 2 ** 20) * 10) / 10;

/** An attacker: a page that stops reading its WebSocket (the relay's sends pile up toward it). */
export function stopReading(page: PageClient): void {
  page.ws.pause();
  // Cleanups run latest first: reading again before the page's own close lets that close complete.
  defer(() => page.ws.resume());
}
