/**
 * What relay tests share: a relay, pages and servers that are released when the test ends
 * (whether it passed or not), and one way to wait for a condition. Importing this module
 * registers the file's cleanup hook.
 *
 *   const relay = await useRelay({ allow: LOOPBACK });
 *   const page = await usePage(relay);
 *   const echo = await useServer(startEchoServer());
 */
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
 * few ms; rejects naming `what` after `timeoutMs`.
 */
export function waitUntil(predicate: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const tick = (): void => {
      if (predicate()) return resolve();
      if (Date.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 5);
    };
    tick();
  });
}
