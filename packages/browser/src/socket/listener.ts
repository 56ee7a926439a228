/**
 * The relay side of a listening socket: the LISTEN stream, the real address it got, and the
 * inbound connections (INCOMING) waiting for accept / WSAAccept / AcceptEx. A pending
 * connection costs the relay nothing but a socket: it reads nothing from it until accepted.
 */
import { Capability, FrameType, ListenFlag, Reason, type IncomingFrame } from '@ws2web/protocol';
import { AF_INET6, WSAEACCES, WSAECONNABORTED } from '../win/constants.js';
import { closeReasonError, lostStreamError, unopenedStreamError, wsaErrorForReason } from '../win/errors.js';
import { fromEndpoint, toEndpoint, type SockAddr } from '../win/sockaddr.js';
import type { RelayConnection, StreamFrame, StreamSink } from '../transport/relay-connection.js';
import { ListenerState, listenerStateMachine } from './state.js';

/** What the listening socket that owns a Listener hears from it. */
export interface ListenerOwner {
  /** A connection arrived, or the listener failed: the owner records FD_ACCEPT and wakes waiters. */
  changed(error: number): void;
  log(message: string): void;
}

/**
 * Makes the relay side of a listening socket. withAccept supplies it (createWinsockWith), so an
 * object that cannot take connections off a listener does not carry one.
 */
export type ListenerFactory = (conn: RelayConnection, owner: ListenerOwner) => Listener;

export const openListener: ListenerFactory = (conn, owner) => new Listener(conn, owner);

export class Listener implements StreamSink {
  readonly #sm = listenerStateMachine();
  #stream = 0;
  #error = 0;
  /** The relay's real listening address once LISTENING arrived. */
  local: SockAddr | null = null;
  readonly #pending: PendingConnection[] = [];

  constructor(
    readonly conn: RelayConnection,
    private readonly owner: ListenerOwner,
  ) {}

  get pending(): number {
    return this.#pending.length;
  }

  /** 0 while usable; the Winsock error accept reports once the listener failed, was refused or closed. */
  get error(): number {
    return this.#error;
  }

  /** Sends LISTEN once the relay's WELCOME said it accepts inbound connections at all. */
  start(
    family: number,
    bound: SockAddr,
    backlog: number,
    options: { reuseAddr: boolean; exclusive: boolean; dualStack: boolean },
  ): void {
    void this.conn.ready().then((code) => {
      if (!this.#sm.is(ListenerState.STARTING)) return;
      if (code) return this.#fail(unopenedStreamError(code));
      // A relay without inbound support refuses, as its policy would: WSAEACCES (the contract).
      if (!(this.conn.capabilities & Capability.INBOUND)) return this.#fail(WSAEACCES);
      this.#stream = this.conn.openStream(this, (stream) => ({
        type: FrameType.LISTEN,
        stream,
        family: family === AF_INET6 ? 6 : 4,
        flags:
          (options.reuseAddr ? ListenFlag.REUSEADDR : 0) |
          (options.exclusive ? ListenFlag.EXCLUSIVEADDRUSE : 0) |
          (options.dualStack ? ListenFlag.DUAL_STACK : 0),
        backlog: Math.max(1, Math.min(backlog, 0xffff)),
        local: toEndpoint(bound),
      }));
    });
  }

  onFrame(frame: StreamFrame): void {
    switch (frame.type) {
      case FrameType.LISTENING:
        this.local = fromEndpoint(frame.local);
        if (this.#sm.is(ListenerState.STARTING)) this.#sm.to(ListenerState.LISTENING);
        this.owner.changed(0);
        return;
      case FrameType.INCOMING: {
        // Frames for the new stream may follow in this very message: hold them until accepted.
        const parked = parkedStream();
        this.conn.adopt(frame.newStream, parked);
        this.#pending.push({ incoming: frame, parked });
        this.owner.changed(0);
        return;
      }
      case FrameType.OPEN_FAILED:
        this.#stream = 0;
        return this.#fail(wsaErrorForReason(frame.reason));
      case FrameType.CLOSE:
        this.#stream = 0;
        return this.#fail(closeReasonError(frame.reason));
      default:
        this.owner.log(`listener: ignoring frame ${frame.type}`);
    }
  }

  onLost(code: number): void {
    this.#stream = 0;
    this.#pending.length = 0;
    this.#fail(lostStreamError(code, true));
  }

  #fail(code: number): void {
    if (this.#sm.is(ListenerState.FAILED, ListenerState.CLOSED)) return;
    this.#error = code;
    this.#sm.to(ListenerState.FAILED);
    this.owner.changed(code);
  }

  /** The oldest pending connection, left in place (WSAAccept's CF_DEFER). */
  peek(): PendingConnection | undefined {
    return this.#pending[0];
  }

  /** Removes and returns the oldest pending connection. */
  take(): PendingConnection | undefined {
    return this.#pending.shift();
  }

  /** Removes `pending` if it is still queued (another accept may have taken it); says whether it was. */
  remove(pending: PendingConnection): boolean {
    const i = this.#pending.indexOf(pending);
    if (i < 0) return false;
    this.#pending.splice(i, 1);
    return true;
  }

  /** WSAAccept CF_REJECT: the relay resets the connection. */
  reject(pending: PendingConnection): void {
    const i = this.#pending.indexOf(pending);
    if (i >= 0) this.#pending.splice(i, 1);
    this.conn.send({ type: FrameType.CLOSE, stream: pending.incoming.newStream, reason: Reason.RESET });
    this.conn.forget(pending.incoming.newStream);
  }

  /** closesocket on the listener: the relay closes it and resets what is still pending. */
  close(): void {
    for (const { incoming } of this.#pending) this.conn.forget(incoming.newStream);
    this.#pending.length = 0;
    if (this.#stream !== 0) {
      this.conn.send({ type: FrameType.CLOSE, stream: this.#stream, reason: Reason.OK });
      this.conn.forget(this.#stream);
      this.#stream = 0;
    }
    this.#error ||= WSAECONNABORTED;
    this.#sm.to(ListenerState.CLOSED);
  }
}

/**
 * Until a pending connection is accepted, frames for it (a FIN or CLOSE from a peer that gave
 * up) are kept and replayed to the socket that accepts it.
 */
export interface ParkedStream extends StreamSink {
  readonly parked: true;
  frames: StreamFrame[];
  lost: number;
}

/** An inbound connection waiting for accept. */
export interface PendingConnection {
  incoming: IncomingFrame;
  parked: ParkedStream;
}

function parkedStream(): ParkedStream {
  const parked: ParkedStream = {
    parked: true,
    frames: [],
    lost: 0,
    onFrame(frame) {
      parked.frames.push(frame);
    },
    onLost(code) {
      parked.lost = code;
    },
  };
  return parked;
}
