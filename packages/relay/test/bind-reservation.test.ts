/**
 * BIND: a bound TCP socket holds its address at the relay (docs/protocol.md "Holding a bound
 * address"), so a port a real server holds fails at bind, as Windows' bind does. Real Node
 * servers and clients on 127.0.0.1 only.
 */
import { once } from 'node:events';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { Capability, FrameType, Reason, type ListeningFrame } from '@ws2web/protocol';
import type { Relay, RelayOptions } from '../src/index.js';
import { PageClient, ipv4 } from './support/page-client.js';
import { freePort } from './support/tcp-servers.js';
import { defer, streamsInState, useRelay, usePage, waitUntil } from './support/index.js';

async function inboundRelay(
  listen: Partial<NonNullable<RelayOptions['listen']>> = {},
  options: RelayOptions = {},
): Promise<Relay> {
  return useRelay({ listen: { addresses: ['127.0.0.1'], ports: '1024-65535', ...listen }, ...options });
}

/** A real Node server on 127.0.0.1:port (port 0: any), closed after the test. */
async function realServer(port = 0): Promise<net.Server> {
  const server = net.createServer((s) => s.destroy());
  server.listen({ host: '127.0.0.1', port, exclusive: true });
  await once(server, 'listening');
  defer(() => new Promise<void>((r) => server.close(() => r())));
  return server;
}
const serverPort = (s: net.Server) => (s.address() as net.AddressInfo).port;

/** Whether a real server could listen on 127.0.0.1:port now (and closes it again). */
async function portFree(port: number): Promise<boolean> {
  const server = net.createServer();
  try {
    server.listen({ host: '127.0.0.1', port, exclusive: true });
    await once(server, 'listening');
    return true;
  } catch (err) {
    expect((err as NodeJS.ErrnoException).code).toBe('EADDRINUSE');
    return false;
  } finally {
    if (server.listening) await new Promise<void>((r) => server.close(() => r()));
  }
}

/** Connects to 127.0.0.1:port; resolves with the error code the connection ended with (or null). */
async function connectOutcome(port: number): Promise<string | null> {
  const socket = net.connect({ port, host: '127.0.0.1' });
  defer(() => socket.destroy());
  return new Promise((resolve) => {
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
    socket.once('close', () => resolve(null));
  });
}

describe('BIND', () => {
  it('is announced only by a relay with an inbound policy', async () => {
    const capabilities = async (relay: Relay) => {
      const p = await PageClient.connect(relay.url);
      defer(() => p.close());
      const welcome = await p.hello();
      return welcome.type === FrameType.WELCOME ? welcome.capabilities : -1;
    };
    expect((await capabilities(await useRelay())) & Capability.BIND).toBe(0);
    expect((await capabilities(await inboundRelay())) & Capability.BIND).toBe(Capability.BIND);
  });

  it('a port a real server holds → OPEN_FAILED(ADDR_IN_USE); one outside listen.ports → POLICY_DENIED', async () => {
    const held = await realServer();
    const outside = await freePort();
    const relay = await inboundRelay({ ports: `${serverPort(held)}` });
    const p = await usePage(relay);
    expect(await p.bind(1, ipv4(serverPort(held)))).toEqual({
      type: FrameType.OPEN_FAILED,
      stream: 1,
      reason: Reason.ADDR_IN_USE,
    });
    expect(await p.bind(2, ipv4(outside))).toEqual({
      type: FrameType.OPEN_FAILED,
      stream: 2,
      reason: Reason.POLICY_DENIED,
    });
    expect(relay.metrics()).toMatchObject({ listeners: 0, listens: { ADDR_IN_USE: 1, POLICY_DENIED: 1 } });
  });

  it('holds the address: connections wait unread until LISTEN on its stream, then are offered', async () => {
    const port = await freePort();
    const relay = await inboundRelay();
    const p = await usePage(relay);
    const bound = (await p.bind(1, ipv4(port))) as ListeningFrame;
    expect(bound).toEqual({ type: FrameType.LISTENING, stream: 1, local: ipv4(port) });
    expect(await portFree(port)).toBe(false);
    expect(await streamsInState(relay, 'LISTENER_BOUND')).toBe(1);
    const early = connectOutcome(port);
    await p.roundTrip();
    expect(p.typesOn(1)).toEqual([]);
    p.send({ type: FrameType.LISTEN, stream: 1, family: 4, flags: 0, backlog: 5, local: ipv4(port) });
    expect(await p.nextOn(1, FrameType.LISTENING)).toEqual(bound);
    expect((await p.incoming(1)).local).toEqual(ipv4(port));
    expect(await streamsInState(relay, 'LISTENER_LISTENING')).toBe(1);
    expect(await streamsInState(relay, 'LISTENER_BOUND')).toBe(0);
    p.send({ type: FrameType.CLOSE, stream: 1, reason: Reason.OK });
    // Closing the listener resets the connection it still held for the page.
    expect(await early).toBe('ECONNRESET');
    expect(relay.metrics().inbound).toEqual({ offered: 1, listener_closed: 1 });
    await waitUntil(() => relay.metrics().listeners === 0, 2000, 'the listener to go');
    await waitUntil(portFree.bind(null, port), 2000, 'the port to be free');
  });

  it('a BIND closed without LISTEN resets what reached it, never offering it', async () => {
    const port = await freePort();
    const relay = await inboundRelay();
    const p = await usePage(relay);
    await p.bind(1, ipv4(port));
    const early = connectOutcome(port);
    await waitUntil(async () => (await streamsInState(relay, 'LISTENER_BOUND')) === 1, 2000, 'bound');
    await p.roundTrip();
    p.send({ type: FrameType.CLOSE, stream: 1, reason: Reason.OK });
    // Reset by the relay (not_listening) or, had it not taken it yet, by the kernel's queue closing.
    expect(await early).toBe('ECONNRESET');
    expect(p.typesOn(1)).toEqual([]);
  });

  it('LISTEN sent right behind BIND: listening with no gap; behind a refused BIND: ignored', async () => {
    const held = await realServer();
    const relay = await inboundRelay();
    const p = await usePage(relay);
    const port = await freePort();
    p.send(
      { type: FrameType.BIND, stream: 1, family: 4, flags: 0, local: ipv4(port) },
      { type: FrameType.LISTEN, stream: 1, family: 4, flags: 0, backlog: 5, local: ipv4(port) },
      { type: FrameType.BIND, stream: 2, family: 4, flags: 0, local: ipv4(serverPort(held)) },
      { type: FrameType.LISTEN, stream: 2, family: 4, flags: 0, backlog: 5, local: ipv4(serverPort(held)) },
    );
    expect(await p.nextOn(1, FrameType.LISTENING)).toMatchObject({ local: ipv4(port) });
    expect(await p.nextOn(1, FrameType.LISTENING)).toMatchObject({ local: ipv4(port) });
    expect(await p.nextOn(2, FrameType.OPEN_FAILED)).toMatchObject({ reason: Reason.ADDR_IN_USE });
    const pending = connectOutcome(port);
    expect((await p.incoming(1)).local).toEqual(ipv4(port));
    await p.roundTrip();
    expect(p.typesOn(2)).toEqual([]);
    expect(relay.metrics()).toMatchObject({ connections: 1, inbound: { offered: 1 } });
    p.send({ type: FrameType.CLOSE, stream: 1, reason: Reason.OK });
    expect(await pending).toBe('ECONNRESET');
  });

  it('a second LISTEN on a listening stream is a protocol error', async () => {
    const relay = await inboundRelay();
    const p = await usePage(relay);
    const port = await freePort();
    await p.bind(1, ipv4(port));
    p.send({ type: FrameType.LISTEN, stream: 1, family: 4, flags: 0, backlog: 5, local: ipv4(port) });
    await p.nextOn(1, FrameType.LISTENING);
    p.send({ type: FrameType.LISTEN, stream: 1, family: 4, flags: 0, backlog: 5, local: ipv4(port) });
    expect(await p.next((f) => f.type === FrameType.GOAWAY)).toMatchObject({ reason: Reason.PROTOCOL_ERROR });
  });

  it('counts toward listen.maxListeners, and the WebSocket going releases it', async () => {
    const relay = await inboundRelay({ maxListeners: 1 });
    const p = await usePage(relay);
    const port = await freePort();
    expect((await p.bind(1, ipv4(port))).type).toBe(FrameType.LISTENING);
    expect(await p.listen(2, ipv4(0))).toEqual({ type: FrameType.OPEN_FAILED, stream: 2, reason: Reason.LIMIT });
    expect(await p.bind(3, ipv4(await freePort()))).toEqual({
      type: FrameType.OPEN_FAILED,
      stream: 3,
      reason: Reason.LIMIT,
    });
    expect(relay.metrics().limitHits).toEqual({ listeners_per_connection: 2 });
    p.ws.terminate();
    await waitUntil(() => relay.metrics().connections === 0 && relay.metrics().listeners === 0, 2000, 'release');
    await waitUntil(portFree.bind(null, port), 2000, 'the port to be free');
  });
});
