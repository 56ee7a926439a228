/**
 * What relay tests share: a relay, pages and servers that are released when the test ends
 * (whether it passed or not), and one way to wait for a condition. Importing this module
 * registers the file's cleanup hook.
 *
 *   const relay = await useRelay({ allow: LOOPBACK });
 *   const page = await usePage(relay);
 *   const echo = await useServer(startEchoServer());
 */
import dns from 'node:dns';
import { afterEach } from 'vitest';
import { startRelay, type Relay, type RelayOptions } from '../../src/index.js';
import { PageClient } from './page-client.js';
import type { TestServer } from './tcp-servers.js';

export * from './page-client.js';
export * from './tcp-servers.js';

/** The loopback ranges a relay under test may dial (nothing else is ever dialled). */
export const LOOPBACK: readonly string[] = ['127.0.0.0/8', '::1/128'];

/** A log sink that drops everything: tests assert on metrics and frames, not on log lines. */
export const quiet = (): void => {};

/**
 * A relay started without `dns` asks the process's default servers (/etc/resolv.conf). Tests
 * never query beyond loopback: point them at 127.0.0.1:9, where nothing answers DNS (refused, or
 * silence), so a test that forgets `dns`/`lookup` fails instead of asking the outside world.
 */
export const NO_DNS_SERVER = '127.0.0.1:9';
dns.setServers([NO_DNS_SERVER]);

const cleanups: Array<() => unknown> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Runs `cleanup` after the current test, latest first. */
export function defer(cleanup: () => unknown): void {
  cleanups.push(cleanup);
}

/** A relay on 127.0.0.1 port 0 with a quiet log and `options`, closed after the test. */
export async function useRelay(options: RelayOptions = {}): Promise<Relay> {
  const relay = await startRelay({ log: quiet, ...options });
  defer(() => relay.close());
  return relay;
}

/** A page through the handshake (WELCOME received), closed after the test. */
export async function usePage(relay: Relay, token = ''): Promise<PageClient> {
  const page = await PageClient.ready(relay.url, token);
  defer(() => page.close());
  return page;
}

/** A server (startServer, startEchoServer…), closed after the test. */
export async function useServer(starting: Promise<TestServer>): Promise<TestServer> {
  const server = await starting;
  defer(() => server.close());
  return server;
}

/**
 * Resolves once `predicate` holds — a metric, a state, a count of what arrived — looked at every
 * few ms; rejects naming `what` after `timeoutMs`. The predicate may be async (a scrape).
 */
export async function waitUntil(
  predicate: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * A predicate for `waitUntil` that holds once `value()` has stayed the same over `samples`
 * looks: a buffer that stopped draining, a count that stopped growing.
 */
export function stalled(value: () => number, samples = 5): () => boolean {
  let last = Number.NaN;
  let same = 0;
  return () => {
    const now = value();
    same = now === last ? same + 1 : 0;
    last = now;
    return same >= samples;
  };
}

/** The relay's /metrics text (Prometheus), for gauges the snapshot does not carry (streams_by_state). */
export async function scrape(relay: Relay): Promise<string> {
  const response = await fetch(`${relay.url.replace(/^ws/, 'http')}metrics`);
  return response.text();
}

/** The `streams_by_state` gauge for `state` (0 when absent). */
export async function streamsInState(relay: Relay, state: string): Promise<number> {
  const line = (await scrape(relay))
    .split('\n')
    .find((l) => l.startsWith(`ws2web_relay_streams_by_state{state="${state}"}`));
  return line === undefined ? 0 : Number(line.split(' ').pop());
}

/**
 * Lets `ms` pass. Only where time itself is what is tested (a token bucket refilling, a rate
 * measured over seconds, a timer that must not fire); anything else awaits its event.
 */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
