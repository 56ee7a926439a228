/**
 * What every emulated socket has, stream or datagram: identity, options, the network-event
 * record, the blocking flag, SO_ERROR, the bound address, and "something changed" listeners
 * that blocking calls, select and WSAWaitForMultipleEvents wait on.
 */
import { FD_CLOSE, FD_READ, FD_WRITE } from './constants.js';
import { NetworkEvents } from './network-events.js';
import type { RelayConnection } from './transport.js';
import { asFamily, type SockAddr } from './sockaddr.js';
import type { Operation } from './socket-state.js';

/** What a socket needs from the Winsock object that owns it. */
export interface SocketHost {
  /** The live relay connection (opened on first use). */
  relay(): RelayConnection;
  /** Queues a window message for WSAAsyncSelect (delivered after the current call). */
  post(deliver: () => void): void;
  log(message: string): void;
}

export type IoResult = { ok: true; n: number } | { ok: false; error: number };
export const ok = (n: number): IoResult => ({ ok: true, n });
export const fail = (error: number): IoResult => ({ ok: false, error });

/** Socket options as Winsock reports them back (getsockopt) and the relay applies them. */
export interface SocketOptions {
  rcvTimeoMs: number;
  sndTimeoMs: number;
  keepAlive: boolean;
  noDelay: boolean;
  lingerOn: boolean;
  lingerSeconds: number;
  reuseAddr: boolean;
  exclusiveAddrUse: boolean;
  sndBuf: number;
  rcvBuf: number;
  broadcast: boolean;
  oobInline: boolean;
  debug: boolean;
  dontRoute: boolean;
  v6Only: boolean;
}


export function defaultOptions(): SocketOptions {
  return {
    rcvTimeoMs: 0,
    sndTimeoMs: 0,
    keepAlive: false,
    noDelay: false,
    lingerOn: false,
    lingerSeconds: 0,
    reuseAddr: false,
    exclusiveAddrUse: false,
    sndBuf: 64 * 1024,
    rcvBuf: 64 * 1024,
    broadcast: false,
    oobInline: false,
    debug: false,
    dontRoute: false,
    v6Only: true, // Windows' default for AF_INET6 sockets
  };
}

export abstract class SocketBase {
  readonly events: NetworkEvents;
  nonBlocking = false;
  readonly options: SocketOptions = defaultOptions();
  /** SO_ERROR: the last asynchronous failure (a non-blocking connect's outcome). */
  soError = 0;
  /** The address given to bind (or the implicit any-address of connect/sendto). */
  bound: SockAddr | null = null;
  /** The relay socket's real local address, once the relay reported it. */
  relayLocal: SockAddr | null = null;
  readonly #listeners = new Set<() => void>();

  constructor(
    readonly handle: number,
    readonly family: number,
    readonly type: number,
    readonly protocol: number,
    protected readonly host: SocketHost,
  ) {
    this.events = new NetworkEvents(handle, (deliver) => host.post(() => { if (!this.closed) deliver(); }));
  }

  abstract get closed(): boolean;
  /** select readfds / writefds / exceptfds. */
  abstract get readable(): boolean;
  abstract get writable(): boolean;
  abstract get exceptional(): boolean;
  /** FIONREAD. */
  abstract get available(): number;
  /** The state machine's verdict for `op`: 0 or a Winsock error. */
  abstract verdict(op: Operation): number;
  /** closesocket. */
  abstract close(): void;
  get isListening(): boolean { return false; }

  /** getsockname's answer: the relay's real address once known, else what bind recorded (or null). */
  localAddress(): SockAddr | null {
    return this.relayLocal ? asFamily(this.relayLocal, this.family) : this.bound;
  }
  /** True before bind/connect/sendto gave the socket an address (IPV6_V6ONLY may change). */
  get isUnbound(): boolean { return this.bound === null; }

  /** Subscribes to "something about this socket changed" (data, credit, state). */
  readonly subscribe = (fn: () => void): (() => void) => {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  };

  protected changed(): void {
    for (const fn of [...this.#listeners]) fn();
  }

  protected dropListeners(): void {
    this.#listeners.clear();
  }

  /**
   * After WSAEventSelect/WSAAsyncSelect, record the conditions that already hold, as Windows
   * does: data waiting → FD_READ, writable → FD_WRITE, closed → FD_CLOSE.
   */
  recordCurrentConditions(): void {
    if (this.available > 0) this.events.record(FD_READ, 0);
    if (this.writable) this.events.record(FD_WRITE, 0);
    const closeError = this.closeCondition();
    if (closeError !== null) this.events.record(FD_CLOSE, closeError);
  }

  /** The peer closed or the connection broke (WSAPoll's POLLHUP). */
  get hungUp(): boolean { return this.closeCondition() !== null; }

  /** FD_CLOSE's error if the connection is over (null if not): stream sockets override. */
  protected closeCondition(): number | null { return null; }

  /** Applies TCP_NODELAY / SO_KEEPALIVE to the relay's live socket; stream sockets override. */
  applyOption(_option: number, _value: boolean): void {}

  /** SO_CONNECT_TIME; stream sockets override. */
  connectTimeSeconds(): number { return 0xffffffff; }
}
