/** Bytes through a relayed stream: credits both ways, half-close, close, reset. */
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { FrameType, Reason, type CreditFrame, type OpenedFrame } from '@ws2web/protocol';
import { startRelay, type Relay, type RelayOptions } from '../src/index.js';
import { PageClient, ipv4 } from './support/page-client.js';
import { collectUntilEnd, startEchoServer, startServer, type TestServer } from './support/tcp-servers.js';
import { defer, stalled, waitUntil } from './support/index.js';

async function setup(srvPromise: Promise<TestServer>, options: RelayOptions = {}) {
  const srv = await srvPromise;
  defer(() => srv.close());
  const relay: Relay = await startRelay({ allow: ['127.0.0.0/8'], log: () => {}, ...options });
  defer(() => relay.close());
  const page = await PageClient.ready(relay.url);
  defer(() => page.close());
  return { srv, relay, page };
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Sends `data` on `stream` never exceeding the credit the relay granted, waiting for CREDIT. */
async function sendWithinCredit(
  page: PageClient,
  stream: number,
  data: Buffer,
  initialCredit: number,
  chunk = 64 * 1024,
): Promise<void> {
  let credit = initialCredit;
  for (let at = 0; at < data.length; ) {
    while (credit === 0) credit += ((await page.nextOn(stream, FrameType.CREDIT)) as CreditFrame).bytes;
    const n = Math.min(credit, chunk, data.length - at);
    page.send({ type: FrameType.DATA, stream, data: data.subarray(at, at + n) });
    credit -= n;
    at += n;
  }
}

describe('streams', () => {
  it('echoes 4 MiB intact (sha256) within the credits both ways', async () => {
    const { srv, relay, page } = await setup(startEchoServer());
    const opened = (await page.open(1, ipv4(srv.port), { window: 128 * 1024 })) as OpenedFrame;
    expect(opened.type).toBe(FrameType.OPENED);
    const payload = randomBytes(4 * 1024 * 1024);
    const [echoed] = await Promise.all([
      page.read(1, payload.length, { timeoutMs: 20_000 }),
      sendWithinCredit(page, 1, payload, opened.window),
    ]);
    expect(echoed.length).toBe(payload.length);
    expect(sha256(echoed)).toBe(sha256(payload));
    await waitUntil(() => relay.metrics().bytesPageToPeer === payload.length, 2000, 'write callbacks');
    expect(relay.metrics().bytesPeerToPage).toBe(payload.length);
    // Frames of one turn are coalesced: fewer WebSocket messages than DATA+CREDIT frames.
    expect(page.messages).toBeLessThan((payload.length / (64 * 1024)) * 2);
    expect(page.inbox.filter((f) => f.type === FrameType.CLOSE)).toEqual([]);
  }, 30_000);

  it('stops reading the peer when the page grants no more credit (backpressure)', async () => {
    const total = 16 * 1024 * 1024;
    const payload = randomBytes(total);
    const { srv, relay, page } = await setup(startServer((s) => s.write(payload)));
    const window = 64 * 1024;
    expect((await page.open(1, ipv4(srv.port), { window })).type).toBe(FrameType.OPENED);
    const server = await srv.accepted();
    await waitUntil(() => page.bufferedData(1) === window, 5000, 'the first window');
    // The peer is blocked (its kernel buffers and the relay's are full, so the relay had bytes
    // to read had it been reading), and everything the relay queued has arrived.
    await waitUntil(
      stalled(() => server.writableLength),
      5000,
      'the peer to stall',
    );
    await page.roundTrip();
    // The relay sent exactly the window and no more; the rest backs up in the kernel and then
    // in the peer's own Node buffer.
    expect(page.bufferedData(1)).toBe(window);
    expect(relay.metrics().bytesPeerToPage).toBe(window);
    expect(server.writableLength).toBeGreaterThan(0);
    // Reading (and granting credit) lets everything through, in order.
    const all = await page.read(1, total, { timeoutMs: 20_000 });
    expect(sha256(all)).toBe(sha256(payload));
    expect(server.writableLength).toBe(0);
  }, 30_000);

  it('forwards the peer FIN only after every held byte', async () => {
    const { srv, page } = await setup(startServer((s) => s.end(Buffer.from('abcdefghijklmnopqrstuvwxy'))));
    expect((await page.open(1, ipv4(srv.port), { window: 10 })).type).toBe(FrameType.OPENED);
    await waitUntil(() => page.bufferedData(1) === 10, 2000, 'first 10 bytes');
    const server = await srv.accepted();
    await waitUntil(() => server.writableFinished, 2000, 'the peer FIN sent');
    await page.roundTrip(); // the relay has had its turn to read the FIN
    expect(page.typesOn(1)).toEqual(['DATA']); // no FIN while 15 bytes are held
    expect((await page.read(1, 10, { credit: true })).toString()).toBe('abcdefghij');
    expect((await page.read(1, 10, { credit: true })).toString()).toBe('klmnopqrst');
    expect((await page.read(1, 5, { credit: false })).toString()).toBe('uvwxy');
    expect((await page.nextOn(1, FrameType.FIN)).type).toBe(FrameType.FIN);
  });

  it('answers DATA beyond the granted credit with CLOSE(PROTOCOL_ERROR), destroys the socket and closes the connection', async () => {
    const { srv, relay, page } = await setup(startEchoServer(), { streamWindow: 1000 });
    const opened = (await page.open(1, ipv4(srv.port))) as OpenedFrame;
    expect(opened.window).toBe(1000);
    const server = await srv.accepted();
    const serverClosed = once(server, 'close');
    page.send({ type: FrameType.DATA, stream: 1, data: new Uint8Array(1001) });
    expect(await page.nextOn(1, FrameType.CLOSE)).toEqual({
      type: FrameType.CLOSE,
      stream: 1,
      reason: Reason.PROTOCOL_ERROR,
    });
    // A page that breaks flow control loses the connection, not only the stream.
    expect(await page.next((f) => f.type === FrameType.GOAWAY)).toMatchObject({
      type: FrameType.GOAWAY,
      reason: Reason.PROTOCOL_ERROR,
    });
    expect((await page.closed).code).toBe(1002);
    await serverClosed;
    expect(relay.metrics().protocolErrors).toBe(1);
  });

  it('counts credit across frames: two DATA that together exceed the window are a violation', async () => {
    const { srv, page } = await setup(startServer(), { streamWindow: 1000 });
    await page.open(1, ipv4(srv.port));
    await srv.accepted(); // the server reads nothing, so no credit comes back
    page.send(
      { type: FrameType.DATA, stream: 1, data: new Uint8Array(600) },
      { type: FrameType.DATA, stream: 1, data: new Uint8Array(600) },
    );
    expect(await page.nextOn(1, FrameType.CLOSE)).toEqual({
      type: FrameType.CLOSE,
      stream: 1,
      reason: Reason.PROTOCOL_ERROR,
    });
  });

  it('half-closes page → peer: FIN ends the socket after the queued bytes, the other way keeps working', async () => {
    const { srv, page } = await setup(startServer());
    await page.open(1, ipv4(srv.port));
    const server = await srv.accepted();
    const received = collectUntilEnd(server);
    page.send({ type: FrameType.DATA, stream: 1, data: Buffer.from('request') }, { type: FrameType.FIN, stream: 1 });
    expect((await received).toString()).toBe('request');
    // The server answers after our FIN, then closes its side.
    server.end('response');
    expect((await page.read(1, 8)).toString()).toBe('response');
    expect((await page.nextOn(1, FrameType.FIN)).type).toBe(FrameType.FIN);
    expect(await page.nextOn(1, FrameType.CLOSE)).toEqual({ type: FrameType.CLOSE, stream: 1, reason: Reason.OK });
  });

  it('half-closes peer → page: FIN reaches the page, which can still send', async () => {
    const { srv, relay, page } = await setup(startServer((s) => s.end('greeting')));
    await page.open(1, ipv4(srv.port));
    const server = await srv.accepted();
    expect((await page.read(1, 8)).toString()).toBe('greeting');
    expect((await page.nextOn(1, FrameType.FIN)).type).toBe(FrameType.FIN);
    const received = collectUntilEnd(server);
    page.send({ type: FrameType.DATA, stream: 1, data: Buffer.from('late reply') }, { type: FrameType.FIN, stream: 1 });
    expect((await received).toString()).toBe('late reply');
    expect(await page.nextOn(1, FrameType.CLOSE)).toEqual({ type: FrameType.CLOSE, stream: 1, reason: Reason.OK });
    expect(relay.metrics().streams).toBe(0);
  });

  it('reports a peer reset as CLOSE(RESET)', async () => {
    const { srv, page } = await setup(startServer());
    await page.open(1, ipv4(srv.port));
    const server = await srv.accepted();
    server.resetAndDestroy();
    expect(await page.nextOn(1, FrameType.CLOSE)).toEqual({ type: FrameType.CLOSE, stream: 1, reason: Reason.RESET });
  });

  it("aborts on the page's CLOSE(RESET): the peer sees ECONNRESET", async () => {
    const { srv, page } = await setup(startServer());
    await page.open(1, ipv4(srv.port));
    const server = await srv.accepted();
    const error = new Promise<NodeJS.ErrnoException>((resolve) => server.once('error', resolve));
    page.send({ type: FrameType.CLOSE, stream: 1, reason: Reason.RESET });
    expect((await error).code).toBe('ECONNRESET');
  });

  it("closes gracefully on the page's CLOSE(OK): queued bytes, then FIN, nothing more to the page", async () => {
    const { srv, relay, page } = await setup(startServer());
    await page.open(1, ipv4(srv.port));
    const server = await srv.accepted();
    const payload = randomBytes(200 * 1024);
    const received = collectUntilEnd(server);
    page.send(
      ...[0, 1, 2, 3].map(
        (i) =>
          ({ type: FrameType.DATA, stream: 1, data: payload.subarray(i * 50 * 1024, (i + 1) * 50 * 1024) }) as const,
      ),
      { type: FrameType.CLOSE, stream: 1, reason: Reason.OK },
    );
    expect(sha256(await received)).toBe(sha256(payload));
    expect(relay.metrics().streams).toBe(0);
    server.end('ignored: the page closed');
    await once(server, 'close');
    await page.roundTrip();
    expect(page.typesOn(1)).toEqual([]); // no DATA, CREDIT, FIN or CLOSE after the page's CLOSE
  });

  it('queues DATA and FIN sent before OPENED and delivers them once connected', async () => {
    const { srv, page } = await setup(startServer());
    page.send(
      { type: FrameType.OPEN, stream: 1, transport: 1, flags: 0, window: 1024, remote: ipv4(srv.port), local: null },
      { type: FrameType.DATA, stream: 1, data: Buffer.from('early') },
      { type: FrameType.FIN, stream: 1 },
    );
    const server = await srv.accepted();
    expect((await collectUntilEnd(server)).toString()).toBe('early');
    expect((await page.nextOn(1, FrameType.OPENED)).type).toBe(FrameType.OPENED);
    const credit = (await page.nextOn(1, FrameType.CREDIT)) as CreditFrame;
    expect(credit.bytes).toBe(5);
  });

  it('returns credit as the kernel takes the bytes, coalesced per turn', async () => {
    const window = 16 * 1024;
    const { srv, page } = await setup(startServer(), { streamWindow: window });
    await page.open(1, ipv4(srv.port));
    await srv.accepted();
    // 50 frames of 100 bytes in one message: their write callbacks run in one turn → one CREDIT
    // (5000 bytes is over a quarter of the window, so it goes out on its own).
    page.send(
      ...Array.from({ length: 50 }, () => ({ type: FrameType.DATA, stream: 1, data: new Uint8Array(100) }) as const),
    );
    const credit = (await page.nextOn(1, FrameType.CREDIT)) as CreditFrame;
    const credited = () =>
      page.inbox.reduce((n, f) => n + (f.type === FrameType.CREDIT && f.stream === 1 ? f.bytes : 0), credit.bytes);
    await waitUntil(() => credited() >= 5000, 2000, 'all 5000 bytes credited');
    await page.roundTrip(); // any further CREDIT would be here now
    const more = page.inbox.filter((f) => f.type === FrameType.CREDIT).map((f) => (f as CreditFrame).bytes);
    expect(credit.bytes + more.reduce((a, b) => a + b, 0)).toBe(5000);
    expect(more.length).toBeLessThanOrEqual(1);
  });

  it('holds a small CREDIT until a frame goes out anyway: a request/response costs one message each way', async () => {
    const window = 16 * 1024;
    const { srv, relay, page } = await setup(startEchoServer(), { streamWindow: window });
    await page.open(1, ipv4(srv.port));
    await srv.accepted();
    for (let round = 1; round <= 3; round++) {
      const before = page.messages;
      page.send({ type: FrameType.DATA, stream: 1, data: new Uint8Array(64).fill(round) });
      const echoed = await page.read(1, 64, { credit: false });
      expect(echoed.every((b) => b === round)).toBe(true);
      await waitUntil(() => relay.metrics().bytesPageToPeer === 64 * round, 2000, 'the request written');
      await page.roundTrip();
      // The echo's DATA carried the CREDIT for the request (one message), or the CREDIT waits
      // for the next one; never a message of its own.
      expect(page.messages - before).toBe(1);
    }
    const credited = page.inbox
      .filter((f) => f.type === FrameType.CREDIT)
      .reduce((n, f) => n + (f as CreditFrame).bytes, 0);
    expect(credited).toBeGreaterThanOrEqual(64 * 2);
    expect(credited).toBeLessThanOrEqual(64 * 3);
  });

  it('sends a waiting CREDIT alone once a quarter of the window is owed, so a page out of credit resumes', async () => {
    const window = 16 * 1024;
    const { srv, relay, page } = await setup(startServer(), { streamWindow: window });
    await page.open(1, ipv4(srv.port));
    await srv.accepted();
    page.send({ type: FrameType.DATA, stream: 1, data: new Uint8Array(window / 4 - 1) });
    await waitUntil(() => relay.metrics().bytesPageToPeer === window / 4 - 1, 2000, 'the bytes written');
    await page.roundTrip();
    expect(page.typesOn(1)).not.toContain('CREDIT'); // under a quarter, nothing else to send: it waits
    page.send({ type: FrameType.DATA, stream: 1, data: new Uint8Array(1) });
    expect(((await page.nextOn(1, FrameType.CREDIT)) as CreditFrame).bytes).toBe(window / 4);
    // The whole window spent: it all comes back.
    page.send({ type: FrameType.DATA, stream: 1, data: new Uint8Array(window) });
    expect(((await page.nextOn(1, FrameType.CREDIT)) as CreditFrame).bytes).toBe(window);
  });
});
