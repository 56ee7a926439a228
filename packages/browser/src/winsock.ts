/**
 * createWinsock: one independent Winsock instance — its sockets, last error, start-up count and
 * relay WebSocket (opened by the first call that needs the network). The Winsock functions live
 * in the api-*.ts groups; this file wires them to the shared context.
 */
import {
  SOCKET_ERROR,
  WSADESCRIPTION_LEN,
  WSAEFAULT,
  WSANOTINITIALISED,
  WSAVERNOTSUPPORTED,
} from './constants.js';
import { acceptCalls } from './api-accept.js';
import { connectExCalls } from './api-connect-ex.js';
import { dataCalls } from './api-data.js';
import { nameCalls } from './api-names.js';
import { pollCalls } from './api-poll.js';
import { selectCalls } from './api-select.js';
import { socketCalls } from './api-sockets.js';
import type { AnySocket, WinsockContext } from './context.js';
import { OverlappedOperations } from './overlapped.js';
import type { SocketHost } from './socket-base.js';
import { RelayConnection, type WebSocketConstructor } from './transport.js';

export interface WinsockOptions {
  /** Relay URL, e.g. 'ws://127.0.0.1:8787/'. */
  relay: string;
  /** WebSocket class; defaults to globalThis.WebSocket (pass `ws`'s class in Node). */
  WebSocket?: WebSocketConstructor | unknown;
  /** Ticket for a relay that requires one (createTicket on your server). */
  token?: string;
  /** How long to wait for the relay's WELCOME before WSAENETDOWN (default 10 s). */
  handshakeTimeoutMs?: number;
  /** Diagnostics (relay connection lost, protocol errors). Default: silent. */
  log?: (message: string) => void;
}

export interface WSADATA {
  wVersion?: number;
  wHighVersion?: number;
  iMaxSockets?: number;
  iMaxUdpDg?: number;
  lpVendorInfo?: null;
  szDescription?: string;
  szSystemStatus?: string;
}

const HIGHEST_VERSION = 0x0202;
/** Socket handles are small multiples of 4, as on Windows. */
const FIRST_HANDLE = 0x100;

export type Winsock = ReturnType<typeof createWinsock>;

export function createWinsock(options: WinsockOptions) {
  if (!options || typeof options.relay !== 'string') throw new TypeError('createWinsock: options.relay (the relay URL) is required');
  const WebSocketClass = (options.WebSocket ?? (globalThis as { WebSocket?: unknown }).WebSocket) as WebSocketConstructor | undefined;
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
    while (messageQueue.length > 0) {
      const deliver = messageQueue.shift()!;
      try {
        deliver();
      } catch (err) {
        log(`a window procedure or completion routine threw: ${String(err)}`);
      }
    }
  }

  const host: SocketHost = {
    relay(): RelayConnection {
      if (!relay || !relay.usable) {
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

  const ctx: WinsockContext = {
    host,
    sockets,
    overlapped: new OverlappedOperations(post),
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
    ...dataCalls(ctx),
    ...selectCalls(ctx),
    ...pollCalls(ctx),
    ...names,
    ...inbound,
    ...connectExCalls(ctx, names.getaddrinfo, inbound),
  };
}
