/**
 * Non-blocking connect and the three ways Windows reports its outcome: select (writefds /
 * exceptfds), WSAEventSelect (FD_CONNECT with iErrorCode[FD_CONNECT_BIT]) and WSAAsyncSelect
 * (an FD_CONNECT message, delivered asynchronously). Plus the waiting primitives' timeouts.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Control } from '../fixtures/control.js';
import {
  addr,
  collectEvents,
  connectedSocket,
  eventually,
  fdNames,
  lastError,
  newNetworkEvents,
  releaseWinsocks,
  settledWithin,
  tcpSocket,
  winsock,
  ws2,
  type Winsock,
} from '../fixtures/winsock.js';

const {
  SOCKET_ERROR,
  FIONBIO,
  SOL_SOCKET,
  SO_ERROR,
  FD_CONNECT,
  FD_WRITE,
  FD_READ,
  FD_CLOSE,
  FD_CONNECT_BIT,
  FD_WRITE_BIT,
  WSA_WAIT_EVENT_0,
  WSA_WAIT_TIMEOUT,
  FD_SET,
  FD_ISSET,
} = ws2;
const control = new Control();

afterEach(releaseWinsocks);
afterAll(() => control.releaseAll());

const emptySet = () => ({ fd_count: 0, fd_array: [] as number[] });

function nonBlockingSocket(w: Winsock): number {
  const s = tcpSocket(w);
  expect(w.ioctlsocket(s, FIONBIO, { value: 1 }), lastError(w)).toBe(0);
  return s;
}

function soError(w: Winsock, s: number): number {
  const v = new Uint8Array(4);
  const len = { value: 4 };
  expect(w.getsockopt(s, SOL_SOCKET, SO_ERROR, v, len), lastError(w)).toBe(0);
  return new DataView(v.buffer).getInt32(0, true);
}

describe('non-blocking connect with select', () => {
  it('WSAEWOULDBLOCK at once; success is reported in writefds; then WSAEISCONN', async () => {
    const echo = await control.echo();
    const w = winsock();
    const s = nonBlockingSocket(w);
    const name = addr(echo.port);
    const t0 = Date.now();
    expect(await w.connect(s, name, name.length)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEWOULDBLOCK');
    expect(Date.now() - t0).toBeLessThan(1000);

    const writefds = emptySet();
    const exceptfds = emptySet();
    FD_SET(s, writefds);
    FD_SET(s, exceptfds);
    const n = await w.select(0, null, writefds, exceptfds, { tv_sec: 5, tv_usec: 0 });
    expect(n, lastError(w)).toBe(1);
    expect(FD_ISSET(s, writefds)).toBeTruthy();
    expect(FD_ISSET(s, exceptfds)).toBeFalsy();
    expect(soError(w, s)).toBe(0);

    expect(await w.connect(s, name, name.length)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEISCONN');
  });

  it('WSAEALREADY while the connect is pending; failure (time-out) is reported in exceptfds with SO_ERROR', async () => {
    const hole = await control.blackhole();
    const w = winsock();
    const s = nonBlockingSocket(w);
    const name = addr(hole.port);
    expect(await w.connect(s, name, name.length)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEWOULDBLOCK');
    expect(await w.connect(s, name, name.length)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEALREADY');

    const writefds = emptySet();
    const exceptfds = emptySet();
    FD_SET(s, writefds);
    FD_SET(s, exceptfds);
    const n = await w.select(0, null, writefds, exceptfds, { tv_sec: 8, tv_usec: 0 });
    expect(n, lastError(w)).toBe(1);
    expect(FD_ISSET(s, exceptfds)).toBeTruthy();
    expect(FD_ISSET(s, writefds)).toBeFalsy();
    expect(soError(w, s)).toBe(ws2.WSAETIMEDOUT);
  });

  it('failure (refused) is reported in exceptfds, and SO_ERROR = WSAECONNREFUSED', async () => {
    const port = await control.refusedPort();
    const w = winsock();
    const s = nonBlockingSocket(w);
    const name = addr(port);
    expect(await w.connect(s, name, name.length)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEWOULDBLOCK');
    const writefds = emptySet();
    const exceptfds = emptySet();
    FD_SET(s, writefds);
    FD_SET(s, exceptfds);
    expect(await w.select(0, null, writefds, exceptfds, { tv_sec: 5, tv_usec: 0 }), lastError(w)).toBe(1);
    expect(FD_ISSET(s, exceptfds)).toBeTruthy();
    expect(writefds.fd_count).toBe(0);
    expect(soError(w, s)).toBe(ws2.WSAECONNREFUSED);
  });

  it('select timeout returns 0 and empties the sets it was given', async () => {
    const sink = await control.sink();
    const w = winsock();
    const s = await connectedSocket(w, sink.port);
    const readfds = emptySet();
    FD_SET(s, readfds);
    const t0 = Date.now();
    expect(await w.select(0, readfds, null, null, { tv_sec: 0, tv_usec: 200_000 }), lastError(w)).toBe(0);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(180);
    expect(readfds.fd_count).toBe(0);
  });

  it('select with no socket in any set → WSAEINVAL (Windows, unlike POSIX, does not sleep)', async () => {
    const w = winsock();
    expect(await w.select(0, null, null, null, { tv_sec: 0, tv_usec: 1000 })).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEINVAL');
    expect(await w.select(0, emptySet(), emptySet(), emptySet(), { tv_sec: 0, tv_usec: 1000 })).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEINVAL');
  });

  it('select with something that is not a socket → WSAENOTSOCK', async () => {
    const w = winsock();
    const readfds = emptySet();
    FD_SET(0x6161, readfds);
    expect(await w.select(0, readfds, null, null, { tv_sec: 0, tv_usec: 0 })).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAENOTSOCK');
  });

  it('select with a zero timeval polls: a connected socket is writable at once', async () => {
    const sink = await control.sink();
    const w = winsock();
    const s = await connectedSocket(w, sink.port);
    const readfds = emptySet();
    const writefds = emptySet();
    FD_SET(s, readfds);
    FD_SET(s, writefds);
    expect(await w.select(0, readfds, writefds, null, { tv_sec: 0, tv_usec: 0 }), lastError(w)).toBe(1);
    expect(FD_ISSET(s, writefds)).toBeTruthy();
    expect(FD_ISSET(s, readfds)).toBeFalsy();
  });
});

describe('non-blocking connect with WSAEventSelect', () => {
  it('FD_CONNECT with iErrorCode[FD_CONNECT_BIT] = 0, and FD_WRITE after connect', async () => {
    const echo = await control.echo();
    const w = winsock();
    const s = tcpSocket(w);
    const ev = w.WSACreateEvent();
    // WSAEventSelect makes the socket non-blocking by itself.
    expect(w.WSAEventSelect(s, ev, FD_CONNECT | FD_WRITE | FD_READ | FD_CLOSE), lastError(w)).toBe(0);
    const name = addr(echo.port);
    expect(await w.connect(s, name, name.length)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEWOULDBLOCK');
    const got = await collectEvents(w, s, ev, FD_CONNECT | FD_WRITE);
    expect(fdNames(got.lNetworkEvents)).toBe('FD_WRITE|FD_CONNECT');
    expect(got.iErrorCode[FD_CONNECT_BIT]).toBe(0);
    expect(got.iErrorCode[FD_WRITE_BIT]).toBe(0);
    // WSAEnumNetworkEvents reset the event: nothing more is pending.
    expect(await w.WSAWaitForMultipleEvents(1, [ev], false, 0, false)).toBe(WSA_WAIT_TIMEOUT);
    expect(w.WSACloseEvent(ev)).toBe(true);
  });

  it('FD_CONNECT with iErrorCode[FD_CONNECT_BIT] = WSAECONNREFUSED', async () => {
    const port = await control.refusedPort();
    const w = winsock();
    const s = tcpSocket(w);
    const ev = w.WSACreateEvent();
    expect(w.WSAEventSelect(s, ev, FD_CONNECT), lastError(w)).toBe(0);
    const name = addr(port);
    expect(await w.connect(s, name, name.length)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEWOULDBLOCK');
    const got = await collectEvents(w, s, ev, FD_CONNECT);
    expect(fdNames(got.lNetworkEvents)).toBe('FD_CONNECT');
    expect(got.iErrorCode[FD_CONNECT_BIT]).toBe(ws2.WSAECONNREFUSED);
  });

  it('FIONBIO 0 after WSAEventSelect → WSAEINVAL', () => {
    const w = winsock();
    const s = tcpSocket(w);
    const ev = w.WSACreateEvent();
    expect(w.WSAEventSelect(s, ev, FD_READ), lastError(w)).toBe(0);
    expect(w.ioctlsocket(s, FIONBIO, { value: 0 })).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEINVAL');
    // Cancelling the selection (lNetworkEvents 0) does not make it blocking, but then FIONBIO 0 works.
    expect(w.WSAEventSelect(s, ev, 0), lastError(w)).toBe(0);
    expect(w.ioctlsocket(s, FIONBIO, { value: 0 }), lastError(w)).toBe(0);
  });

  it('WSAWaitForMultipleEvents times out with WSA_WAIT_TIMEOUT; WSASetEvent wakes it with WSA_WAIT_EVENT_0 + i', async () => {
    const w = winsock();
    const a = w.WSACreateEvent();
    const b = w.WSACreateEvent();
    const t0 = Date.now();
    expect(await w.WSAWaitForMultipleEvents(2, [a, b], false, 150, false)).toBe(WSA_WAIT_TIMEOUT);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);

    const waiting = w.WSAWaitForMultipleEvents(2, [a, b], false, 5000, false);
    // Only WSASetEvent or the 5 s timeout can end this wait; a wrongly early return happens at once.
    expect(await settledWithin(waiting, 0)).toBe('pending');
    expect(w.WSASetEvent(b)).toBe(true);
    expect(await waiting).toBe(WSA_WAIT_EVENT_0 + 1);
    // Manual reset: still signalled until WSAResetEvent.
    expect(await w.WSAWaitForMultipleEvents(1, [b], false, 0, false)).toBe(WSA_WAIT_EVENT_0);
    expect(w.WSAResetEvent(b)).toBe(true);
    expect(await w.WSAWaitForMultipleEvents(1, [b], false, 0, false)).toBe(WSA_WAIT_TIMEOUT);
  });

  it('WSAEnumNetworkEvents on a socket with nothing recorded returns 0 and no events', async () => {
    const w = winsock();
    const s = tcpSocket(w);
    const ev = w.WSACreateEvent();
    expect(w.WSAEventSelect(s, ev, FD_READ | FD_CLOSE), lastError(w)).toBe(0);
    const ne = newNetworkEvents();
    ne.lNetworkEvents = 0xff;
    expect(w.WSAEnumNetworkEvents(s, ev, ne), lastError(w)).toBe(0);
    expect(ne.lNetworkEvents).toBe(0);
  });
});

describe('non-blocking connect with WSAAsyncSelect', () => {
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

  it('FD_CONNECT message with WSAGETSELECTERROR 0, delivered after the call returned', async () => {
    const echo = await control.echo();
    const w = winsock();
    const s = tcpSocket(w);
    const win = window();
    expect(w.WSAAsyncSelect(s, win.hWnd, WM_SOCKET, FD_CONNECT), lastError(w)).toBe(0);
    const name = addr(echo.port);
    const pending = w.connect(s, name, name.length);
    expect(win.msgs).toEqual([]); // never inside the call
    expect(await pending).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEWOULDBLOCK');
    expect(await eventually(() => win.msgs.length > 0)).toBe(true);
    const [m] = win.msgs;
    expect(m!.uMsg).toBe(WM_SOCKET);
    expect(m!.wParam).toBe(s);
    expect(ws2.WSAGETSELECTEVENT(m!.lParam)).toBe(FD_CONNECT);
    expect(ws2.WSAGETSELECTERROR(m!.lParam)).toBe(0);
  });

  it('FD_CONNECT message with WSAGETSELECTERROR = WSAECONNREFUSED', async () => {
    const port = await control.refusedPort();
    const w = winsock();
    const s = tcpSocket(w);
    const win = window();
    expect(w.WSAAsyncSelect(s, win.hWnd, WM_SOCKET, FD_CONNECT), lastError(w)).toBe(0);
    const name = addr(port);
    expect(await w.connect(s, name, name.length)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEWOULDBLOCK');
    expect(await eventually(() => win.msgs.length > 0)).toBe(true);
    expect(ws2.WSAGETSELECTEVENT(win.msgs[0]!.lParam)).toBe(FD_CONNECT);
    expect(ws2.WSAGETSELECTERROR(win.msgs[0]!.lParam)).toBe(ws2.WSAECONNREFUSED);
  });

  it('FD_WRITE for an already connected socket is queued, not delivered inside WSAAsyncSelect', async () => {
    const sink = await control.sink();
    const w = winsock();
    const s = await connectedSocket(w, sink.port);
    const win = window();
    expect(w.WSAAsyncSelect(s, win.hWnd, WM_SOCKET, FD_WRITE), lastError(w)).toBe(0);
    expect(win.msgs).toEqual([]);
    expect(await eventually(() => win.msgs.length > 0)).toBe(true);
    const [m] = win.msgs;
    expect([m!.uMsg, m!.wParam]).toEqual([WM_SOCKET, s]);
    expect(ws2.WSAGETSELECTEVENT(m!.lParam)).toBe(FD_WRITE);
    expect(ws2.WSAGETSELECTERROR(m!.lParam)).toBe(0);
  });

  it('messages come in order per socket: FD_CONNECT, FD_WRITE, FD_READ, FD_CLOSE', async () => {
    const source = await control.source(100, 5);
    const w = winsock();
    const s = tcpSocket(w);
    const win = window();
    expect(w.WSAAsyncSelect(s, win.hWnd, WM_SOCKET, FD_CONNECT | FD_WRITE | FD_READ | FD_CLOSE), lastError(w)).toBe(0);
    const name = addr(source.port);
    expect(await w.connect(s, name, name.length)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEWOULDBLOCK');
    const seen = () => win.msgs.map((m) => fdNames(ws2.WSAGETSELECTEVENT(m.lParam)));
    expect(await eventually(() => seen().includes('FD_CLOSE')), `got ${seen().join(',')}`).toBe(true);
    const order = seen().filter((n, i, all) => all.indexOf(n) === i);
    expect(order).toEqual(['FD_CONNECT', 'FD_WRITE', 'FD_READ', 'FD_CLOSE']);
    for (const m of win.msgs) {
      expect(m.wParam).toBe(s);
      expect(ws2.WSAGETSELECTERROR(m.lParam)).toBe(0);
    }
  });

  it('FIONBIO 0 after WSAAsyncSelect → WSAEINVAL', () => {
    const w = winsock();
    const s = tcpSocket(w);
    expect(w.WSAAsyncSelect(s, window().hWnd, WM_SOCKET, FD_READ), lastError(w)).toBe(0);
    expect(w.ioctlsocket(s, FIONBIO, { value: 0 })).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEINVAL');
  });
});
