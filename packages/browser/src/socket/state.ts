/**
 * The per-socket Winsock state machine. States are named after Windows' own; every call that
 * depends on the state asks `check(op, state)` and gets 0 or the Winsock error Windows returns,
 * read from one transition table instead of ifs scattered across the API.
 */
import {
  WSAEALREADY,
  WSAEINVAL,
  WSAEISCONN,
  WSAENOTCONN,
} from '../win/constants.js';

export const SocketState = {
  /** Created, no local address. */
  UNBOUND: 'unbound',
  /** A local address is recorded (explicit bind, or implicit after a failed connect). */
  BOUND: 'bound',
  /** A connect is in flight on the relay. */
  CONNECTING: 'connecting',
  /** Connected; both directions open. */
  CONNECTED: 'connected',
  /** Connected, but one direction has finished (shutdown SD_SEND here, or FIN from the peer). */
  HALF_CLOSED: 'half-closed',
  /** The connection was reset or aborted; only closesocket is useful now. */
  DISCONNECTED: 'disconnected',
  /** bind + listen. */
  LISTENING: 'listening',
  /** closesocket was called; the handle is gone. */
  CLOSED: 'closed',
} as const;
export type SocketStateValue = (typeof SocketState)[keyof typeof SocketState];

export type Operation = 'bind' | 'listen' | 'connect' | 'transfer' | 'shutdown' | 'getpeername';

const S = SocketState;
/** 0 = allowed; 'stored' = the socket's stored connection error (reset / aborted). */
type Verdict = number | 'stored';

/** op → state → verdict. A missing state means "allowed". */
const table: Record<Operation, Partial<Record<SocketStateValue, Verdict>>> = {
  // bind: WSAEINVAL if already bound (Windows), including every state past UNBOUND.
  bind: {
    [S.BOUND]: WSAEINVAL, [S.CONNECTING]: WSAEINVAL, [S.CONNECTED]: WSAEINVAL,
    [S.HALF_CLOSED]: WSAEINVAL, [S.DISCONNECTED]: WSAEINVAL, [S.LISTENING]: WSAEINVAL,
  },
  // listen: needs a bound socket; a connected one is WSAEISCONN; calling it again is allowed.
  listen: {
    [S.UNBOUND]: WSAEINVAL, [S.CONNECTING]: WSAEINVAL, [S.CONNECTED]: WSAEISCONN,
    [S.HALF_CLOSED]: WSAEISCONN, [S.DISCONNECTED]: WSAEINVAL,
  },
  // connect (WSAConnect reference): pending → WSAEALREADY, connected → WSAEISCONN, listening → WSAEINVAL.
  connect: {
    [S.CONNECTING]: WSAEALREADY, [S.CONNECTED]: WSAEISCONN, [S.HALF_CLOSED]: WSAEISCONN,
    [S.DISCONNECTED]: WSAEISCONN, [S.LISTENING]: WSAEINVAL,
  },
  // send/recv: only on a connection; a torn-down one reports why it was torn down.
  transfer: {
    [S.UNBOUND]: WSAENOTCONN, [S.BOUND]: WSAENOTCONN, [S.CONNECTING]: WSAENOTCONN,
    [S.LISTENING]: WSAENOTCONN, [S.DISCONNECTED]: 'stored',
  },
  shutdown: {
    [S.UNBOUND]: WSAENOTCONN, [S.BOUND]: WSAENOTCONN, [S.CONNECTING]: WSAENOTCONN,
    [S.LISTENING]: WSAENOTCONN, [S.DISCONNECTED]: 'stored',
  },
  getpeername: {
    [S.UNBOUND]: WSAENOTCONN, [S.BOUND]: WSAENOTCONN, [S.CONNECTING]: WSAENOTCONN,
    [S.LISTENING]: WSAENOTCONN, [S.DISCONNECTED]: WSAENOTCONN,
  },
};

/** Which states may follow which: guards against a transition the code did not mean. */
const transitions: Record<SocketStateValue, readonly SocketStateValue[]> = {
  [S.UNBOUND]: [S.BOUND, S.CONNECTING, S.CLOSED],
  [S.BOUND]: [S.CONNECTING, S.LISTENING, S.CLOSED],
  [S.CONNECTING]: [S.CONNECTED, S.BOUND, S.DISCONNECTED, S.CLOSED],
  [S.CONNECTED]: [S.HALF_CLOSED, S.DISCONNECTED, S.CLOSED],
  [S.HALF_CLOSED]: [S.DISCONNECTED, S.CLOSED],
  [S.DISCONNECTED]: [S.CLOSED],
  [S.LISTENING]: [S.CLOSED],
  [S.CLOSED]: [],
};

/** The verdict for `op` in `state`: 0 or a Winsock error ('stored' resolved by the caller). */
export function check(op: Operation, state: SocketStateValue): Verdict {
  return table[op][state] ?? 0;
}

export class StateMachine {
  #state: SocketStateValue = S.UNBOUND;
  get state(): SocketStateValue { return this.#state; }
  /** Moves to `next`; a transition the table does not list is a bug in this library. */
  to(next: SocketStateValue): void {
    if (next === this.#state) return;
    if (!transitions[this.#state].includes(next)) {
      throw new Error(`ws2web invariant: socket cannot go from ${this.#state} to ${next}`);
    }
    this.#state = next;
  }
  is(...states: SocketStateValue[]): boolean { return states.includes(this.#state); }
}
