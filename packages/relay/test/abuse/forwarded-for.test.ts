/**
 * X-Forwarded-For from a trusted proxy on loopback: a client must never become the proxy's own
 * (exempt, loopback) address — not by an unparsable right-most hop, not by naming the proxy.
 */
import { describe, expect, it } from 'vitest';
import { FrameType } from '@ws2web/protocol';
import type { Relay } from '../../src/index.js';
import { PageClient, defer, useRelay } from '../support/index.js';

async function usePage(relay: Relay, headers: Record<string, string>): Promise<PageClient> {
  const p = await PageClient.connect(relay.url, headers);
  defer(() => p.close());
  expect((await p.hello()).type).toBe(FrameType.WELCOME);
  return p;
}

const statusOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 101,
    (err: { statusCode?: number }) => err.statusCode ?? -1,
  );

// The default exemptClients (loopback) stay: they are what an attacker wants to inherit.
const behindProxy = { trustProxy: ['127.0.0.1/32'], maxConnectionsPerIp: 5 };

describe('X-Forwarded-For behind a trusted proxy', () => {
  it.each(['unknown', '203.0.113.5:4711', 'garbage, ', '203.0.113.5, _hidden', '"127.0.0.1"'])(
    'an unparsable hop the walk reaches (%j) → HTTP 400, counted; never the proxy address',
    async (header) => {
      const relay = await useRelay(behindProxy);
      expect(await statusOf(PageClient.connect(relay.url, { 'X-Forwarded-For': header }))).toBe(400);
      expect(relay.metrics().limitHits).toEqual({ bad_forwarded_for: 1 });
      expect(relay.metrics().connections).toBe(0);
    },
  );

  it('8 WebSockets naming the proxy (127.0.0.1) or nothing: the 6th is refused (not exempt)', async () => {
    const relay = await useRelay(behindProxy);
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const headers: Record<string, string> = i % 2 === 0 ? { 'X-Forwarded-For': '127.0.0.1' } : {};
      const attempt = PageClient.connect(relay.url, headers);
      const status = await statusOf(attempt);
      if (status === 101) defer(async () => (await attempt).close());
      statuses.push(status);
    }
    expect(statuses).toEqual([101, 101, 101, 101, 101, 429, 429, 429]);
    expect(relay.metrics().limitHits).toEqual({ connections_per_ip: 3 });
  });

  it('a real client beyond the proxy is counted under its own address; garbage left of it is never read', async () => {
    const relay = await useRelay({ ...behindProxy, maxConnectionsPerIp: 1 });
    await usePage(relay, { 'X-Forwarded-For': 'junk, 203.0.113.5' });
    expect(await statusOf(PageClient.connect(relay.url, { 'X-Forwarded-For': '203.0.113.5' }))).toBe(429);
    await usePage(relay, { 'X-Forwarded-For': '203.0.113.6, 127.0.0.1' });
    expect(relay.metrics().connections).toBe(2);
  });

  it('a direct loopback client (not through the proxy rules) is still exempt', async () => {
    const relay = await useRelay({ maxConnectionsPerIp: 1 });
    await usePage(relay, {});
    await usePage(relay, {});
    expect(relay.metrics().connections).toBe(2);
  });
});
