/**
 * One emulated TCP socket: its state machine, addresses and connection lifecycle (connect,
 * listen, accept, shutdown, close, readiness). The bytes of the connection — relay stream,
 * credit window, receive buffer, send and recv — are its TcpStream (tcp-stream.ts). The
 * Winsock functions in api/ validate arguments and translate byte layouts; this class does the
 * work.
 */
import { FrameType, Reason, SocketOption, Transport, OpenFlag, type OpenedFrame } from '@ws2web/protocol';
import {
  AF_INET6,
  FD_ACCEPT,
  FD_CLOSE,
  FD_CONNECT,
  FD_WRITE,
  SD_BOTH,
  SD_RECEIVE,
  SD_SEND,
  WSAECONNABORTED,
  WSAEINTR,
  WSAEINVAL,
  WSAEOPNOTSUPP,
  WSAESHUTDOWN,
  WSAETIMEDOUT,
} from '../win/constants.js';
import {
  closeReasonError,
  connectionClosedError,
  fdCloseError,
  lostStreamError,
  wsaErrorForReason,
} from '../win/errors.js';
import { asFamily, fromEndpoint, isUnspecified, toEndpoint, type SockAddr } from '../win/sockaddr.js';
import type { RelayConnection, StreamFrame, StreamSink } from '../transport/relay-connection.js';
import { SocketBase, type IoResult } from './base.js';
import { waitUntil } from './blocking-wait.js';
import type { Listener, ListenerFactory, ListenOptions, PendingConnection } from './listener.js';
import { TcpState, check, tcpStateMachine, type Operation } from './state.js';
import { RECEIVE_WINDOW, TcpStream } from './tcp-stream.js';

export class StreamSocket extends SocketBase implements StreamSink {
  readonly connectionless = false as const;
  readonly #sm = tcpStateMachine();
  remote: SockAddr | null = null;
  /** performance.now() at connection, for SO_CONNECT_TIME. */
  connectedAt = 0;

  #listener: Listener | null = null;
  /** The relay's hold on a fixed bound port (BIND) until listen, connect or closesocket. */
  #reservation: Listener | null = null;
  /** Why a DISCONNECTED socket is disconnected (send/recv report it). */
  #connError = 0;
  /** A non-blocking connect failed: select reports the socket in exceptfds until the next connect. */
  #connectFailed = false;
  /** A non-blocking connect's failure goes to SO_ERROR; a blocking connect's is only returned. */
  #storeConnectError = false;
  /** The outcome of the latest connect, read by a blocking connect when the state settles. */
  #connectResult = 0;
  #onConnected: (() => void) | null = null;
  /** Connected by ConnectEx, SO_UPDATE_CONNECT_CONTEXT not set yet. */
  #awaitingConnectContext = false;
  /** The connect in flight was started by ConnectEx (not connect / WSAConnect). */
  #connectingByConnectEx = false;
  /** The sAcceptSocket of a pending AcceptEx: neither connect nor another AcceptEx may use it. */
  beingAcceptedInto = false;
  readonly #bytes = new TcpStream({
    events: this.events,
    options: this.options,
    isNonBlocking: () => this.nonBlocking,
    transferError: () => (this.closed ? WSAEINTR : this.stateError('transfer')),
    changed: () => this.changed(),
    wait: (timeoutMs) => this.blockingWait(timeoutMs),
    log: (message) => this.host.log(`socket ${this.handle}: ${message}`),
  });

  get closed(): boolean {
    return this.#sm.is(TcpState.CLOSED);
  }
  override get isListening(): boolean {
    return this.#sm.is(TcpState.LISTENING);
  }
  get isConnected(): boolean {
    return this.#sm.is(TcpState.CONNECTED, TcpState.HALF_CLOSED);
  }
  get available(): number {
    return this.#bytes.available;
  }

  stateError(op: Operation): number {
    // Windows (Wine's test_connecting_socket): while a connect is in flight getpeername reports
    // the address it connects to; while a ConnectEx is, WSAENOTCONN (the table's answer).
    if (op === 'getpeername' && this.#sm.is(TcpState.CONNECTING) && !this.#connectingByConnectEx) return 0;
    const rule = check(op, this.#sm.state);
    return rule === 'stored' ? this.#connError : rule;
  }

  peerAddress(): SockAddr | null {
    return this.remote;
  }

  /**
   * connect's (and WSAConnect's) state error. As Windows: a socket a pending AcceptEx accepts into
   * is WSAEINVAL; so is one ConnectEx connected, until SO_UPDATE_CONNECT_CONTEXT (ConnectEx itself
   * says WSAEISCONN).
   */
  connectError(): number {
    if (this.beingAcceptedInto || (this.#awaitingConnectContext && this.isConnected)) return WSAEINVAL;
    // A ConnectEx in flight makes connect WSAEINVAL, not WSAEALREADY (test_connecting_socket).
    if (this.#connectingByConnectEx && this.#sm.is(TcpState.CONNECTING)) return WSAEINVAL;
    return this.stateError('connect');
  }

  /**
   * ConnectEx's state error: as connect's, but a connect or ConnectEx in flight is WSAEINVAL
   * (Windows, test_connecting_socket), not WSAEALREADY.
   */
  connectExError(): number {
    if (this.#sm.is(TcpState.CONNECTING)) return WSAEINVAL;
    return this.stateError('connect');
  }

  /** ConnectEx succeeded: the connect context is not updated yet. */
  connectedByConnectEx(): void {
    this.#awaitingConnectContext = true;
  }

  override updateConnectContext(): void {
    this.#awaitingConnectContext = false;
  }

  // ------------------------------------------------------------------------------------------
  // bind / listen

  /**
   * bind: records the address; a fixed port is also held at the relay (BIND, when it offers
   * that), so a port in use fails the bind (`bindOutcome`) instead of a later accept or connect.
   */
  bind(address: SockAddr): void {
    this.bound = address;
    this.#sm.to(TcpState.BOUND);
    const open = this.host.openListener;
    // Nothing can conflict before the relay picks the port; without withAccept nothing can listen.
    if (address.port === 0 || !open) return;
    const reservation = this.#newListener(open);
    this.#reservation = reservation;
    reservation.reserve(this.family, address, this.#listenOptions());
  }

  /** Settles with 0 once the relay holds the bound address (or holds nothing), or its refusal. */
  bindOutcome(): Promise<number> {
    return this.#reservation?.bindOutcome ?? Promise.resolve(0);
  }

  /** Why the relay refused the bound address (listen and connect report it), 0 otherwise. */
  get bindError(): number {
    return this.#reservation?.error ?? 0;
  }

  /** A bind whose hold the relay refused never happened (bindAsync): unbound again. */
  unbind(): void {
    this.#reservation?.close();
    this.#reservation = null;
    this.bound = null;
    this.#sm.to(TcpState.UNBOUND);
  }

  /**
   * listen: the socket becomes a listening socket now (connect on it is WSAEINVAL); the relay
   * listener is opened in the background (on the held address's stream, if bind holds one) and
   * its refusal surfaces at accept / FD_ACCEPT. WSAEOPNOTSUPP when the object has no listener to
   * open (made without withAccept: no call could take a connection off it).
   */
  listen(backlog: number): number {
    if (this.#listener) return 0; // a second listen only changes the backlog on Windows
    const open = this.host.openListener;
    if (!open) return WSAEOPNOTSUPP;
    const bound = this.bound;
    if (!bound) throw new Error('ws2web invariant: listen on a socket without an address');
    this.#sm.to(TcpState.LISTENING);
    const reservation = this.#reservation;
    this.#reservation = null;
    if (reservation) {
      this.#listener = reservation;
      reservation.listen(backlog);
      return 0;
    }
    const listener = this.#newListener(open);
    this.#listener = listener;
    listener.start(this.family, bound, backlog, this.#listenOptions());
    return 0;
  }

  #newListener(open: ListenerFactory): Listener {
    const listener: Listener = open(this.host.relay(), {
      changed: (error) => {
        this.changed(); // first: a waiting accept or AcceptEx takes its connection, which is then no FD_ACCEPT
        if (listener !== this.#listener) return; // only bound: no FD_ACCEPT
        if (error) this.events.record(FD_ACCEPT, error);
        else if (listener.pending > 0) this.events.record(FD_ACCEPT, 0);
      },
      log: this.host.log,
    });
    return listener;
  }

  #listenOptions(): ListenOptions {
    return {
      reuseAddr: this.options.reuseAddr,
      exclusive: this.options.exclusiveAddrUse,
      dualStack: this.family === AF_INET6 && !this.options.v6Only,
    };
  }

  /** The relay listener of a listening socket. */
  get listener(): Listener | null {
    return this.#listener;
  }

  /**
   * Makes this (unbound, unconnected) socket the accepted end of an inbound connection: the
   * stream is already connected at the relay, and granting credit tells the relay to start
   * reading it. Frames that arrived while it was pending are replayed.
   */
  adoptIncoming(conn: RelayConnection, pending: PendingConnection): void {
    const { incoming, parked } = pending;
    this.#bytes.conn = conn;
    this.#bytes.id = incoming.newStream;
    this.relayLocal = fromEndpoint(incoming.local);
    this.bound = asFamily(this.relayLocal, this.family);
    this.remote = asFamily(fromEndpoint(incoming.remote), this.family);
    this.#bytes.credit.setSendable(incoming.window);
    this.#sm.to(TcpState.CONNECTING);
    this.#sm.to(TcpState.CONNECTED);
    this.connectedAt = performance.now();
    conn.adopt(incoming.newStream, this);
    this.#sendHeldOptions();
    this.#bytes.grantWindow();
    for (const frame of parked.frames) this.onFrame(frame);
    if (parked.lost) this.onLost(parked.lost);
    this.changed();
  }

  /**
   * The relay accepted this connection with its socket's defaults: the options this socket holds
   * (inherited from the listener by accept, or set on AcceptEx's socket) follow in SETOPTs. The
   * time goes first so that SO_KEEPALIVE arms the timer with it.
   */
  #sendHeldOptions(): void {
    const { noDelay, keepAlive, keepAliveTimeMs } = this.options;
    if (keepAliveTimeMs !== null) this.#setopt(SocketOption.KEEPALIVE_TIME, keepAliveTimeMs);
    if (noDelay) this.#setopt(SocketOption.NODELAY, 1);
    if (keepAlive) this.#setopt(SocketOption.KEEPALIVE, 1);
  }

  /** One socket option for the relay's socket of this stream. */
  #setopt(option: number, value: number): void {
    this.#bytes.send({ type: FrameType.SETOPT, stream: this.#bytes.id, option, value });
  }

  // ------------------------------------------------------------------------------------------
  // connect

  /**
   * Starts a TCP connect through the relay. The outcome arrives as FD_CONNECT, select
   * readiness, and `waitConnected()`. `onConnected` runs at success, before anyone is woken
   * (WSAConnect fills lpCalleeData there).
   */
  startConnect(remote: SockAddr, onConnected: (() => void) | null, byConnectEx = false): void {
    // The held address is released first: its CLOSE leaves before the OPEN that binds it.
    this.#reservation?.close();
    this.#reservation = null;
    if (!this.bound)
      this.bound = {
        family: remote.family,
        address: remote.family === AF_INET6 ? '::' : '0.0.0.0',
        port: 0,
        flowinfo: 0,
        scopeId: 0,
      };
    this.remote = remote;
    // SO_ERROR keeps an earlier failure until a connect succeeds; a blocking connect's failure is
    // returned, not stored (Windows, as its tests record).
    this.#storeConnectError = this.nonBlocking;
    this.#connectFailed = false;
    this.#connectResult = 0;
    this.#onConnected = onConnected;
    this.#connectingByConnectEx = byConnectEx;
    this.events.reenable(FD_CONNECT); // each connect attempt has its own FD_CONNECT
    this.#sm.to(TcpState.CONNECTING);
    const conn = this.host.relay();
    this.#bytes.conn = conn;
    // On a connection that is already up, OPEN is queued now, so it leaves in the same WebSocket
    // message as whatever else this tick sent (typically the CLOSE of the previous socket) instead
    // of one microtask later in a message of its own: one write less before the relay can dial.
    if (conn.open) return this.#sendOpen(conn, remote);
    void conn.ready().then((code) => {
      if (!this.#sm.is(TcpState.CONNECTING) || this.#bytes.conn !== conn) return; // closed meanwhile
      if (code !== 0) return this.#connectFinished(code);
      this.#sendOpen(conn, remote);
    });
  }

  #sendOpen(conn: RelayConnection, remote: SockAddr): void {
    const local = this.bound && !(isUnspecified(this.bound) && this.bound.port === 0) ? toEndpoint(this.bound) : null;
    this.#bytes.credit.grantWindow();
    this.#bytes.id = conn.openStream(this, (stream) => ({
      type: FrameType.OPEN,
      stream,
      transport: Transport.TCP,
      flags: (this.options.noDelay ? OpenFlag.NODELAY : 0) | (this.options.keepAlive ? OpenFlag.KEEPALIVE : 0),
      window: RECEIVE_WINDOW,
      remote: toEndpoint(remote),
      local,
    }));
    // The relay takes SETOPT before it answers OPEN and applies the time once it has the socket.
    const keepAliveMs = this.options.keepAliveTimeMs;
    if (keepAliveMs !== null) this.#setopt(SocketOption.KEEPALIVE_TIME, keepAliveMs);
  }

  /** Abandons a connect in flight (WSAConnectByName's timeout); the relay drops the dial. */
  abortConnect(code: number): void {
    if (!this.#sm.is(TcpState.CONNECTING)) return;
    this.#bytes.end(Reason.RESET);
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
      this.soError = 0;
      this.#sm.to(TcpState.CONNECTED);
      this.#onConnected?.();
      this.events.record(FD_CONNECT, 0);
      if (this.#bytes.credit.sendable > 0) this.events.record(FD_WRITE, 0);
    } else {
      this.#bytes.id = 0;
      if (this.#storeConnectError) this.soError = code;
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
      case FrameType.OPENED:
        return this.#onOpened(frame);
      case FrameType.OPEN_FAILED:
        return this.#connectFinished(wsaErrorForReason(frame.reason));
      case FrameType.DATA:
        if (!this.#bytes.onData(frame.data)) this.#disconnect(WSAECONNABORTED);
        return;
      case FrameType.CREDIT:
        return this.#bytes.onCredit(frame.bytes);
      case FrameType.FIN:
        return this.#onFin();
      case FrameType.CLOSE:
        return this.#onClose(frame.reason);
      default:
        this.host.log(`socket ${this.handle}: ignoring ${frame.type} on a TCP stream`);
    }
  }

  #onOpened(frame: OpenedFrame): void {
    this.relayLocal = fromEndpoint(frame.local);
    const remote = fromEndpoint(frame.remote);
    // Keep the caller's view of the peer (its family and scope) but take the port the relay used.
    if (this.remote) this.remote = { ...this.remote, port: remote.port };
    this.#bytes.credit.setSendable(frame.window);
    this.#connectFinished(0);
  }

  #onFin(): void {
    if (this.#bytes.peerFin) return;
    this.#bytes.peerFin = true;
    if (this.#sm.is(TcpState.CONNECTED)) this.#sm.to(TcpState.HALF_CLOSED);
    this.events.record(FD_CLOSE, fdCloseError(true));
    this.changed();
  }

  #onClose(reason: number): void {
    this.#bytes.id = 0;
    if (this.#sm.is(TcpState.CONNECTING)) return this.#connectFinished(closeReasonError(reason));
    // An orderly end: both directions finished. Unread bytes stay readable, then recv returns 0.
    if (reason === Reason.OK) return this.#onFin();
    this.#disconnect(connectionClosedError(reason));
  }

  onLost(code: number): void {
    this.#bytes.id = 0;
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
    this.#bytes.discardReceived();
    this.#connError = code;
    this.#sm.to(TcpState.DISCONNECTED);
    this.events.record(FD_CLOSE, fdCloseError(false));
    this.changed();
  }

  // ------------------------------------------------------------------------------------------
  // send / recv (the bytes are the TcpStream's)

  /** send/WSASend on a stream socket: `data` is already cut to the caller's length; `to` is ignored, as Windows. */
  send(data: Uint8Array, flags: number, _to: SockAddr | null = null, forceWait = false): Promise<IoResult> {
    return this.#bytes.sendBytes(data, flags, forceWait);
  }

  /** recv/WSARecv on a stream socket into `dest[0..len)`. */
  recv(dest: Uint8Array, len: number, flags: number, forceWait = false): Promise<IoResult> {
    return this.#bytes.recvBytes(dest, len, flags, forceWait);
  }

  // ------------------------------------------------------------------------------------------
  // shutdown / options / close

  shutdown(how: number): number {
    if (how !== SD_RECEIVE && how !== SD_SEND && how !== SD_BOTH) return WSAEINVAL;
    const error = this.stateError('shutdown');
    if (error) return error;
    if (how === SD_SEND || how === SD_BOTH) this.#bytes.shutdownSend();
    if (how === SD_RECEIVE || how === SD_BOTH) this.#bytes.shutdownReceive();
    if (this.#sm.is(TcpState.CONNECTED)) this.#sm.to(TcpState.HALF_CLOSED);
    this.changed();
    return 0;
  }

  /**
   * Applies TCP_NODELAY / SO_KEEPALIVE / the keep-alive time to the relay's live socket (before
   * connect the first two ride in OPEN and the time follows it, see #sendOpen).
   */
  override applyOption(option: number, value: number): void {
    if (this.isConnected) this.#setopt(option, value);
  }

  /**
   * closesocket: graceful (queued bytes, then FIN) unless SO_LINGER is on with a zero timeout,
   * which resets. Blocking calls in flight on this socket return WSAEINTR.
   */
  close(): void {
    if (this.closed) return;
    const abort = this.options.lingerOn && this.options.lingerSeconds === 0;
    this.#bytes.end(abort ? Reason.RESET : Reason.OK);
    this.#listener?.close();
    this.#reservation?.close();
    this.events.select(null, 0);
    this.#bytes.discardReceived();
    this.#sm.to(TcpState.CLOSED);
    this.changed();
    this.dropWatchers();
  }

  // ------------------------------------------------------------------------------------------
  // readiness (select) and level-triggered events

  override get immediateReceiveError(): number {
    if (this.#bytes.recvShut) return WSAESHUTDOWN;
    return this.connectionBroken ? this.#connError : 0;
  }
  override get connectionBroken(): boolean {
    return this.#sm.is(TcpState.DISCONNECTED);
  }

  /** select readfds: recv would not block. */
  get readable(): boolean {
    if (this.#listener) return this.#listener.pending > 0 || this.#listener.error !== 0;
    if (this.#sm.is(TcpState.DISCONNECTED)) return true;
    if (!this.isConnected) return false;
    return this.#bytes.available > 0 || this.#bytes.peerFin || this.#bytes.recvShut;
  }

  /** select writefds: connected and send would not block. */
  /** shutdown(SD_SEND) or SD_BOTH was called: send fails at once (WSAPoll still says POLLWRNORM). */
  get sendShutDown(): boolean {
    return this.#bytes.sendShut;
  }

  get writable(): boolean {
    return this.isConnected && !this.#bytes.sendShut && this.#bytes.credit.sendable > 0;
  }

  /** select exceptfds: a non-blocking connect failed. */
  get exceptional(): boolean {
    return this.#connectFailed;
  }

  /** Also FD_ACCEPT for a listener with a connection waiting (or its refusal), as Windows records. */
  override recordCurrentConditions(): void {
    super.recordCurrentConditions();
    const listener = this.#listener;
    if (listener?.error) this.events.record(FD_ACCEPT, listener.error);
    else if (listener && listener.pending > 0) this.events.record(FD_ACCEPT, 0);
  }

  protected override closeCondition(): number | null {
    if (this.#bytes.peerFin) return fdCloseError(true);
    return this.#sm.is(TcpState.DISCONNECTED) ? fdCloseError(false) : null;
  }

  /** A listening (or held bound) socket reports the relay's real address once LISTENING arrived. */
  override localAddress(): SockAddr | null {
    const local = this.#listener?.local ?? this.#reservation?.local;
    if (local) return asFamily(local, this.family);
    return super.localAddress();
  }

  /** SO_CONNECT_TIME: whole seconds connected, 0xFFFFFFFF when not connected. */
  override connectTimeSeconds(): number {
    if (!this.isConnected && !this.#sm.is(TcpState.DISCONNECTED)) return 0xffffffff;
    return Math.floor((performance.now() - this.connectedAt) / 1000);
  }
}
