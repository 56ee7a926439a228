/**
 * FD_ACCEPT as Windows reports it (Wine's ws2_32 test_accept_events records it from real
 * Windows): once per accept; a re-selection posts it again in window mode but not in event
 * mode, where the next new connection records it; an unread record survives a mask without
 * FD_ACCEPT; accept before selecting leaves nothing; the accepted socket inherits the selection.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { acceptWithin, extensionFunction, inboundWinsock, listeningSocket, localName } from '../../fixtures/inbound.js';
import { eventually, lastError, releaseWinsocks, tcpSocket, ws2, type Winsock } from '../../fixtures/winsock.js';
import { EXPECT_MS, MODES, eventMode, untilReadable } from './event-modes.js';

const { FD_ACCEPT, FD_CONNECT, FD_OOB, FD_READ, FD_WRITE, WSA_WAIT_EVENT_0, WSA_WAIT_TIMEOUT, WSA_IO_PENDING } = ws2;
const MASK = FD_CONNECT | FD_READ | FD_OOB | FD_ACCEPT;
const SUBSET = FD_CONNECT | FD_READ | FD_OOB;

afterEach(releaseWinsocks);

/** A blocking client connected to 127.0.0.1:port. */
async function dial(w: Winsock, port: number): Promise<number> {
  const c = tcpSocket(w);
  const name = ws2.sockaddrIn('127.0.0.1', port);
  expect(await w.connect(c, name, name.length), `connect: ${lastError(w)}`).toBe(0);
  return c;
}

/** accept on the (non-blocking) listener, waiting until a connection is there. */
async function acceptOne(w: Winsock, l: number): Promise<number> {
  await untilReadable(w, l);
  const s = await w.accept(l, null, null);
  expect(s, `accept: ${lastError(w)}`).not.toBe(ws2.INVALID_SOCKET);
  return s;
}

describe.each(MODES)('accept events, %s mode', (mode) => {
  it('selected before bind and listen: FD_ACCEPT once per accept, re-selection, a second client', async () => {
    const w = inboundWinsock();
    const m = eventMode(w, mode);
    const l = tcpSocket(w);
    m.select(l, MASK);
    const any = ws2.sockaddrIn('127.0.0.1', 0);
    expect(w.bind(l, any, any.length), lastError(w)).toBe(0);
    expect(w.listen(l, 2), lastError(w)).toBe(0);
    let port = 0;
    expect(
      await eventually(() => {
        const n = localName(w, l);
        port = typeof n === 'string' ? 0 : n.port;
        return port !== 0;
      }, EXPECT_MS),
      'the relay never reported the listening port',
    ).toBe(true);
    await m.expectEvents(0, 0, 'listening, nobody connected');

    const c1 = await dial(w, port);
    await m.expectEvents(FD_ACCEPT, 0, 'a client connected');
    await m.expectEvents(0, 0, 'once');
    m.select(l, MASK);
    if (mode === 'message') await m.expectEvents(FD_ACCEPT, 0, 'window mode: re-posted');
    await m.expectEvents(0, 0, 'event mode: not again');
    m.select(l, 0);
    m.select(l, MASK);
    if (mode === 'message') await m.expectEvents(FD_ACCEPT, 0, 'window mode: re-posted');
    await m.expectEvents(0, 0, 'event mode: not again');

    const c2 = await dial(w, port);
    if (mode === 'event') await m.expectEvents(FD_ACCEPT, 0, 'event mode: the new connection after a re-selection');
    await m.expectEvents(0, 0, 'window mode: nothing until accept');

    w.closesocket(await acceptOne(w, l));
    await m.expectEvents(FD_ACCEPT, 0, 'accepted one, another waits');
    await m.expectEvents(0, 0, 'once');
    w.closesocket(await acceptOne(w, l));
    await m.expectEvents(0, 0, 'none waits');
    w.closesocket(c1);
    w.closesocket(c2);

    const c3 = await dial(w, port);
    await m.expectEvents(FD_ACCEPT, 0, 'a third client');
    w.closesocket(await acceptOne(w, l));
    w.closesocket(c3);
    await m.expectEvents(0, 0, 'accepted');
  });

  it('connect first, select after: FD_ACCEPT', async () => {
    const w = inboundWinsock();
    const m = eventMode(w, mode);
    const l = await listeningSocket(w, { backlog: 2 });
    await dial(w, l.port);
    await untilReadable(w, l.s);
    m.select(l.s, MASK);
    await m.expectEvents(FD_ACCEPT, 0, 'a connection was pending at select');
  });

  it('a mask without FD_ACCEPT while a client connects, FD_ACCEPT added later: reported then', async () => {
    const w = inboundWinsock();
    const m = eventMode(w, mode);
    const l = await listeningSocket(w, { backlog: 2 });
    m.select(l.s, SUBSET);
    await dial(w, l.port);
    await untilReadable(w, l.s);
    m.select(l.s, MASK);
    await m.expectEvents(FD_ACCEPT, 0, 'selected after the connection arrived');
  });

  it('accept before selecting FD_ACCEPT leaves nothing to report', async () => {
    const w = inboundWinsock();
    const m = eventMode(w, mode);
    const l = await listeningSocket(w, { backlog: 2 });
    m.select(l.s, SUBSET);
    await dial(w, l.port);
    await acceptOne(w, l.s);
    m.select(l.s, MASK);
    await m.expectEvents(0, 0, 'nothing pending any more');
  });

  it('the accepted socket inherits the selection: FD_WRITE on it', async () => {
    const w = inboundWinsock();
    const m = eventMode(w, mode);
    const l = await listeningSocket(w, { backlog: 2 });
    await dial(w, l.port);
    await untilReadable(w, l.s);
    m.select(l.s, MASK | FD_WRITE);
    await m.expectEvents(FD_ACCEPT, 0, 'the listener');
    const { s: server } = await acceptWithin(w, l.s);
    m.socket = server;
    await m.expectEvents(FD_WRITE, 0, 'the accepted socket');
    await m.expectEvents(0, 0, 'nothing more');
  });

  it('a connection taken by a pending AcceptEx is no FD_ACCEPT; the next one is', async () => {
    const w = inboundWinsock();
    const m = eventMode(w, mode);
    const l = await listeningSocket(w, { backlog: 2 });
    m.select(l.s, MASK);
    const AcceptEx = extensionFunction(w, l.s, ws2.WSAID_ACCEPTEX, 'AcceptEx');
    const into = tcpSocket(w);
    const ov = { hEvent: w.WSACreateEvent() };
    expect(await AcceptEx(l.s, into, new Uint8Array(64), 0, 32, 32, null, ov)).toBe(false);
    expect(w.WSAGetLastError(), lastError(w)).toBe(WSA_IO_PENDING);
    const c1 = await dial(w, l.port);
    expect(await w.WSAWaitForMultipleEvents(1, [ov.hEvent], false, EXPECT_MS, false), 'AcceptEx completed').toBe(
      WSA_WAIT_EVENT_0,
    );
    const size = { value: -1 };
    expect(await w.WSAGetOverlappedResult(l.s, ov, size, false, { value: 0 }), lastError(w)).toBe(true);
    expect(size.value, 'no receive buffer: 0 bytes').toBe(0);
    await m.expectEvents(0, 0, 'AcceptEx took the connection');
    w.closesocket(into);
    w.closesocket(c1);

    const c2 = await dial(w, l.port);
    await m.expectEvents(FD_ACCEPT, 0, 'no AcceptEx pending');
    await m.expectEvents(0, 0, 'once');
    w.closesocket(await acceptOne(w, l.s));
    w.closesocket(c2);
  });
});

describe('accept events, event mode only', () => {
  // Windows' test runs this in event-object mode only: it is about the event object's signal.
  it('an unread FD_ACCEPT survives a mask without it and is reported when selected again', async () => {
    const w = inboundWinsock();
    const m = eventMode(w, 'event');
    const l = await listeningSocket(w, { backlog: 2 });
    m.select(l.s, MASK);
    await dial(w, l.port);
    expect(await w.WSAWaitForMultipleEvents(1, [m.event!], false, EXPECT_MS, false)).toBe(WSA_WAIT_EVENT_0);
    m.select(l.s, SUBSET);
    expect(
      await w.WSAWaitForMultipleEvents(1, [m.event!], false, 0, false),
      're-selection does not reset the event',
    ).toBe(WSA_WAIT_EVENT_0);
    expect(w.WSAResetEvent(m.event!)).toBe(true);
    m.select(l.s, SUBSET);
    expect(await w.WSAWaitForMultipleEvents(1, [m.event!], false, 0, false), 'FD_ACCEPT is not selected').toBe(
      WSA_WAIT_TIMEOUT,
    );
    m.select(l.s, MASK);
    expect(await w.WSAWaitForMultipleEvents(1, [m.event!], false, 0, false), 'selected again: signalled at once').toBe(
      WSA_WAIT_EVENT_0,
    );
    await m.expectEvents(FD_ACCEPT, 0, 'the unread record');
  });
});
