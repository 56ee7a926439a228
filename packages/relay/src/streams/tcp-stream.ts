/**
 * One relayed TCP connection: the stream between an OPEN (or an INCOMING) and its CLOSE.
 * (Longer than the other stream files on purpose: both directions of flow control and every
 * socket event of one connection stay in one class, so the per-chunk path has no indirection.)
 *
 * States (one at a time, transitions only where named):
 *
 *   RESOLVING ──dial──▶ CONNECTING ──'connect'──▶ OPEN ──page CLOSE(OK)──▶ LINGERING ──▶ CLOSED
 *       │                    │                   ▲  │                                      ▲
 *       └── OPEN_FAILED / page CLOSE / drop ─────┼──┴── CLOSE sent / CLOSE(RESET) / drop ───┤
 *                                                │                                         │
 *   (inbound, adoptInbound) PENDING ──first CREDIT (the accept)                            │
 *                              └── page CLOSE (reject) / listener closed / drop ───────────┘
 *
 * PENDING is an inbound connection (tcp-listener.ts) the page has neither accepted nor
 * rejected: the socket is connected but nothing is read from it (`pauseOnConnect`), and the
 * page's credit is 0 until its first CREDIT arrives; that CREDIT is the accept.
 *
 * Credits (docs/protocol.md "Flow control"):
 *  - relay → page: `#sendCredit` starts at OPEN.window, never above maxStreamCredit. A socket chunk is forwarded as far as the
 *    credit goes; the rest (`#held`, at most one chunk) waits for CREDIT, and the socket is paused
 *    whenever the credit is zero. The peer's FIN is forwarded only after every held byte.
 *  - page → relay: the stream's CreditWindow starts at the early window (earlyWindow; the page's
 *    DATA before OPENED, also bounded per page by maxEarlyBytes) and widens to our window when
 *    OPENED announces it. DATA beyond it is a protocol violation: the connection goes. Bytes are given back (CREDIT) when `socket.write`'s callback runs, i.e.
 *    when the kernel took them; the connection coalesces those returns per event-loop turn.
 */
import type net from 'node:net';
import {
  FrameType,
  OpenFlag,
  Reason,
  SocketOption,
  Transport,
  reasonForErrno,
  reasonRow,
  type Endpoint,
  type OpenFrame,
} from '@ws2web/protocol';
import { MAX_KEEPALIVE_MS } from '../config/schema.js';
import { endpointText, localBind, socketEndpoint } from './endpoints.js';
import { checkTcpLocal } from '../policy/local-bind.js';
import { resolveDestination } from '../policy/resolve.js';
import { StreamBase, resetSocket } from './stream-base.js';
import type { TransitionTable } from './state-machine.js';
import type { StreamHost } from './stream-host.js';

/** How often a stream paused for a backlogged WebSocket looks again. */
const BACKLOG_RECHECK_MS = 5;

/** A page's keep-alive idle time within the relay's bounds (minKeepAliveMs .. Linux's largest). */
export function boundKeepAlive(ms: number, minMs: number): number {
  return Math.min(Math.max(ms, minMs), MAX_KEEPALIVE_MS);
}

/** The end-of-stream probe's write (see #onSocketEnd). */
const EMPTY = new Uint8Array(0);

/**
 * A CREDIT that would travel alone waits until this share of the window is owed: small returns
 * ride along with the next frames the relay sends anyway (a request's answer), so a
 * request/response pays no CREDIT message per round trip. It cannot stall the page: a page out
 * of credit has a whole window in flight, and once the kernel took it, all of it is owed.
 */
const LONE_CREDIT_SHARE = 4;

/**
 * DATA smaller than this is written corked until the end of the tick: the small frames of one
 * turn (a page's many small sends, read in one go from its WebSocket) leave in one writev, not
 * one syscall each. Larger frames are written as they come.
 */
const CORK_BELOW = 16 * 1024;

/**
 * RESOLVING, CONNECTING, OPEN; LINGERING: the page closed gracefully, queued bytes drain, then
 * FIN, nothing more is sent to the page; CLOSED; PENDING: inbound, offered to the page
 * (INCOMING), not yet accepted: connected, not read.
 */
export type TcpStreamState = 'RESOLVING' | 'CONNECTING' | 'OPEN' | 'LINGERING' | 'CLOSED' | 'PENDING';

const TRANSITIONS: TransitionTable<TcpStreamState> = {
  RESOLVING: ['CONNECTING', 'PENDING', 'CLOSED'],
  CONNECTING: ['OPEN', 'CLOSED'],
  OPEN: ['LINGERING', 'CLOSED'],
  PENDING: ['OPEN', 'LINGERING', 'CLOSED'],
  LINGERING: ['CLOSED'],
  CLOSED: [],
};

/** What a stream is made from: an OPEN frame, or an inbound connection's addresses. */
export interface StreamInit {
  stream: number;
  remote: Endpoint;
  local: Endpoint | null;
  /** The page's receive window: the relay's initial send credit. */
  window: number;
  flags: number;
}

/** How an inbound stream's PENDING state ended, for its listener's bookkeeping and metrics. */
export type PendingOutcome = 'accepted' | 'rejected' | 'gone';

/** The listener an inbound stream was offered by (tcp-listener.ts). */
export interface InboundParent {
  /** The stream left PENDING. Called once. */
  settled(stream: TcpStream, outcome: PendingOutcome): void;
}

export class TcpStream extends StreamBase<TcpStreamState> {
  readonly kind = 'TCP' as const;
  readonly #remote: Endpoint;
  readonly #local: Endpoint | null;
  #socket: net.Socket | null = null;
  /** The socket is corked until the end of this tick (see CORK_BELOW). */
  #corked = false;
  #noDelay: boolean;
  #keepAlive: boolean;
  /** The page's keep-alive idle time, bounded (0: none asked, the OS default stays). */
  #keepAliveMs = 0;

  // relay → page
  #sendCredit: number;
  #held: Buffer | null = null;
  #peerEnded = false;
  #finSent = false;
  /** The socket closed after the peer's FIN, but held bytes still wait for credit. */
  #closeWhenDrained = false;

  // page → relay (the credit window is the base's)
  /** DATA that arrived before the socket existed (while resolving). */
  #pending: Uint8Array[] = [];
  #pageFin = false;
  /** DATA received before OPENED, counted in the page's maxEarlyBytes until the stream opens or goes. */
  #early = 0;

  #errorCode: string | undefined;
  #connectTimer: NodeJS.Timeout | null = null;
  #lingerTimer: NodeJS.Timeout | null = null;
  #socketClosed: Promise<void> = Promise.resolve();
  /** `ip:port` counted in the per-destination cap while the socket lives. */
  #destination: string | null = null;
  #dialledAt = 0;
  /** The bandwidth cap paused reads; the timer resumes them. */
  #throttleTimer: NodeJS.Timeout | null = null;
  /** While PENDING: the listener that offered this inbound connection. */
  #parent: InboundParent | null = null;

  constructor(host: StreamHost, open: StreamInit) {
    // Until OPENED only the early window may be in flight (a dial can take connectTimeoutMs);
    // OPENED announces the whole streamWindow and widens it.
    super(
      host,
      open.stream,
      'TCP stream',
      'RESOLVING',
      TRANSITIONS,
      Math.min(host.options.earlyWindow, host.options.streamWindow),
    );
    this.#remote = open.remote;
    this.#local = open.local;
    // However much credit the page grants, the relay holds at most maxStreamCredit of it.
    this.#sendCredit = Math.min(open.window, host.options.maxStreamCredit);
    this.#noDelay = (open.flags & OpenFlag.NODELAY) !== 0;
    this.#keepAlive = (open.flags & OpenFlag.KEEPALIVE) !== 0;
  }

  override get lingering(): boolean {
    return this.state.is('LINGERING');
  }

  /** See LONE_CREDIT_SHARE. (A datagram socket returns everything: a datagram needs its whole length.) */
  override takeCreditOwed(alone: boolean): number {
    return this.credit.grant(alone ? this.credit.window / LONE_CREDIT_SHARE : 0);
  }

  protected get opening(): boolean {
    return !this.state.is('CLOSED', 'LINGERING');
  }

  /** Resolves when the TCP socket (if any) has emitted 'close'. */
  get socketClosed(): Promise<void> {
    return this.#socketClosed;
  }

  /** Checks, resolves and dials. Never throws; failures become OPEN_FAILED. */
  async start(open: OpenFrame): Promise<void> {
    if (open.transport !== Transport.TCP)
      return this.openFailed(Reason.INVALID_ARGUMENT, `transport ${open.transport} is not TCP`);
    if (open.remote.port === 0) return this.openFailed(Reason.INVALID_ARGUMENT, 'destination port 0');
    const { options } = this.host;
    const family = this.#local === null || this.#local.kind === 'name' ? null : this.#local.kind === 'ipv4' ? 4 : 6;
    if (this.#local !== null && this.#local.kind !== 'name') {
      const bind = checkTcpLocal(this.#local.address, this.#local.port, {
        localPorts: options.localPorts,
        inbound: options.inbound,
        listenScope: this.host.listenScope,
        own: options.policy.ownAddresses,
      });
      if (!bind.ok) {
        if (bind.reason === Reason.POLICY_DENIED) this.host.metrics.countPolicyRefusal(bind.category);
        this.log('info', 'local bind refused by policy', { local: endpointText(this.#local), detail: bind.why });
        return this.openFailed(bind.reason, bind.why);
      }
    }
    let resolution: Awaited<ReturnType<typeof resolveDestination>>;
    try {
      resolution = await resolveDestination(this.#remote, {
        policy: options.policy,
        names: options.names,
        family,
        scope: this.host.scope,
        lookup: this.lookupOptions,
      });
    } catch (err) {
      resolution = { ok: false as const, reason: Reason.INTERNAL, detail: String(err) };
    }
    if (!this.state.is('RESOLVING')) return; // the page closed it, or the connection went, meanwhile
    if (!resolution.ok) {
      if (resolution.reason === Reason.POLICY_DENIED) {
        this.host.metrics.countPolicyRefusal(resolution.category ?? 'other');
        this.logRefusal('destination refused by policy', { detail: resolution.detail });
      }
      return this.openFailed(resolution.reason, resolution.detail);
    }
    if (resolution.refused.length > 0) {
      this.log('info', 'skipped refused addresses of a name', {
        refused: resolution.refused.join(', '),
        dialling: resolution.address,
      });
    }
    const host =
      resolution.family === 6 && resolution.scopeId !== 0
        ? `${resolution.address}%${resolution.scopeId}`
        : resolution.address;
    const destination = `${resolution.family === 6 ? `[${host}]` : host}:${this.#remote.port}`;
    if (!this.host.limits.connectionsByDestination.acquire(destination, options.maxConnectionsPerDestination)) {
      this.host.metrics.countLimit('per_destination');
      return this.openFailed(
        Reason.LIMIT,
        `${options.maxConnectionsPerDestination} connections to ${destination} already`,
      );
    }
    this.#destination = destination;
    this.#dial(host, resolution.family);
  }

  /**
   * An inbound connection from a listener: connected, paused (the server's `pauseOnConnect`),
   * PENDING until the page's first CREDIT. The listener sends INCOMING itself.
   */
  adoptInbound(socket: net.Socket, parent: InboundParent): void {
    this.#socket = socket;
    this.#parent = parent;
    this.#openWindow();
    this.state.to('PENDING');
    this.#socketClosed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('data', this.#onSocketData);
    socket.on('end', this.#onSocketEnd);
    socket.on('error', this.#onSocketError);
    socket.on('close', this.#onSocketClose);
    if (this.#noDelay) socket.setNoDelay(true);
    if (this.#keepAlive) this.#applyKeepAlive(socket);
  }

  /**
   * The listener closed before the page accepted this connection: RST to the peer and
   * CLOSE(RESET) to the page (which forgot it along with the listener, or will ignore it).
   */
  abandon(): void {
    if (!this.state.is('PENDING')) return;
    const socket = this.#socket;
    this.#sendClose(Reason.RESET, 'listener closed before accept');
    resetSocket(socket);
  }

  #dial(host: string, family: 4 | 6): void {
    const { options } = this.host;
    let socket: net.Socket;
    try {
      socket = options.dial({
        host,
        port: this.#remote.port,
        family,
        ...localBind(this.#local, family),
        noDelay: this.#noDelay,
        keepAlive: this.#keepAlive,
      });
    } catch (err) {
      // net.connect throws synchronously for some bad arguments (ERR_INVALID_ARG_VALUE…).
      this.#releaseDestination();
      const code = (err as NodeJS.ErrnoException)?.code;
      return this.openFailed(reasonForErrno(code), `dial ${host}: ${code ?? String(err)}`);
    }
    this.#dialledAt = performance.now();
    this.#socket = socket;
    this.state.to('CONNECTING');
    socket.allowHalfOpen = true;
    this.#socketClosed = new Promise((resolve) => socket.once('close', () => resolve()));
    void this.#socketClosed.then(() => this.#releaseDestination());
    socket.on('connect', this.#onSocketConnect);
    socket.on('data', this.#onSocketData);
    socket.on('end', this.#onSocketEnd);
    socket.on('error', this.#onSocketError);
    socket.on('close', this.#onSocketClose);
    this.#connectTimer = setTimeout(this.#onConnectTimeout, options.connectTimeoutMs);
    // Bytes, FIN and options the page sent while we resolved; Node queues writes until connected.
    for (const chunk of this.#pending) this.#write(chunk);
    this.#pending = [];
    if (this.#pageFin) socket.end();
  }

  // ------------------------------------------------------------------------------------------
  // Frames from the page

  onData(data: Uint8Array): void {
    if (this.state.is('LINGERING', 'CLOSED')) return; // crossed our CLOSE
    if (data.length > this.credit.available) {
      return this.#violation(
        `DATA of ${data.length} bytes exceeds the ${this.credit.available} bytes of credit granted`,
      );
    }
    if (this.#pageFin) return this.#violation('DATA after FIN');
    if (this.state.is('RESOLVING', 'CONNECTING')) {
      if (!this.host.holdEarly(data.length))
        return this.#violation(`DATA before OPENED beyond the page's ${this.host.options.maxEarlyBytes} early bytes`);
      this.#early += data.length;
    }
    this.credit.consume(data.length);
    if (data.length === 0) return;
    if (this.#socket) this.#write(data);
    else this.#pending.push(data);
  }

  onCredit(bytes: number): void {
    if (this.state.is('LINGERING', 'CLOSED')) return;
    this.#sendCredit = Math.min(this.#sendCredit + bytes, this.host.options.maxStreamCredit);
    if (this.state.is('PENDING')) return this.#accept();
    if (!this.state.is('OPEN')) return;
    this.#drainHeld();
  }

  onFin(): void {
    if (this.state.is('LINGERING', 'CLOSED') || this.#pageFin) return;
    this.#pageFin = true;
    // end() writes FIN after every queued byte; the read side stays open (allowHalfOpen).
    this.#socket?.end();
  }

  onSetopt(option: number, value: number): void {
    if (this.state.is('LINGERING', 'CLOSED')) return;
    switch (option) {
      case SocketOption.NODELAY:
        this.#noDelay = value !== 0;
        this.#socket?.setNoDelay(this.#noDelay);
        return;
      case SocketOption.KEEPALIVE:
        this.#keepAlive = value !== 0;
        if (this.#socket) this.#applyKeepAlive(this.#socket);
        return;
      case SocketOption.KEEPALIVE_TIME:
        this.#keepAliveMs = boundKeepAlive(value, this.host.options.minKeepAliveMs);
        if (this.#socket && this.#keepAlive) this.#applyKeepAlive(this.#socket);
        return;
      default:
        this.log('debug', 'ignored unknown SETOPT option', { option, value });
    }
  }

  /** Page CLOSE: OK = graceful (queued bytes, FIN, then release); anything else = abortive (RST). */
  onClose(reason: number): void {
    const socket = this.#socket;
    switch (this.state.current) {
      case 'LINGERING':
      case 'CLOSED':
        return;
      case 'RESOLVING':
      case 'CONNECTING':
        // closesocket() during a connect abandons it; nothing was written yet.
        this.finish();
        socket?.destroy();
        return;
      case 'PENDING':
        // The page rejects an inbound connection (WSAAccept CF_REJECT) with CLOSE(RESET); a
        // CLOSE(OK) before accepting is a graceful close like any other.
        this.#settle('rejected');
        if (reason === Reason.OK && socket) this.#linger(socket);
        else {
          this.finish();
          resetSocket(socket);
        }
        return;
      case 'OPEN':
        if (reason === Reason.OK && socket) {
          this.#linger(socket);
        } else {
          this.finish();
          resetSocket(socket);
        }
        return;
    }
  }

  /** The WebSocket went or the relay is closing: drop the socket (reset it if never accepted), send nothing. */
  destroy(): Promise<void> {
    const pending = this.state.is('PENDING');
    if (!this.state.is('CLOSED')) this.finish();
    if (pending) resetSocket(this.#socket);
    else this.#socket?.destroy();
    return this.#socketClosed;
  }

  // ------------------------------------------------------------------------------------------
  // Socket events (named handlers)

  #onSocketConnect = (): void => {
    const socket = this.#socket!;
    this.#clearConnectTimer();
    if (!this.state.is('CONNECTING')) return;
    // The dial turned keep-alive on with the OS's idle time; a time the page asked for applies now.
    if (this.#keepAlive && this.#keepAliveMs > 0) this.#applyKeepAlive(socket);
    const remoteScope = this.#remote.kind === 'ipv6' ? this.#remote.scopeId : 0;
    const local = socketEndpoint(socket.localAddress, socket.localFamily, socket.localPort);
    const remote = socketEndpoint(socket.remoteAddress, socket.remoteFamily, socket.remotePort, remoteScope);
    if (!local || !remote) {
      // The socket died between connect and now; its 'close' will follow.
      this.openFailed(Reason.INTERNAL, 'socket has no address after connect');
      socket.destroy();
      return;
    }
    this.state.to('OPEN');
    this.#openWindow();
    this.host.metrics.countOpen(Reason.OK);
    this.host.metrics.observeConnect((performance.now() - this.#dialledAt) / 1000);
    this.host.outbox.frame({
      type: FrameType.OPENED,
      stream: this.id,
      window: this.host.options.streamWindow,
      local,
      remote,
    });
    this.log('debug', 'opened', { local: endpointText(local), remote: endpointText(remote) });
    if (this.#sendCredit === 0) socket.pause();
  };

  #onSocketData = (chunk: Buffer): void => {
    if (!this.state.is('OPEN')) return; // LINGERING: the page closed; what the peer sends is discarded
    const forward = Math.min(chunk.length, this.#sendCredit);
    if (forward > 0) this.#forward(forward === chunk.length ? chunk : chunk.subarray(0, forward));
    if (forward < chunk.length) this.#held = chunk.subarray(forward);
    if (this.#sendCredit === 0) this.#socket!.pause();
    if (forward > 0) this.#throttle(forward);
  };

  #onSocketEnd = (): void => {
    const socket = this.#socket!;
    // Linux reads a reset whose error a write already took (or that came while we were not
    // reading) as end of stream, so an RST could reach the page as a graceful FIN. A zero-length
    // write tells them apart: after the peer's FIN it succeeds, after its RST it fails (EPIPE /
    // ECONNRESET, then 'error' and 'close' send CLOSE(RESET)). Only when nothing is queued: a
    // probe behind unsent bytes would hold the FIN for as long as the peer does not read.
    if (this.state.is('OPEN') && !socket.writableEnded && socket.writableLength === 0) {
      socket.write(EMPTY, this.#onEndProbed);
      return;
    }
    this.#peerEndConfirmed();
  };

  #onEndProbed = (err: Error | null | undefined): void => {
    if (!err) this.#peerEndConfirmed();
  };

  #peerEndConfirmed(): void {
    this.#peerEnded = true;
    if (this.state.is('OPEN') && this.#held === null) this.#sendFin();
  }

  #onSocketError = (err: NodeJS.ErrnoException): void => {
    this.#errorCode ??= err.code ?? 'UNKNOWN';
    if (this.state.is('CONNECTING')) {
      this.#clearConnectTimer();
      this.openFailed(reasonForErrno(err.code), `connect: ${err.code ?? err.message}`);
    }
  };

  #onSocketClose = (): void => {
    this.#clearConnectTimer();
    this.#clearLingerTimer();
    switch (this.state.current) {
      case 'PENDING':
        // Nothing is read while pending, so this is a write error (DATA the page sent early) or a destroy.
        this.#sendClose(
          this.#errorCode !== undefined ? reasonForErrno(this.#errorCode) : Reason.ABORTED,
          `socket closed before accept (${this.#errorCode ?? 'no error'})`,
        );
        return;
      case 'CONNECTING':
        // Closed without 'error' before connecting (a custom dialer's socket, destroyed).
        this.openFailed(Reason.ABORTED, 'socket closed while connecting');
        return;
      case 'OPEN':
        if (this.#errorCode !== undefined) {
          this.#held = null;
          this.#sendClose(reasonForErrno(this.#errorCode), `socket error ${this.#errorCode}`);
        } else if (!this.#peerEnded) {
          this.#sendClose(Reason.ABORTED, 'socket closed without FIN or error');
        } else if (this.#held !== null || !this.#finSent) {
          this.#closeWhenDrained = true; // CLOSE(OK) follows the held bytes and FIN (see #drainHeld)
        } else {
          this.#sendClose(Reason.OK, 'closed in order');
        }
        return;
      case 'LINGERING':
        this.state.to('CLOSED');
        return;
      default:
        return;
    }
  };

  #onConnectTimeout = (): void => {
    this.#connectTimer = null;
    if (!this.state.is('CONNECTING')) return;
    this.openFailed(Reason.TIMED_OUT, `no connection within ${this.host.options.connectTimeoutMs} ms`);
    this.#socket?.destroy();
  };

  #onLingerTimeout = (): void => {
    this.#lingerTimer = null;
    this.log('debug', 'linger timeout: destroying socket', {});
    this.#socket?.destroy();
  };

  // ------------------------------------------------------------------------------------------

  /**
   * SO_KEEPALIVE on the real socket, with the page's idle time if it asked for one (Node's 0
   * leaves the OS's). Node has no interval setter: libuv fixes probes at 1 s apart, 10 at most.
   */
  #applyKeepAlive(socket: net.Socket): void {
    socket.setKeepAlive(this.#keepAlive, this.#keepAlive ? this.#keepAliveMs : 0);
  }

  #write(chunk: Uint8Array): void {
    const length = chunk.length;
    const socket = this.#socket!;
    if (length < CORK_BELOW && !this.#corked) {
      this.#corked = true;
      socket.cork();
      process.nextTick(this.#uncork);
    }
    socket.write(chunk, (err) => this.#onWritten(err, length));
  }

  #uncork = (): void => {
    this.#corked = false;
    this.#socket?.uncork();
  };

  /** The kernel took `length` bytes: they may be given back to the page as credit. */
  #onWritten(err: Error | null | undefined, length: number): void {
    if (err) return; // the socket's 'error' handler reports it
    this.host.metrics.bytesPageToPeer += length;
    if (!this.state.is('OPEN', 'PENDING')) return;
    this.credit.owe(length);
    this.host.creditOwed(this);
  }

  /** Sends `bytes` to the page as DATA frames of at most maxFrameBody; spends credit. */
  #forward(bytes: Buffer): void {
    const max = this.host.options.maxFrameBody;
    for (let at = 0; at < bytes.length; at += max) {
      this.host.outbox.data(this.id, at === 0 && bytes.length <= max ? bytes : bytes.subarray(at, at + max));
    }
    this.#sendCredit -= bytes.length;
    this.host.metrics.bytesPeerToPage += bytes.length;
  }

  /** After CREDIT: send what is held, then FIN / CLOSE if they were waiting, then read on. */
  #drainHeld(): void {
    if (this.#throttleTimer !== null) return; // the bandwidth cap's timer comes back here
    if (this.#held !== null && this.#sendCredit > 0) {
      const held = this.#held;
      const forward = Math.min(held.length, this.#sendCredit);
      this.#forward(forward === held.length ? held : held.subarray(0, forward));
      this.#held = forward === held.length ? null : held.subarray(forward);
      this.#throttle(forward);
      if (this.#throttleTimer !== null) return;
    }
    if (this.#held !== null) return;
    if (this.#peerEnded && !this.#finSent) this.#sendFin();
    if (this.#closeWhenDrained) {
      this.#sendClose(Reason.OK, 'closed in order');
      return;
    }
    if (this.#sendCredit > 0 && this.#socket?.isPaused()) this.#socket.resume();
  }

  /**
   * Bandwidth cap (relay → page): after forwarding `bytes`, stop reading for as long as the
   * connection's throttle says; the socket's own buffer and TCP's window hold the peer back
   * meanwhile, so nothing piles up here.
   */
  #throttle(bytes: number): void {
    const wait = this.host.spendToPage(bytes);
    // Credit bounds what the page may be sent, not how fast it reads its WebSocket: a page that
    // grants credit and then stops reading must not make the relay queue without bound. While
    // the WebSocket is backlogged, stop reading and look again shortly.
    const backlogged = this.host.backlogged();
    if ((wait <= 0 && !backlogged) || this.#throttleTimer !== null) return;
    this.host.metrics.countLimit(wait > 0 ? 'bandwidth' : 'page_backlog');
    this.#socket?.pause();
    this.#throttleTimer = setTimeout(this.#onThrottleOver, Math.max(wait, backlogged ? BACKLOG_RECHECK_MS : 0));
  }

  #onThrottleOver = (): void => {
    this.#throttleTimer = null;
    if (!this.state.is('OPEN')) return;
    // Still backlogged: reading on would let one more chunk per stream through each recheck.
    if (this.host.backlogged()) {
      this.#throttleTimer = setTimeout(this.#onThrottleOver, BACKLOG_RECHECK_MS);
      return;
    }
    this.#drainHeld();
  };

  #releaseDestination(): void {
    if (this.#destination === null) return;
    this.host.limits.connectionsByDestination.release(this.#destination);
    this.#destination = null;
  }

  #sendFin(): void {
    this.#finSent = true;
    this.host.outbox.frame({ type: FrameType.FIN, stream: this.id });
  }

  #linger(socket: net.Socket): void {
    if (socket.destroyed) {
      // Already closed (both FINs seen, CLOSE(OK) still waiting for credit): nothing to drain.
      this.finish();
      return;
    }
    this.finish('LINGERING');
    socket.end();
    // Keep reading (and discarding) so unread bytes do not turn our close into an RST, and
    // so the socket closes on its own once the peer's FIN arrives too; lingerMs bounds it.
    socket.resume();
    this.#lingerTimer = setTimeout(this.#onLingerTimeout, this.host.options.lingerMs);
  }

  /** Connected (or adopted): the early window widens to streamWindow; early bytes stop counting. */
  #openWindow(): void {
    const { streamWindow, earlyWindow } = this.host.options;
    if (streamWindow > earlyWindow) this.credit.widen(streamWindow - earlyWindow);
    this.#releaseEarly();
  }

  #releaseEarly(): void {
    if (this.#early === 0) return;
    this.host.holdEarly(-this.#early);
    this.#early = 0;
  }

  /** Flow control broken: a page that does it is not to be trusted with the connection. */
  #violation(message: string): void {
    this.log('warn', 'page broke flow control; closing the connection', { detail: message });
    this.#sendClose(Reason.PROTOCOL_ERROR, message);
    this.#socket?.destroy();
    this.host.protocolError(`stream ${this.id}: ${message}`);
  }

  #openFailed(reason: number, detail: string): void {
    if (this.state.is('CLOSED', 'LINGERING')) return;
    this.host.metrics.countOpen(reason);
    this.host.outbox.frame({ type: FrameType.OPEN_FAILED, stream: this.id, reason });
    this.logRefusal('open failed', { reason: reasonRow(reason).name, detail });
    this.finish();
  }

  #sendClose(reason: number, detail: string): void {
    if (this.state.is('CLOSED', 'LINGERING')) return;
    this.host.outbox.frame({ type: FrameType.CLOSE, stream: this.id, reason });
    this.log('debug', 'closed', { reason: reasonRow(reason).name, detail });
    this.finish();
  }

  /** PENDING → OPEN: the page's first CREDIT accepted the connection; reading starts within it. */
  #accept(): void {
    this.#settle('accepted');
    this.state.to('OPEN');
    this.log('debug', 'inbound connection accepted', { credit: this.#sendCredit });
    this.#drainHeld();
  }

  /** Tells the listener the stream left PENDING (once). */
  #settle(outcome: PendingOutcome): void {
    const parent = this.#parent;
    this.#parent = null;
    parent?.settled(this, outcome);
  }

  /** Leaving the id behind (CLOSED or LINGERING): timers, held and early bytes go. */
  protected cleanUp(next: TcpStreamState): void {
    this.#settle('gone');
    this.#releaseEarly();
    this.#clearConnectTimer();
    this.#clearThrottleTimer();
    if (next === 'CLOSED') this.#clearLingerTimer();
    this.#held = null;
    this.#pending = [];
  }

  #clearThrottleTimer(): void {
    if (this.#throttleTimer) {
      clearTimeout(this.#throttleTimer);
      this.#throttleTimer = null;
    }
  }

  #clearConnectTimer(): void {
    if (this.#connectTimer) {
      clearTimeout(this.#connectTimer);
      this.#connectTimer = null;
    }
  }

  #clearLingerTimer(): void {
    if (this.#lingerTimer) {
      clearTimeout(this.#lingerTimer);
      this.#lingerTimer = null;
    }
  }

  protected logContext(): Record<string, unknown> {
    return { remote: endpointText(this.#remote) };
  }
}
