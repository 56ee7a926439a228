/**
 * Every socket's states, named after Windows' own, and the rules that depend on them. A call
 * that depends on a TCP socket's state asks `check(op, state)` and gets 0 or the Winsock error
 * Windows returns, read from one table instead of ifs scattered across the API. The state
 * strings live here only; the machines are `StateMachine`s over these tables.
 */
import { WSAEALREADY, WSAEINVAL, WSAEISCONN, WSAENOTCONN } from '../win/constants.js';
import { StateMachine, type Transitions } from './state-machine.js';

// TCP ------------------------------------------------------------------------------------------

export const TcpState = {
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
export type TcpStateValue = (typeof TcpState)[keyof typeof TcpState];

/**
 * Calls whose legality depends on the state. `adopt`: AcceptEx's sAcceptSocket, which must be a
 * fresh socket.
 */
export type Operation = 'bind' | 'listen' | 'connect' | 'transfer' | 'shutdown' | 'getpeername' | 'adopt';

const S = TcpState;
/** 0 = allowed; 'stored' = the socket's stored connection error (reset / aborted). */
type Rule = number | 'stored';

/** op → state → rule. A missing state means "allowed". */
const rules: Record<Operation, Partial<Record<TcpStateValue, Rule>>> = {
  // bind: WSAEINVAL if already bound (Windows), including every state past UNBOUND.
  bind: {
    [S.BOUND]: WSAEINVAL,
    [S.CONNECTING]: WSAEINVAL,
    [S.CONNECTED]: WSAEINVAL,
    [S.HALF_CLOSED]: WSAEINVAL,
    [S.DISCONNECTED]: WSAEINVAL,
    [S.LISTENING]: WSAEINVAL,
  },
  // listen: needs a bound socket; a connected one is WSAEISCONN; calling it again is allowed.
  listen: {
    [S.UNBOUND]: WSAEINVAL,
    [S.CONNECTING]: WSAEINVAL,
    [S.CONNECTED]: WSAEISCONN,
    [S.HALF_CLOSED]: WSAEISCONN,
    [S.DISCONNECTED]: WSAEINVAL,
  },
  // connect (WSAConnect reference): pending → WSAEALREADY, connected → WSAEISCONN, listening → WSAEINVAL.
  connect: {
    [S.CONNECTING]: WSAEALREADY,
    [S.CONNECTED]: WSAEISCONN,
    [S.HALF_CLOSED]: WSAEISCONN,
    [S.DISCONNECTED]: WSAEISCONN,
    [S.LISTENING]: WSAEINVAL,
  },
  // send/recv: only on a connection; a torn-down one reports why it was torn down.
  transfer: {
    [S.UNBOUND]: WSAENOTCONN,
    [S.BOUND]: WSAENOTCONN,
    [S.CONNECTING]: WSAENOTCONN,
    [S.LISTENING]: WSAENOTCONN,
    [S.DISCONNECTED]: 'stored',
  },
  shutdown: {
    [S.UNBOUND]: WSAENOTCONN,
    [S.BOUND]: WSAENOTCONN,
    [S.CONNECTING]: WSAENOTCONN,
    [S.LISTENING]: WSAENOTCONN,
    [S.DISCONNECTED]: 'stored',
  },
  getpeername: {
    [S.UNBOUND]: WSAENOTCONN,
    [S.BOUND]: WSAENOTCONN,
    [S.CONNECTING]: WSAENOTCONN,
    [S.LISTENING]: WSAENOTCONN,
    [S.DISCONNECTED]: WSAENOTCONN,
  },
  // AcceptEx accepts only into a socket that was neither bound nor connected (WSAEINVAL).
  adopt: {
    [S.BOUND]: WSAEINVAL,
    [S.CONNECTING]: WSAEINVAL,
    [S.CONNECTED]: WSAEINVAL,
    [S.HALF_CLOSED]: WSAEINVAL,
    [S.DISCONNECTED]: WSAEINVAL,
    [S.LISTENING]: WSAEINVAL,
    [S.CLOSED]: WSAEINVAL,
  },
};

/** The rule for `op` in `state`: 0 or a Winsock error ('stored' resolved by the caller). */
export function check(op: Operation, state: TcpStateValue): Rule {
  return rules[op][state] ?? 0;
}

/** Which states may follow which: guards against a transition the code did not mean. */
const tcpTransitions: Transitions<TcpStateValue> = {
  [S.UNBOUND]: [S.BOUND, S.CONNECTING, S.CLOSED],
  // BOUND → UNBOUND: the relay refused to hold the address (bindAsync), as a failed bind.
  [S.BOUND]: [S.CONNECTING, S.LISTENING, S.UNBOUND, S.CLOSED],
  [S.CONNECTING]: [S.CONNECTED, S.BOUND, S.DISCONNECTED, S.CLOSED],
  [S.CONNECTED]: [S.HALF_CLOSED, S.DISCONNECTED, S.CLOSED],
  [S.HALF_CLOSED]: [S.DISCONNECTED, S.CLOSED],
  [S.DISCONNECTED]: [S.CLOSED],
  [S.LISTENING]: [S.CLOSED],
  [S.CLOSED]: [],
};

/** A TCP socket's machine, starting unbound. */
export function tcpStateMachine(): StateMachine<TcpStateValue> {
  return new StateMachine('socket', tcpTransitions, S.UNBOUND);
}

// UDP ------------------------------------------------------------------------------------------

/**
 * A datagram socket: unbound until bind, connect or sendto binds it implicitly, which opens its
 * relay socket. "Connected" is no state of its own: it is the presence of a default peer, which
 * connect sets, changes or dissolves at any time.
 */
export const UdpState = {
  /** Created, no local address and no relay socket. */
  UNBOUND: 'unbound',
  /** Bound: the relay socket is being opened (DGRAM_OPEN sent or waiting for WELCOME). */
  OPENING: 'opening',
  /** Bound, the relay socket is open. */
  OPEN: 'open',
  /** The relay socket failed to open or is gone; every later call reports why. */
  BROKEN: 'broken',
  /** closesocket was called. */
  CLOSED: 'closed',
} as const;
export type UdpStateValue = (typeof UdpState)[keyof typeof UdpState];

const U = UdpState;
const udpTransitions: Transitions<UdpStateValue> = {
  [U.UNBOUND]: [U.OPENING, U.CLOSED],
  [U.OPENING]: [U.OPEN, U.BROKEN, U.CLOSED],
  [U.OPEN]: [U.BROKEN, U.CLOSED],
  // BROKEN → UNBOUND: the relay refused the bind (bindAsync), which then never happened.
  [U.BROKEN]: [U.UNBOUND, U.CLOSED],
  [U.CLOSED]: [],
};

export function udpStateMachine(): StateMachine<UdpStateValue> {
  return new StateMachine('datagram socket', udpTransitions, U.UNBOUND);
}

// The relay side of a listening socket ------------------------------------------------------------

export const ListenerState = {
  /** Waiting for WELCOME, then for LISTENING (or, for a bound address, BIND's answer). */
  STARTING: 'starting',
  /** BIND answered: the relay holds the address; LISTEN not sent or not answered yet. */
  BOUND: 'bound',
  /** LISTENING arrived: the relay's socket accepts connections. */
  LISTENING: 'listening',
  /** The relay refused or ended the LISTEN stream, or the connection was lost; accept reports why. */
  FAILED: 'failed',
  /** closesocket on the listening socket. */
  CLOSED: 'closed',
} as const;
export type ListenerStateValue = (typeof ListenerState)[keyof typeof ListenerState];

const L = ListenerState;
const listenerTransitions: Transitions<ListenerStateValue> = {
  [L.STARTING]: [L.BOUND, L.LISTENING, L.FAILED, L.CLOSED],
  [L.BOUND]: [L.LISTENING, L.FAILED, L.CLOSED],
  [L.LISTENING]: [L.FAILED, L.CLOSED],
  [L.FAILED]: [L.CLOSED],
  [L.CLOSED]: [],
};

export function listenerStateMachine(): StateMachine<ListenerStateValue> {
  return new StateMachine('listener', listenerTransitions, L.STARTING);
}
