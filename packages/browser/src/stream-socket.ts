/**
 * One emulated TCP socket: its state machine, addresses, receive buffer and credits, and its
 * side of one relay stream. The Winsock functions in winsock.ts
 * validate arguments and translate byte layouts; this class does the work.
 */
import { FrameType, Reason, Transport, OpenFlag, type OpenedFrame } from '@ws2web/protocol';
import {
  AF_INET6,
  FD_ACCEPT,
  FD_CLOSE,
  FD_CONNECT,
  FD_READ,
  FD_WRITE,
  MSG_OOB,
  MSG_PEEK,
  MSG_PUSH_IMMEDIATE,
  MSG_WAITALL,
  MSG_DONTROUTE,
  MSG_PARTIAL,
  SD_BOTH,
  SD_RECEIVE,
  SD_SEND,
  WSAECONNABORTED,
  WSAECONNRESET,
  WSAEINTR,
  WSAEINVAL,
  WSAEOPNOTSUPP,
  WSAESHUTDOWN,
  WSAETIMEDOUT,
  WSAEWOULDBLOCK,
  WSAENETDOWN,
} from './constants.js';
import { wsaErrorForReason } from './errors.js';
import { SocketBase, fail, ok, type IoResult } from './socket-base.js';
import { Listener, type PendingConnection } from './listener.js';
import { ReceiveBuffer } from './receive-buffer.js';
import { asFamily, fromEndpoint, isUnspecified, toEndpoint, type SockAddr } from './sockaddr.js';
import { SocketState, StateMachine, check, type Operation } from './socket-state.js';
import type { RelayConnection, StreamFrame, StreamListener } from './transport.js';
import { waitUntil } from './waiting.js';

/**
 * Bytes the page lets the relay send ahead of what the application has read (per socket). The
 * relay → page throughput of one socket is at most this window per round trip of a CREDIT, so a
 * larger window keeps a browser's slower WebSocket busy (bench/: 256 KiB held bulk transfers to
 * about half of what 1 MiB allows). It costs memory only while the application does not read.
 */
export const RECEIVE_WINDOW = 1024 * 1024;

const SUPPORTED_SEND_FLAGS = MSG_DONTROUTE | MSG_OOB | MSG_PUSH_IMMEDIATE;
const SUPPORTED_RECV_FLAGS = MSG_PEEK | MSG_WAITALL | MSG_OOB | MSG_PUSH_IMMEDIATE | MSG_PARTIAL;

export class StreamSocket extends SocketBase implements StreamListener {
  readonly #sm = new StateMachine();
  remote: SockAddr | null = null;
  /** performance.now() at connection, for SO_CONNECT_TIME. */
  connectedAt = 0;

  #conn: RelayConnection | null = null;
  #stream = 0;
  #listener: Listener | null = null;
  /** Why a DISCONNECTED socket is disconnected (send/recv report it). */
  #connError = 0;
  /** A non-blocking connect failed: select reports the socket in exceptfds until the next connect. */
  #connectFailed = false;
  #storeConnectError = false;
  /** The outcome of the latest connect, read by a blocking connect when the state settles. */
  #connectResult = 0;
  #onConnected: (() => void) | null = null;
  readonly #recv = new ReceiveBuffer();
  #peerFin = false;
  /** recv calls waiting for data: what arrives goes to them, not to FD_READ (as on Windows). */
  #readersWaiting = 0;
  #sendShut = false;
  #recvShut = false;
  #sendCredit = 0;
  /** Bytes the relay may still send before we grant more. */
  #granted = 0;
  /** Bytes read by the application since the last CREDIT we sent. */
  #consumed = 0;

  get state() { return this.#sm.state; }
  get closed(): boolean { return this.#sm.is(SocketState.CLOSED); }
  override get isListening(): boolean { return this.#sm.is(SocketState.LISTENING); }
  get isConnected(): boolean { return this.#sm.is(SocketState.CONNECTED, SocketState.HALF_CLOSED); }
  get available(): number { return this.#recv.available; }

  /** The state machine's verdict for `op`: 0 or a Winsock error. */
  verdict(op: Operation): number {
    const v = check(op, this.#sm.state);
    return v === 'stored' ? this.#connError : v;
  }

  // ------------------------------------------------------------------------------------------
  // bind / listen

  bind(address: SockAddr): void {
    this.bound = address;
    this.#sm.to(SocketState.BOUND);
  }

  /**
   * listen: the socket becomes a listening socket now (connect on it is WSAEINVAL); the relay
   * listener is opened in the background and its refusal surfaces at accept / FD_ACCEPT.
   */
  listen(backlog: number): void {
    if (this.#listener) return; // a second listen only changes the backlog on Windows
    this.#sm.to(SocketState.LISTENING);
    const listener = new Listener(this.host.relay(), {
      changed: (error) => {
        this.changed(); // first: a waiting accept or AcceptEx takes its connection, which is then no FD_ACCEPT
        if (error) this.events.record(FD_ACCEPT, error);
        else if (listener.pending > 0) this.events.record(FD_ACCEPT, 0);
      },
      log: this.host.log,
    });
    this.#listener = listener;
    listener.start(this.family, this.bound!, backlog, {
      reuseAddr: this.options.reuseAddr,
      exclusive: this.options.exclusiveAddrUse,
      dualStack: this.family === AF_INET6 && !this.options.v6Only,
    });
  }

  /** The relay listener of a listening socket. */
  get listener(): Listener | null { return this.#listener; }

  /**
   * Makes this (unbound, unconnected) socket the accepted end of an inbound connection: the
   * stream is already connected at the relay, and granting credit tells the relay to start
   * reading it. Frames that arrived while it was pending are replayed.
   */
  adoptIncoming(conn: RelayConnection, pending: PendingConnection): void {
    const { incoming, parked } = pending;
    this.#conn = conn;
    this.#stream = incoming.newStream;
    this.relayLocal = fromEndpoint(incoming.local);
    this.bound = asFamily(this.relayLocal, this.family);
    this.remote = asFamily(fromEndpoint(incoming.remote), this.family);
    this.#sendCredit = incoming.window;
    this.#sm.to(SocketState.CONNECTING);
    this.#sm.to(SocketState.CONNECTED);
    this.connectedAt = performance.now();
    conn.adopt(incoming.newStream, this);
    this.#granted = RECEIVE_WINDOW;
    this.#sendFrame({ type: FrameType.CREDIT, stream: this.#stream, bytes: RECEIVE_WINDOW });
    for (const frame of parked.frames) this.onFrame(frame);
    if (parked.lost) this.onLost(parked.lost);
    this.changed();
  }

  // ------------------------------------------------------------------------------------------
  // connect

  /**
   * Starts a TCP connect through the relay. The outcome arrives as FD_CONNECT, select
   * readiness, and `waitConnected()`. `onConnected` runs at success, before anyone is woken
   * (WSAConnect fills lpCalleeData there).
   */
  startConnect(remote: SockAddr, onConnected: (() => void) | null): void {
    if (!this.bound) this.bound = { family: remote.family, address: remote.family === AF_INET6 ? '::' : '0.0.0.0', port: 0, flowinfo: 0, scopeId: 0 };
    this.remote = remote;
    // SO_ERROR keeps an earlier failure until a connect succeeds; a blocking connect's failure is
    // returned, not stored (Windows, as its tests record).
    this.#storeConnectError = this.nonBlocking;
    this.#connectFailed = false;
    this.#connectResult = 0;
    this.#onConnected = onConnected;
    this.events.reenable(FD_CONNECT); // each connect attempt has its own FD_CONNECT
    this.#sm.to(SocketState.CONNECTING);
    const conn = this.host.relay();
    this.#conn = conn;
    // On a connection that is already up, OPEN is queued now, so it leaves in the same WebSocket
    // message as whatever else this tick sent (typically the CLOSE of the previous socket) instead
    // of one microtask later in a message of its own: one write less before the relay can dial.
    if (conn.open) return this.#sendOpen(conn, remote);
    void conn.ready().then((code) => {
      if (!this.#sm.is(SocketState.CONNECTING) || this.#conn !== conn) return; // closed meanwhile
      if (code !== 0) return this.#connectFinished(code);
      this.#sendOpen(conn, remote);
    });
  }

  #sendOpen(conn: RelayConnection, remote: SockAddr): void {
    const local = this.bound && !(isUnspecified(this.bound) && this.bound.port === 0) ? toEndpoint(this.bound) : null;
    this.#granted = RECEIVE_WINDOW;
    this.#stream = conn.openStream(this, (stream) => ({
      type: FrameType.OPEN,
      stream,
      transport: Transport.TCP,
      flags: (this.options.noDelay ? OpenFlag.NODELAY : 0) | (this.options.keepAlive ? OpenFlag.KEEPALIVE : 0),
      window: RECEIVE_WINDOW,
      remote: toEndpoint(remote),
      local,
    }));
  }

  /** Abandons a connect in flight (WSAConnectByName's timeout); the relay drops the dial. */
  abortConnect(code: number): void {
    if (!this.#sm.is(SocketState.CONNECTING)) return;
    if (this.#stream !== 0) {
      this.#sendFrame({ type: FrameType.CLOSE, stream: this.#stream, reason: Reason.RESET });
      this.#conn?.forget(this.#stream);
    }
    this.#connectFinished(code);
  }

  /** Resolves with 0 or the Winsock error once the connect in flight settles. */
  waitConnected(): Promise<number> {
    return waitUntil(
      [this.subscribe],
      () => {
        if (this.closed) return WSAEINTR;
        if (this.#sm.is(SocketState.CONNECTING)) return undefined;
        return this.#connectResult;
      },
      null,
      () => WSAETIMEDOUT,
    );
  }

  #connectFinished(code: number): void {
    this.#connectResult = code;
    if (code === 0) {
      this.connectedAt = performance.now();
      this.soError = 0;
      this.#sm.to(SocketState.CONNECTED);
      this.#onConnected?.();
      this.events.record(FD_CONNECT, 0);
      if (this.#sendCredit > 0) this.events.record(FD_WRITE, 0);
    } else {
      this.#stream = 0;
      if (this.#storeConnectError) this.soError = code;
      this.#connectFailed = true;
      this.#sm.to(SocketState.BOUND); // implicitly bound; the reference allows connecting again
      this.events.record(FD_CONNECT, code);
    }
    this.#onConnected = null;
    this.changed();
  }

  // StreamListener ---------------------------------------------------------------------------

  onFrame(frame: StreamFrame): void {
    switch (frame.type) {
      case FrameType.OPENED: return this.onOpened(frame);
      case FrameType.OPEN_FAILED: return this.onOpenFailed(frame.reason);
      case FrameType.DATA: return this.onData(frame.data);
      case FrameType.CREDIT: return this.onCredit(frame.bytes);
      case FrameType.FIN: return this.onFin();
      case FrameType.CLOSE: return this.onClose(frame.reason);
      default: this.host.log(`socket ${this.handle}: ignoring ${frame.type} on a TCP stream`);
    }
  }

  onOpened(frame: OpenedFrame): void {
    this.relayLocal = fromEndpoint(frame.local);
    const remote = fromEndpoint(frame.remote);
    // Keep the caller's view of the peer (its family and scope) but take the port the relay used.
    if (this.remote) this.remote = { ...this.remote, port: remote.port };
    this.#sendCredit = frame.window;
    this.#connectFinished(0);
  }

  onOpenFailed(reason: number): void {
    this.#connectFinished(wsaErrorForReason(reason));
  }

  onData(data: Uint8Array): void {
    if (data.length > this.#granted) {
      this.host.log(`socket ${this.handle}: relay sent ${data.length} bytes with ${this.#granted} credit left; aborting`);
      this.#sendFrame({ type: FrameType.CLOSE, stream: this.#stream, reason: Reason.PROTOCOL_ERROR });
      this.#conn?.forget(this.#stream);
      this.#stream = 0;
      this.#disconnect(WSAECONNABORTED);
      return;
    }
    this.#granted -= data.length;
    if (this.#recvShut) {
      // SD_RECEIVE: Windows discards what arrives; give the credit straight back so the relay never stalls.
      this.#consumed += data.length;
      this.#grantCredit(true);
      return;
    }
    this.#recv.push(data);
    if (this.#readersWaiting === 0) this.events.record(FD_READ, 0);
    this.changed();
  }

  onCredit(bytes: number): void {
    this.#sendCredit += bytes;
    if (this.#sendCredit > 0) this.events.spaceFreed();
    this.changed();
  }

  onFin(): void {
    if (this.#peerFin) return;
    this.#peerFin = true;
    if (this.#sm.is(SocketState.CONNECTED)) this.#sm.to(SocketState.HALF_CLOSED);
    this.events.record(FD_CLOSE, 0);
    this.changed();
  }

  onClose(reason: number): void {
    this.#stream = 0;
    if (this.#sm.is(SocketState.CONNECTING)) {
      this.#connectFinished(reason === Reason.OK ? WSAECONNABORTED : wsaErrorForReason(reason));
      return;
    }
    if (reason === Reason.OK) {
      // An orderly end: both directions finished. Unread bytes stay readable, then recv returns 0.
      this.onFin();
      return;
    }
    this.#disconnect(reason === Reason.RESET ? WSAECONNRESET : WSAECONNABORTED);
  }

  onLost(_code: number): void {
    this.#stream = 0;
    if (this.#sm.is(SocketState.CONNECTING)) {
      // No connection existed yet, so nothing was aborted: the relay (our network) is down.
      this.#connectFinished(WSAENETDOWN);
      return;
    }
    if (this.isConnected) this.#disconnect(WSAECONNABORTED);
  }

  /**
   * The connection is gone (reset, aborted, relay lost): unread bytes are discarded, as on
   * Windows, send/recv report `code`, and FD_CLOSE carries WSAECONNABORTED (the contract).
   */
  #disconnect(code: number): void {
    if (!this.isConnected) return;
    this.#recv.clear();
    this.#connError = code;
    this.#sm.to(SocketState.DISCONNECTED);
    this.events.record(FD_CLOSE, WSAECONNABORTED);
    this.changed();
  }

  // ------------------------------------------------------------------------------------------
  // send / recv

  /** send/WSASend on a stream socket: `data` is already cut to the length the caller gave. */
  async send(data: Uint8Array, flags: number, forceWait = false): Promise<IoResult> {
    if (flags & ~SUPPORTED_SEND_FLAGS) return fail(WSAEOPNOTSUPP);
    if (flags & MSG_OOB) return fail(WSAEOPNOTSUPP); // urgent data is not relayed
    const pre = this.#sendCheck();
    if (pre) return fail(pre);
    if (data.length === 0) return ok(0);
    if (this.nonBlocking && !forceWait) {
      if (this.#sendCredit === 0) {
        this.events.reenable(FD_WRITE); // FD_WRITE is recorded again once credit returns
        return fail(WSAEWOULDBLOCK);
      }
      const n = Math.min(data.length, this.#sendCredit);
      this.#emitData(data.subarray(0, n));
      return ok(n);
    }
    let sent = 0;
    const deadline = this.options.sndTimeoMs > 0 ? performance.now() + this.options.sndTimeoMs : null;
    while (sent < data.length) {
      const ready = await waitUntil(
        [this.subscribe],
        () => (this.#sendCredit > 0 || this.#sendCheck() !== 0 ? true : undefined),
        deadline === null ? null : deadline - performance.now(),
        () => false,
      );
      if (!ready) return fail(WSAETIMEDOUT);
      const err = this.#sendCheck();
      if (err) return fail(err);
      const n = Math.min(data.length - sent, this.#sendCredit);
      this.#emitData(data.subarray(sent, sent + n));
      sent += n;
    }
    return ok(sent);
  }

  #sendCheck(): number {
    if (this.closed) return WSAEINTR;
    const v = this.verdict('transfer');
    if (v) return v;
    if (this.#sendShut) return WSAESHUTDOWN;
    if (this.#stream === 0) return WSAECONNRESET; // the relay already released the connection
    return 0;
  }

  #emitData(bytes: Uint8Array): void {
    const max = this.#conn!.maxFrameBody;
    for (let at = 0; at < bytes.length; at += max) {
      this.#sendFrame({ type: FrameType.DATA, stream: this.#stream, data: bytes.subarray(at, Math.min(bytes.length, at + max)) });
    }
    this.#sendCredit -= bytes.length;
  }

  /**
   * recv/WSARecv on a stream socket into `dest[0..len)`. Graceful close → 0 after every byte;
   * reset → WSAECONNRESET; relay lost → WSAECONNABORTED.
   */
  async recv(dest: Uint8Array, len: number, flags: number, forceWait = false): Promise<IoResult> {
    if (flags & ~SUPPORTED_RECV_FLAGS) return fail(WSAEOPNOTSUPP);
    if (flags & MSG_OOB) return fail(WSAEOPNOTSUPP); // urgent data is not relayed (SIOCATMARK is always TRUE)
    const peek = (flags & MSG_PEEK) !== 0;
    const waitAll = (flags & MSG_WAITALL) !== 0;
    const blocking = forceWait || !this.nonBlocking;
    if (waitAll && (peek || !blocking)) return fail(WSAEOPNOTSUPP); // as Windows documents
    const pre = this.#recvCheck();
    if (pre) return fail(pre);
    this.events.reenable(FD_READ);
    if (len === 0) return ok(0);
    if (!blocking) {
      if (this.#recv.available > 0) return ok(this.#take(dest, 0, len, peek));
      if (this.#peerFin) return ok(0);
      return fail(WSAEWOULDBLOCK);
    }
    const deadline = this.options.rcvTimeoMs > 0 ? performance.now() + this.options.rcvTimeoMs : null;
    let total = 0;
    for (;;) {
      this.#readersWaiting++;
      const ready = await waitUntil(
        [this.subscribe],
        () => (this.#recv.available > 0 || this.#peerFin || this.#recvCheck() !== 0 ? true : undefined),
        deadline === null ? null : deadline - performance.now(),
        () => false,
      );
      this.#readersWaiting--;
      if (!ready) return fail(WSAETIMEDOUT);
      const err = this.#recvCheck();
      if (err) return fail(err);
      if (this.#recv.available === 0) return ok(total); // FIN: 0, or what MSG_WAITALL gathered
      total += this.#take(dest, total, len - total, peek);
      if (!waitAll || total === len) return ok(total);
    }
  }

  #recvCheck(): number {
    if (this.closed) return WSAEINTR;
    const v = this.verdict('transfer');
    if (v) return v;
    if (this.#recvShut) return WSAESHUTDOWN;
    return 0;
  }

  /** Copies buffered bytes out, returns credit to the relay, re-records FD_READ if bytes remain. */
  #take(dest: Uint8Array, offset: number, max: number, peek: boolean): number {
    const n = this.#recv.read(dest, offset, max, peek);
    if (!peek) {
      this.#consumed += n;
      this.#grantCredit(false);
    }
    if (this.#recv.available > 0) this.events.record(FD_READ, 0);
    return n;
  }

  /**
   * Returns consumed bytes to the relay as credit, in batches of a quarter window (fewer
   * frames). The relay can stall only with zero credit, which means a whole window was
   * consumed, so batching never deadlocks.
   */
  #grantCredit(force: boolean): void {
    if (this.#stream === 0 || this.#consumed === 0) return;
    if (!force && this.#consumed < RECEIVE_WINDOW / 4) return;
    this.#sendFrame({ type: FrameType.CREDIT, stream: this.#stream, bytes: this.#consumed });
    this.#granted += this.#consumed;
    this.#consumed = 0;
  }

  #sendFrame(frame: Parameters<RelayConnection['send']>[0]): void {
    if (this.#stream !== 0) this.#conn?.send(frame);
  }

  // ------------------------------------------------------------------------------------------
  // shutdown / options / close

  shutdown(how: number): number {
    if (how !== SD_RECEIVE && how !== SD_SEND && how !== SD_BOTH) return WSAEINVAL;
    const v = this.verdict('shutdown');
    if (v) return v;
    if ((how === SD_SEND || how === SD_BOTH) && !this.#sendShut) {
      this.#sendShut = true;
      this.#sendFrame({ type: FrameType.FIN, stream: this.#stream });
    }
    if ((how === SD_RECEIVE || how === SD_BOTH) && !this.#recvShut) {
      this.#recvShut = true;
      this.#consumed += this.#recv.clear();
      this.#grantCredit(true);
    }
    if (this.#sm.is(SocketState.CONNECTED)) this.#sm.to(SocketState.HALF_CLOSED);
    this.changed();
    return 0;
  }

  /** Applies TCP_NODELAY / SO_KEEPALIVE to the relay's live socket (before connect they ride in OPEN). */
  override applyOption(option: number, value: boolean): void {
    if (this.#sm.is(SocketState.CONNECTED, SocketState.HALF_CLOSED)) {
      this.#sendFrame({ type: FrameType.SETOPT, stream: this.#stream, option, value: value ? 1 : 0 });
    }
  }

  /**
   * closesocket: graceful (queued bytes, then FIN) unless SO_LINGER is on with a zero timeout,
   * which resets. Blocking calls in flight on this socket return WSAEINTR.
   */
  close(): void {
    if (this.closed) return;
    if (this.#stream !== 0) {
      const abort = this.options.lingerOn && this.options.lingerSeconds === 0;
      this.#sendFrame({ type: FrameType.CLOSE, stream: this.#stream, reason: abort ? Reason.RESET : Reason.OK });
      this.#conn?.forget(this.#stream);
      this.#stream = 0;
    }
    this.#listener?.close();
    this.events.select(null, 0);
    this.#recv.clear();
    this.#sm.to(SocketState.CLOSED);
    this.changed();
    this.dropListeners();
  }

  // ------------------------------------------------------------------------------------------
  // readiness (select) and level-triggered events

  /** select readfds: recv would not block. */
  get readable(): boolean {
    if (this.#listener) return this.#listener.pending > 0 || this.#listener.error !== 0;
    if (this.#sm.is(SocketState.DISCONNECTED)) return true;
    if (!this.isConnected) return false;
    return this.#recv.available > 0 || this.#peerFin || this.#recvShut;
  }

  /** shutdown(SD_SEND) or SD_BOTH was called: send fails at once (WSAPoll still says POLLWRNORM). */
  get sendShutDown(): boolean { return this.#sendShut; }

  /** select writefds: connected and send would not block. */
  get writable(): boolean {
    return this.isConnected && !this.#sendShut && this.#sendCredit > 0;
  }

  /** select exceptfds: a non-blocking connect failed. */
  get exceptional(): boolean {
    return this.#connectFailed;
  }

  /** Also FD_ACCEPT for a listener with a connection waiting (or its refusal), as Windows records. */
  override recordCurrentConditions(): void {
    super.recordCurrentConditions();
    const listener = this.#listener;
    if (listener && listener.error) this.events.record(FD_ACCEPT, listener.error);
    else if (listener && listener.pending > 0) this.events.record(FD_ACCEPT, 0);
  }

  protected override closeCondition(): number | null {
    if (this.#peerFin) return 0;
    return this.#sm.is(SocketState.DISCONNECTED) ? WSAECONNABORTED : null;
  }

  /** A listening socket reports the relay listener's real address once LISTENING arrived. */
  override localAddress(): SockAddr | null {
    if (this.#listener?.local) return asFamily(this.#listener.local, this.family);
    return super.localAddress();
  }

  /** SO_CONNECT_TIME: whole seconds connected, 0xFFFFFFFF when not connected. */
  override connectTimeSeconds(): number {
    if (!this.isConnected && !this.#sm.is(SocketState.DISCONNECTED)) return 0xffffffff;
    return Math.floor((performance.now() - this.connectedAt) / 1000);
  }
}
