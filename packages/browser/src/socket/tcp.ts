/**
 * One emulated TCP socket: its state machine, addresses, receive buffer and credit window, and
 * its side of one relay stream. The Winsock functions in api/ validate arguments and translate
 * byte layouts; this class does the work.
 */
import { FrameType, Reason, Transport, OpenFlag, type Frame, type OpenedFrame } from '@ws2web/protocol';
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
} from '../win/constants.js';
import { closeReasonError, connectionClosedError, fdCloseError, lostStreamError, wsaErrorForReason } from '../win/errors.js';
import { asFamily, fromEndpoint, isUnspecified, toEndpoint, type SockAddr } from '../win/sockaddr.js';
import type { RelayConnection, StreamFrame, StreamSink } from '../transport/relay-connection.js';
import { SocketBase, fail, ok, type IoResult } from './base.js';
import { waitUntil } from './blocking-wait.js';
import { CreditWindow } from './credit.js';
import { Listener, type PendingConnection } from './listener.js';
import { ReceiveBuffer } from './receive-buffer.js';
import { TcpState, check, tcpStateMachine, type Operation } from './state.js';

/**
 * Bytes the page lets the relay send ahead of what the application has read (per socket). The
 * relay → page throughput of one socket is at most this window per round trip of a CREDIT, so a
 * larger window keeps a browser's slower WebSocket busy (bench/: 256 KiB held bulk transfers to
 * about half of what 1 MiB allows). It costs memory only while the application does not read.
 */
export const RECEIVE_WINDOW = 1024 * 1024;

const SUPPORTED_SEND_FLAGS = MSG_DONTROUTE | MSG_OOB | MSG_PUSH_IMMEDIATE;
const SUPPORTED_RECV_FLAGS = MSG_PEEK | MSG_WAITALL | MSG_OOB | MSG_PUSH_IMMEDIATE | MSG_PARTIAL;

export class StreamSocket extends SocketBase implements StreamSink {
  readonly connectionless = false as const;
  readonly #sm = tcpStateMachine();
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
  /** The outcome of the latest connect, read by a blocking connect when the state settles. */
  #connectResult = 0;
  #onConnected: (() => void) | null = null;
  readonly #recv = new ReceiveBuffer();
  readonly #credit = new CreditWindow(RECEIVE_WINDOW);
  #peerFin = false;
  #sendShut = false;
  #recvShut = false;

  get closed(): boolean { return this.#sm.is(TcpState.CLOSED); }
  override get isListening(): boolean { return this.#sm.is(TcpState.LISTENING); }
  get isConnected(): boolean { return this.#sm.is(TcpState.CONNECTED, TcpState.HALF_CLOSED); }
  get available(): number { return this.#recv.available; }

  stateError(op: Operation): number {
    const rule = check(op, this.#sm.state);
    return rule === 'stored' ? this.#connError : rule;
  }

  peerAddress(): SockAddr | null { return this.remote; }

  // ------------------------------------------------------------------------------------------
  // bind / listen

  bind(address: SockAddr): void {
    this.bound = address;
    this.#sm.to(TcpState.BOUND);
  }

  /**
   * listen: the socket becomes a listening socket now (connect on it is WSAEINVAL); the relay
   * listener is opened in the background and its refusal surfaces at accept / FD_ACCEPT.
   */
  listen(backlog: number): void {
    if (this.#listener) return; // a second listen only changes the backlog on Windows
    const bound = this.bound;
    if (!bound) throw new Error('ws2web invariant: listen on a socket without an address');
    this.#sm.to(TcpState.LISTENING);
    const listener = new Listener(this.host.relay(), {
      changed: (error) => {
        if (error) this.events.record(FD_ACCEPT, error);
        else if (listener.pending > 0) this.events.record(FD_ACCEPT, 0);
        this.changed();
      },
      log: this.host.log,
    });
    this.#listener = listener;
    listener.start(this.family, bound, backlog, {
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
    this.#credit.setSendable(incoming.window);
    this.#sm.to(TcpState.CONNECTING);
    this.#sm.to(TcpState.CONNECTED);
    this.connectedAt = performance.now();
    conn.adopt(incoming.newStream, this);
    this.#credit.grantWindow();
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
    this.soError = 0;
    this.#connectFailed = false;
    this.#connectResult = 0;
    this.#onConnected = onConnected;
    this.#sm.to(TcpState.CONNECTING);
    const conn = this.host.relay();
    this.#conn = conn;
    // On a connection that is already up, OPEN is queued now, so it leaves in the same WebSocket
    // message as whatever else this tick sent (typically the CLOSE of the previous socket) instead
    // of one microtask later in a message of its own: one write less before the relay can dial.
    if (conn.open) return this.#sendOpen(conn, remote);
    void conn.ready().then((code) => {
      if (!this.#sm.is(TcpState.CONNECTING) || this.#conn !== conn) return; // closed meanwhile
      if (code !== 0) return this.#connectFinished(code);
      this.#sendOpen(conn, remote);
    });
  }

  #sendOpen(conn: RelayConnection, remote: SockAddr): void {
    const local = this.bound && !(isUnspecified(this.bound) && this.bound.port === 0) ? toEndpoint(this.bound) : null;
    this.#credit.grantWindow();
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
    if (!this.#sm.is(TcpState.CONNECTING)) return;
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
        if (this.#sm.is(TcpState.CONNECTING)) return undefined;
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
      this.#sm.to(TcpState.CONNECTED);
      this.#onConnected?.();
      this.events.record(FD_CONNECT, 0);
      if (this.#credit.sendable > 0) this.events.record(FD_WRITE, 0);
    } else {
      this.#stream = 0;
      this.soError = code;
      this.#connectFailed = true;
      this.#sm.to(TcpState.BOUND); // implicitly bound; the reference allows connecting again
      this.events.record(FD_CONNECT, code);
    }
    this.#onConnected = null;
    this.changed();
  }

  // StreamSink -------------------------------------------------------------------------------

  onFrame(frame: StreamFrame): void {
    switch (frame.type) {
      case FrameType.OPENED: return this.#onOpened(frame);
      case FrameType.OPEN_FAILED: return this.#connectFinished(wsaErrorForReason(frame.reason));
      case FrameType.DATA: return this.#onData(frame.data);
      case FrameType.CREDIT: return this.#onCredit(frame.bytes);
      case FrameType.FIN: return this.#onFin();
      case FrameType.CLOSE: return this.#onClose(frame.reason);
      default: this.host.log(`socket ${this.handle}: ignoring ${frame.type} on a TCP stream`);
    }
  }

  #onOpened(frame: OpenedFrame): void {
    this.relayLocal = fromEndpoint(frame.local);
    const remote = fromEndpoint(frame.remote);
    // Keep the caller's view of the peer (its family and scope) but take the port the relay used.
    if (this.remote) this.remote = { ...this.remote, port: remote.port };
    this.#credit.setSendable(frame.window);
    this.#connectFinished(0);
  }

  #onData(data: Uint8Array): void {
    const granted = this.#credit.granted;
    if (!this.#credit.receive(data.length)) {
      this.closeOverrun(this.#conn, this.#stream, data.length, granted);
      this.#stream = 0;
      this.#disconnect(WSAECONNABORTED);
      return;
    }
    if (this.#recvShut) {
      // SD_RECEIVE: Windows discards what arrives; give the credit straight back so the relay never stalls.
      this.#credit.consume(data.length);
      this.#returnCredit(true);
      return;
    }
    this.#recv.push(data);
    this.events.record(FD_READ, 0);
    this.changed();
  }

  #onCredit(bytes: number): void {
    this.#credit.credit(bytes);
    if (this.#credit.sendable > 0) this.events.record(FD_WRITE, 0);
    this.changed();
  }

  #onFin(): void {
    if (this.#peerFin) return;
    this.#peerFin = true;
    if (this.#sm.is(TcpState.CONNECTED)) this.#sm.to(TcpState.HALF_CLOSED);
    this.events.record(FD_CLOSE, fdCloseError(true));
    this.changed();
  }

  #onClose(reason: number): void {
    this.#stream = 0;
    if (this.#sm.is(TcpState.CONNECTING)) return this.#connectFinished(closeReasonError(reason));
    // An orderly end: both directions finished. Unread bytes stay readable, then recv returns 0.
    if (reason === Reason.OK) return this.#onFin();
    this.#disconnect(connectionClosedError(reason));
  }

  onLost(code: number): void {
    this.#stream = 0;
    // No connection existed yet, so nothing was aborted: the relay (our network) is down.
    if (this.#sm.is(TcpState.CONNECTING)) return this.#connectFinished(lostStreamError(code, false));
    if (this.isConnected) this.#disconnect(lostStreamError(code, true));
  }

  /**
   * The connection is gone (reset, aborted, relay lost): unread bytes are discarded, as on
   * Windows, send/recv report `code`, and FD_CLOSE carries the abortive error.
   */
  #disconnect(code: number): void {
    if (!this.isConnected) return;
    this.#recv.clear();
    this.#connError = code;
    this.#sm.to(TcpState.DISCONNECTED);
    this.events.record(FD_CLOSE, fdCloseError(false));
    this.changed();
  }

  // ------------------------------------------------------------------------------------------
  // send / recv

  /** send/WSASend on a stream socket: `data` is already cut to the caller's length; `to` is ignored, as Windows. */
  async send(data: Uint8Array, flags: number, _to: SockAddr | null = null, forceWait = false): Promise<IoResult> {
    if (flags & ~SUPPORTED_SEND_FLAGS) return fail(WSAEOPNOTSUPP);
    if (flags & MSG_OOB) return fail(WSAEOPNOTSUPP); // urgent data is not relayed
    const pre = this.#sendCheck();
    if (pre) return fail(pre);
    if (data.length === 0) return ok(0);
    if (this.nonBlocking && !forceWait) {
      if (this.#credit.sendable === 0) {
        this.events.reenable(FD_WRITE); // FD_WRITE is recorded again once credit returns
        return fail(WSAEWOULDBLOCK);
      }
      const n = Math.min(data.length, this.#credit.sendable);
      this.#emitData(data.subarray(0, n));
      return ok(n);
    }
    let sent = 0;
    const wait = this.blockingWait(this.options.sndTimeoMs);
    while (sent < data.length) {
      if (!(await wait.until(() => this.#credit.sendable > 0 || this.#sendCheck() !== 0))) return fail(WSAETIMEDOUT);
      const err = this.#sendCheck();
      if (err) return fail(err);
      const n = Math.min(data.length - sent, this.#credit.sendable);
      this.#emitData(data.subarray(sent, sent + n));
      sent += n;
    }
    return ok(sent);
  }

  #sendCheck(): number {
    if (this.closed) return WSAEINTR;
    const error = this.stateError('transfer');
    if (error) return error;
    if (this.#sendShut) return WSAESHUTDOWN;
    if (this.#stream === 0) return WSAECONNRESET; // the relay already released the connection
    return 0;
  }

  #emitData(bytes: Uint8Array): void {
    const max = this.#conn?.maxFrameBody ?? bytes.length;
    for (let at = 0; at < bytes.length; at += max) {
      this.#sendFrame({ type: FrameType.DATA, stream: this.#stream, data: bytes.subarray(at, Math.min(bytes.length, at + max)) });
    }
    this.#credit.spend(bytes.length);
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
    const wait = this.blockingWait(this.options.rcvTimeoMs);
    let total = 0;
    for (;;) {
      if (!(await wait.until(() => this.#recv.available > 0 || this.#peerFin || this.#recvCheck() !== 0))) return fail(WSAETIMEDOUT);
      const err = this.#recvCheck();
      if (err) return fail(err);
      if (this.#recv.available === 0) return ok(total); // FIN: 0, or what MSG_WAITALL gathered
      total += this.#take(dest, total, len - total, peek);
      if (!waitAll || total === len) return ok(total);
    }
  }

  #recvCheck(): number {
    if (this.closed) return WSAEINTR;
    const error = this.stateError('transfer');
    if (error) return error;
    if (this.#recvShut) return WSAESHUTDOWN;
    return 0;
  }

  /** Copies buffered bytes out, returns credit to the relay, re-records FD_READ if bytes remain. */
  #take(dest: Uint8Array, offset: number, max: number, peek: boolean): number {
    const n = this.#recv.read(dest, offset, max, peek);
    if (!peek) {
      this.#credit.consume(n);
      this.#returnCredit(false);
    }
    if (this.#recv.available > 0) this.events.record(FD_READ, 0);
    return n;
  }

  /** Sends the consumed bytes back as CREDIT when the window says so (see CreditWindow.takeGrant). */
  #returnCredit(force: boolean): void {
    if (this.#stream === 0) return;
    const bytes = this.#credit.takeGrant(force);
    if (bytes > 0) this.#sendFrame({ type: FrameType.CREDIT, stream: this.#stream, bytes });
  }

  #sendFrame(frame: Frame): void {
    if (this.#stream !== 0) this.#conn?.send(frame);
  }

  // ------------------------------------------------------------------------------------------
  // shutdown / options / close

  shutdown(how: number): number {
    if (how !== SD_RECEIVE && how !== SD_SEND && how !== SD_BOTH) return WSAEINVAL;
    const error = this.stateError('shutdown');
    if (error) return error;
    if ((how === SD_SEND || how === SD_BOTH) && !this.#sendShut) {
      this.#sendShut = true;
      this.#sendFrame({ type: FrameType.FIN, stream: this.#stream });
    }
    if ((how === SD_RECEIVE || how === SD_BOTH) && !this.#recvShut) {
      this.#recvShut = true;
      this.#credit.consume(this.#recv.clear());
      this.#returnCredit(true);
    }
    if (this.#sm.is(TcpState.CONNECTED)) this.#sm.to(TcpState.HALF_CLOSED);
    this.changed();
    return 0;
  }

  /** Applies TCP_NODELAY / SO_KEEPALIVE to the relay's live socket (before connect they ride in OPEN). */
  override applyOption(option: number, value: boolean): void {
    if (this.isConnected) {
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
    this.#sm.to(TcpState.CLOSED);
    this.changed();
    this.dropWatchers();
  }

  // ------------------------------------------------------------------------------------------
  // readiness (select) and level-triggered events

  /** select readfds: recv would not block. */
  get readable(): boolean {
    if (this.#listener) return this.#listener.pending > 0 || this.#listener.error !== 0;
    if (this.#sm.is(TcpState.DISCONNECTED)) return true;
    if (!this.isConnected) return false;
    return this.#recv.available > 0 || this.#peerFin || this.#recvShut;
  }

  /** select writefds: connected and send would not block. */
  get writable(): boolean {
    return this.isConnected && !this.#sendShut && this.#credit.sendable > 0;
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
    if (this.#peerFin) return fdCloseError(true);
    return this.#sm.is(TcpState.DISCONNECTED) ? fdCloseError(false) : null;
  }

  /** A listening socket reports the relay listener's real address once LISTENING arrived. */
  override localAddress(): SockAddr | null {
    if (this.#listener?.local) return asFamily(this.#listener.local, this.family);
    return super.localAddress();
  }

  /** SO_CONNECT_TIME: whole seconds connected, 0xFFFFFFFF when not connected. */
  override connectTimeSeconds(): number {
    if (!this.isConnected && !this.#sm.is(TcpState.DISCONNECTED)) return 0xffffffff;
    return Math.floor((performance.now() - this.connectedAt) / 1000);
  }
}
