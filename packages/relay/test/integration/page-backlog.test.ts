/**
 * Credit bounds what a page may be sent, not how fast it reads its WebSocket. A page that grants
 * a huge credit and then stops reading its WebSocket must not make the relay queue what its TCP
 * peer offers: streams pause while the WebSocket is backlogged (limit `page_backlog`).
 */
import { describe, expect, it } from 'vitest';
import { FrameType } from '@ws2web/protocol';
import { startRelay } from '../../src/index.js';
import { PageClient, ipv4 } from '../support/page-client.js';
import { startServer } from '../support/tcp-servers.js';
import { defer, sleep, waitUntil } from '../support/index.js';

const OFFERED = 128 << 20;

describe('a page that grants credit but does not read its WebSocket', () => {
  it('stops the relay reading: it forwards far less than the credit, then everything once the page reads', async () => {
    const chunk = Buffer.alloc(1 << 20, 0x5a);
    const server = await startServer((socket) => {
      let sent = 0;
      const more = () => {
        while (sent < OFFERED) {
          sent += chunk.length;
          if (!socket.write(chunk)) return socket.once('drain', more);
        }
        socket.end();
      };
      more();
    });
    defer(() => server.close());
    // The credit is not clamped here (maxStreamCredit): what is tested is the backlog bound alone.
    const relay = await startRelay({ log: () => {}, allow: ['127.0.0.0/8'], maxStreamCredit: OFFERED });
    defer(() => relay.close());
    const page = await PageClient.ready(relay.url);
    defer(() => page.close());

    // Credit for everything the peer offers, then the page stops reading its WebSocket.
    const opened = await page.open(1, ipv4(server.port), { window: OFFERED });
    expect(opened.type).toBe(FrameType.OPENED);
    const transport = (page.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    transport.pause();
    // What is measured is how much the relay forwards over a stretch of time while the page does
    // not read (it never quite stops: kernel buffers keep growing), so this waits out that time.
    await waitUntil(() => (relay.metrics().limitHits.page_backlog ?? 0) > 0, 5000, 'the backlog limit');
    await sleep(1500);
    const stalled = relay.metrics().bytesPeerToPage;
    // Without the backlog check the relay would forward (and queue) all 128 MiB it has credit for.
    // What it may forward: ~4 MiB of WebSocket backlog plus the loopback socket buffers between.
    console.log(`page not reading: relay forwarded ${stalled} of ${OFFERED} bytes it had credit for`);
    expect(stalled).toBeLessThan(OFFERED / 3);
    expect(relay.metrics().limitHits.page_backlog ?? 0).toBeGreaterThan(0);

    transport.resume();
    const data = await page.read(1, OFFERED, { credit: false, timeoutMs: 30_000 });
    expect(data.length).toBe(OFFERED);
    expect(relay.metrics().bytesPeerToPage).toBe(OFFERED);
  }, 60_000);
});
