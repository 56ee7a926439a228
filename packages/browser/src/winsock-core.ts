/**
 * createWinsockWith: one independent Winsock instance — its sockets, last error, start-up count
 * and relay WebSocket (opened by the first call that needs the network) — made of the features
 * it is given (features.ts). WSAStartup, WSACleanup, the last error and the socket lifetime calls
 * are always there; every other group of calls, and each socket type, is a feature. A bundler
 * keeps only the features a page names, so a TCP client does not carry UDP, name resolution,
 * select, overlapped I/O or inbound connections. createWinsock (winsock.ts) is this with every
 * feature.
 */
import { SOCKET_ERROR, WSADESCRIPTION_LEN, WSAEFAULT, WSANOTINITIALISED, WSAVERNOTSUPPORTED } from './win/constants.js';
import type { AnySocket, CrossGroupCalls, SocketProvider, WinsockContext } from './api/context.js';
import { socketCalls } from './api/sockets.js';
import { OverlappedOperations } from './win/overlapped.js';
import type { SocketHost } from './socket/base.js';
import type { ListenerFactory } from './socket/listener.js';
import { RelayConnection, type WebSocketConstructor } from './transport/relay-connection.js';
import { type WebSocketStreamConstructor, webSocketOverStream } from './transport/websocket-stream.js';
import type { Winsock, WSADATA } from './winsock-api.js';

export interface WinsockOptions {
  /** Relay URL, e.g. 'ws://127.0.0.1:8787/'. */
  relay: string;
  /**
   * WebSocket class. The browser's WebSocket and the `ws` package's class both fit (pass `ws`'s
   * class in Node before 22). Without it the relay connection is a WebSocketStream when the
   * browser has one (Chromium: faster bulk transfers), else globalThis.WebSocket.
   */
  WebSocket?: WebSocketConstructor;
  /**
   * WebSocketStream class to use when no `WebSocket` is given; defaults to
   * globalThis.WebSocketStream. `null` means never a WebSocketStream.
   */
  WebSocketStream?: WebSocketStreamConstructor | null;
  /** Ticket for a relay that requires one (createTicket on your server). */
  token?: string;
  /** How long to wait for the relay's WELCOME before WSAENETDOWN (default 10 s). */
  handshakeTimeoutMs?: number;
  /** Diagnostics (relay connection lost, protocol errors). Default: silent. */
  log?: (message: string) => void;
}

/** What any feature may add; see {@link WinsockFeature}. */
export interface AnyWinsockFeature {
  /** The socket type (SOCK_STREAM, SOCK_DGRAM) whose sockets `provider` makes. */
  readonly socketType?: number;
  readonly provider?: SocketProvider;
  /** The feature's calls, over the object's shared state. */
  readonly calls?: (ctx: WinsockContext) => Partial<Winsock>;
  /** What listen opens at the relay (withAccept); without it listen fails with WSAEOPNOTSUPP. */
  readonly listener?: ListenerFactory;
}

/**
 * A part of a Winsock object for createWinsockWith: a group of calls (`K`, typed and documented
 * by the {@link Winsock} interface), or a socket type socket() can create. The values are in
 * features.ts (withTcp, withConnect, withData…).
 */
export interface WinsockFeature<K extends keyof Winsock = never> extends AnyWinsockFeature {
  readonly calls?: (ctx: WinsockContext) => Pick<Winsock, K>;
}

/** The calls every object has, whatever its features. */
export type WinsockCoreCall =
  | 'WSAStartup'
  | 'WSACleanup'
  | 'WSAGetLastError'
  | 'WSASetLastError'
  | keyof ReturnType<typeof socketCalls>;

/** The calls a feature list gives. */
export type FeatureCalls<F> = F extends WinsockFeature<infer K> ? K : never;

/** The object createWinsockWith(options, features) returns: the core calls and the features' calls. */
export type WinsockWith<F extends readonly AnyWinsockFeature[]> = Pick<
  Winsock,
  WinsockCoreCall | FeatureCalls<F[number]>
>;

/** The class a Winsock object opens its relay connection with when none is injected. */
function relayWebSocketClass(
  injectedStream: WebSocketStreamConstructor | null | undefined,
): WebSocketConstructor | undefined {
  // Neither is in TypeScript's DOM types everywhere (WebSocketStream is Chromium's; Node before
  // 22 has no global WebSocket though the DOM types say it always exists), and plain
  // JavaScript callers may pass anything: hence the run-time checks.
  const Stream: unknown = injectedStream === undefined ? Reflect.get(globalThis, 'WebSocketStream') : injectedStream;
  if (typeof Stream === 'function') return webSocketOverStream(Stream as WebSocketStreamConstructor);
  const globalWebSocket: WebSocketConstructor | undefined = globalThis.WebSocket;
  return globalWebSocket;
}

const HIGHEST_VERSION = 0x0202;
/** Socket handles are small multiples of 4, as on Windows. */
const FIRST_HANDLE = 0x100;

/**
 * createWinsockWith: a new, independent Winsock object with the core calls (WSAStartup,
 * WSACleanup, WSAGetLastError, WSASetLastError, socket, WSASocket, closesocket, bind, listen,
 * shutdown, getsockname, getpeername) and the calls of
 * `features`; its type has exactly those calls. socket() creates only the socket types whose
 * feature is given (withTcp, withUdp), others fail with WSAESOCKTNOSUPPORT. A call that would use
 * a missing group answers as Windows does for what it cannot do: WSAConnectByName without
 * withNames fails with WSAEOPNOTSUPP, and so does listen without withAccept; WSAIoctl hands out ConnectEx / AcceptEx only with
 * withConnect / withAccept (WSAEINVAL, as for an unknown GUID). Nothing touches the network
 * until a call needs the relay; throws TypeError without `options.relay` or a WebSocket class.
 *
 * @example
 * import { createWinsockWith, withTcp, withConnect, withData } from '@ws2web/browser';
 * const w = createWinsockWith({ relay: 'ws://127.0.0.1:8787/' }, [withTcp, withConnect, withData]);
 */
export function createWinsockWith<const F extends readonly AnyWinsockFeature[]>(
  options: WinsockOptions,
  features: F,
): WinsockWith<F> {
  if (!options || typeof options.relay !== 'string')
    throw new TypeError('createWinsock: options.relay (the relay URL) is required');
  const WebSocketClass = options.WebSocket ?? relayWebSocketClass(options.WebSocketStream);
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
    openListener: features.find((feature) => feature.listener)?.listener ?? null,
  };

  const providers = new Map<number, SocketProvider>();
  for (const feature of features) {
    if (feature.socketType !== undefined && feature.provider) providers.set(feature.socketType, feature.provider);
  }

  // Filled in once the groups exist; no call runs before createWinsockWith returns.
  let calls: CrossGroupCalls | null = null;
  const ctx: WinsockContext = {
    host,
    sockets,
    overlapped: new OverlappedOperations(post),
    providers,
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

  const core: Pick<Winsock, WinsockCoreCall> = {
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
  };

  const winsock: Partial<Winsock> = core;
  for (const feature of features) if (feature.calls) Object.assign(winsock, feature.calls(ctx));
  calls = winsock;
  return winsock as WinsockWith<F>;
}
