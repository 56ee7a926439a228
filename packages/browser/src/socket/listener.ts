/**
 * The relay side of a listening socket: the LISTEN stream, the real address it got, and the
 * inbound connections (INCOMING) waiting for accept / WSAAccept / AcceptEx. A pending
 * connection costs the relay nothing but a socket: it reads nothing from it until accepted.
 *
 * A TCP socket bound to a fixed port starts one at bind (`reserve`): BIND makes the relay hold
 * the address (docs/protocol.md), and `listen` later sends LISTEN on that same stream once the
 * BIND is answered. A relay without the BIND capability holds nothing: bind succeeds and
 * `listen` opens a LISTEN stream of its own, as before.
 */
import {
  Capability,
  FrameType,
  ListenFlag,
  Reason,
  encodePageFrame,
  listenerFrameDecoders,
  type IncomingFrame,
} from '@ws2web/protocol';
import { AF_INET6, WSAEACCES, WSAECONNABORTED, WSAEINTR } from '../win/constants.js';
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
  #family = 0;
  #bound: SockAddr | null = null;
  #options: ListenOptions = { reuseAddr: false, exclusive: false, dualStack: false };
  /** The backlog once listen was called; null while only bound. */
  #backlog: number | null = null;
  /** A BIND went out (the stream is a held address) rather than a LISTEN. */
  #bindStream = false;
  /** Settles with BIND's outcome: 0 (held, or nothing to hold) or the Winsock error. */
  readonly bindOutcome: Promise<number>;
  #settleBind: (code: number) => void = () => {};

  constructor(
    readonly conn: RelayConnection,
    private readonly owner: ListenerOwner,
  ) {
    this.bindOutcome = new Promise((settle) => {
      this.#settleBind = settle;
    });
  }

  get pending(): number {
    return this.#pending.length;
  }

  /** 0 while usable; the Winsock error accept reports once the listener failed, was refused or closed. */
  get error(): number {
    return this.#error;
  }

  /** Sends LISTEN once the relay's WELCOME said it accepts inbound connections at all. */
  start(family: number, bound: SockAddr, backlog: number, options: ListenOptions): void {
    this.#family = family;
    this.#bound = bound;
    this.#options = options;
    this.#backlog = backlog;
    this.#settleBind(0);
    this.#openListen();
  }

  /**
   * bind to a fixed port: BIND once WELCOME arrived, if the relay offers it; `bindOutcome`
   * settles with its answer. Without the capability (or without a relay) nothing is held and
   * bind has succeeded; a later `listen` opens a LISTEN stream of its own.
   */
  reserve(family: number, bound: SockAddr, options: ListenOptions): void {
    this.#family = family;
    this.#bound = bound;
    this.#options = options;
    void this.conn.ready().then((code) => {
      if (!this.#sm.is(ListenerState.STARTING)) return;
      if (code !== 0 || !(this.conn.capabilities & Capability.BIND)) {
        this.#settleBind(0);
        if (this.#backlog !== null) this.#openListen();
        return;
      }
      this.#bindStream = true;
      this.#stream = this.conn.openStream(
        this,
        (stream) =>
          encodePageFrame({
            type: FrameType.BIND,
            stream,
            family: family === AF_INET6 ? 6 : 4,
            flags: this.#flags(),
            local: toEndpoint(bound),
          }),
        listenerFrameDecoders,
      );
      if (this.#backlog !== null) this.#sendListen(this.#stream);
    });
  }

  /**
   * listen on a socket whose bind started `reserve`: LISTEN on the BIND's stream, at once when
   * BIND went out (answered or not: the relay listens as soon as it holds the address, so no
   * connection falls between the two), else when it goes; FAILED: accept reports why.
   */
  listen(backlog: number): void {
    if (this.#backlog !== null) return;
    this.#backlog = backlog;
    if (this.#bindStream && this.#sm.is(ListenerState.STARTING, ListenerState.BOUND)) this.#sendListen(this.#stream);
  }

  #flags(): number {
    const o = this.#options;
    return (
      (o.reuseAddr ? ListenFlag.REUSEADDR : 0) |
      (o.exclusive ? ListenFlag.EXCLUSIVEADDRUSE : 0) |
      (o.dualStack ? ListenFlag.DUAL_STACK : 0)
    );
  }

  /** LISTEN, encoded here: the relay connection encodes only the frames every page sends. */
  #listenFrame(stream: number): Uint8Array {
    return encodePageFrame({
      type: FrameType.LISTEN,
      stream,
      family: this.#family === AF_INET6 ? 6 : 4,
      flags: this.#flags(),
      backlog: Math.max(1, Math.min(this.#backlog ?? 1, 0xffff)),
      local: toEndpoint(this.#bound!),
    });
  }

  #sendListen(stream: number): void {
    this.conn.send(this.#listenFrame(stream));
  }

  /** A LISTEN stream of its own, once WELCOME said the relay accepts inbound connections at all. */
  #openListen(): void {
    void this.conn.ready().then((code) => {
      if (!this.#sm.is(ListenerState.STARTING)) return;
      if (code) return this.#fail(unopenedStreamError(code));
      // A relay without inbound support refuses, as its policy would: WSAEACCES (the contract).
      if (!(this.conn.capabilities & Capability.INBOUND)) return this.#fail(WSAEACCES);
      this.#stream = this.conn.openStream(this, (stream) => this.#listenFrame(stream), listenerFrameDecoders);
    });
  }

  onFrame(frame: StreamFrame): void {
    switch (frame.type) {
      case FrameType.LISTENING:
        this.local = fromEndpoint(frame.local);
        if (this.#bindStream && this.#sm.is(ListenerState.STARTING)) {
          // BIND's answer: the address is held (a LISTEN sent meanwhile has its own answer).
          this.#sm.to(ListenerState.BOUND);
          this.#settleBind(0);
          return;
        }
        if (this.#sm.is(ListenerState.STARTING, ListenerState.BOUND)) this.#sm.to(ListenerState.LISTENING);
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
    this.#settleBind(code);
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
    this.#settleBind(WSAEINTR);
    this.#sm.to(ListenerState.CLOSED);
  }
}

/** The socket options a LISTEN or BIND carries. */
export interface ListenOptions {
  reuseAddr: boolean;
  exclusive: boolean;
  dualStack: boolean;
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
