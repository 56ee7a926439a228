/**
 * createWinsock: one independent Winsock instance — its sockets, last error, start-up count and
 * relay WebSocket (opened by the first call that needs the network). WSAStartup, WSACleanup and
 * the last error live here, with the state they own; every other Winsock function lives in an
 * api/ group, wired to the shared context.
 */
import { SOCKET_ERROR, WSADESCRIPTION_LEN, WSAEFAULT, WSANOTINITIALISED, WSAVERNOTSUPPORTED } from './win/constants.js';
import { acceptCalls } from './api/accept.js';
import { addressStringCalls } from './api/address-strings.js';
import { connectCalls } from './api/connect.js';
import type { AnySocket, CrossGroupCalls, WinsockContext } from './api/context.js';
import { dataCalls } from './api/data.js';
import { ioctlCalls } from './api/ioctl.js';
import { nameCalls } from './api/names.js';
import { addrInfoExCalls } from './api/names-ex.js';
import { overlappedCalls } from './api/overlapped.js';
import { pollCalls } from './api/poll.js';
import { selectCalls } from './api/select.js';
import { socketCalls } from './api/sockets.js';
import { OverlappedOperations } from './win/overlapped.js';
import type { SocketHost } from './socket/base.js';
import { RelayConnection, type WebSocketConstructor } from './transport/relay-connection.js';
import type { Winsock, WSADATA } from './winsock-api.js';

export interface WinsockOptions {
  /** Relay URL, e.g. 'ws://127.0.0.1:8787/'. */
  relay: string;
  /**
   * WebSocket class; defaults to globalThis.WebSocket. The browser's WebSocket and the `ws`
   * package's class both fit (pass `ws`'s class in Node before 22).
   */
  WebSocket?: WebSocketConstructor;
  /** Ticket for a relay that requires one (createTicket on your server). */
  token?: string;
  /** How long to wait for the relay's WELCOME before WSAENETDOWN (default 10 s). */
  handshakeTimeoutMs?: number;
  /** Diagnostics (relay connection lost, protocol errors). Default: silent. */
  log?: (message: string) => void;
}

const HIGHEST_VERSION = 0x0202;
/** Socket handles are small multiples of 4, as on Windows. */
const FIRST_HANDLE = 0x100;

/**
 * createWinsock: a new, independent Winsock object (see {@link Winsock} for every call). Nothing
 * touches the network until a call needs the relay; throws TypeError without `options.relay` or a
 * WebSocket class.
 */
export function createWinsock(options: WinsockOptions): Winsock {
  if (!options || typeof options.relay !== 'string')
    throw new TypeError('createWinsock: options.relay (the relay URL) is required');
  // Node before 22 has no global WebSocket (the DOM types say it always exists), and plain
  // JavaScript callers may pass anything: hence the run-time check.
  const globalWebSocket: WebSocketConstructor | undefined = globalThis.WebSocket;
  const WebSocketClass = options.WebSocket ?? globalWebSocket;
  if (typeof WebSocketClass !== 'function') {
    throw new TypeError('createWinsock: no WebSocket class; pass options.WebSocket (e.g. the `ws` package in Node)');
  }
  const log = options.log ?? (() => {});

  let startupCount = 0;
  let lastError = 0;
  let nextHandle = FIRST_HANDLE;
  let relay: RelayConnection | null = null;
  const sockets = new Map<number, AnySocket>();
  const messageQueue: (() => void)[] = [];
  let drainScheduled = false;

  /** Window messages and completion routines run after the call that caused them, in order. */
  function post(deliver: () => void): void {
    messageQueue.push(deliver);
    if (!drainScheduled) {
      drainScheduled = true;
      queueMicrotask(drainMessages);
    }
  }

  function drainMessages(): void {
    drainScheduled = false;
    for (let deliver = messageQueue.shift(); deliver !== undefined; deliver = messageQueue.shift()) {
      try {
        deliver();
      } catch (err) {
        log(`a window procedure or completion routine threw: ${String(err)}`);
      }
    }
  }

  const host: SocketHost = {
    relay(): RelayConnection {
      if (!relay?.usable) {
        relay = new RelayConnection({
          url: options.relay,
          WebSocket: WebSocketClass,
          token: options.token ?? '',
          handshakeTimeoutMs: options.handshakeTimeoutMs ?? 10_000,
          log,
        });
      }
      return relay;
    },
    post,
    log,
  };

  // Filled in once the groups exist; no call runs before createWinsock returns.
  let calls: CrossGroupCalls | null = null;
  const ctx: WinsockContext = {
    host,
    sockets,
    overlapped: new OverlappedOperations(post),
    get calls(): CrossGroupCalls {
      if (!calls) throw new Error('ws2web invariant: a Winsock call ran before createWinsock finished');
      return calls;
    },
    started: () => startupCount > 0,
    failWith<T = number>(code: number, result: T = SOCKET_ERROR as T): T {
      lastError = code;
      return result;
    },
    setLastError(code: number): void {
      lastError = code;
    },
    allocateHandle(): number {
      const handle = nextHandle;
      nextHandle += 4;
      return handle;
    },
  };

  const names = nameCalls(ctx);
  const inbound = acceptCalls(ctx);
  const connects = connectCalls(ctx);
  calls = {
    getaddrinfo: names.getaddrinfo,
    AcceptEx: inbound.AcceptEx,
    GetAcceptExSockaddrs: inbound.GetAcceptExSockaddrs,
    ConnectEx: connects.ConnectEx,
  };

  return {
    /** WSAStartup: returns 0 or the error code itself (not through WSAGetLastError), as Windows. */
    WSAStartup(wVersionRequested: number, lpWSAData?: WSADATA | null): number {
      const major = wVersionRequested & 0xff;
      const minor = (wVersionRequested >> 8) & 0xff;
      if (major === 0) return WSAVERNOTSUPPORTED;
      const negotiated = major > 2 || (major === 2 && minor > 2) ? HIGHEST_VERSION : wVersionRequested & 0xffff;
      if (lpWSAData !== undefined && lpWSAData !== null) {
        if (typeof lpWSAData !== 'object') return WSAEFAULT;
        Object.assign(lpWSAData, {
          wVersion: negotiated,
          wHighVersion: HIGHEST_VERSION,
          iMaxSockets: 0,
          iMaxUdpDg: 0,
          lpVendorInfo: null,
          szDescription: 'WinSock 2.0'.slice(0, WSADESCRIPTION_LEN),
          szSystemStatus: 'Running',
        });
      }
      startupCount++;
      return 0;
    },

    /** WSACleanup: the last call closes every socket and the relay connection. */
    WSACleanup(): number {
      if (startupCount === 0) return ctx.failWith(WSANOTINITIALISED);
      startupCount--;
      if (startupCount === 0) {
        for (const socket of sockets.values()) socket.close();
        sockets.clear();
        relay?.close();
        relay = null;
      }
      return 0;
    },

    WSAGetLastError(): number {
      return lastError;
    },

    WSASetLastError(iError: number): void {
      lastError = iError | 0;
    },

    ...socketCalls(ctx),
    ...connects,
    ...dataCalls(ctx),
    ...selectCalls(ctx),
    ...ioctlCalls(ctx),
    ...overlappedCalls(ctx),
    ...pollCalls(ctx),
    ...names,
    ...addressStringCalls(ctx),
    ...addrInfoExCalls(ctx),
    ...inbound,
  };
}
