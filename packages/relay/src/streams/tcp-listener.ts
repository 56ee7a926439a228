/**
 * One page's listening socket: the stream between a LISTEN and its CLOSE (docs/protocol.md
 * "Inbound connections", docs/inbound.md).
 *
 * States (one at a time, transitions only where named):
 *
 *   BINDING ──'listening'──▶ LISTENING ──page CLOSE / drain / WebSocket gone──▶ CLOSED
 *      │  ▲   │                    ▲                                                ▲
 *      │  │   └─(BIND)─▶ BOUND ──LISTEN on this stream                              │
 *      │  └─ EADDRINUSE on a relay-picked port: the next candidate                  │
 *      └── OPEN_FAILED (policy, limit, bind error) / page CLOSE / drop ─────────────┘
 *
 * A BIND (a bound socket holding its address, docs/protocol.md) is judged and opened as a
 * LISTEN but stays BOUND until LISTEN arrives on its stream: connections that arrive meanwhile
 * wait unread, as in a kernel's accept queue (at most the backlog; beyond it, and when the
 * stream closes without listening, they are reset: `not_listening`), and are offered once it
 * listens. BOUND → CLOSED as LISTENING does.
 *
 * Each connection the server accepts is checked (listener state, listen.remotes, this
 * listener's backlog, the page's listen.maxPending, then the connection's maxStreams /
 * maxSocketsTotal) and either reset at once (`resetAndDestroy`, counted) or given a relay
 * stream id and offered to the page with INCOMING. It stays PENDING — connected, nothing read
 * (`pauseOnConnect`) — until the page accepts it (first CREDIT) or rejects it (CLOSE(RESET));
 * see tcp-stream.ts. Closing the listener resets every connection still pending; accepted ones
 * live on.
 *
 * Node cannot set SO_REUSEADDR as Windows means it (take over a port another socket holds):
 * libuv sets the POSIX SO_REUSEADDR on every TCP listener (re-listen while old connections sit
 * in TIME_WAIT), and no two listeners share a port, so every listener behaves as if it had
 * SO_EXCLUSIVEADDRUSE; both LISTEN flags are accepted and change nothing. `exclusive: true`
 * keeps a cluster worker from sharing its handle with siblings.
 */
import net from 'node:net';
import {
  FrameType,
  ListenFlag,
  Reason,
  reasonForErrno,
  type BindFrame,
  type Endpoint,
  type ListenFrame,
} from '@ws2web/protocol';
import { splitZone } from '../policy/address-ranges.js';
import { endpointText, socketEndpoint } from './endpoints.js';
import type { InboundOutcome } from '../ops/metrics.js';
import { StreamBase, resetSocket } from './stream-base.js';
import type { TransitionTable } from './state-machine.js';
import type { StreamHost } from './stream-host.js';
import type { InboundParent, PendingOutcome, TcpStream } from './tcp-stream.js';

export type ListenerState = 'BINDING' | 'BOUND' | 'LISTENING' | 'CLOSED';

const TRANSITIONS: TransitionTable<ListenerState> = {
  BINDING: ['BOUND', 'LISTENING', 'CLOSED'],
  BOUND: ['LISTENING', 'CLOSED'],
  LISTENING: ['CLOSED'],
  CLOSED: [],
};

/** What a listener needs from its connection beyond StreamHost. */
export interface ListenerHost extends StreamHost {
  /** Inbound connections the page holds unaccepted, over all its listeners. */
  pendingInbound(): number;
  /**
   * Gives an inbound socket a relay stream id (≥ 0x80000000) and a PENDING TcpStream, counted
   * like any stream; or resets the socket, counts why, and returns null (maxStreams,
   * maxSocketsTotal, draining, ids used up).
   */
  adoptInbound(socket: net.Socket, parent: InboundParent, local: Endpoint, remote: Endpoint): TcpStream | null;
}

/** Errors of listen() that are the policy's business on Windows (WSAEACCES), not the relay's. */
const ACCESS_ERRORS = new Set(['EACCES', 'EPERM']);

export class TcpListener extends StreamBase<ListenerState> implements InboundParent {
  readonly kind = 'LISTEN' as const;
  readonly #inboundHost: ListenerHost;
  readonly #request: ListenFrame | BindFrame;
  #backlog: number;
  /** A LISTEN that came for this BIND's stream before the address was held. */
  #listenLater: ListenFrame | null = null;
  #listenSeen = false;
  /** Connections that reached a BOUND address, waiting for LISTEN. */
  #early: net.Socket[] = [];
  #pageClosed = false;
  #server: net.Server | null = null;
  #bindHost = '';
  #ipv6Only = true;
  /** Ports still to try (a port-0 LISTEN answered from the policy's ranges). */
  #candidates: number[] = [];
  #local: Endpoint | null = null;
  readonly #pending = new Set<TcpStream>();
  #socketClosed: Promise<void> = Promise.resolve();
  #resolveSocketClosed: () => void = () => {};

  constructor(host: ListenerHost, request: ListenFrame | BindFrame) {
    super(host, request.stream, 'listener', 'BINDING', TRANSITIONS, 0);
    this.#inboundHost = host;
    this.#request = request;
    // A BIND learns its backlog at LISTEN; until then the kernel's queue is the page's pending cap.
    this.#backlog = this.#backlogFor(request.type === FrameType.LISTEN ? request.backlog : Number.MAX_SAFE_INTEGER);
  }

  /** Windows' backlog 0 is "a reasonable minimum"; never more than the page's pending cap. */
  #backlogFor(backlog: number): number {
    return Math.max(1, Math.min(backlog, this.host.options.inbound.maxPending || 1));
  }

  /** A BIND's stream, not yet turned into a listener by LISTEN. */
  get bindOnly(): boolean {
    return this.#request.type === FrameType.BIND && !this.#listenSeen;
  }

  /**
   * A BIND the relay refused or closed before any LISTEN for it: the page may have sent that
   * LISTEN already (it does not wait for BIND's answer), so it will cross.
   */
  get listenMayCross(): boolean {
    return this.bindOnly && !this.#pageClosed;
  }

  /**
   * LISTEN on this BIND's stream: a listener from now on, with that backlog (answered by a second
   * LISTENING). Still binding: once the address is held. Returns false when this stream is no
   * BIND waiting for it (a protocol error for the caller to report).
   */
  listen(listen: ListenFrame): boolean {
    if (!this.bindOnly) return false;
    this.#listenSeen = true;
    if (this.state.is('BINDING')) {
      this.#listenLater = listen;
      return true;
    }
    this.#startListening(listen);
    return true;
  }

  #startListening(listen: ListenFrame): void {
    this.#backlog = this.#backlogFor(listen.backlog);
    this.state.to('LISTENING');
    this.host.outbox.frame({ type: FrameType.LISTENING, stream: this.id, local: this.#local! });
    this.log('info', 'bound address now listening', { local: endpointText(this.#local!), backlog: this.#backlog });
    const early = this.#early;
    this.#early = [];
    for (const socket of early) {
      if (socket.destroyed) continue;
      socket.removeListener('error', ignoreError); // #onConnection adds it again
      this.#onConnection(socket);
    }
  }

  override get gaugeState(): string {
    return `LISTENER_${this.state.current}`;
  }

  protected get opening(): boolean {
    return this.state.is('BINDING');
  }

  /** Connections offered to the page and not yet accepted or rejected. */
  get pendingCount(): number {
    return this.#pending.size;
  }

  /** Resolves once the listening socket is closed (accepted connections are not waited for). */
  get socketClosed(): Promise<void> {
    return this.#socketClosed;
  }

  /** Checks the inbound policy and starts listening. Never throws; failures become OPEN_FAILED. */
  start(): void {
    const { options, metrics, listenScope } = this.host;
    const local = this.#request.local;
    if (local.kind === 'name') return this.openFailed(Reason.INVALID_ARGUMENT, 'LISTEN needs an IP address');
    const plan = options.inbound.plan(
      {
        family: this.#request.family === 4 ? 4 : 6,
        address: local.address,
        scopeId: local.kind === 'ipv6' ? local.scopeId : 0,
        port: local.port,
        dualStack: (this.#request.flags & ListenFlag.DUAL_STACK) !== 0,
      },
      listenScope,
    );
    if (!plan.ok) {
      if (plan.reason === Reason.POLICY_DENIED) {
        metrics.countPolicyRefusal(plan.category);
        this.logRefusal('listen refused by policy', { local: endpointText(local), detail: plan.why });
      }
      return this.openFailed(plan.reason, plan.why);
    }
    this.#bindHost = plan.host;
    this.#ipv6Only = plan.ipv6Only;
    this.#candidates = plan.ports;
    this.#socketClosed = new Promise((resolve) => {
      this.#resolveSocketClosed = resolve;
    });
    this.#listenNext();
  }

  // ------------------------------------------------------------------------------------------
  // Frames from the page

  /** CLOSE on the listener stream: stop listening, reset what is pending. */
  onClose(_reason: number): void {
    this.#pageClosed = true;
    if (this.state.is('CLOSED')) return;
    this.log('debug', 'listener closed by the page', { pending: this.#pending.size });
    this.#end();
  }

  /**
   * The relay drains: stop listening (CLOSE(SHUTTING_DOWN) on the listener, the page's accept
   * reports WSAECONNABORTED), reset what is pending; accepted connections drain as streams.
   */
  drain(): void {
    if (this.state.is('CLOSED')) return;
    this.host.outbox.frame({ type: FrameType.CLOSE, stream: this.id, reason: Reason.SHUTTING_DOWN });
    this.#end();
  }

  /**
   * The WebSocket went or the relay is closing: stop listening, send nothing. Pending streams
   * are the connection's to destroy (they settle here as `gone`).
   */
  destroy(): Promise<void> {
    if (!this.state.is('CLOSED')) this.finish();
    this.#closeServer();
    return this.#socketClosed;
  }

  // ------------------------------------------------------------------------------------------
  // InboundParent

  settled(stream: TcpStream, outcome: PendingOutcome): void {
    if (!this.#pending.delete(stream)) return;
    this.host.metrics.countInbound(outcome);
  }

  // ------------------------------------------------------------------------------------------
  // Server events (named handlers)

  #onListening = (): void => {
    const server = this.#server!;
    if (!this.state.is('BINDING')) {
      // Closed (or dropped) while binding: the socket exists only now, so it goes only now.
      this.#closeServer();
      return;
    }
    const a = server.address();
    const local = a !== null && typeof a === 'object' ? socketEndpoint(a.address, a.family, a.port) : null;
    if (!local) {
      this.openFailed(Reason.INTERNAL, 'listening socket has no address');
      this.#closeServer();
      return;
    }
    this.#local = local;
    this.host.metrics.countListen(Reason.OK);
    this.host.outbox.frame({ type: FrameType.LISTENING, stream: this.id, local });
    if (this.#request.type === FrameType.BIND) {
      this.state.to('BOUND');
      this.log('info', 'holding a bound address for a page', { local: endpointText(local) });
      const later = this.#listenLater;
      this.#listenLater = null;
      if (later) this.#startListening(later);
      return;
    }
    this.state.to('LISTENING');
    this.log('info', 'listening for a page', { local: endpointText(local), backlog: this.#backlog });
  };

  #onServerError = (err: NodeJS.ErrnoException): void => {
    if (!this.#server?.listening) {
      // A failed listen() leaves no handle behind; a relay-picked port that is taken → the next one.
      if (this.state.is('BINDING')) {
        if (err.code === 'EADDRINUSE' && this.#candidates.length > 0) return this.#listenNext();
        const reason = ACCESS_ERRORS.has(err.code ?? '') ? Reason.POLICY_DENIED : reasonForErrno(err.code);
        this.openFailed(reason, `listen ${this.#bindHost}: ${err.code ?? err.message}`);
      }
      this.#resolveSocketClosed();
      return;
    }
    // accept() failing (EMFILE…) leaves the server listening; the connection is simply lost.
    this.log('warn', 'listener error', { detail: err.code ?? err.message });
  };

  #onConnection = (socket: net.Socket): void => {
    // A socket without an 'error' handler would throw on a reset; the stream adds its own.
    socket.on('error', ignoreError);
    const remote = socketEndpoint(socket.remoteAddress, socket.remoteFamily, socket.remotePort);
    const local = socketEndpoint(socket.localAddress, socket.localFamily, socket.localPort);
    if (this.state.is('BOUND')) {
      if (this.#early.length >= this.#backlog) return this.#refuse(socket, 'not_listening');
      this.#early.push(socket);
      return;
    }
    if (!this.state.is('LISTENING') || !remote || !local) return resetSocket(socket);
    const { options, metrics } = this.host;
    const from = endpointText(remote);
    const remoteAddress = remote.kind === 'name' ? '' : remote.address;
    if (!options.inbound.permitsRemote(remoteAddress)) {
      this.logRefusal('inbound connection refused: remote not in listen.remotes', { from });
      return this.#refuse(socket, 'remote_denied');
    }
    if (this.#pending.size >= this.#backlog) {
      this.log('debug', 'backlog full: inbound connection reset', { from, backlog: this.#backlog });
      return this.#refuse(socket, 'backlog_full');
    }
    if (this.#inboundHost.pendingInbound() >= options.inbound.maxPending) {
      metrics.countLimit('pending_per_connection');
      this.logRefusal('inbound connection reset: the page holds listen.maxPending unaccepted connections', {
        from,
        max: options.inbound.maxPending,
      });
      return this.#refuse(socket, 'pending_limit');
    }
    const stream = this.#inboundHost.adoptInbound(socket, this, local, remote);
    if (stream === null) return;
    this.#pending.add(stream);
    metrics.countInbound('offered');
    this.host.outbox.frame({
      type: FrameType.INCOMING,
      stream: this.id,
      newStream: stream.id,
      window: options.streamWindow,
      local,
      remote,
    });
    this.log('debug', 'inbound connection offered', { newStream: stream.id, from });
  };

  // ------------------------------------------------------------------------------------------

  #listenNext(): void {
    const port = this.#candidates.shift();
    if (port === undefined) {
      // The inbound policy's plan always names a port; callers only come back with more left.
      this.openFailed(Reason.INTERNAL, 'no port left to listen on');
      this.#resolveSocketClosed();
      return;
    }
    const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true });
    this.#server = server;
    server.on('listening', this.#onListening);
    server.on('error', this.#onServerError);
    server.on('connection', this.#onConnection);
    const ipv6 = net.isIPv6(splitZone(this.#bindHost).bare);
    try {
      server.listen({
        host: this.#bindHost,
        port,
        backlog: this.#backlog,
        exclusive: true,
        ...(ipv6 ? { ipv6Only: this.#ipv6Only } : {}),
      });
    } catch (err) {
      // listen() throws synchronously for some bad arguments (ERR_SOCKET_BAD_PORT…).
      const code = (err as NodeJS.ErrnoException)?.code;
      this.openFailed(reasonForErrno(code), `listen ${this.#bindHost}: ${code ?? String(err)}`);
      this.#resolveSocketClosed();
    }
  }

  #refuse(socket: net.Socket, outcome: InboundOutcome): void {
    this.host.metrics.countInbound(outcome);
    resetSocket(socket);
  }

  /** Stops listening and resets every connection still pending. */
  #end(): void {
    const pending = [...this.#pending];
    this.#pending.clear();
    for (const stream of pending) {
      this.host.metrics.countInbound('listener_closed');
      stream.abandon();
    }
    this.finish();
    this.#closeServer();
  }

  /**
   * Closes the listening socket. Still binding: #onListening comes back here, or the listen
   * error resolves socketClosed. The server's own 'close' would wait for every accepted
   * connection; the listening handle itself is released by the next loop iteration.
   */
  #closeServer(): void {
    const server = this.#server;
    if (!server?.listening) return;
    server.close();
    setImmediate(this.#resolveSocketClosed);
  }

  /** Leaving the id behind: no more ports to try. */
  protected cleanUp(): void {
    this.#candidates = [];
    this.#listenLater = null;
    // Never listened: what reached the bound address is reset, as closing a listen queue does.
    for (const socket of this.#early) this.#refuse(socket, 'not_listening');
    this.#early = [];
  }

  protected logContext(): Record<string, unknown> {
    return { listen: this.#local ? endpointText(this.#local) : endpointText(this.#request.local) };
  }
}

function ignoreError(): void {
  // The stream that adopts the socket reports errors; a refused one has nothing to report.
}
