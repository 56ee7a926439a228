/**
 * Fleet-wide limits: two relays behind nginx share their per-client and per-subject counts in a
 * real redis-server on loopback (`redis`). A client over a cap is refused whichever relay nginx
 * picks; closing releases every count; a dead relay's counts expire; with Redis down each relay
 * falls back to its own counts (fail open to the per-relay bound) and re-asserts them when Redis
 * is back.
 */
import { describe, expect, it } from 'vitest';
import { FrameType, Reason } from '@ws2web/protocol';
import { createTicket, type Relay } from '../../src/index.js';
import { LOOPBACK, defer, useRelay, waitUntil } from '../support/index.js';
import { NGINX, hasNginx, startNginx } from '../support/nginx.js';
import { PageClient, ipv4 } from '../support/page-client.js';
import { REDIS_SERVER, hasRedis, useRedis, type TestRedis } from '../support/redis.js';
import { startEchoServer, startServer } from '../support/tcp-servers.js';

const ready = hasNginx && hasRedis;
if (!ready)
  console.warn(
    `fleet-limits.test: needs ${NGINX} and ${REDIS_SERVER} (apt-get install -y nginx-light redis-server); skipped`,
  );

const SECRET = 'fleet-secret';
/** What nginx appends X-Forwarded-For to: the client the relays see (never dialled). */
const CLIENT = '203.0.113.7';

async function fleet(redis: TestRedis, options: Parameters<typeof useRelay>[0] = {}): Promise<[Relay, Relay, string]> {
  const common = {
    allow: LOOPBACK,
    secret: SECRET,
    trustProxy: ['127.0.0.1/32'],
    redis: redis.url,
    fleetTtlMs: 600,
    ...options,
  };
  const a = await useRelay(common);
  const b = await useRelay(common);
  const port = await startNginx([a.port, b.port]);
  return [a, b, `ws://127.0.0.1:${port}/`];
}

/** A WebSocket through nginx from CLIENT, or the HTTP status that refused it. */
async function connect(url: string, from = CLIENT): Promise<PageClient | number> {
  try {
    const page = await PageClient.connect(url, { 'X-Forwarded-For': from });
    defer(() => page.close());
    return page;
  } catch (err) {
    return (err as { statusCode?: number }).statusCode ?? -1;
  }
}

function hits(relay: Relay, limit: string): number {
  return relay.metrics().limitHits[limit] ?? 0;
}

/** Every count key in the store, with its per-relay fields. */
async function storeContents(redis: TestRedis): Promise<Record<string, Record<string, string>>> {
  const out: Record<string, Record<string, string>> = {};
  for (const key of await redis.client.sMembers('ws2web:keys'))
    out[key] = await redis.client.hGetAll(`ws2web:count:${key}`);
  return out;
}

describe('fleet-wide limits in redis', () => {
  it.skipIf(!ready)(
    'WebSockets per client address: the cap holds across both relays, and closing releases every count',
    async () => {
      const redis = await useRedis();
      const [a, b, url] = await fleet(redis, { maxConnectionsPerIp: 3 });
      const pages: PageClient[] = [];
      for (let i = 0; i < 3; i++) {
        const page = await connect(url);
        expect(page).toBeInstanceOf(PageClient);
        pages.push(page as PageClient);
      }
      // nginx balances round-robin: both relays carry some of the three.
      expect(a.metrics().connections).toBeGreaterThan(0);
      expect(b.metrics().connections).toBeGreaterThan(0);
      // The fourth and fifth land on each relay in turn: both refuse from the shared count.
      expect(await connect(url)).toBe(429);
      expect(await connect(url)).toBe(429);
      expect(hits(a, 'connections_per_ip')).toBe(1);
      expect(hits(b, 'connections_per_ip')).toBe(1);
      // Another client is not affected.
      expect(await connect(url, '203.0.113.8')).toBeInstanceOf(PageClient);

      const contents = await storeContents(redis);
      const mine = Object.values(contents[`ws:${CLIENT}`] ?? {}).map(Number);
      expect(mine.reduce((x, y) => x + y, 0)).toBe(3);

      for (const page of pages) page.close();
      await waitUntil(
        async () => (await redis.client.exists(`ws2web:count:ws:${CLIENT}`)) === 0,
        5000,
        'the counts to return to zero',
      );
      expect(await redis.client.sIsMember('ws2web:keys', `ws:${CLIENT}`)).toBe(0);
      expect(await connect(url)).toBeInstanceOf(PageClient);
    },
  );

  it.skipIf(!ready)('sockets per ticket subject: the cap holds across pages on both relays', async () => {
    const redis = await useRedis();
    const echo = await startEchoServer();
    defer(() => echo.close());
    // Loopback clients are exempt from the per-client caps (default exemptClients): only the subject counts.
    const [a, b, url] = await fleet(redis, { maxSocketsPerSubject: 3, trustProxy: [] });
    const token = createTicket({ secret: SECRET, ttlSeconds: 60, subject: 'alice' });
    const first = (await connect(url)) as PageClient;
    const second = (await connect(url)) as PageClient;
    expect((await first.hello(token)).type).toBe(FrameType.WELCOME);
    expect((await second.hello(token)).type).toBe(FrameType.WELCOME);
    expect(a.metrics().connections).toBe(1);
    expect(b.metrics().connections).toBe(1);
    const heard = () => a.metrics().fleetCountsHeard + b.metrics().fleetCountsHeard;
    const before = heard();
    expect((await first.open(1, ipv4(echo.port))).type).toBe(FrameType.OPENED);
    expect((await first.open(3, ipv4(echo.port))).type).toBe(FrameType.OPENED);
    expect((await second.open(1, ipv4(echo.port))).type).toBe(FrameType.OPENED);
    // Each relay hears the other's changes (pub/sub): three socket counts announced.
    await waitUntil(() => heard() === before + 3, 5000, 'both relays to hear every count');
    expect((await first.open(5, ipv4(echo.port))).type).toBe(FrameType.OPEN_FAILED);
    expect((await second.open(3, ipv4(echo.port))).type).toBe(FrameType.OPEN_FAILED);
    // One page on each relay: each relay refused once.
    expect(hits(a, 'sockets_per_subject')).toBe(1);
    expect(hits(b, 'sockets_per_subject')).toBe(1);

    // A closed socket gives its place back, fleet-wide.
    first.send({ type: FrameType.CLOSE, stream: 1, reason: Reason.RESET });
    const alice = async () =>
      Object.values(await redis.client.hGetAll('ws2web:count:sub:alice'))
        .map(Number)
        .reduce((x, y) => x + y, 0);
    await waitUntil(async () => (await alice()) === 2, 5000, 'the closed socket to be released');
    await waitUntil(() => heard() === before + 4, 5000, 'the release to be heard');
    expect((await second.open(5, ipv4(echo.port))).type).toBe(FrameType.OPENED);
    first.close();
    second.close();
    await waitUntil(
      async () => (await redis.client.exists('ws2web:count:sub:alice')) === 0,
      5000,
      'the counts to return to zero',
    );
  });

  it.skipIf(!ready)(
    "a dead relay's counts stop counting once its liveness key expires; a relay id with no liveness key never counts",
    async () => {
      const redis = await useRedis();
      const [, , url] = await fleet(redis, { maxConnectionsPerIp: 2 });
      // A relay that crashed holding two WebSockets of CLIENT, its heartbeat due to expire soon…
      await redis.client.set('ws2web:relay:crashed', '1', { PX: 400 });
      await redis.client.hSet(`ws2web:count:ws:${CLIENT}`, { crashed: '2', gone: '5' });
      await redis.client.sAdd('ws2web:keys', `ws:${CLIENT}`);
      // …still counts (the cap is reached), while "gone" (no liveness key at all) does not.
      expect(await connect(url)).toBe(429);
      expect(await redis.client.hExists(`ws2web:count:ws:${CLIENT}`, 'gone')).toBe(0);
      // Once its key expires, its counts no longer hold anyone out.
      await waitUntil(async () => (await redis.client.exists('ws2web:relay:crashed')) === 0, 5000, 'expiry');
      expect(await connect(url)).toBeInstanceOf(PageClient);
      expect(await redis.client.hExists(`ws2web:count:ws:${CLIENT}`, 'crashed')).toBe(0);
    },
  );

  it.skipIf(!ready)(
    'Redis unreachable: each relay fails open to its own counts, then re-asserts them when Redis is back',
    async () => {
      const redis = await useRedis();
      const relay = await useRelay({
        allow: LOOPBACK,
        redis: redis.url,
        maxConnectionsPerIp: 1,
        exemptClients: [],
        fleetTtlMs: 600,
        fleetTimeoutMs: 200,
      });
      await redis.stop();
      const page = await PageClient.connect(relay.url);
      defer(() => page.close());
      expect(relay.metrics().fleetStoreErrors).toBeGreaterThan(0);
      // The per-relay bound still holds: a second WebSocket from the client is refused.
      await expect(PageClient.connect(relay.url)).rejects.toMatchObject({ statusCode: 429 });
      // Redis comes back empty: the relay writes its count again.
      await redis.restart();
      await waitUntil(
        async () => {
          try {
            const fields = await redis.client.hGetAll('ws2web:count:ws:127.0.0.1');
            return Object.values(fields).map(Number).join() === '1';
          } catch {
            return false;
          }
        },
        10_000,
        'the relay to re-assert its count',
      );
      page.close();
      await waitUntil(
        async () => (await redis.client.exists('ws2web:count:ws:127.0.0.1')) === 0,
        5000,
        'the released count',
      );
    },
  );

  it.skipIf(!ready)(
    'clientBandwidthBytesPerSec: two WebSockets of one client on two relays share one budget',
    async () => {
      const redis = await useRedis();
      const firehose = await useFirehose();
      const [a, b, url] = await fleet(redis, { clientBandwidthBytesPerSec: CAP });
      const first = (await connect(url)) as PageClient;
      const second = (await connect(url)) as PageClient;
      // Each relay has heard of the other's WebSocket: each now moves half the budget.
      await waitUntil(
        () => a.metrics().fleetCountsHeard >= 1 && b.metrics().fleetCountsHeard >= 1,
        5000,
        'both relays to hear the other WebSocket',
      );
      for (const page of [first, second]) {
        expect((await page.hello(createTicket({ secret: SECRET, ttlSeconds: 60 }))).type).toBe(FrameType.WELCOME);
        expect((await page.open(1, ipv4(firehose), { window: 4 << 20 })).type).toBe(FrameType.OPENED);
      }
      const [one, two] = await Promise.all([rate(first), rate(second)]);
      console.log(`client bandwidth ${CAP} B/s over two relays: ${Math.round(one)} + ${Math.round(two)} B/s`);
      expect(one + two).toBeGreaterThan(CAP * 0.7);
      expect(one + two).toBeLessThan(CAP * 1.3);
      for (const each of [one, two]) expect(each).toBeLessThan(CAP * 0.75);
    },
  );
});

const CAP = 400_000;

/** A server that writes as fast as it may; its port. */
async function useFirehose(): Promise<number> {
  const server = await startServer((socket) => {
    const chunk = Buffer.alloc(64 * 1024, 7);
    const pump = (): void => {
      while (!socket.destroyed && socket.write(chunk));
    };
    socket.on('drain', pump);
    socket.on('error', () => {});
    pump();
  });
  defer(() => server.close());
  return server.port;
}

/** Bytes per second the page gets on stream 1 over [0.5 s, 2.5 s], returning credit as it reads. */
async function rate(page: PageClient): Promise<number> {
  let inWindow = 0;
  const start = performance.now();
  while (performance.now() - start < 2500) {
    const f = await page.nextOn(1, FrameType.DATA, 2000);
    if (f.type !== FrameType.DATA) continue;
    page.send({ type: FrameType.CREDIT, stream: 1, bytes: f.data.length });
    if (performance.now() - start >= 500) inWindow += f.data.length;
  }
  return inWindow / 2;
}

describe('clientBandwidthBytesPerSec on one relay', () => {
  it('two WebSockets of one client address share the budget (peer → page)', async () => {
    const firehose = await useFirehose();
    const relay = await useRelay({ allow: LOOPBACK, exemptClients: [], clientBandwidthBytesPerSec: CAP });
    const pages: PageClient[] = [];
    for (let i = 0; i < 2; i++) {
      const page = await PageClient.ready(relay.url);
      defer(() => page.close());
      expect((await page.open(1, ipv4(firehose), { window: 4 << 20 })).type).toBe(FrameType.OPENED);
      pages.push(page);
    }
    const [one, two] = await Promise.all(pages.map(rate));
    console.log(`client bandwidth ${CAP} B/s, one relay: ${Math.round(one!)} + ${Math.round(two!)} B/s`);
    expect(one! + two!).toBeGreaterThan(CAP * 0.7);
    expect(one! + two!).toBeLessThan(CAP * 1.3);
    expect(relay.metrics().limitHits.bandwidth).toBeGreaterThan(0);
  });
});
