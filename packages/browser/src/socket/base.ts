/**
 * What every emulated socket has, stream or datagram: identity, options, the network-event
 * record, the blocking flag, SO_ERROR, the bound address, "something changed" watchers that
 * blocking calls, select and WSAWaitForMultipleEvents wait on, and the one shape of send and
 * receive the data calls use whatever the socket kind.
 */
import { FD_CLOSE, FD_READ, FD_WRITE } from '../win/constants.js';
import { NetworkEvents } from '../win/network-events.js';
import type { RelayConnection } from '../transport/relay-connection.js';
import type { ListenerFactory } from './listener.js';
import { asFamily, type SockAddr } from '../win/sockaddr.js';
import { BlockingWait } from './blocking-wait.js';
import type { Operation } from './state.js';

/** What a socket needs from the Winsock object that owns it. */
export interface SocketHost {
  /** The live relay connection (opened on first use). */
  relay(): RelayConnection;
  /** Queues a window message for WSAAsyncSelect (delivered after the current call). */
  post(deliver: () => void): void;
  log(message: string): void;
  /** What listen opens at the relay; null when the object was made without withAccept. */
  readonly openListener: ListenerFactory | null;
}

/**
 * The outcome of a send or receive, TCP or UDP: `n` bytes moved; for a received datagram its
 * source and whether it was cut to the buffer (WSAEMSGSIZE, the first bytes delivered).
 */
export type IoResult =
  | { ok: true; n: number; from: SockAddr | null; truncated: boolean }
  | { ok: false; error: number };
export const ok = (n: number, from: SockAddr | null = null, truncated = false): IoResult => ({
  ok: true,
  n,
  from,
  truncated,
});
export const fail = (error: number): IoResult => ({ ok: false, error });

/** Socket options as Winsock reports them back (getsockopt) and the relay applies them. */
export interface SocketOptions {
  rcvTimeoMs: number;
  sndTimeoMs: number;
  keepAlive: boolean;
  /** Keep-alive idle time (TCP_KEEPALIVE, SIO_KEEPALIVE_VALS), ms; null: never set (Windows' 2 h). */
  keepAliveTimeMs: number | null;
  /** TCP_KEEPINTVL / SIO_KEEPALIVE_VALS interval (ms) and TCP_KEEPCNT: reported back, not relayed. */
  keepAliveIntervalMs: number;
  keepAliveCount: number;
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
  /** IP_PKTINFO / IPV6_PKTINFO: WSARecvMsg adds IN_PKTINFO / IN6_PKTINFO control data. */
  pktInfo: boolean;
  pktInfo6: boolean;
}

export function defaultOptions(): SocketOptions {
  return {
    rcvTimeoMs: 0,
    sndTimeoMs: 0,
    keepAlive: false,
    keepAliveTimeMs: null,
    keepAliveIntervalMs: 1000, // Windows' defaults: a probe a second, 10 of them
    keepAliveCount: 10,
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
    pktInfo: false,
    pktInfo6: false,
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
  readonly #watchers = new Set<() => void>();

  constructor(
    readonly handle: number,
    readonly family: number,
    readonly type: number,
    readonly protocol: number,
    protected readonly host: SocketHost,
  ) {
    this.events = new NetworkEvents(handle, (deliver) =>
      host.post(() => {
        if (!this.closed) deliver();
      }),
    );
  }

  /** True for UDP (datagrams carry their own address), false for TCP: narrows `AnySocket`. */
  abstract readonly connectionless: boolean;
  abstract get closed(): boolean;
  /** select readfds / writefds / exceptfds. */
  abstract get readable(): boolean;
  abstract get writable(): boolean;
  abstract get exceptional(): boolean;
  /** FIONREAD. */
  abstract get available(): number;
  /** The error the socket's state gives `op` (0: allowed). */
  abstract stateError(op: Operation): number;
  /** getpeername's address: the connected peer (TCP) or the default destination (UDP). */
  abstract peerAddress(): SockAddr | null;
  /**
   * send / sendto / WSASend / WSASendTo: `data` is already cut to the caller's length; `to` is a
   * datagram's destination (null: the peer) and ignored by TCP, as Windows. `forceWait` waits even
   * on a non-blocking socket (overlapped operations).
   */
  abstract send(data: Uint8Array, flags: number, to: SockAddr | null, forceWait?: boolean): Promise<IoResult>;
  /** recv / recvfrom / WSARecv / WSARecvFrom into `dest[0..len)`. */
  abstract recv(dest: Uint8Array, len: number, flags: number, forceWait?: boolean): Promise<IoResult>;
  /** shutdown: 0 or the Winsock error. */
  abstract shutdown(how: number): number;
  /** closesocket. */
  abstract close(): void;
  get isListening(): boolean {
    return false;
  }
  /**
   * The error a new receive, overlapped too, fails with at once instead of waiting (0: none):
   * WSAESHUTDOWN after shutdown(SD_RECEIVE), the reset's error after a reset, as Windows.
   */
  get immediateReceiveError(): number {
    return 0;
  }
  /**
   * The connection was reset or aborted: select counts the socket readable and writable (a call
   * fails at once), WSAPoll reports POLLHUP|POLLERR, as Windows.
   */
  get connectionBroken(): boolean {
    return false;
  }

  /** getsockname's answer: the relay's real address once known, else what bind recorded (or null). */
  localAddress(): SockAddr | null {
    return this.relayLocal ? asFamily(this.relayLocal, this.family) : this.bound;
  }
  /** True before bind/connect/sendto gave the socket an address (IPV6_V6ONLY may change). */
  get isUnbound(): boolean {
    return this.bound === null;
  }

  /** Subscribes to "something about this socket changed" (data, credit, state). */
  readonly subscribe = (fn: () => void): (() => void) => {
    this.#watchers.add(fn);
    return () => this.#watchers.delete(fn);
  };

  protected changed(): void {
    for (const fn of [...this.#watchers]) fn();
  }

  protected dropWatchers(): void {
    this.#watchers.clear();
  }

  /** The wait of one blocking call, against SO_SNDTIMEO / SO_RCVTIMEO (`timeoutMs`). */
  protected blockingWait(timeoutMs: number): BlockingWait {
    return new BlockingWait(this.subscribe, timeoutMs);
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
  get hungUp(): boolean {
    return this.closeCondition() !== null;
  }

  /** FD_CLOSE's error if the connection is over (null if not): stream sockets override. */
  protected closeCondition(): number | null {
    return null;
  }

  /** Applies TCP_NODELAY / SO_KEEPALIVE / the keep-alive time to the relay's socket; stream sockets override. */
  applyOption(_option: number, _value: number): void {}

  /** SO_UPDATE_CONNECT_CONTEXT: a ConnectEx connection becomes an ordinary one; stream sockets override. */
  updateConnectContext(): void {}

  /** SO_CONNECT_TIME; stream sockets override. */
  connectTimeSeconds(): number {
    return 0xffffffff;
  }
}
