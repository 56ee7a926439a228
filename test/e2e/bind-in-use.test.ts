/**
 * bind and an address another socket holds, as Windows fails it: bindAsync answers
 * WSAEADDRINUSE / WSAEACCES as Windows' bind returns them, the synchronous bind reports the
 * refusal at the next call that needs the address, and a held address keeps connections waiting
 * until listen (docs/winsock.md, bind). Real Node servers on loopback hold the ports.
 */
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { Control, type TcpServer } from '../fixtures/control.js';
import { acceptWithin, inboundWinsock, localName, rangePort } from '../fixtures/inbound.js';
import {
  addr,
  lastError,
  recvExactly,
  releaseWinsocks,
  sendAll,
  tcpSocket,
  udpSocket,
  winsock,
  ws2,
} from '../fixtures/winsock.js';

const { SOCKET_ERROR, INVALID_SOCKET } = ws2;
const control = new Control();

afterEach(releaseWinsocks);
afterAll(() => control.releaseAll());

/** A Node echo server on a port of the inbound relay's range (another test may hold one: next). */
async function rangeServer(): Promise<TcpServer> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await control.echo('127.0.0.1', rangePort());
    } catch (err) {
      if (attempt >= 8) throw err;
    }
  }
}

/** A range port nobody holds now: held by a Node server, then released. */
async function freeRangePort(): Promise<number> {
  const server = await rangeServer();
  await control.release(server.id);
  return server.port;
}

describe('TCP bind to a port a Node server holds', () => {
  it('bindAsync → WSAEADDRINUSE, and the socket is unbound again (bind to port 0 works)', async () => {
    const held = await rangeServer();
    const w = inboundWinsock();
    const s = tcpSocket(w);
    const name = addr(held.port);
    expect(await w.bindAsync(s, name, name.length)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEADDRINUSE');
    expect(localName(w, s)).toBe('WSAEINVAL');
    const any = addr(0);
    expect(await w.bindAsync(s, any, any.length), lastError(w)).toBe(0);
  });

  it('bind (synchronous) + listen at once: bind and listen return 0, accept reports WSAEADDRINUSE', async () => {
    const held = await rangeServer();
    const w = inboundWinsock();
    const s = tcpSocket(w);
    const name = addr(held.port);
    expect(w.bind(s, name, name.length)).toBe(0);
    expect(w.listen(s, 5)).toBe(0);
    expect(await w.accept(s, null, null)).toBe(INVALID_SOCKET);
    expect(lastError(w)).toBe('WSAEADDRINUSE');
  });

  it('bind (synchronous), then connect: WSAEADDRINUSE whether or not the answer came first', async () => {
    const held = await rangeServer();
    const echo = await control.echo();
    const w = inboundWinsock();
    const s = tcpSocket(w);
    const name = addr(held.port);
    expect(w.bind(s, name, name.length)).toBe(0);
    const to = addr(echo.port);
    expect(await w.connect(s, to, to.length)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEADDRINUSE');
  });

  it('a port outside the inbound policy → WSAEACCES at bindAsync', async () => {
    const outside = await control.echo();
    await control.release(outside.id);
    const w = inboundWinsock();
    const s = tcpSocket(w);
    const name = addr(outside.port);
    expect(await w.bindAsync(s, name, name.length)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEACCES');
  });
});

describe('a held bound address', () => {
  it('is held from bind: a Node server cannot take it; a client that comes before listen is accepted after it', async () => {
    const port = await freeRangePort();
    const w = inboundWinsock();
    const s = tcpSocket(w);
    const name = addr(port);
    expect(await w.bindAsync(s, name, name.length), lastError(w)).toBe(0);
    expect(localName(w, s)).toEqual({ family: ws2.AF_INET, address: '127.0.0.1', port });
    await expect(control.echo('127.0.0.1', port)).rejects.toThrow(/EADDRINUSE/);
    // A client that comes before listen waits, unread, as in an accept queue; listen offers it.
    const client = await control.client(port, { mode: 'echo' });
    expect(client.connectError).toBeNull();
    expect(w.listen(s, 5), lastError(w)).toBe(0);
    const a = await acceptWithin(w, s);
    await sendAll(w, a.s, new TextEncoder().encode('held'));
    expect(new TextDecoder().decode(await recvExactly(w, a.s, 4))).toBe('held');
    expect(w.closesocket(a.s)).toBe(0);
    expect(w.closesocket(s)).toBe(0);
    // Released: a Node server may take the port now (the relay closes it as the CLOSE arrives).
    const taken = await retryUntil(() => control.echo('127.0.0.1', port));
    expect(taken.port).toBe(port);
  });

  it('bind to a fixed port, then connect: the hold is released and the connection uses that port', async () => {
    const port = await freeRangePort();
    const echo = await control.echo();
    const w = inboundWinsock();
    const s = tcpSocket(w);
    const name = addr(port);
    expect(await w.bindAsync(s, name, name.length), lastError(w)).toBe(0);
    const to = addr(echo.port);
    expect(await w.connect(s, to, to.length), lastError(w)).toBe(0);
    expect(localName(w, s)).toEqual({ family: ws2.AF_INET, address: '127.0.0.1', port });
    const state = await control.peer(echo.id, 'connected');
    expect(state.last?.remotePort).toBe(port);
  });

  it('on a relay without an inbound policy nothing is held: bindAsync returns 0 at once', async () => {
    const held = await control.echo();
    const w = winsock(inject('relayUrl'));
    const s = tcpSocket(w);
    const name = addr(held.port);
    expect(await w.bindAsync(s, name, name.length), lastError(w)).toBe(0);
  });
});

describe('UDP bind', () => {
  it('to a port a Node UDP socket holds → WSAEADDRINUSE at bindAsync; again to port 0 works', async () => {
    const held = await control.udpEcho();
    const w = winsock(inject('relayUrl'));
    const s = udpSocket(w);
    const name = addr(held.port);
    expect(await w.bindAsync(s, name, name.length)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEADDRINUSE');
    const any = addr(0);
    expect(await w.bindAsync(s, any, any.length), lastError(w)).toBe(0);
    const local = localName(w, s);
    expect(typeof local === 'object' && local.port).toBeGreaterThan(0);
  });

  it('refused by the inbound policy (a port outside listen.ports) → WSAEACCES', async () => {
    const outside = await control.udpEcho();
    const w = inboundWinsock();
    const s = udpSocket(w);
    const name = addr(outside.port);
    expect(await w.bindAsync(s, name, name.length)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEACCES');
  });
});

/** `attempt` until it resolves (bounded): the relay's CLOSE crosses this test's next request. */
async function retryUntil<T>(attempt: () => Promise<T>, tries = 20): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await attempt();
    } catch (err) {
      if (i >= tries) throw err;
    }
  }
}
