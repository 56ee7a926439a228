/**
 * The two ways Windows reports network events, behind one interface so every event test runs in
 * both: event-object mode (WSAEventSelect + WSAWaitForMultipleEvents + WSAEnumNetworkEvents) and
 * window-message mode (WSAAsyncSelect, the window procedure collecting its messages).
 *
 * `expectEvents(first, second)` is the check Windows' own tests make: with nothing expected, no
 * signal (or message) arrives within a short window and the record is empty; otherwise the
 * event is signalled and WSAEnumNetworkEvents returns exactly first|second with their error
 * codes, or exactly the messages first then second arrive, in that order, and no other.
 * An expectation is `FD_x` or `WSAMAKESELECTREPLY(FD_x, error)`.
 */
import { expect } from 'vitest';
import { fdNames, lastError, newNetworkEvents, tcpSocket, ws2, type Winsock } from '../../fixtures/winsock.js';
import { acceptWithin, listeningSocket, type Listening } from '../../fixtures/inbound.js';

const { WSA_WAIT_TIMEOUT, WSA_WAIT_EVENT_0, WSAGETSELECTEVENT, WSAGETSELECTERROR } = ws2;

/** How long "nothing happens" is watched for (Windows' tests use 200 ms). */
export const QUIET_MS = 200;
/** How long an expected event may take under load. */
export const EXPECT_MS = 5000;

export type ModeName = 'event' | 'message';
export const MODES: ModeName[] = ['event', 'message'];

export interface EventMode {
  readonly name: ModeName;
  /** The socket the next check reads (select sets it, as Windows' tests do). */
  socket: number;
  select(s: number, mask: number): void;
  expectEvents(first: number, second?: number, what?: string): Promise<void>;
  /** Event-object mode only: the event object itself. */
  readonly event: ws2.WSAEVENT | null;
}

const describeReply = (r: number) => {
  const err = WSAGETSELECTERROR(r);
  return err ? `${fdNames(WSAGETSELECTEVENT(r))}(${err})` : fdNames(WSAGETSELECTEVENT(r));
};

export function eventMode(w: Winsock, name: ModeName): EventMode {
  return name === 'event' ? new EventObjectMode(w) : new WindowMessageMode(w);
}

class EventObjectMode implements EventMode {
  readonly name = 'event' as const;
  socket = 0;
  readonly event: ws2.WSAEVENT;
  constructor(private readonly w: Winsock) {
    this.event = w.WSACreateEvent();
  }

  select(s: number, mask: number): void {
    expect(this.w.WSAEventSelect(s, this.event, mask), `WSAEventSelect: ${lastError(this.w)}`).toBe(0);
    this.socket = s;
  }

  async expectEvents(first: number, second = 0, what = ''): Promise<void> {
    const wanted = first | second;
    const rc = await this.w.WSAWaitForMultipleEvents(1, [this.event], false, wanted ? EXPECT_MS : QUIET_MS, false);
    expect(rc, `${what}: the event ${wanted ? 'was never signalled' : 'was signalled'}`).toBe(
      wanted ? WSA_WAIT_EVENT_0 : WSA_WAIT_TIMEOUT,
    );
    const ne = newNetworkEvents();
    expect(this.w.WSAEnumNetworkEvents(this.socket, this.event, ne), lastError(this.w)).toBe(0);
    const events = WSAGETSELECTEVENT(first) | WSAGETSELECTEVENT(second);
    expect(fdNames(ne.lNetworkEvents), `${what}: WSAEnumNetworkEvents`).toBe(fdNames(events));
    for (const reply of [first, second]) {
      if (!reply) continue;
      const bit = 31 - Math.clz32(WSAGETSELECTEVENT(reply));
      expect(ne.iErrorCode[bit], `${what}: iErrorCode of ${fdNames(1 << bit)}`).toBe(WSAGETSELECTERROR(reply));
    }
  }
}

class WindowMessageMode implements EventMode {
  readonly name = 'message' as const;
  readonly event = null;
  socket = 0;
  readonly #queue: { wParam: number; lParam: number }[] = [];
  #arrived: (() => void) | null = null;
  constructor(private readonly w: Winsock) {}

  readonly #wndProc = (uMsg: number, wParam: number, lParam: number): void => {
    expect(uMsg, 'the message number given to WSAAsyncSelect').toBe(WM_SOCKET);
    this.#queue.push({ wParam, lParam });
    this.#arrived?.();
  };

  select(s: number, mask: number): void {
    expect(this.w.WSAAsyncSelect(s, this.#wndProc, WM_SOCKET, mask), `WSAAsyncSelect: ${lastError(this.w)}`).toBe(0);
    this.socket = s;
  }

  /** The next message, or null if none arrives within `ms`. */
  #next(ms: number): Promise<{ wParam: number; lParam: number } | null> {
    if (this.#queue.length > 0) return Promise.resolve(this.#queue.shift()!);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#arrived = null;
        resolve(null);
      }, ms);
      this.#arrived = () => {
        clearTimeout(timer);
        this.#arrived = null;
        resolve(this.#queue.shift()!);
      };
    });
  }

  async expectEvents(first: number, second = 0, what = ''): Promise<void> {
    const got: string[] = [];
    for (const reply of [first, second]) {
      if (!reply) continue;
      const msg = await this.#next(EXPECT_MS);
      if (msg) {
        expect(msg.wParam, `${what}: wParam (the socket)`).toBe(this.socket);
        got.push(describeReply(msg.lParam));
      }
    }
    const extra = await this.#next(first || second ? 0 : QUIET_MS);
    if (extra) got.push(describeReply(extra.lParam));
    // Leftovers would be misread by the next check; take them all.
    while (this.#queue.length > 0) got.push(describeReply(this.#queue.shift()!.lParam));
    expect(got, `${what}: the messages posted`).toEqual([first, second].filter(Boolean).map(describeReply));
  }
}

const WM_SOCKET = 0x0400 + 100;

/**
 * Two connected TCP sockets of `w` (which must be on the inbound relay): `client` connected with
 * a blocking connect, `server` the socket accept returned. Both blocking.
 */
export async function tcpSocketPair(w: Winsock, listening?: Listening): Promise<{ client: number; server: number }> {
  const l = listening ?? (await listeningSocket(w));
  const client = tcpSocket(w);
  const name = ws2.sockaddrIn('127.0.0.1', l.port);
  expect(await w.connect(client, name, name.length), `connect: ${lastError(w)}`).toBe(0);
  const { s: server } = await acceptWithin(w, l.s);
  if (!listening) expect(w.closesocket(l.s)).toBe(0);
  return { client, server };
}

/** FIONBIO on (true) or off. */
export function setNonBlocking(w: Winsock, s: number, on: boolean): void {
  expect(w.ioctlsocket(s, ws2.FIONBIO, { value: on ? 1 : 0 }), `FIONBIO: ${lastError(w)}`).toBe(0);
}

/** select() until `s` is readable (data, FIN, reset, a pending connection), at most EXPECT_MS. */
export async function untilReadable(w: Winsock, s: number): Promise<void> {
  const readfds = { fd_count: 1, fd_array: [s] };
  const n = await w.select(0, readfds, null, null, { tv_sec: EXPECT_MS / 1000, tv_usec: 0 });
  expect(n, `select readfds: ${n < 0 ? lastError(w) : 'timed out'}`).toBe(1);
}

/** A recv that waits for data even on a non-blocking socket (Windows' tests use an overlapped WSARecv). */
export async function syncRecv(w: Winsock, s: number, len: number): Promise<number> {
  await untilReadable(w, s);
  const rc = await w.recv(s, new Uint8Array(len), len, 0);
  expect(rc, `recv: ${lastError(w)}`).not.toBe(ws2.SOCKET_ERROR);
  return rc;
}

/** send of a short string, asserting it all went. */
export async function sendText(w: Winsock, s: number, text: string): Promise<void> {
  const bytes = new TextEncoder().encode(text);
  expect(await w.send(s, bytes, bytes.length, 0), `send: ${lastError(w)}`).toBe(bytes.length);
}

/** closesocket after SO_LINGER {1, 0}: the peer sees a reset. */
export function closeWithReset(w: Winsock, s: number): void {
  const linger = new Uint8Array(4); // struct linger { u_short l_onoff; u_short l_linger; }
  new DataView(linger.buffer).setUint16(0, 1, true);
  expect(w.setsockopt(s, ws2.SOL_SOCKET, ws2.SO_LINGER, linger, 4), lastError(w)).toBe(0);
  expect(w.closesocket(s), lastError(w)).toBe(0);
}
