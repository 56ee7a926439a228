/**
 * One page's WebSocket: the handshake, frame dispatch to its streams (TCP streams, UDP sockets,
 * name queries, listeners and the inbound streams they offer: one id space per side, one
 * maxStreams limit), and the outgoing coalescer.
 *
 * States: AWAITING_HELLO ──valid HELLO──▶ READY ──GOAWAY / close / error──▶ CLOSING ──'close'──▶ CLOSED.
 * Only HELLO is legal before WELCOME. Any message that does not decode, a text message, a frame
 * the page may not send, or a stream-id rule broken is a protocol error: GOAWAY(PROTOCOL_ERROR)
 * and close 1002. A bad HELLO (version, ticket) is GOAWAY(VERSION_MISMATCH | AUTH_FAILED) and
 * close 1008. A frame of one kind on a stream of another (DATAGRAM on TCP, DATA on UDP…) is a
 * protocol error too. When the WebSocket goes, every socket of it is destroyed.
 *
 * Limits enforced here (docs/security.md): streams per WebSocket (maxStreams), sockets across
 * the relay (maxSocketsTotal), opens per second per client (token bucket), bandwidth per
 * WebSocket (reads paused / CREDIT delayed, never buffered), idle timeout. Each refusal is
 * OPEN_FAILED(LIMIT) → WSAENOBUFS in the page, and a `limit_hits` metric. While the relay
 * drains, new streams get OPEN_FAILED(SHUTTING_DOWN), listeners close, and the WebSocket closes
 * once its last stream is gone.
 *
 * Inbound (docs/inbound.md): LISTEN opens a TcpListener (counted as a socket and a stream, and
 * against listen.maxListeners); each connection it accepts becomes a TcpStream with a relay
 * stream id (0x80000000 upward, never reused), counted like an outbound one.
 */
import type net from 'node:net';
import type { WebSocket } from 'ws';
import {
  FrameType,
  PROTOCOL_VERSION,
  Capability,
  Reason,
  decodeMessage,
  frameName,
  reasonRow,
  type DgramOpenFrame,
  type Endpoint,
  type Frame,
  type HelloFrame,
  type ListenFrame,
  type OpenFrame,
  type ResolveFrame,
} from '@ws2web/protocol';
import type { DestinationScope } from '../policy/destination-scope.js';
import { ByteThrottle, type RelayLimits } from '../ops/limits.js';
import type { LimitName, Metrics } from '../ops/metrics.js';
import { NameQuery } from '../streams/name-query.js';
import type { ResolvedOptions } from '../config/options.js';
import { Outbox } from './outbox.js';
import type { PortSet } from '../policy/port-set.js';
import type { HostedStream } from '../streams/stream-host.js';
import { TcpListener, type ListenerHost } from '../streams/tcp-listener.js';
import { StreamState, TcpStream, type InboundParent } from '../streams/tcp-stream.js';
import { verifyTicket } from '../ops/tickets.js';
import { UdpStream } from '../streams/udp-stream.js';

export const ConnectionState = {
  AWAITING_HELLO: 0,
  READY: 1,
  /** GOAWAY sent or close started; incoming frames are ignored. */
  CLOSING: 2,
  CLOSED: 3,
} as const;
export type ConnectionStateValue = (typeof ConnectionState)[keyof typeof ConnectionState];

/** WebSocket close codes (RFC 6455). */
const CloseCode = { GOING_AWAY: 1001, PROTOCOL_ERROR: 1002, POLICY_VIOLATION: 1008 } as const;

/** Ids from here on are reserved for relay-initiated streams (RELAY_STREAM_BASE). */
const FIRST_RELAY_STREAM = 0x80000000;
const LAST_RELAY_STREAM = 0xffffffff;

/** After close(1001/1002/1008), how long the page gets to answer the close frame. */
const CLOSE_GRACE_MS = 2000;

/** A HELLO body can be 4 bytes plus a 64 KiB token, whatever maxFrameBody is. */
const MAX_HELLO_BODY = 4 + 0xffff;

/**
 * What the relay offers in WELCOME, given its options. INBOUND is always offered, also when the
 * inbound policy allows nothing: the page then asks, and the policy's refusal (POLICY_DENIED →
 * WSAEACCES) is what it reports, with the refusal counted and logged here.
 */
function capabilities(options: ResolvedOptions): number {
  return Capability.TCP | Capability.RESOLVE | Capability.INBOUND | (options.udp ? Capability.UDP : 0);
}

/**
 * Unsent WebSocket bytes beyond which a datagram with nothing to charge it to (an empty one)
 * is dropped rather than queued: a page that reads keeps far below this.
 */
const BACKLOG_LIMIT_MESSAGES = 4;

type LiveStream = TcpStream | UdpStream | NameQuery | TcpListener;

/** A stream's kind, for protocol-error messages. */
const streamKind = (s: LiveStream): string =>
  s instanceof TcpStream ? 'TCP' : s instanceof UdpStream ? 'UDP' : s instanceof TcpListener ? 'LISTEN' : 'RESOLVE';

let nextConnectionId = 1;

export interface ConnectionInfo {
  remoteAddress: string | undefined;
  origin: string | undefined;
  /** The client's address (after trustProxy), the key of the per-client limits. */
  client: string;
  /** Per-client limits do not apply (exemptClients). */
  exempt: boolean;
  limits: RelayLimits;
}

export class Connection implements ListenerHost {
  readonly options: ResolvedOptions;
  readonly metrics: Metrics;
  readonly outbox: Outbox;
  readonly logFields: Record<string, unknown>;
  readonly limits: RelayLimits;
  #scope: DestinationScope | null = null;
  #listenScope: PortSet | null = null;
  /** This page's listeners (also in #streams), for drain and the pending count. */
  readonly #listeners = new Set<TcpListener>();
  /** The next relay-allocated stream id (INCOMING). */
  #nextRelayStream = FIRST_RELAY_STREAM;
  readonly #client: string;
  readonly #exempt: boolean;
  readonly #toPage: ByteThrottle;
  readonly #fromPage: ByteThrottle;
  /** CREDIT held back by the bandwidth cap, per stream, until #creditTimer fires. */
  readonly #delayedCredit = new Map<HostedStream, number>();
  /** Streams counted in `limits.sockets` whose socket has not closed yet. */
  readonly #holdingSocket = new Set<HostedStream>();
  #creditTimer: NodeJS.Timeout | null = null;
  #idleTimer: NodeJS.Timeout | null = null;
  #draining = false;
  readonly #ws: WebSocket;
  #state: ConnectionStateValue = ConnectionState.AWAITING_HELLO;
  readonly #streams = new Map<number, LiveStream>();
  /** Streams the page closed gracefully whose sockets are still draining. */
  readonly #lingering = new Set<TcpStream>();
  readonly #creditDirty = new Set<HostedStream>();
  #highestStreamId = 0;
  #handshakeTimer: NodeJS.Timeout | null;
  #closeTimer: NodeJS.Timeout | null = null;
  #alive = true;
  readonly #closed: Promise<void>;
  #resolveWsClosed!: () => void;
  /** 'close' of every socket this connection destroyed, so `closed` waits for them. */
  readonly #socketCloses: Promise<void>[] = [];

  constructor(ws: WebSocket, options: ResolvedOptions, metrics: Metrics, info: ConnectionInfo) {
    this.#ws = ws;
    this.options = options;
    this.metrics = metrics;
    this.logFields = { conn: nextConnectionId++, peer: info.remoteAddress, client: info.client !== info.remoteAddress ? info.client : undefined };
    this.limits = info.limits;
    this.#client = info.client;
    this.#exempt = info.exempt;
    this.#toPage = new ByteThrottle(options.bandwidthBytesPerSec);
    this.#fromPage = new ByteThrottle(options.bandwidthBytesPerSec);
    this.outbox = new Outbox(this.#sendMessage, options.maxMessageBytes, this.#returnCredit);
    const wsClosed = new Promise<void>((resolve) => { this.#resolveWsClosed = resolve; });
    this.#closed = wsClosed.then(() => this.#socketsClosed());
    metrics.connections++;
    metrics.connectionsTotal++;
    ws.on('message', this.#onMessage);
    ws.on('close', this.#onWsClose);
    ws.on('error', this.#onWsError);
    ws.on('pong', this.#onPong);
    this.#handshakeTimer = setTimeout(this.#onHandshakeTimeout, options.handshakeTimeoutMs);
    options.log('debug', 'websocket accepted', { ...this.logFields, origin: info.origin });
  }

  get state(): ConnectionStateValue { return this.#state; }

  get scope(): DestinationScope | null { return this.#scope; }

  get listenScope(): PortSet | null { return this.#listenScope; }

  /** Streams by state name, for the `streams_by_state` gauge. */
  countStates(into: Record<string, number>): void {
    for (const stream of this.#streams.values()) {
      const name = stream instanceof TcpStream || stream instanceof TcpListener ? stream.stateName : stream instanceof UdpStream ? 'udp' : 'resolving_name';
      into[name] = (into[name] ?? 0) + 1;
    }
    if (this.#lingering.size > 0) into.LINGERING = (into.LINGERING ?? 0) + this.#lingering.size;
  }

  /**
   * Relay draining: refuse new streams (SHUTTING_DOWN), let open ones finish, and close the
   * WebSocket (GOAWAY(SHUTTING_DOWN), 1001) as soon as none is left. `shutdown()` cuts the rest.
   */
  drain(): void {
    this.#draining = true;
    // A listener would keep the page open for the whole drain; accepted streams finish as any other.
    for (const listener of [...this.#listeners]) listener.drain();
    this.#closeIfDrained();
  }

  /** Resolves once the WebSocket has closed and every TCP socket of this page is closed. */
  get closed(): Promise<void> { return this.#closed; }

  /** Relay shutdown: GOAWAY(SHUTTING_DOWN), destroy every socket, close 1001. */
  shutdown(): Promise<void> {
    if (this.#state === ConnectionState.AWAITING_HELLO || this.#state === ConnectionState.READY) {
      this.#goaway(Reason.SHUTTING_DOWN, 'relay shutting down', CloseCode.GOING_AWAY);
    }
    this.#destroyStreams(true);
    return this.#closed;
  }

  /** Heartbeat tick: drop a page that did not answer the previous ping. */
  heartbeat(): void {
    if (this.#state === ConnectionState.CLOSED) return;
    if (!this.#alive) {
      this.options.log('info', 'no pong since the last ping; dropping the page', this.logFields);
      this.metrics.countLimit('heartbeat');
      this.#ws.terminate();
      return;
    }
    this.#alive = false;
    this.#ws.ping();
  }

  // ------------------------------------------------------------------------------------------
  // StreamHost

  creditOwed(stream: HostedStream): void {
    this.#creditDirty.add(stream);
    this.outbox.schedule();
  }

  released(stream: HostedStream): void {
    if (this.#streams.get(stream.id) === stream) {
      this.#streams.delete(stream.id);
      if (stream instanceof TcpStream) this.metrics.streams--;
      else if (stream instanceof UdpStream) this.metrics.udpSockets--;
      else if (stream instanceof TcpListener) this.metrics.listeners--;
    }
    if (stream instanceof TcpListener) this.#listeners.delete(stream);
    this.#creditDirty.delete(stream);
    this.#delayedCredit.delete(stream);
    if (this.#holdingSocket.delete(stream)) {
      const { limits } = this;
      // A stream released before dialling has an already-resolved socketClosed.
      void (stream as TcpStream | UdpStream | TcpListener).socketClosed.then(() => { limits.sockets--; });
    }
    if (stream instanceof TcpStream && stream.state === StreamState.LINGERING && !this.#lingering.has(stream)) {
      this.#lingering.add(stream);
      void stream.socketClosed.then(() => this.#lingering.delete(stream));
    }
    this.#closeIfDrained();
  }

  spendToPage(bytes: number): number {
    return this.#toPage.spend(bytes);
  }

  backlogged(): boolean {
    return this.#ws.bufferedAmount + this.outbox.queuedBytes > BACKLOG_LIMIT_MESSAGES * this.options.maxMessageBytes;
  }

  // ------------------------------------------------------------------------------------------
  // ListenerHost

  pendingInbound(): number {
    let n = 0;
    for (const listener of this.#listeners) n += listener.pendingCount;
    return n;
  }

  /**
   * An inbound connection a listener accepted: the stream limits of an OPEN apply (draining,
   * maxStreams, maxSocketsTotal — not the open rate, which is the page's own pace), then it gets
   * the next relay stream id and a PENDING TcpStream. Refused → reset at once, counted.
   */
  adoptInbound(socket: net.Socket, parent: InboundParent, local: Endpoint, remote: Endpoint): TcpStream | null {
    const { options } = this;
    let limit: LimitName | null = null;
    if (this.#draining || this.#state !== ConnectionState.READY || this.#nextRelayStream > LAST_RELAY_STREAM) {
      // No limit name: a page that is going away, or 2^31 inbound streams on one WebSocket.
    } else if (this.#streams.size + this.#lingering.size >= options.maxStreams) {
      limit = 'streams_per_connection';
    } else if (options.maxSocketsTotal > 0 && this.limits.sockets >= options.maxSocketsTotal) {
      limit = 'sockets_total';
    } else {
      const id = this.#nextRelayStream++;
      const stream = new TcpStream(this, { stream: id, remote, local, window: 0, flags: 0 });
      stream.adoptInbound(socket, parent);
      this.#streams.set(id, stream);
      this.metrics.streams++;
      this.#holdSocket(stream);
      return stream;
    }
    if (limit !== null) {
      this.metrics.countLimit(limit);
      this.options.log('info', 'inbound connection reset: limit', { ...this.logFields, limit });
    }
    this.metrics.countInbound('limit');
    try {
      socket.resetAndDestroy();
    } catch {
      socket.destroy();
    }
    return null;
  }

  // ------------------------------------------------------------------------------------------
  // WebSocket events (named handlers)

  #onMessage = (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): void => {
    if (this.#state !== ConnectionState.AWAITING_HELLO && this.#state !== ConnectionState.READY) return;
    this.#idleTimer?.refresh();
    if (!isBinary) return this.#protocolError('text message (the protocol is binary only)');
    const bytes = Array.isArray(data) ? Buffer.concat(data) : data instanceof ArrayBuffer ? new Uint8Array(data) : data;
    const decoded = decodeMessage(bytes, { maxBody: Math.max(this.options.maxFrameBody, MAX_HELLO_BODY) });
    if (!decoded.ok) return this.#protocolError(decoded.error.toString());
    for (const frame of decoded.frames) {
      this.#dispatch(frame);
      if (this.#state !== ConnectionState.AWAITING_HELLO && this.#state !== ConnectionState.READY) return;
    }
  };

  #onWsClose = (code: number): void => {
    this.#state = ConnectionState.CLOSED;
    this.#clearTimers();
    this.outbox.close();
    this.metrics.connections--;
    this.#destroyStreams(false);
    this.options.log('debug', 'websocket closed', { ...this.logFields, code });
    this.#resolveWsClosed();
  };

  #onWsError = (err: Error): void => {
    // ws closes the connection itself after an error (e.g. maxPayload exceeded → 1009).
    if ((err as NodeJS.ErrnoException).code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') this.metrics.countLimit('max_payload');
    this.options.log('info', 'websocket error', { ...this.logFields, error: err.message });
  };

  #onPong = (): void => {
    this.#alive = true;
  };

  #onIdleTimeout = (): void => {
    if (this.#state !== ConnectionState.READY) return;
    if (this.#streams.size > 0 || this.#lingering.size > 0) {
      this.#idleTimer!.refresh(); // streams are activity even when no frame moves
      return;
    }
    this.#idleTimer = null;
    this.metrics.countLimit('idle_timeout');
    this.options.log('info', 'idle: closing the connection', { ...this.logFields, idleMs: this.options.idleTimeoutMs });
    this.#goaway(Reason.TIMED_OUT, `idle for ${this.options.idleTimeoutMs} ms`, CloseCode.GOING_AWAY);
  };

  #onHandshakeTimeout = (): void => {
    this.#handshakeTimer = null;
    if (this.#state !== ConnectionState.AWAITING_HELLO) return;
    this.metrics.countHandshakeFailure(Reason.TIMED_OUT);
    this.metrics.countLimit('handshake_timeout');
    this.#goaway(Reason.TIMED_OUT, `no HELLO within ${this.options.handshakeTimeoutMs} ms`, CloseCode.POLICY_VIOLATION);
  };

  // ------------------------------------------------------------------------------------------
  // Frames

  #dispatch(frame: Frame): void {
    if (this.#state === ConnectionState.AWAITING_HELLO && frame.type !== FrameType.HELLO) {
      return this.#protocolError(`${frameName(frame.type)} before HELLO`);
    }
    switch (frame.type) {
      case FrameType.HELLO: return this.#onHello(frame);
      case FrameType.OPEN: return this.#onOpen(frame);
      case FrameType.DGRAM_OPEN: return this.#onDgramOpen(frame);
      case FrameType.RESOLVE: return this.#onResolve(frame);
      case FrameType.LISTEN: return this.#onListen(frame);
      case FrameType.DATA:
        if (frame.data.length > this.options.maxFrameBody) {
          return this.#protocolError(`DATA of ${frame.data.length} bytes exceeds maxFrameBody ${this.options.maxFrameBody}`);
        }
        return this.#tcp(frame.stream, frame.type)?.onData(frame.data);
      case FrameType.FIN: {
        // FIN has no meaning on a UDP stream (docs/protocol.md): ignored there.
        const stream = this.#streams.get(frame.stream);
        return stream instanceof UdpStream ? undefined : this.#tcp(frame.stream, frame.type)?.onFin();
      }
      case FrameType.SETOPT: return this.#tcp(frame.stream, frame.type)?.onSetopt(frame.option, frame.value);
      case FrameType.DATAGRAM: return this.#udp(frame.stream, frame.type)?.onDatagram(frame);
      case FrameType.PEER: return this.#udp(frame.stream, frame.type)?.onPeer(frame);
      case FrameType.CREDIT: {
        const stream = this.#streams.get(frame.stream);
        if (stream instanceof NameQuery || stream instanceof TcpListener) return this.#protocolError(`CREDIT on ${streamKind(stream)} stream ${frame.stream}`);
        return stream?.onCredit(frame.bytes);
      }
      case FrameType.CLOSE: return this.#streams.get(frame.stream)?.onClose(frame.reason);
      case FrameType.WELCOME:
      case FrameType.GOAWAY:
      case FrameType.OPENED:
      case FrameType.OPEN_FAILED:
      case FrameType.DGRAM_OPENED:
      case FrameType.VERDICT:
      case FrameType.RESOLVED:
      case FrameType.LISTENING:
      case FrameType.INCOMING:
        return this.#protocolError(`${frameName(frame.type)} is sent by the relay, not the page`);
    }
  }

  /**
   * The live TCP stream `id`, or undefined: none when it is gone (the frame crossed its CLOSE and
   * is ignored), and a protocol error when the id is a stream of another kind.
   */
  #tcp(id: number, type: number): TcpStream | undefined {
    const stream = this.#streams.get(id);
    if (stream === undefined || stream instanceof TcpStream) return stream;
    this.#protocolError(`${frameName(type)} on ${streamKind(stream)} stream ${id}`);
    return undefined;
  }

  /** As `#tcp`, for UDP streams. */
  #udp(id: number, type: number): UdpStream | undefined {
    const stream = this.#streams.get(id);
    if (stream === undefined || stream instanceof UdpStream) return stream;
    this.#protocolError(`${frameName(type)} on ${streamKind(stream)} stream ${id}`);
    return undefined;
  }

  #onHello(hello: HelloFrame): void {
    if (this.#state !== ConnectionState.AWAITING_HELLO) return this.#protocolError('second HELLO');
    if (hello.version !== PROTOCOL_VERSION) {
      return this.#refuse(Reason.VERSION_MISMATCH, `relay speaks protocol ${PROTOCOL_VERSION}, page sent ${hello.version}`);
    }
    let subject: string | null = null;
    if (this.options.secret !== null) {
      const verdict = verifyTicket(hello.token, this.options.secret);
      if (!verdict.ok) return this.#refuse(Reason.AUTH_FAILED, `ticket ${verdict.why}`);
      subject = verdict.subject;
      this.#scope = verdict.scope;
      this.#listenScope = verdict.listenPorts;
    }
    this.#state = ConnectionState.READY;
    this.#clearHandshakeTimer();
    if (this.options.idleTimeoutMs > 0) {
      this.#idleTimer = setTimeout(this.#onIdleTimeout, this.options.idleTimeoutMs);
      this.#idleTimer.unref();
    }
    this.outbox.frame({
      type: FrameType.WELCOME,
      version: PROTOCOL_VERSION,
      maxFrameBody: this.options.maxFrameBody,
      maxStreams: this.options.maxStreams,
      capabilities: capabilities(this.options),
    });
    this.options.log('info', 'page connected', { ...this.logFields, subject: subject ?? undefined, scope: this.#scope?.entries.join(',') });
  }

  #onOpen(open: OpenFrame): void {
    if (!this.#claimStreamId(open.stream, open.type)) return;
    if (this.#refuseOpen(open.stream, true)) return this.metrics.countOpen(this.#draining ? Reason.SHUTTING_DOWN : Reason.LIMIT);
    const stream = new TcpStream(this, open);
    this.#streams.set(open.stream, stream);
    this.metrics.streams++;
    this.#holdSocket(stream);
    void stream.start(open);
  }

  #onDgramOpen(open: DgramOpenFrame): void {
    if (!this.#claimStreamId(open.stream, open.type)) return;
    if (this.#refuseOpen(open.stream, true)) return this.metrics.countUdpOpen(this.#draining ? Reason.SHUTTING_DOWN : Reason.LIMIT);
    const stream = new UdpStream(this, open);
    this.#streams.set(open.stream, stream);
    this.metrics.udpSockets++;
    this.#holdSocket(stream);
    stream.start();
  }

  #onResolve(request: ResolveFrame): void {
    if (!this.#claimStreamId(request.stream, request.type)) return;
    if (this.#refuseOpen(request.stream, false)) return this.metrics.countResolve(this.#draining ? Reason.SHUTTING_DOWN : Reason.LIMIT);
    const query = new NameQuery(this, request);
    this.#streams.set(request.stream, query);
    void query.start();
  }

  /**
   * LISTEN: the stream limits of any socket, then listen.maxListeners for this page (LIMIT);
   * the inbound policy itself is the listener's to apply (tcp-listener.ts).
   */
  #onListen(listen: ListenFrame): void {
    if (!this.#claimStreamId(listen.stream, listen.type)) return;
    if (this.#refuseOpen(listen.stream, true)) return this.metrics.countListen(this.#draining ? Reason.SHUTTING_DOWN : Reason.LIMIT);
    const { inbound } = this.options;
    if (inbound.enabled && this.#listeners.size >= inbound.maxListeners) {
      this.metrics.countLimit('listeners_per_connection');
      this.metrics.countListen(Reason.LIMIT);
      this.options.log('info', 'listen failed', { ...this.logFields, stream: listen.stream, reason: 'LIMIT', limit: 'listeners_per_connection', detail: `${inbound.maxListeners} listeners open` });
      this.outbox.frame({ type: FrameType.OPEN_FAILED, stream: listen.stream, reason: Reason.LIMIT });
      return;
    }
    const listener = new TcpListener(this, listen);
    this.#streams.set(listen.stream, listener);
    this.#listeners.add(listener);
    this.metrics.listeners++;
    this.#holdSocket(listener);
    listener.start();
  }

  /**
   * The stream-id rules of every stream-opening frame (OPEN, DGRAM_OPEN, RESOLVE, LISTEN): a page id,
   * not live, above every id used before. False after a protocol error.
   */
  #claimStreamId(id: number, type: number): boolean {
    const name = frameName(type);
    let problem: string | null = null;
    if (id >= FIRST_RELAY_STREAM) problem = `${name} for relay-reserved stream ${id}`;
    else if (this.#streams.has(id)) problem = `duplicate ${name} for live stream ${id}`;
    else if (id <= this.#highestStreamId) problem = `${name} reuses stream id ${id} (last was ${this.#highestStreamId})`;
    if (problem !== null) {
      this.#protocolError(problem);
      return false;
    }
    this.#highestStreamId = id;
    return true;
  }

  /**
   * Whether a new stream must be refused; if so, answers OPEN_FAILED(SHUTTING_DOWN | LIMIT).
   * In order: draining; maxStreams for this page (TCP, UDP and name queries alike, and sockets
   * still draining after a graceful CLOSE — otherwise open/close cycles against a peer that never
   * reads would pile up sockets); maxSocketsTotal for the relay (sockets only); the client's open
   * rate (token bucket, unless the client is exempt).
   */
  #refuseOpen(id: number, isSocket: boolean): boolean {
    const { options } = this;
    let limit: LimitName | null = null;
    let detail = '';
    if (this.#draining) {
      this.outbox.frame({ type: FrameType.OPEN_FAILED, stream: id, reason: Reason.SHUTTING_DOWN });
      return true;
    }
    if (this.#streams.size + this.#lingering.size >= options.maxStreams) {
      limit = 'streams_per_connection';
      detail = `${options.maxStreams} streams open`;
    } else if (isSocket && options.maxSocketsTotal > 0 && this.limits.sockets >= options.maxSocketsTotal) {
      limit = 'sockets_total';
      detail = `${options.maxSocketsTotal} sockets open on the relay`;
    } else if (!this.#exempt && !this.limits.takeOpen(this.#client)) {
      limit = 'open_rate';
      detail = `more than ${options.opensPerSecond} opens per second (burst ${options.openBurst})`;
    }
    if (limit === null) return false;
    this.metrics.countLimit(limit);
    this.options.log('info', 'open failed', { ...this.logFields, stream: id, reason: 'LIMIT', limit, detail });
    this.outbox.frame({ type: FrameType.OPEN_FAILED, stream: id, reason: Reason.LIMIT });
    return true;
  }

  /** Counts a socket-owning stream in the relay-wide total until its socket is really closed (see released()). */
  #holdSocket(stream: TcpStream | UdpStream | TcpListener): void {
    this.limits.sockets++;
    this.#holdingSocket.add(stream);
  }

  /** While draining: once nothing is left open, the page is told and the WebSocket closed. */
  #closeIfDrained(): void {
    if (!this.#draining || this.#streams.size > 0) return;
    if (this.#state !== ConnectionState.AWAITING_HELLO && this.#state !== ConnectionState.READY) return;
    this.#goaway(Reason.SHUTTING_DOWN, 'relay shutting down', CloseCode.GOING_AWAY);
  }

  // ------------------------------------------------------------------------------------------

  /** beforeFlush hook of the outbox: one CREDIT per stream whose writes completed this turn. */
  #returnCredit = (): void => {
    for (const stream of this.#creditDirty) {
      const bytes = stream.takeCreditOwed();
      if (bytes <= 0) continue;
      // Bandwidth cap (page → relay): the page may only send within its credit, so holding the
      // CREDIT back is what slows it down; nothing extra is buffered here.
      if (this.#fromPage.limited && (this.#fromPage.spend(bytes) > 0 || this.#creditTimer !== null)) {
        this.#delayedCredit.set(stream, (this.#delayedCredit.get(stream) ?? 0) + bytes);
        continue;
      }
      this.outbox.frame({ type: FrameType.CREDIT, stream: stream.id, bytes });
    }
    this.#creditDirty.clear();
    if (this.#delayedCredit.size > 0 && this.#creditTimer === null) {
      this.metrics.countLimit('bandwidth');
      this.#creditTimer = setTimeout(this.#onCreditDelayOver, Math.max(1, this.#fromPage.wait()));
    }
  };

  #onCreditDelayOver = (): void => {
    this.#creditTimer = null;
    const wait = this.#fromPage.wait();
    if (wait > 0) {
      this.#creditTimer = setTimeout(this.#onCreditDelayOver, wait);
      return;
    }
    for (const [stream, bytes] of this.#delayedCredit) {
      if (this.#streams.get(stream.id) === stream) this.outbox.frame({ type: FrameType.CREDIT, stream: stream.id, bytes });
    }
    this.#delayedCredit.clear();
  };

  #sendMessage = (message: Buffer): void => {
    if (this.#ws.readyState !== this.#ws.OPEN) return;
    this.#ws.send(message, { binary: true });
  };

  #refuse(reason: number, message: string): void {
    this.metrics.countHandshakeFailure(reason);
    this.options.log('info', 'handshake refused', { ...this.logFields, reason: reasonRow(reason).name, detail: message });
    this.#goaway(reason, message, CloseCode.POLICY_VIOLATION);
  }

  #protocolError(message: string): void {
    this.metrics.protocolErrors++;
    this.options.log('warn', 'protocol error; closing the connection', { ...this.logFields, detail: message });
    this.#goaway(Reason.PROTOCOL_ERROR, message, CloseCode.PROTOCOL_ERROR);
    this.#destroyStreams(false);
  }

  /** GOAWAY, flushed before the close frame, then close with `code`; a page that does not answer is cut. */
  #goaway(reason: number, message: string, code: number): void {
    this.#state = ConnectionState.CLOSING;
    this.#clearHandshakeTimer();
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    this.#idleTimer = null;
    this.#creditDirty.clear();
    this.outbox.frame({ type: FrameType.GOAWAY, reason, message });
    this.outbox.flush();
    this.outbox.close();
    this.#ws.close(code, closeReason(message));
    this.#closeTimer = setTimeout(this.#onCloseGraceOver, CLOSE_GRACE_MS);
  }

  #onCloseGraceOver = (): void => {
    this.#closeTimer = null;
    this.#ws.terminate();
  };

  /** Destroys every open stream's socket; lingering ones too when the relay itself is closing. */
  #destroyStreams(includeLingering: boolean): void {
    for (const stream of [...this.#streams.values()]) this.#socketCloses.push(stream.destroy());
    if (includeLingering) for (const stream of [...this.#lingering]) this.#socketCloses.push(stream.destroy());
  }

  async #socketsClosed(): Promise<void> {
    // Open streams were destroyed in #onWsClose; lingering ones finish draining (bounded by
    // lingerMs) unless shutdown() destroyed them.
    await Promise.all([...this.#socketCloses, ...[...this.#lingering].map((s) => s.socketClosed)]);
  }

  #clearHandshakeTimer(): void {
    if (this.#handshakeTimer) {
      clearTimeout(this.#handshakeTimer);
      this.#handshakeTimer = null;
    }
  }

  #clearTimers(): void {
    this.#clearHandshakeTimer();
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    this.#idleTimer = null;
    if (this.#creditTimer) clearTimeout(this.#creditTimer);
    this.#creditTimer = null;
    this.#delayedCredit.clear();
    if (this.#closeTimer) {
      clearTimeout(this.#closeTimer);
      this.#closeTimer = null;
    }
  }
}

/** A WebSocket close reason is at most 123 bytes of UTF-8. */
function closeReason(message: string): string {
  const bytes = Buffer.from(message);
  if (bytes.length <= 123) return message;
  return bytes.subarray(0, 120).toString('utf8').replace(/\uFFFD$/, '') + '...';
}
