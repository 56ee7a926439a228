/**
 * FD_ACCEPT, the three ways Windows reports it (select readfds, WSAEventSelect, WSAAsyncSelect),
 * and its re-enabling rule: once recorded, FD_ACCEPT is not recorded again until accept (or
 * WSAAccept) is called; accept records it again at once if connections are still pending.
 * Accepted sockets inherit the listener's WSAEventSelect / WSAAsyncSelect registration.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Control, text } from '../fixtures/control.js';
import { acceptWithin, inboundWinsock, listeningSocket } from '../fixtures/inbound.js';
import {
  collectEvents,
  eventually,
  fdNames,
  lastError,
  newNetworkEvents,
  relayRoundTrip,
  releaseWinsocks,
  ws2,
  type Winsock,
} from '../fixtures/winsock.js';

const {
  INVALID_SOCKET,
  FIONBIO,
  FD_ACCEPT,
  FD_READ,
  FD_WRITE,
  FD_CLOSE,
  FD_ACCEPT_BIT,
  FD_ISSET,
  WSA_WAIT_TIMEOUT,
  WSA_WAIT_EVENT_0,
} = ws2;
const control = new Control();

afterEach(releaseWinsocks);
afterAll(() => control.releaseAll());

/** A client connected to `port`, and a moment for its INCOMING to reach the page. */
async function dial(port: number, mode: 'sink' | 'echo' = 'sink') {
  const c = await control.client(port, { mode });
  expect(c.connectError, 'the Node client could not connect').toBeNull();
  return c;
}

/** select on readfds = [s] with a timeout in ms; returns the count and whether s stayed in the set. */
async function selectRead(w: Winsock, s: number, ms: number): Promise<{ n: number; ready: boolean }> {
  const readfds = { fd_count: 1, fd_array: [s] };
  const n = await w.select(0, readfds, null, null, { tv_sec: Math.floor(ms / 1000), tv_usec: (ms % 1000) * 1000 });
  expect(n, `select: ${lastError(w)}`).not.toBe(ws2.SOCKET_ERROR);
  return { n, ready: Boolean(FD_ISSET(s, readfds)) };
}

describe('FD_ACCEPT through select readfds', () => {
  it('a listener is readable exactly while a connection is pending', async () => {
    const w = inboundWinsock();
    const l = await listeningSocket(w);
    expect(await selectRead(w, l.s, 150), 'nothing pending').toEqual({ n: 0, ready: false });
    const c = await dial(l.port);
    expect(await selectRead(w, l.s, 5000), 'a client connected').toEqual({ n: 1, ready: true });
    const a = await acceptWithin(w, l.s);
    expect(a.peer.port).toBe(c.localPort);
    expect(await selectRead(w, l.s, 150), 'accepted: nothing pending again').toEqual({ n: 0, ready: false });
  });

  it('the classic non-blocking server loop: select, then accept until WSAEWOULDBLOCK', async () => {
    const w = inboundWinsock();
    const l = await listeningSocket(w);
    expect(w.ioctlsocket(l.s, FIONBIO, { value: 1 })).toBe(0);
    const clients = [await dial(l.port), await dial(l.port), await dial(l.port)];
    const want = clients.map((c) => c.localPort).sort();
    const got: number[] = [];
    const deadline = Date.now() + 5000;
    while (got.length < 3 && Date.now() < deadline) {
      if (!(await selectRead(w, l.s, 1000)).ready) continue;
      for (;;) {
        const name = new Uint8Array(16);
        const s = await w.accept(l.s, name, { value: 16 });
        if (s === INVALID_SOCKET) {
          expect(lastError(w)).toBe('WSAEWOULDBLOCK');
          break;
        }
        got.push(ws2.parseSockaddr(name).port);
      }
    }
    expect(got.sort()).toEqual(want);
  });
});

describe('FD_ACCEPT through WSAEventSelect', () => {
  it('recorded once per accept: not again for a second client until accept, then at once while one is pending', async () => {
    const w = inboundWinsock();
    const l = await listeningSocket(w);
    const ev = w.WSACreateEvent();
    expect(w.WSAEventSelect(l.s, ev, FD_ACCEPT), lastError(w)).toBe(0);
    await relayRoundTrip(w);
    expect(await w.WSAWaitForMultipleEvents(1, [ev], false, 0, false), 'nothing pending yet').toBe(WSA_WAIT_TIMEOUT);

    const c1 = await dial(l.port);
    const first = await collectEvents(w, l.s, ev, FD_ACCEPT);
    expect(fdNames(first.lNetworkEvents)).toBe('FD_ACCEPT');
    expect(first.iErrorCode[FD_ACCEPT_BIT]).toBe(0);

    const c2 = await dial(l.port);
    await relayRoundTrip(w); // c2's INCOMING has reached the page by now
    expect(
      await w.WSAWaitForMultipleEvents(1, [ev], false, 0, false),
      'FD_ACCEPT again before accept re-enabled it',
    ).toBe(WSA_WAIT_TIMEOUT);

    // accept re-enables FD_ACCEPT; c2 is still pending, so it is recorded again at once.
    const a1 = await acceptWithin(w, l.s);
    expect(a1.peer.port).toBe(c1.localPort);
    const again = await collectEvents(w, l.s, ev, FD_ACCEPT, 1000);
    expect(fdNames(again.lNetworkEvents), 'accept with a connection still pending').toBe('FD_ACCEPT');

    const a2 = await acceptWithin(w, l.s);
    expect(a2.peer.port).toBe(c2.localPort);
    await relayRoundTrip(w);
    expect(await w.WSAWaitForMultipleEvents(1, [ev], false, 0, false), 'nothing pending after the second accept').toBe(
      WSA_WAIT_TIMEOUT,
    );

    await dial(l.port);
    expect(
      fdNames((await collectEvents(w, l.s, ev, FD_ACCEPT)).lNetworkEvents),
      'a third client after accept re-enabled it',
    ).toBe('FD_ACCEPT');
  });

  // WSAEventSelect reference: "listen, a connect request is received but not yet accepted, then
  // WSAEventSelect for FD_ACCEPT: the FD_ACCEPT network event is recorded immediately".
  it('WSAEventSelect on a listener with a connection already pending records FD_ACCEPT at once', async () => {
    const w = inboundWinsock();
    const l = await listeningSocket(w);
    await dial(l.port);
    expect((await selectRead(w, l.s, 5000)).ready).toBe(true);
    const ev = w.WSACreateEvent();
    expect(w.WSAEventSelect(l.s, ev, FD_ACCEPT)).toBe(0);
    expect(await w.WSAWaitForMultipleEvents(1, [ev], false, 1000, false)).toBe(WSA_WAIT_EVENT_0);
    const ne = newNetworkEvents();
    expect(w.WSAEnumNetworkEvents(l.s, ev, ne)).toBe(0);
    expect(fdNames(ne.lNetworkEvents)).toBe('FD_ACCEPT');
  });

  it("an accepted socket inherits the listener's event object and events: FD_WRITE, FD_READ, FD_CLOSE", async () => {
    const w = inboundWinsock();
    const l = await listeningSocket(w);
    const ev = w.WSACreateEvent();
    expect(w.WSAEventSelect(l.s, ev, FD_ACCEPT | FD_READ | FD_WRITE | FD_CLOSE)).toBe(0);
    const c = await dial(l.port);
    expect(fdNames((await collectEvents(w, l.s, ev, FD_ACCEPT)).lNetworkEvents)).toBe('FD_ACCEPT');
    const a = await acceptWithin(w, l.s);
    // Windows: the accepted socket is non-blocking (WSAEventSelect made the listener so) and
    // reports on the same event object; FD_WRITE as a newly accepted socket.
    expect(await w.recv(a.s, new Uint8Array(4), 4, 0)).toBe(ws2.SOCKET_ERROR);
    expect(lastError(w), 'the accepted socket inherited non-blocking mode').toBe('WSAEWOULDBLOCK');
    expect(fdNames((await collectEvents(w, a.s, ev, FD_WRITE)).lNetworkEvents)).toBe('FD_WRITE');
    await control.peerWrite(c.id, 'inherit');
    const read = await collectEvents(w, a.s, ev, FD_READ);
    expect(fdNames(read.lNetworkEvents)).toBe('FD_READ');
    const buf = new Uint8Array(16);
    expect(await w.recv(a.s, buf, 16, 0)).toBe(7);
    await control.peerEnd(c.id);
    const closed = await collectEvents(w, a.s, ev, FD_CLOSE);
    expect(fdNames(closed.lNetworkEvents & FD_CLOSE)).toBe('FD_CLOSE');
    expect(closed.iErrorCode[ws2.FD_CLOSE_BIT]).toBe(0);
  });
});

describe('FD_ACCEPT through WSAAsyncSelect', () => {
  type Msg = { uMsg: number; wParam: number; lParam: number };
  const WM_SOCKET = 0x8001;
  function window(): { hWnd: (uMsg: number, wParam: number, lParam: number) => void; msgs: Msg[] } {
    const msgs: Msg[] = [];
    return {
      msgs,
      hWnd: function wndProc(uMsg, wParam, lParam) {
        msgs.push({ uMsg, wParam, lParam });
      },
    };
  }
  const events = (msgs: Msg[], s: number) =>
    msgs.filter((m) => m.wParam === s).map((m) => fdNames(ws2.WSAGETSELECTEVENT(m.lParam)));

  it('one FD_ACCEPT message per accept, re-posted by accept while a connection is pending', async () => {
    const w = inboundWinsock();
    const l = await listeningSocket(w);
    const win = window();
    expect(w.WSAAsyncSelect(l.s, win.hWnd, WM_SOCKET, FD_ACCEPT), lastError(w)).toBe(0);
    await dial(l.port);
    expect(await eventually(() => win.msgs.length > 0, 5000)).toBe(true);
    expect(win.msgs[0]).toMatchObject({ uMsg: WM_SOCKET, wParam: l.s });
    expect(ws2.WSAGETSELECTERROR(win.msgs[0]!.lParam)).toBe(0);
    await dial(l.port);
    await relayRoundTrip(w); // the second INCOMING has reached the page
    expect(events(win.msgs, l.s), 'no second message before accept').toEqual(['FD_ACCEPT']);
    await acceptWithin(w, l.s);
    expect(await eventually(() => win.msgs.length > 1, 1000), 'accept with one still pending re-posts FD_ACCEPT').toBe(
      true,
    );
    expect(events(win.msgs, l.s)).toEqual(['FD_ACCEPT', 'FD_ACCEPT']);
    await acceptWithin(w, l.s);
    await relayRoundTrip(w);
    expect(events(win.msgs, l.s), 'nothing pending: no third message').toEqual(['FD_ACCEPT', 'FD_ACCEPT']);
  });

  it('WSAAsyncSelect on a listener with a connection already pending posts FD_ACCEPT at once (persistence of events)', async () => {
    const w = inboundWinsock();
    const l = await listeningSocket(w);
    await dial(l.port);
    expect((await selectRead(w, l.s, 5000)).ready).toBe(true);
    const win = window();
    expect(w.WSAAsyncSelect(l.s, win.hWnd, WM_SOCKET, FD_ACCEPT)).toBe(0);
    expect(win.msgs, 'never inside the call').toEqual([]);
    expect(await eventually(() => win.msgs.length > 0, 1000), 'the pending connection was never announced').toBe(true);
    expect(events(win.msgs, l.s)).toEqual(['FD_ACCEPT']);
  });

  it('an accepted socket inherits the window and message: FD_READ with wParam = the new socket', async () => {
    const w = inboundWinsock();
    const l = await listeningSocket(w);
    const win = window();
    expect(w.WSAAsyncSelect(l.s, win.hWnd, WM_SOCKET, FD_ACCEPT | FD_READ | FD_CLOSE)).toBe(0);
    const c = await dial(l.port);
    expect(await eventually(() => events(win.msgs, l.s).includes('FD_ACCEPT'), 5000)).toBe(true);
    const a = await acceptWithin(w, l.s);
    await control.peerWrite(c.id, 'x');
    expect(
      await eventually(() => events(win.msgs, a.s).includes('FD_READ'), 5000),
      `messages: ${JSON.stringify(win.msgs)}`,
    ).toBe(true);
    const m = win.msgs.find((msg) => msg.wParam === a.s)!;
    expect(m.uMsg).toBe(WM_SOCKET);
    expect(ws2.WSAGETSELECTERROR(m.lParam)).toBe(0);
    await control.peerEnd(c.id);
    expect(await w.recv(a.s, new Uint8Array(4), 4, 0)).toBe(1);
    expect(await eventually(() => events(win.msgs, a.s).includes('FD_CLOSE'), 5000)).toBe(true);
    expect(await w.send(a.s, text('ok'), 2, 0)).toBe(2);
  });
});
