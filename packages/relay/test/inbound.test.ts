/**
 * Inbound sockets (LISTEN / LISTENING / INCOMING) against real Node clients on loopback: the
 * default refusal, the inbound policy (addresses, ports, ephemeral ports, remotes, ticket
 * listenPorts, caps), pending connections that are not read before accept, accept with 16 MiB
 * each way, reject, backlog overflow, listener close, WebSocket loss, and fixed-port UDP.
 * Every socket here is on 127.0.0.1 or ::1; listeners bind loopback addresses only.
 */
import { createHash, randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { once } from 'node:events';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  Capability,
  FrameType,
  ListenFlag,
  RELAY_STREAM_BASE,
  Reason,
  type CloseFrame,
  type CreditFrame,
  type DatagramFrame,
  type DgramOpenedFrame,
  type IncomingFrame,
  type ListeningFrame,
} from '@ws2web/protocol';
import { createTicket, startRelay, type Relay, type RelayOptions } from '../src/index.js';
import { PageClient, ipv4, ipv6 } from './support/page-client.js';
import { freePort, hasIPv6Loopback } from './support/tcp-servers.js';
import { startUdpPeer } from './support/udp-peers.js';
import { defer, useRelay, usePage, waitUntil } from './support/index.js';

const ipv6Loopback = await hasIPv6Loopback();
if (!ipv6Loopback) console.warn('inbound.test: no ::1 here; the IPv6 listener tests are skipped');

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** A relay whose inbound policy allows 127.0.0.1 on `ports` (default: ephemeral). */
async function inboundRelay(
  listen: Partial<NonNullable<RelayOptions['listen']>> = {},
  options: RelayOptions = {},
): Promise<Relay> {
  return useRelay({ listen: { addresses: ['127.0.0.1'], ports: 'ephemeral', ...listen }, ...options });
}
async function listening(
  p: PageClient,
  stream: number,
  local = ipv4(0),
  opts: Parameters<PageClient['listen']>[2] = {},
): Promise<ListeningFrame> {
  const answer = await p.listen(stream, local, opts);
  expect(answer.type, JSON.stringify(answer)).toBe(FrameType.LISTENING);
  return answer as ListeningFrame;
}
const portOf = (f: ListeningFrame) => f.local.port;

/** A plain Node client of a page's listener; errors are recorded, not thrown. */
interface Client {
  socket: net.Socket;
  received: Buffer[];
  error: NodeJS.ErrnoException | null;
  closed: Promise<void>;
  /** The relay side is gone: FIN (the client is half-open capable, so it stays open) or close. */
  ended: Promise<void>;
}
async function client(port: number, host = '127.0.0.1'): Promise<Client> {
  const socket = net.connect({ port, host, allowHalfOpen: true });
  // Not events.once: it rejects on 'error', and a reset is what some tests wait for.
  const closed = new Promise<void>((r) => socket.once('close', () => r()));
  const c: Client = {
    socket,
    received: [],
    error: null,
    closed,
    ended: Promise.race([closed, new Promise<void>((r) => socket.once('end', () => r()))]),
  };
  socket.on('data', (d: Buffer) => c.received.push(d));
  socket.on('error', (err: NodeJS.ErrnoException) => {
    c.error = err;
  });
  defer(() => socket.destroy());
  // A connection the relay resets at once may fail its connect already (ECONNRESET): recorded.
  await Promise.race([new Promise((r) => socket.once('connect', r)), c.closed]);
  return c;
}
const receivedBytes = (c: Client) => c.received.reduce((n, b) => n + b.length, 0);

/** Sends `data` on `stream` never exceeding the credit the relay granted, waiting for CREDIT. */
async function sendWithinCredit(
  p: PageClient,
  stream: number,
  data: Buffer,
  initialCredit: number,
  chunk = 64 * 1024,
): Promise<void> {
  let credit = initialCredit;
  for (let at = 0; at < data.length; ) {
    while (credit === 0) credit += ((await p.nextOn(stream, FrameType.CREDIT, 20_000)) as CreditFrame).bytes;
    const n = Math.min(credit, chunk, data.length - at);
    p.send({ type: FrameType.DATA, stream, data: data.subarray(at, at + n) });
    credit -= n;
    at += n;
  }
}

/** Whether a TCP connect to 127.0.0.1:port is refused (nobody listens). */
async function refused(port: number, host = '127.0.0.1'): Promise<boolean> {
  const s = net.connect({ port, host });
  try {
    await once(s, 'connect');
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ECONNREFUSED';
  } finally {
    s.destroy();
  }
}

describe('default relay (no inbound policy)', () => {
  it('announces INBOUND and refuses every LISTEN by policy, listening on nothing', async () => {
    const relay = await useRelay();
    const p = await PageClient.connect(relay.url);
    defer(() => p.close());
    const welcome = await p.hello();
    expect(welcome.type).toBe(FrameType.WELCOME);
    expect(welcome.type === FrameType.WELCOME && welcome.capabilities & Capability.INBOUND).toBe(Capability.INBOUND);
    const port = await freePort();
    expect(await p.listen(1, ipv4(port))).toEqual({
      type: FrameType.OPEN_FAILED,
      stream: 1,
      reason: Reason.POLICY_DENIED,
    });
    expect(await p.listen(2, ipv4(0, '0.0.0.0'))).toEqual({
      type: FrameType.OPEN_FAILED,
      stream: 2,
      reason: Reason.POLICY_DENIED,
    });
    expect(await refused(port)).toBe(true);
    const m = relay.metrics();
    expect(m.listens).toEqual({ POLICY_DENIED: 2 });
    expect(m.policyRefusalsByReason).toEqual({ inbound_off: 2 });
    expect(m.listeners).toBe(0);
  });
});

describe('LISTEN', () => {
  it('port 0 with ports "ephemeral" listens on a real OS-chosen port that a client reaches', async () => {
    const relay = await inboundRelay();
    const p = await usePage(relay);
    const l = await listening(p, 1);
    expect(l.local).toMatchObject({ kind: 'ipv4', address: '127.0.0.1' });
    expect(portOf(l)).toBeGreaterThan(0);
    await client(portOf(l));
    const inc = await p.incoming(1);
    expect(inc.newStream).toBe(RELAY_STREAM_BASE);
    expect(relay.metrics()).toMatchObject({ listeners: 1, listens: { OK: 1 }, streams: 1 });
  });

  it('a fixed port inside the range listens on exactly that port; outside it is POLICY_DENIED', async () => {
    const [a, b] = [await freePort(), await freePort()];
    const relay = await inboundRelay({ ports: [a] });
    const p = await usePage(relay);
    expect(portOf(await listening(p, 1, ipv4(a)))).toBe(a);
    expect(await p.listen(2, ipv4(b))).toEqual({
      type: FrameType.OPEN_FAILED,
      stream: 2,
      reason: Reason.POLICY_DENIED,
    });
    expect(await refused(b)).toBe(true);
    expect(relay.metrics().policyRefusalsByReason).toEqual({ listen_port: 1 });
  });

  it('port 0 without "ephemeral" gets a free port the relay picks from the range, skipping taken ones', async () => {
    // Three different ports: freePort can hand the same one out twice in a row.
    const ports: number[] = [];
    while (ports.length < 3) {
      const port = await freePort();
      if (!ports.includes(port)) ports.push(port);
    }
    // Two of the three are taken by other sockets: the relay must land on the third.
    const holders = await Promise.all(
      ports.slice(0, 2).map(async (port) => {
        const s = net.createServer().listen(port, '127.0.0.1');
        await once(s, 'listening');
        defer(() => new Promise((r) => s.close(r)));
        return s;
      }),
    );
    expect(holders).toHaveLength(2);
    const relay = await inboundRelay({ ports });
    const p = await usePage(relay);
    expect(portOf(await listening(p, 1))).toBe(ports[2]);
    // All three taken now: ADDR_IN_USE.
    expect(await p.listen(2, ipv4(0))).toEqual({ type: FrameType.OPEN_FAILED, stream: 2, reason: Reason.ADDR_IN_USE });
  });

  it('ADDR_IN_USE for a port another listener or another process-level socket holds, SO_REUSEADDR or not', async () => {
    const [port, held] = [await freePort(), await freePort()];
    const holder = net.createServer().listen(held, '127.0.0.1');
    await once(holder, 'listening');
    defer(() => new Promise((r) => holder.close(r)));
    const relay = await inboundRelay({ ports: `${port},${held}` });
    const p = await usePage(relay);
    await listening(p, 1, ipv4(port));
    expect(await p.listen(2, ipv4(port))).toEqual({
      type: FrameType.OPEN_FAILED,
      stream: 2,
      reason: Reason.ADDR_IN_USE,
    });
    const q = await usePage(relay);
    expect(await q.listen(1, ipv4(port), { flags: ListenFlag.REUSEADDR })).toEqual({
      type: FrameType.OPEN_FAILED,
      stream: 1,
      reason: Reason.ADDR_IN_USE,
    });
    expect(await q.listen(2, ipv4(held), { flags: ListenFlag.EXCLUSIVEADDRUSE })).toEqual({
      type: FrameType.OPEN_FAILED,
      stream: 2,
      reason: Reason.ADDR_IN_USE,
    });
    expect(relay.metrics().listens).toEqual({ OK: 1, ADDR_IN_USE: 3 });
  });

  it('addresses: a listed address listens there, an unlisted one is POLICY_DENIED, the wildcard is narrowed to the listed one', async () => {
    const relay = await inboundRelay({ addresses: ['127.0.0.1'] });
    const p = await usePage(relay);
    expect(await p.listen(1, ipv4(0, '127.0.0.2'))).toEqual({
      type: FrameType.OPEN_FAILED,
      stream: 1,
      reason: Reason.POLICY_DENIED,
    });
    const narrowed = await listening(p, 2, ipv4(0, '0.0.0.0'));
    expect(narrowed.local).toMatchObject({ kind: 'ipv4', address: '127.0.0.1' });
    // Narrowed means really bound there: 127.0.0.2 (also loopback on Linux) is not served.
    expect(await refused(portOf(narrowed), '127.0.0.2')).toBe(true);
    await client(portOf(narrowed));
    expect((await p.incoming(2)).local).toEqual(ipv4(portOf(narrowed)));
    expect(await p.listen(3, ipv6(0, '::'))).toEqual({
      type: FrameType.OPEN_FAILED,
      stream: 3,
      reason: Reason.POLICY_DENIED,
    });
    expect(relay.metrics().policyRefusalsByReason).toEqual({ listen_address: 2 });
  });

  it.skipIf(!ipv6Loopback)(
    'IPv6: ::1 listens; a dual-stack :: wildcard narrowed to a listed IPv4 address serves IPv4 clients',
    async () => {
      const relay = await inboundRelay({ addresses: ['::1'] });
      const p = await usePage(relay);
      const l6 = await listening(p, 1, ipv6(0, '::1'));
      expect(l6.local).toMatchObject({ kind: 'ipv6', address: '::1' });
      const c6 = await client(portOf(l6), '::1');
      const inc6 = await p.incoming(1);
      expect(inc6.remote).toEqual(ipv6(c6.socket.localPort!, '::1'));

      const relay4 = await inboundRelay({ addresses: ['127.0.0.1'] });
      const q = await usePage(relay4);
      // Without the dual-stack flag an AF_INET6 wildcard has no IPv6 address to go to.
      expect(await q.listen(1, ipv6(0, '::'))).toEqual({
        type: FrameType.OPEN_FAILED,
        stream: 1,
        reason: Reason.POLICY_DENIED,
      });
      const l = await listening(q, 2, ipv6(0, '::'), { flags: ListenFlag.DUAL_STACK });
      expect(l.local).toMatchObject({ kind: 'ipv4', address: '127.0.0.1' });
      const c4 = await client(portOf(l));
      expect((await q.incoming(2)).remote).toEqual(ipv4(c4.socket.localPort!));
    },
  );

  it('a page cannot send CREDIT or DATA on a listener stream (protocol error)', async () => {
    const relay = await inboundRelay();
    const p = await usePage(relay);
    await listening(p, 1);
    p.send({ type: FrameType.CREDIT, stream: 1, bytes: 10 });
    const goaway = await p.next((f) => f.type === FrameType.GOAWAY);
    expect(goaway).toMatchObject({ reason: Reason.PROTOCOL_ERROR, message: 'CREDIT on LISTEN stream 1' });
    expect((await p.closed).code).toBe(1002);
  });
});

describe('inbound connections', () => {
  it('INCOMING carries a relay stream id, the window, and both real addresses; ids increase', async () => {
    const relay = await inboundRelay({}, { streamWindow: 100_000 });
    const p = await usePage(relay);
    const port = portOf(await listening(p, 1));
    const c1 = await client(port);
    const c2 = await client(port);
    const i1 = await p.incoming(1);
    const i2 = await p.incoming(1);
    expect(i1).toEqual({
      type: FrameType.INCOMING,
      stream: 1,
      newStream: RELAY_STREAM_BASE,
      window: 100_000,
      local: ipv4(port),
      remote: ipv4(c1.socket.localPort!),
    });
    expect(i2).toMatchObject({ newStream: RELAY_STREAM_BASE + 1, remote: ipv4(c2.socket.localPort!) });
    expect(relay.metrics().inbound).toEqual({ offered: 2 });
  });

  it('reads nothing from a pending connection until the page accepts it with CREDIT', async () => {
    const relay = await inboundRelay();
    const p = await usePage(relay);
    const port = portOf(await listening(p, 1));
    const c = await client(port);
    const { newStream } = await p.incoming(1);
    const early = randomBytes(100_000);
    c.socket.end(early); // and a FIN: not seen before accept either
    await once(c.socket, 'finish'); // every byte and the FIN are in the relay's socket now
    await p.roundTrip(); // the relay has had a turn to read them, had it been reading
    expect(p.typesOn(newStream)).toEqual([]);
    expect(relay.metrics().bytesPeerToPage).toBe(0);
    p.send({ type: FrameType.CREDIT, stream: newStream, bytes: 1 << 20 });
    const got = await p.read(newStream, early.length);
    expect(sha256(got)).toBe(sha256(early));
    await p.nextOn(newStream, FrameType.FIN);
    expect(relay.metrics().inbound).toEqual({ offered: 1, accepted: 1 });
  });

  it('accept → 16 MiB each way at once, verified by sha256, within the credits', async () => {
    const relay = await inboundRelay({}, { streamWindow: 256 * 1024 });
    const p = await usePage(relay);
    const port = portOf(await listening(p, 1));
    const c = await client(port);
    const inc = await p.incoming(1);
    const total = 16 * 1024 * 1024;
    const toPage = randomBytes(total);
    const toClient = randomBytes(total);
    p.send({ type: FrameType.CREDIT, stream: inc.newStream, bytes: 256 * 1024 });
    c.socket.write(toPage);
    const started = performance.now();
    const [fromClient] = await Promise.all([
      p.read(inc.newStream, total, { timeoutMs: 30_000 }),
      sendWithinCredit(p, inc.newStream, toClient, inc.window),
      waitUntil(() => receivedBytes(c) >= total, 60_000, 'the client to receive 16 MiB'),
    ]);
    const seconds = (performance.now() - started) / 1000;
    console.log(`inbound.test: 16 MiB each way through an accepted connection in ${seconds.toFixed(2)} s`);
    expect(sha256(fromClient)).toBe(sha256(toPage));
    expect(sha256(Buffer.concat(c.received))).toBe(sha256(toClient));
    await waitUntil(() => relay.metrics().bytesPageToPeer === total, 2000, 'write callbacks');
    expect(relay.metrics().bytesPeerToPage).toBe(total);
    expect(p.inbox.filter((f) => f.type === FrameType.CLOSE)).toEqual([]);
  }, 90_000);

  it('half-close and close work on an accepted connection as on a connected one', async () => {
    const relay = await inboundRelay();
    const p = await usePage(relay);
    const port = portOf(await listening(p, 1));
    const c = await client(port);
    const { newStream, window } = await p.incoming(1);
    p.send({ type: FrameType.CREDIT, stream: newStream, bytes: 1 << 16 });
    c.socket.end('bye'); // client → page, then FIN
    expect((await p.read(newStream, 3)).toString()).toBe('bye');
    await p.nextOn(newStream, FrameType.FIN);
    expect(window).toBeGreaterThan(5);
    p.send(
      { type: FrameType.DATA, stream: newStream, data: Buffer.from('reply') },
      { type: FrameType.FIN, stream: newStream },
    );
    await once(c.socket, 'end');
    expect(Buffer.concat(c.received).toString()).toBe('reply');
    await c.closed;
    expect(await p.nextOn(newStream, FrameType.CLOSE)).toMatchObject({ reason: Reason.OK });
    await waitUntil(() => relay.metrics().streams === 0, 2000, 'the stream to be released');
  });

  it('reject (CLOSE(RESET) before accept) resets the client', async () => {
    const relay = await inboundRelay();
    const p = await usePage(relay);
    const port = portOf(await listening(p, 1));
    const c = await client(port);
    const { newStream } = await p.incoming(1);
    p.send({ type: FrameType.CLOSE, stream: newStream, reason: Reason.RESET });
    await c.closed;
    expect(c.error?.code).toBe('ECONNRESET');
    expect(relay.metrics().inbound).toEqual({ offered: 1, rejected: 1 });
    await waitUntil(() => relay.metrics().streams === 0, 2000, 'the stream to be released');
    // The listener goes on.
    await client(port);
    expect((await p.incoming(1)).newStream).toBe(newStream + 1);
  });

  it("backlog overflow: connections beyond LISTEN's backlog are reset at once and counted", async () => {
    const relay = await inboundRelay();
    const p = await usePage(relay);
    const port = portOf(await listening(p, 1, ipv4(0), { backlog: 2 }));
    const held = [await client(port), await client(port)];
    await p.incoming(1);
    await p.incoming(1);
    const extra = await client(port);
    await extra.closed;
    expect(extra.error?.code).toBe('ECONNRESET');
    await p.roundTrip(); // an INCOMING for it would have been sent before the reset
    expect(p.inbox.filter((f) => f.type === FrameType.INCOMING)).toEqual([]);
    expect(relay.metrics().inbound).toEqual({ offered: 2, backlog_full: 1 });
    expect(held.every((c) => c.error === null)).toBe(true);
    // Accepting one frees a backlog slot.
    p.send({ type: FrameType.CREDIT, stream: RELAY_STREAM_BASE, bytes: 1024 });
    await waitUntil(() => relay.metrics().inbound.accepted === 1, 2000, 'the accept');
    await client(port);
    expect((await p.incoming(1)).newStream).toBe(RELAY_STREAM_BASE + 2);
  });

  it('closing the listener resets what is pending; accepted connections live on; the port is free', async () => {
    const relay = await inboundRelay();
    const p = await usePage(relay);
    const port = portOf(await listening(p, 1));
    const accepted = await client(port);
    const a = await p.incoming(1);
    p.send({ type: FrameType.CREDIT, stream: a.newStream, bytes: 1 << 16 });
    const pending = [await client(port), await client(port)];
    const pendingIds = [(await p.incoming(1)).newStream, (await p.incoming(1)).newStream];
    p.send({ type: FrameType.CLOSE, stream: 1, reason: Reason.OK });
    for (const c of pending) {
      await c.closed;
      expect(c.error?.code).toBe('ECONNRESET');
    }
    for (const id of pendingIds) expect(await p.nextOn(id, FrameType.CLOSE)).toMatchObject({ reason: Reason.RESET });
    await waitUntil(() => relay.metrics().listeners === 0, 2000, 'the listener to go');
    expect(await refused(port)).toBe(true);
    // The accepted one still works both ways.
    accepted.socket.write('still here');
    expect((await p.read(a.newStream, 10)).toString()).toBe('still here');
    p.send({ type: FrameType.DATA, stream: a.newStream, data: Buffer.from('yes') });
    await waitUntil(() => Buffer.concat(accepted.received).toString() === 'yes', 2000, 'the reply');
    expect(relay.metrics().inbound).toEqual({ offered: 3, accepted: 1, listener_closed: 2 });
    expect(relay.metrics().streams).toBe(1);
  });

  it('the WebSocket going closes the listener and every pending and accepted connection', async () => {
    const relay = await inboundRelay();
    const p = await usePage(relay);
    const port = portOf(await listening(p, 1));
    const accepted = await client(port);
    const a = await p.incoming(1);
    p.send({ type: FrameType.CREDIT, stream: a.newStream, bytes: 1 << 16 });
    const pending = await client(port);
    await p.incoming(1);
    p.ws.terminate();
    // The accepted connection is closed (FIN), the pending one reset: it was never accepted.
    await Promise.all([accepted.ended, pending.closed]);
    expect(pending.error?.code).toBe('ECONNRESET');
    expect(accepted.error).toBe(null);
    await waitUntil(() => relay.metrics().connections === 0, 2000, 'the connection to go');
    expect(await refused(port)).toBe(true);
    expect(relay.metrics()).toMatchObject({ listeners: 0, streams: 0, inbound: { offered: 2, accepted: 1, gone: 1 } });
  });

  it('listen.remotes: a peer outside the list is reset without an INCOMING', async () => {
    const relay = await inboundRelay({ remotes: ['10.0.0.0/8'] });
    const p = await usePage(relay);
    const port = portOf(await listening(p, 1));
    const c = await client(port);
    await c.closed;
    expect(c.error?.code).toBe('ECONNRESET');
    await p.roundTrip();
    expect(p.typesOn(1)).toEqual([]);
    expect(relay.metrics().inbound).toEqual({ remote_denied: 1 });
  });

  it('relay drain closes listeners with CLOSE(SHUTTING_DOWN) and lets accepted connections finish', async () => {
    const relay = await startRelay({ log: () => {}, listen: { addresses: ['127.0.0.1'] } });
    const p = await PageClient.ready(relay.url);
    defer(() => p.close());
    const port = portOf(await listening(p, 1));
    const c = await client(port);
    const { newStream } = await p.incoming(1);
    p.send({ type: FrameType.CREDIT, stream: newStream, bytes: 1 << 16 });
    await waitUntil(() => relay.metrics().inbound.accepted === 1, 2000, 'the accept');
    const closing = relay.close({ drainMs: 5000 });
    expect(await p.nextOn(1, FrameType.CLOSE)).toMatchObject({ reason: Reason.SHUTTING_DOWN });
    expect(await refused(port)).toBe(true);
    // The accepted connection still carries bytes, then ends in order and the page is let go.
    c.socket.end('last words');
    expect((await p.read(newStream, 10)).toString()).toBe('last words');
    await p.nextOn(newStream, FrameType.FIN);
    p.send({ type: FrameType.CLOSE, stream: newStream, reason: Reason.OK });
    expect(await p.next((f) => f.type === FrameType.GOAWAY)).toMatchObject({ reason: Reason.SHUTTING_DOWN });
    await closing;
  });
});

describe('caps and tickets', () => {
  it("maxListeners per page → OPEN_FAILED(LIMIT); maxPending across a page's listeners → reset", async () => {
    const relay = await inboundRelay({ maxListeners: 2, maxPending: 1 });
    const p = await usePage(relay);
    const a = portOf(await listening(p, 1));
    const b = portOf(await listening(p, 2));
    expect(await p.listen(3, ipv4(0))).toEqual({ type: FrameType.OPEN_FAILED, stream: 3, reason: Reason.LIMIT });
    await client(a);
    await p.incoming(1);
    const second = await client(b);
    await second.closed;
    expect(second.error?.code).toBe('ECONNRESET');
    const m = relay.metrics();
    expect(m.limitHits).toEqual({ listeners_per_connection: 1, pending_per_connection: 1 });
    expect(m.inbound).toEqual({ offered: 1, pending_limit: 1 });
    expect(m.listens).toEqual({ OK: 2, LIMIT: 1 });
    // Another page has its own caps.
    const q = await usePage(relay);
    await listening(q, 1);
  });

  it('an inbound connection counts as a stream: at maxStreams it is reset', async () => {
    const relay = await inboundRelay({}, { maxStreams: 2 });
    const p = await usePage(relay);
    const port = portOf(await listening(p, 1));
    await client(port);
    await p.incoming(1);
    const extra = await client(port);
    await extra.closed;
    expect(extra.error?.code).toBe('ECONNRESET');
    expect(relay.metrics().limitHits).toEqual({ streams_per_connection: 1 });
    expect(relay.metrics().inbound).toEqual({ offered: 1, limit: 1 });
  });

  it("a ticket's listenPorts narrow the policy: outside them POLICY_DENIED, port 0 picks inside them", async () => {
    const [inTicket, alsoAllowed] = [await freePort(), await freePort()];
    const secret = 'inbound test secret';
    const relay = await inboundRelay({ ports: [inTicket, alsoAllowed] }, { secret });
    const token = createTicket({ secret, ttlSeconds: 60, listenPorts: [String(inTicket)] });
    const p = await usePage(relay, token);
    expect(await p.listen(1, ipv4(alsoAllowed))).toEqual({
      type: FrameType.OPEN_FAILED,
      stream: 1,
      reason: Reason.POLICY_DENIED,
    });
    expect(portOf(await listening(p, 2))).toBe(inTicket);
    expect(relay.metrics().policyRefusalsByReason).toEqual({ ticket_scope: 1 });
    // A scope never widens: a ticket claiming "ephemeral" on a range-only relay gets no OS port.
    const wide = createTicket({ secret, ttlSeconds: 60, listenPorts: ['ephemeral'] });
    const q = await usePage(relay, wide);
    expect(await q.listen(1, ipv4(0))).toEqual({
      type: FrameType.OPEN_FAILED,
      stream: 1,
      reason: Reason.POLICY_DENIED,
    });
    // No claim: the relay's policy alone.
    const plain = await usePage(relay, createTicket({ secret, ttlSeconds: 60 }));
    expect(portOf(await listening(plain, 1, ipv4(alsoAllowed)))).toBe(alsoAllowed);
  });

  it('createTicket refuses a listenPorts entry that is not a port, range or "ephemeral"', () => {
    expect(() => createTicket({ secret: 's', ttlSeconds: 1, listenPorts: ['80-70'] })).toThrow(/not a port/);
    expect(() => createTicket({ secret: 's', ttlSeconds: 1, listenPorts: '80' as unknown as string[] })).toThrow(
      /array/,
    );
  });
});

describe('UDP fixed-port binds under the inbound policy', () => {
  it('a fixed port inside listen.ports receives datagrams from any sender', async () => {
    const port = await freePort();
    const relay = await inboundRelay({ ports: `${port}` }, { allow: ['127.0.0.0/8'] });
    const p = await usePage(relay);
    const o = (await p.dgramOpen(1, 4, { local: ipv4(port, '0.0.0.0') })) as DgramOpenedFrame;
    expect(o.type).toBe(FrameType.DGRAM_OPENED);
    // The wildcard narrowed to the listed address, as for LISTEN.
    expect(o.local).toEqual(ipv4(port, '127.0.0.1'));
    const senders = [await startUdpPeer(), await startUdpPeer()];
    for (const s of senders) defer(() => s.close());
    await senders[0]!.send(Buffer.from('from one'), port);
    await senders[1]!.send(Buffer.from('from two'), port);
    const got = [await p.datagram(1), await p.datagram(1)] as DatagramFrame[];
    expect(got.map((d) => Buffer.from(d.data).toString()).sort()).toEqual(['from one', 'from two']);
    expect(got.map((d) => d.address).sort((x, y) => x!.port - y!.port)).toEqual(
      senders.map((s) => ipv4(s.port)).sort((x, y) => x.port - y.port),
    );
  });

  it('a fixed port outside listen.ports is POLICY_DENIED, port 0 stays allowed', async () => {
    const [inside, outside] = [await freePort(), await freePort()];
    const relay = await inboundRelay({ ports: `${inside}` });
    const p = await usePage(relay);
    expect(await p.dgramOpen(1, 4, { local: ipv4(outside, '127.0.0.1') })).toEqual({
      type: FrameType.OPEN_FAILED,
      stream: 1,
      reason: Reason.POLICY_DENIED,
    });
    expect((await p.dgramOpen(2, 4, { local: ipv4(0, '127.0.0.1') })).type).toBe(FrameType.DGRAM_OPENED);
    expect((await p.dgramOpen(3, 4)).type).toBe(FrameType.DGRAM_OPENED);
    expect(relay.metrics().policyRefusalsByReason).toEqual({ listen_port: 1 });
    // Nothing was bound on the refused port.
    const probe = dgram.createSocket('udp4');
    defer(() => probe.close());
    probe.bind({ port: outside, address: '127.0.0.1', exclusive: true });
    await once(probe, 'listening');
  });

  it("without an inbound policy a ticket's listenPorts still narrow fixed-port UDP binds", async () => {
    const [inside, outside] = [await freePort(), await freePort()];
    const secret = 'udp scope secret';
    const relay = await useRelay({ secret });
    const p = await usePage(relay, createTicket({ secret, ttlSeconds: 60, listenPorts: [inside] }));
    expect(await p.dgramOpen(1, 4, { local: ipv4(outside, '127.0.0.1') })).toEqual({
      type: FrameType.OPEN_FAILED,
      stream: 1,
      reason: Reason.POLICY_DENIED,
    });
    expect(await p.dgramOpen(2, 4, { local: ipv4(inside, '127.0.0.1') })).toMatchObject({
      type: FrameType.DGRAM_OPENED,
      local: ipv4(inside),
    });
    expect(relay.metrics().policyRefusalsByReason).toEqual({ ticket_scope: 1 });
  });
});

describe('metrics text', () => {
  it('/metrics has the listener gauge and the LISTEN and inbound counters', async () => {
    const relay = await inboundRelay();
    const p = await usePage(relay);
    const port = portOf(await listening(p, 1));
    await client(port);
    const { newStream } = (await p.incoming(1)) as IncomingFrame;
    p.send({ type: FrameType.CLOSE, stream: newStream, reason: Reason.RESET });
    await waitUntil(() => relay.metrics().inbound.rejected === 1, 2000, 'the reject');
    const text = await (await fetch(`http://127.0.0.1:${relay.port}/metrics`)).text();
    expect(text).toContain('ws2web_relay_listeners 1');
    expect(text).toContain('ws2web_relay_listens_total{outcome="OK"} 1');
    expect(text).toContain('ws2web_relay_inbound_connections_total{outcome="offered"} 1');
    expect(text).toContain('ws2web_relay_inbound_connections_total{outcome="rejected"} 1');
    expect(text).toContain('ws2web_relay_streams_by_state{state="LISTENER_LISTENING"} 1');
    const close: CloseFrame = { type: FrameType.CLOSE, stream: 1, reason: Reason.OK };
    p.send(close);
    await waitUntil(() => relay.metrics().listeners === 0, 2000, 'the listener to close');
  });
});
