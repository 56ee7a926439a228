/**
 * One page's WebSocket: the handshake, frame dispatch to its streams (TCP streams, UDP sockets,
 * name queries: one id space, one maxStreams limit), and the outgoing coalescer.
 *
 * States: AWAITING_HELLO ──valid HELLO──▶ READY ──GOAWAY / close / error──▶ CLOSING ──'close'──▶ CLOSED.
 * Only HELLO is legal before WELCOME. Any message that does not decode, a text message, a frame
 * the page may not send, or a stream-id rule broken is a protocol error: GOAWAY(PROTOCOL_ERROR)
 * and close 1002. A bad HELLO (version, ticket) is GOAWAY(VERSION_MISMATCH | AUTH_FAILED) and
 * close 1008. A frame of one kind on a stream of another (DATAGRAM on TCP, DATA on UDP…) is a
 * protocol error too. When the WebSocket goes, every socket of it is destroyed.
 */
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
  type Frame,
  type HelloFrame,
  type OpenFrame,
  type ResolveFrame,
} from '@ws2web/protocol';
import type { Metrics } from './metrics.js';
import { NameQuery } from './name-query.js';
import type { ResolvedOptions } from './options.js';
import { Outbox } from './outbox.js';
import type { HostedStream, StreamHost } from './stream-host.js';
import { StreamState, TcpStream } from './tcp-stream.js';
import { verifyTicket } from './tickets.js';
import { UdpStream } from './udp-stream.js';

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

/** Ids from here on are reserved for relay-initiated streams. */
const FIRST_RELAY_STREAM = 0x80000000;

/** After close(1001/1002/1008), how long the page gets to answer the close frame. */
const CLOSE_GRACE_MS = 2000;

/** A HELLO body can be 4 bytes plus a 64 KiB token, whatever maxFrameBody is. */
const MAX_HELLO_BODY = 4 + 0xffff;

/** What the relay offers in WELCOME, given its options. */
function capabilities(options: ResolvedOptions): number {
  return Capability.TCP | Capability.RESOLVE | (options.udp ? Capability.UDP : 0);
}

/**
 * Unsent WebSocket bytes beyond which a datagram with nothing to charge it to (an empty one)
 * is dropped rather than queued: a page that reads keeps far below this.
 */
const BACKLOG_LIMIT_MESSAGES = 4;

type LiveStream = TcpStream | UdpStream | NameQuery;

/** A stream's kind, for protocol-error messages. */
const streamKind = (s: LiveStream): string => (s instanceof TcpStream ? 'TCP' : s instanceof UdpStream ? 'UDP' : 'RESOLVE');

let nextConnectionId = 1;

export interface ConnectionInfo {
  remoteAddress: string | undefined;
  origin: string | undefined;
}

export class Connection implements StreamHost {
  readonly options: ResolvedOptions;
  readonly metrics: Metrics;
  readonly outbox: Outbox;
  readonly logFields: Record<string, unknown>;
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
    this.logFields = { conn: nextConnectionId++, peer: info.remoteAddress };
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
    }
    this.#creditDirty.delete(stream);
    if (stream instanceof TcpStream && stream.state === StreamState.LINGERING && !this.#lingering.has(stream)) {
      this.#lingering.add(stream);
      void stream.socketClosed.then(() => this.#lingering.delete(stream));
    }
  }

  backlogged(): boolean {
    return this.#ws.bufferedAmount + this.outbox.queuedBytes > BACKLOG_LIMIT_MESSAGES * this.options.maxMessageBytes;
  }

  // ------------------------------------------------------------------------------------------
  // WebSocket events (named handlers)

  #onMessage = (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): void => {
    if (this.#state !== ConnectionState.AWAITING_HELLO && this.#state !== ConnectionState.READY) return;
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
    this.options.log('info', 'websocket error', { ...this.logFields, error: err.message });
  };

  #onPong = (): void => {
    this.#alive = true;
  };

  #onHandshakeTimeout = (): void => {
    this.#handshakeTimer = null;
    if (this.#state !== ConnectionState.AWAITING_HELLO) return;
    this.metrics.countHandshakeFailure(Reason.TIMED_OUT);
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
        if (stream instanceof NameQuery) return this.#protocolError(`CREDIT on RESOLVE stream ${frame.stream}`);
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
    }
    this.#state = ConnectionState.READY;
    this.#clearHandshakeTimer();
    this.outbox.frame({
      type: FrameType.WELCOME,
      version: PROTOCOL_VERSION,
      maxFrameBody: this.options.maxFrameBody,
      maxStreams: this.options.maxStreams,
      capabilities: capabilities(this.options),
    });
    this.options.log('info', 'page connected', { ...this.logFields, subject: subject ?? undefined });
  }

  #onOpen(open: OpenFrame): void {
    if (!this.#claimStreamId(open.stream, open.type)) return;
    if (this.#atLimit(open.stream)) return this.metrics.countOpen(Reason.LIMIT);
    const stream = new TcpStream(this, open);
    this.#streams.set(open.stream, stream);
    this.metrics.streams++;
    void stream.start(open);
  }

  #onDgramOpen(open: DgramOpenFrame): void {
    if (!this.#claimStreamId(open.stream, open.type)) return;
    if (this.#atLimit(open.stream)) return this.metrics.countUdpOpen(Reason.LIMIT);
    const stream = new UdpStream(this, open);
    this.#streams.set(open.stream, stream);
    this.metrics.udpSockets++;
    stream.start();
  }

  #onResolve(request: ResolveFrame): void {
    if (!this.#claimStreamId(request.stream, request.type)) return;
    if (this.#atLimit(request.stream)) return this.metrics.countResolve(Reason.LIMIT);
    const query = new NameQuery(this, request);
    this.#streams.set(request.stream, query);
    void query.start();
  }

  /**
   * The stream-id rules of every stream-opening frame (OPEN, DGRAM_OPEN, RESOLVE): a page id,
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
   * Whether the page already has maxStreams streams (TCP, UDP and name queries alike); if so,
   * answers OPEN_FAILED(LIMIT). Sockets still draining after a graceful CLOSE count too:
   * otherwise open/close cycles against a peer that never reads would pile up sockets.
   */
  #atLimit(id: number): boolean {
    if (this.#streams.size + this.#lingering.size < this.options.maxStreams) return false;
    this.options.log('info', 'open failed', { ...this.logFields, stream: id, reason: 'LIMIT', detail: `${this.options.maxStreams} streams open` });
    this.outbox.frame({ type: FrameType.OPEN_FAILED, stream: id, reason: Reason.LIMIT });
    return true;
  }

  // ------------------------------------------------------------------------------------------

  /** beforeFlush hook of the outbox: one CREDIT per stream whose writes completed this turn. */
  #returnCredit = (): void => {
    for (const stream of this.#creditDirty) {
      const bytes = stream.takeCreditOwed();
      if (bytes > 0) this.outbox.frame({ type: FrameType.CREDIT, stream: stream.id, bytes });
    }
    this.#creditDirty.clear();
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
