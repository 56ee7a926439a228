/**
 * One page's WebSocket: its lifecycle, and the hub between the pieces that do the work — the
 * handshake (handshake.ts), frame dispatch (dispatch.ts), stream ids and what they hold
 * (stream-table.ts), the frames that open streams (stream-opening.ts), which new streams may
 * open (admission.ts), CREDIT pacing (credit-pacer.ts),
 * timers (liveness.ts), the incoming frame queue (frame-queue.ts) and the outgoing coalescer
 * (outbox.ts).
 *
 * States: AWAITING_HELLO ──valid HELLO──▶ READY ──GOAWAY / close / error──▶ CLOSING ──'close'──▶ CLOSED.
 * Any message that does not decode, a text message, a frame the page may not send, or a
 * stream-id rule broken is a protocol error: GOAWAY(PROTOCOL_ERROR) and close 1002. A bad HELLO
 * (version, ticket) is GOAWAY(VERSION_MISMATCH | AUTH_FAILED) and close 1008. When the WebSocket
 * goes, every socket of it is destroyed.
 *
 * Limits enforced here (docs/security.md): streams per WebSocket, sockets across the relay and
 * opens per second per client (admission.ts), bandwidth per WebSocket (reads paused / CREDIT
 * delayed, never buffered), idle timeout. Each refusal is OPEN_FAILED(LIMIT) → WSAENOBUFS in the
 * page, and a `limit_hits` metric. While the relay drains, new streams get
 * OPEN_FAILED(SHUTTING_DOWN), listeners close, and the WebSocket closes once its last stream is gone.
 *
 * Inbound (docs/inbound.md): LISTEN opens a TcpListener (counted as a socket and a stream, and
 * against listen.maxListeners); each connection it accepts becomes a TcpStream with a relay
 * stream id (0x80000000 upward, never reused), counted like an outbound one.
 *
 * Over 400 lines because it is the hub: the StreamHost every stream of the page calls back
 * (credit, backlog, limits, refusal logging, inbound adoption) and the WebSocket's event
 * handlers, each a few lines delegating to the modules above.
 */
import type net from 'node:net';
import type { WebSocket } from 'ws';
import {
  FrameType,
  Reason,
  decodeMessage,
  reasonRow,
  type Endpoint,
  type Frame,
  type HelloFrame,
} from '@ws2web/protocol';
import type { ResolvedOptions } from '../config/options.js';
import {
  ByteThrottle,
  TokenBucket,
  strictest,
  type RelayLimits,
  type SocketOwner,
  type Throttle,
} from '../ops/limits.js';
import type { Metrics } from '../ops/metrics.js';
import type { DestinationScope } from '../policy/destination-scope.js';
import type { PortSet } from '../policy/port-set.js';
import { StateMachine } from '../streams/state-machine.js';
import type { HostedStream } from '../streams/stream-host.js';
import type { ListenerHost } from '../streams/tcp-listener.js';
import type { InboundParent, TcpStream } from '../streams/tcp-stream.js';
import { Admission } from './admission.js';
import { CreditPacer } from './credit-pacer.js';
import { dispatchFrame, type FrameRoutes } from './dispatch.js';
import { FrameQueue, type Turn } from './frame-queue.js';
import { MAX_HELLO_BODY, checkHello, welcome, type Admitted, type Refused } from './handshake.js';
import { adoptInbound } from './inbound-adoption.js';
import { HeldBytes } from './held-bytes.js';
import { Intake } from './intake.js';
import { LineBudget } from './line-budget.js';
import { Liveness } from './liveness.js';
import { Outbox } from './outbox.js';
import { StreamOpening } from './stream-opening.js';
import { StreamTable } from './stream-table.js';

/** CLOSING: GOAWAY sent or close started; incoming frames are ignored. */
export type ConnectionState = 'AWAITING_HELLO' | 'READY' | 'CLOSING' | 'CLOSED';

/** WebSocket close codes (RFC 6455). */
const CloseCode = { GOING_AWAY: 1001, PROTOCOL_ERROR: 1002, POLICY_VIOLATION: 1008 } as const;

/** Refusal log lines per page per second; the rest are counted (line-budget.ts). */
const REFUSAL_LINES_PER_SECOND = 10;

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
  readonly #ws: WebSocket;
  readonly #state = new StateMachine<ConnectionState>('connection', 'AWAITING_HELLO', {
    AWAITING_HELLO: ['READY', 'CLOSING', 'CLOSED'],
    READY: ['CLOSING', 'CLOSED'],
    CLOSING: ['CLOSED'],
    CLOSED: [],
  });
  readonly #table: StreamTable;
  /** Keys of the per-client and per-subject socket counts; the subject is set by HELLO. */
  readonly #owner: SocketOwner;
  readonly #admission: Admission;
  readonly #toPage: Throttle;
  readonly #credit: CreditPacer;
  readonly #liveness: Liveness;
  readonly #intake: Intake;
  readonly #held: HeldBytes;
  /** DATA bytes sent to this page's streams that are not OPENED yet (maxEarlyBytes). */
  #earlyBytes = 0;
  readonly #datagrams: TokenBucket;
  readonly #refusalLines: LineBudget;
  /** What the page sent, not yet handled; paused while a JWT ticket is verified. */
  readonly #frames: FrameQueue;
  readonly #routes: FrameRoutes;
  readonly #opening: StreamOpening;
  readonly #closed: Promise<void>;
  #resolveWsClosed!: () => void;

  constructor(ws: WebSocket, options: ResolvedOptions, metrics: Metrics, info: ConnectionInfo) {
    this.#ws = ws;
    this.options = options;
    this.metrics = metrics;
    this.logFields = {
      conn: nextConnectionId++,
      peer: info.remoteAddress,
      client: info.client !== info.remoteAddress ? info.client : undefined,
    };
    this.limits = info.limits;
    this.#owner = { client: info.exempt ? null : info.client, subject: null };
    this.#table = new StreamTable(metrics, info.limits, this.#owner);
    this.#admission = new Admission(options, info.limits, info.client, info.exempt, this.#owner);
    // Per WebSocket, and per client address across its WebSockets (and relays) when capped.
    const client = info.exempt ? null : info.limits.holdBandwidth(info.client);
    this.#toPage = strictest(new ByteThrottle(options.bandwidthBytesPerSec), client?.toPage ?? null);
    this.outbox = new Outbox(this.#sendMessage, options.maxMessageBytes, this.#beforeFlush);
    const fromPage = strictest(new ByteThrottle(options.bandwidthBytesPerSec), client?.fromPage ?? null);
    this.#credit = new CreditPacer(fromPage, metrics, this.outbox, (s) => this.#table.holds(s));
    this.#frames = new FrameQueue(this.#onFrame, this.#onTurn);
    this.#routes = {
      maxFrameBody: options.maxFrameBody,
      stream: (id) => this.#table.get(id),
      protocolError: (message) => this.#protocolError(message),
      hello: (frame) => this.#onHello(frame),
      open: (frame) => this.#opening.open(frame),
      dgramOpen: (frame) => this.#opening.dgramOpen(frame),
      resolve: (frame) => this.#opening.resolve(frame),
      listen: (frame) => this.#opening.listen(frame),
      bind: (frame) => this.#opening.listen(frame),
    };
    const wsClosed = new Promise<void>((resolve) => {
      this.#resolveWsClosed = resolve;
    });
    this.#closed = wsClosed.then(() => this.#table.socketsClosed());
    if (client !== null) void this.#closed.then(() => info.limits.releaseBandwidth(info.client));
    metrics.connections++;
    metrics.connectionsTotal++;
    ws.on('message', this.#onMessage);
    ws.on('close', this.#onWsClose);
    ws.on('error', this.#onWsError);
    ws.on('pong', this.#onPong);
    this.#refusalLines = new LineBudget(options.log, REFUSAL_LINES_PER_SECOND);
    this.#datagrams = new TokenBucket(options.pageDatagramsPerSecond, options.pageDatagramsPerSecond / 10);
    this.#held = HeldBytes.of(metrics);
    this.#held.add(this.#heldNow);
    this.#intake = new Intake(ws, options, metrics, {
      backlogged: () => this.#overBacklog(),
      stalled: this.#onStalled,
      refusing: this.#onRefusing,
    });
    this.#liveness = new Liveness(options, ws, {
      handshakeTimedOut: this.#onHandshakeTimeout,
      idle: this.#onIdle,
      unresponsive: this.#onUnresponsive,
    });
    this.#opening = new StreamOpening({
      host: this,
      options,
      metrics,
      limits: info.limits,
      owner: this.#owner,
      table: this.#table,
      admission: this.#admission,
      outbox: this.outbox,
      intake: this.#intake,
      refusalLines: this.#refusalLines,
      logFields: this.logFields,
      protocolError: (message) => this.#protocolError(message),
    });
    options.log('debug', 'websocket accepted', { ...this.logFields, origin: info.origin });
  }

  get state(): ConnectionState {
    return this.#state.current;
  }

  get scope(): DestinationScope | null {
    return this.#scope;
  }

  get listenScope(): PortSet | null {
    return this.#listenScope;
  }

  /** Streams by state name, for the `streams_by_state` gauge. */
  countStates(into: Record<string, number>): void {
    this.#table.countStates(into);
  }

  /**
   * Relay draining: refuse new streams (SHUTTING_DOWN), let open ones finish, and close the
   * WebSocket (GOAWAY(SHUTTING_DOWN), 1001) as soon as none is left. `shutdown()` cuts the rest.
   */
  drain(): void {
    this.#admission.drain();
    // A listener would keep the page open for the whole drain; accepted streams finish as any other.
    this.#table.drainListeners();
    this.#closeIfDrained();
  }

  /** Resolves once the WebSocket has closed and every TCP socket of this page is closed. */
  get closed(): Promise<void> {
    return this.#closed;
  }

  /** Relay shutdown: GOAWAY(SHUTTING_DOWN), destroy every socket, close 1001. */
  shutdown(): Promise<void> {
    if (this.#state.is('AWAITING_HELLO', 'READY')) {
      this.#goaway(Reason.SHUTTING_DOWN, 'relay shutting down', CloseCode.GOING_AWAY);
    }
    this.#table.destroyAll(true);
    return this.#closed;
  }

  /** Heartbeat tick: drop a page that did not answer the previous ping. */
  heartbeat(): void {
    if (this.#state.is('CLOSED')) return;
    this.#liveness.heartbeat();
  }

  // ------------------------------------------------------------------------------------------
  // StreamHost

  creditOwed(stream: HostedStream): void {
    this.#credit.owed(stream);
  }

  released(stream: HostedStream): void {
    this.#table.release(stream);
    this.#credit.forget(stream);
    this.#closeIfDrained();
  }

  spendToPage(bytes: number): number {
    return this.#toPage.spend(bytes);
  }

  backlogged(): boolean {
    if (!this.#overBacklog()) return false;
    this.#intake.backlogged();
    return true;
  }

  holdEarly(bytes: number): boolean {
    if (bytes > 0 && this.#earlyBytes + bytes > this.options.maxEarlyBytes) {
      this.metrics.countLimit('early_bytes');
      return false;
    }
    this.#earlyBytes += bytes;
    return true;
  }

  logRefusal(msg: string, fields: Record<string, unknown>): void {
    this.#refusalLines.info(msg, fields);
  }

  takeDatagram(): boolean {
    return this.#datagrams.take();
  }

  protocolError(message: string): void {
    if (this.#state.is('AWAITING_HELLO', 'READY')) this.#protocolError(message);
  }

  // ------------------------------------------------------------------------------------------
  // ListenerHost

  pendingInbound(): number {
    return this.#table.pendingInbound();
  }

  /** An inbound connection a listener accepted (inbound-adoption.ts). */
  adoptInbound(socket: net.Socket, parent: InboundParent, local: Endpoint, remote: Endpoint): TcpStream | null {
    const page = { host: this, table: this.#table, admission: this.#admission, ready: this.#state.is('READY') };
    return adoptInbound(page, socket, parent, local, remote);
  }

  // ------------------------------------------------------------------------------------------
  // WebSocket events (named handlers)

  #onMessage = (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): void => {
    if (!this.#state.is('AWAITING_HELLO', 'READY')) return;
    this.#liveness.activity();
    this.#intake.arrived();
    if (!isBinary) return this.#protocolError('text message (the protocol is binary only)');
    const bytes = Array.isArray(data) ? Buffer.concat(data) : data instanceof ArrayBuffer ? new Uint8Array(data) : data;
    const decoded = decodeMessage(bytes, { maxBody: Math.max(this.options.maxFrameBody, MAX_HELLO_BODY) });
    if (!decoded.ok) return this.#protocolError(decoded.error.toString());
    this.#frames.push(decoded.frames);
  };

  #onFrame = (frame: Frame): boolean => {
    dispatchFrame(this.#routes, frame, this.#state.is('AWAITING_HELLO'));
    return this.#state.is('AWAITING_HELLO', 'READY');
  };

  #onTurn = (turn: Turn): void => {
    this.#intake.busy(turn.pending);
    this.#intake.handled(turn.handled, turn.requests);
  };

  /** What this page holds unsent: the WebSocket's buffer and the outbox (HeldBytes sums these). */
  #heldNow = (): number => this.#ws.bufferedAmount + this.outbox.queuedBytes;

  /**
   * Over this page's bound; or all pages together over the relay's and this page holding more
   * than one message of it — a page that reads holds less, so the pages that do not read are
   * the ones stopped.
   */
  #overBacklog(): boolean {
    const held = this.#heldNow();
    const total = this.#held.report(this.#heldNow, held);
    if (held > this.options.maxPageBacklogBytes) return true;
    if (total <= this.options.maxHeldBytesTotal || held <= this.options.maxMessageBytes) return false;
    this.metrics.countLimit('held_total');
    return true;
  }

  #onStalled = (): void => {
    this.options.log('info', 'page backlog did not drain; dropping the page', {
      ...this.logFields,
      stalledMs: this.options.stalledPageMs,
    });
    this.#ws.terminate();
  };

  #onRefusing = (): void => {
    if (!this.#state.is('READY')) return;
    this.options.log('info', 'too many refusals; closing the connection', {
      ...this.logFields,
      perSecond: this.options.maxRefusalsPerSecond,
    });
    this.#goaway(
      Reason.LIMIT,
      `more than ${this.options.maxRefusalsPerSecond} refusals in a second`,
      CloseCode.POLICY_VIOLATION,
    );
    this.#table.destroyAll(false);
  };

  #onWsClose = (code: number): void => {
    this.#state.to('CLOSED');
    this.#liveness.stop();
    this.#intake.stop();
    this.#frames.clear();
    this.#held.remove(this.#heldNow);
    this.#credit.stop();
    this.outbox.close();
    this.metrics.connections--;
    // Open streams are destroyed; lingering ones finish draining (bounded by lingerMs) unless
    // shutdown() destroyed them.
    this.#table.destroyAll(false);
    this.#refusalLines.flush(this.logFields);
    this.options.log('debug', 'websocket closed', { ...this.logFields, code });
    this.#resolveWsClosed();
  };

  #onWsError = (err: Error): void => {
    // ws closes the connection itself after an error (e.g. maxPayload exceeded → 1009).
    if ((err as NodeJS.ErrnoException).code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH')
      this.metrics.countLimit('max_payload');
    this.options.log('info', 'websocket error', { ...this.logFields, error: err.message });
  };

  #onPong = (data: Buffer): void => {
    this.#liveness.pong(data);
  };

  #onUnresponsive = (): void => {
    this.options.log('info', 'no pong since the last ping; dropping the page', this.logFields);
    this.metrics.countLimit('heartbeat');
  };

  /** Idle time over: close the page unless a stream is open (streams are activity too). */
  #onIdle = (): boolean => {
    if (!this.#state.is('READY')) return true;
    if (this.#table.open > 0) return false;
    this.metrics.countLimit('idle_timeout');
    this.options.log('info', 'idle: closing the connection', { ...this.logFields, idleMs: this.options.idleTimeoutMs });
    this.#goaway(Reason.TIMED_OUT, `idle for ${this.options.idleTimeoutMs} ms`, CloseCode.GOING_AWAY);
    return true;
  };

  #onHandshakeTimeout = (): void => {
    if (!this.#state.is('AWAITING_HELLO')) return;
    this.metrics.countHandshakeFailure(Reason.TIMED_OUT);
    this.metrics.countLimit('handshake_timeout');
    this.#goaway(Reason.TIMED_OUT, `no HELLO within ${this.options.handshakeTimeoutMs} ms`, CloseCode.POLICY_VIOLATION);
  };

  // ------------------------------------------------------------------------------------------
  // Frames that are the connection's own

  #onHello(hello: HelloFrame): void {
    if (!this.#state.is('AWAITING_HELLO') || this.#frames.paused) return this.#protocolError('second HELLO');
    const result = checkHello(hello, this.options);
    if (!(result instanceof Promise)) return this.#helloChecked(result);
    this.#frames.pause();
    void result.then(this.#onTicketVerified);
  }

  /** A JWT ticket's verdict: the HELLO goes on, then the frames that waited behind it. */
  #onTicketVerified = (result: Admitted | Refused): void => {
    if (!this.#state.is('AWAITING_HELLO')) return this.#frames.clear(); // the page went meanwhile
    this.#helloChecked(result);
    if (this.#state.is('READY')) return this.#frames.resume();
    // Refused: read again, or the page's answer to our close would never be seen.
    this.#frames.clear();
    this.#intake.busy(false);
  };

  #helloChecked(result: Admitted | Refused): void {
    if (!result.ok) return this.#refuse(result.reason, result.message);
    if (!this.limits.holdTicket(result.ticketKey, this.#closed)) {
      this.metrics.countLimit('connections_per_ticket');
      return this.#refuse(Reason.LIMIT, `ticket already used by ${this.options.maxConnectionsPerTicket} WebSocket(s)`);
    }
    this.#scope = result.scope;
    this.#listenScope = result.listenScope;
    this.#owner.subject = result.subject;
    this.#state.to('READY');
    this.#liveness.ready();
    this.outbox.frame(welcome(this.options));
    this.options.log('info', 'page connected', {
      ...this.logFields,
      subject: result.subject ?? undefined,
      scope: this.#scope?.entries.join(','),
    });
  }

  /** While draining: once nothing is left open, the page is told and the WebSocket closed. */
  #closeIfDrained(): void {
    if (!this.#admission.draining || this.#table.live > 0) return;
    if (!this.#state.is('AWAITING_HELLO', 'READY')) return;
    this.#goaway(Reason.SHUTTING_DOWN, 'relay shutting down', CloseCode.GOING_AWAY);
  }

  // ------------------------------------------------------------------------------------------

  /** beforeFlush hook of the outbox: CREDIT returns go out with this turn's frames. */
  #beforeFlush = (): void => {
    this.#credit.flush();
  };

  #sendMessage = (message: Buffer): void => {
    if (this.#ws.readyState !== this.#ws.OPEN) return;
    this.#ws.send(message, { binary: true });
  };

  #refuse(reason: number, message: string): void {
    this.metrics.countHandshakeFailure(reason);
    this.options.log('info', 'handshake refused', {
      ...this.logFields,
      reason: reasonRow(reason).name,
      detail: message,
    });
    this.#goaway(reason, message, CloseCode.POLICY_VIOLATION);
  }

  #protocolError(message: string): void {
    this.metrics.protocolErrors++;
    this.options.log('warn', 'protocol error; closing the connection', { ...this.logFields, detail: message });
    this.#goaway(Reason.PROTOCOL_ERROR, message, CloseCode.PROTOCOL_ERROR);
    this.#table.destroyAll(false);
  }

  /** GOAWAY, flushed before the close frame, then close with `code`; a page that does not answer is cut. */
  #goaway(reason: number, message: string, code: number): void {
    this.#state.to('CLOSING');
    this.#credit.drop();
    this.outbox.frame({ type: FrameType.GOAWAY, reason, message });
    this.outbox.flush();
    this.outbox.close();
    this.#ws.close(code, closeReason(message));
    this.#liveness.closing();
  }
}

/** A WebSocket close reason is at most 123 bytes of UTF-8. */
function closeReason(message: string): string {
  const bytes = Buffer.from(message);
  if (bytes.length <= 123) return message;
  return `${bytes
    .subarray(0, 120)
    .toString('utf8')
    .replace(/\uFFFD$/, '')}...`;
}
