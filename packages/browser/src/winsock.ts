/**
 * createWinsock: the Winsock functions under their Windows names. This layer validates
 * arguments in Windows' order, translates byte layouts, keeps the last error, and hands the
 * work to Socket (state, buffers, events) and RelayConnection (the wire).
 */
import {
  AF_INET,
  AF_INET6,
  FD_ALL_EVENTS,
  FIONBIO,
  FIONREAD,
  FD_SETSIZE,
  INVALID_SOCKET,
  IPPROTO_TCP,
  SIOCATMARK,
  SOCKET_ERROR,
  SOCK_STREAM,
  WSADESCRIPTION_LEN,
  WSAEACCES,
  WSAEADDRNOTAVAIL,
  WSAEAFNOSUPPORT,
  WSAEFAULT,
  WSAEINVAL,
  WSAENOTSOCK,
  WSAEOPNOTSUPP,
  WSAEPROTONOSUPPORT,
  WSAESOCKTNOSUPPORT,
  WSANOTINITIALISED,
  WSAVERNOTSUPPORTED,
  WSA_INFINITE,
  WSA_INVALID_HANDLE,
  WSA_INVALID_PARAMETER,
  WSA_MAXIMUM_WAIT_EVENTS,
  WSA_WAIT_EVENT_0,
  WSA_WAIT_FAILED,
  WSA_WAIT_TIMEOUT,
  SOCK_DGRAM,
  WSAEWOULDBLOCK,
} from './constants.js';
import { WsaEvent, isWsaEvent } from './event.js';
import type { FdSet } from './fd-set.js';
import { htonl, htons, inetNtop, inetPton, inet_addr, inet_ntoa, ntohl, ntohs } from './inet.js';
import type { WindowProc } from './network-events.js';
import { checkQos } from './qos.js';
import { Socket, type IoResult } from './socket.js';
import { copySockaddrOut, isUnspecified, readSockaddr, type SockAddr } from './sockaddr.js';
import { getOption, setOption } from './sockopt.js';
import { RelayConnection, type WebSocketConstructor } from './transport.js';
import { timevalToMs, waitUntil } from './waiting.js';

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

export interface WSABUF { len: number; buf: Uint8Array | null }
export interface WSADATA {
  wVersion?: number;
  wHighVersion?: number;
  iMaxSockets?: number;
  iMaxUdpDg?: number;
  lpVendorInfo?: null;
  szDescription?: string;
  szSystemStatus?: string;
}
export interface WSANETWORKEVENTS { lNetworkEvents: number; iErrorCode: number[] }
export interface Ref { value: number }
export interface timeval { tv_sec: number; tv_usec: number }

const HIGHEST_VERSION = 0x0202;
const FIRST_HANDLE = 0x100;

export type Winsock = ReturnType<typeof createWinsock>;

/**
 * Creates one independent Winsock instance: its own sockets, last error, and relay WebSocket
 * (opened by the first call that needs the network).
 */
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
  const sockets = new Map<number, Socket>();
  let relay: RelayConnection | null = null;
  const messageQueue: (() => void)[] = [];
  let drainScheduled = false;

  const host = {
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
    post(deliver: () => void): void {
      messageQueue.push(deliver);
      if (!drainScheduled) {
        drainScheduled = true;
        queueMicrotask(drainMessages);
      }
    },
    log,
  };

  function drainMessages(): void {
    drainScheduled = false;
    while (messageQueue.length > 0) {
      const deliver = messageQueue.shift()!;
      try {
        deliver();
      } catch (err) {
        log(`WSAAsyncSelect window procedure threw: ${String(err)}`);
      }
    }
  }

  /** Records `code` as the last error and returns `result` (SOCKET_ERROR by default). */
  function failWith<T = number>(code: number, result: T = SOCKET_ERROR as T): T {
    lastError = code;
    return result;
  }

  /** The socket for `s`, or the error Windows gives before looking at anything else. */
  function lookup(s: number): Socket | number {
    if (startupCount === 0) return WSANOTINITIALISED;
    const socket = sockets.get(s);
    return socket && !socket.closed ? socket : WSAENOTSOCK;
  }

  function ioResult(r: IoResult): number {
    return r.ok ? r.n : failWith(r.error);
  }

  /** Validates the destination of connect/WSAConnect; returns it or an error. */
  function destination(socket: Socket, name: Uint8Array, namelen: number): SockAddr | number {
    const addr = readSockaddr(name, namelen);
    if (typeof addr === 'number') return addr;
    if (addr.family !== socket.family) return WSAEAFNOSUPPORT;
    return addr;
  }

  /** The shared body of connect and WSAConnect once the arguments passed. */
  async function startConnect(socket: Socket, remote: SockAddr, onConnected: (() => void) | null): Promise<number> {
    if (isUnspecified(remote) || remote.port === 0) return failWith(WSAEADDRNOTAVAIL);
    socket.startConnect(remote, onConnected);
    if (socket.nonBlocking) return failWith(WSAEWOULDBLOCK);
    const code = await socket.waitConnected();
    return code === 0 ? 0 : failWith(code);
  }

  function gather(buffers: WSABUF[], count: number): Uint8Array | number {
    if (!Array.isArray(buffers) || !Number.isInteger(count) || count < 1 || count > buffers.length) return WSAEFAULT;
    let total = 0;
    for (let i = 0; i < count; i++) {
      const b = buffers[i];
      if (!b || !(b.buf instanceof Uint8Array) || !Number.isInteger(b.len) || b.len < 0 || b.len > b.buf.length) return WSAEFAULT;
      total += b.len;
    }
    const out = new Uint8Array(total);
    let at = 0;
    for (let i = 0; i < count; i++) {
      out.set(buffers[i]!.buf!.subarray(0, buffers[i]!.len), at);
      at += buffers[i]!.len;
    }
    return out;
  }

  const w = {
    // ------------------------------------------------------------------------------------------
    // Start-up and errors

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
      if (startupCount === 0) return failWith(WSANOTINITIALISED);
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

    // ------------------------------------------------------------------------------------------
    // Sockets

    /** socket: never touches the network. TCP over AF_INET/AF_INET6. */
    socket(af: number, type: number, protocol: number): number {
      if (startupCount === 0) return failWith(WSANOTINITIALISED, INVALID_SOCKET);
      if (af !== AF_INET && af !== AF_INET6) return failWith(WSAEAFNOSUPPORT, INVALID_SOCKET);
      // type 0 with IPPROTO_TCP picks the stream provider, as Windows does.
      const effectiveType = type === 0 && protocol === IPPROTO_TCP ? SOCK_STREAM : type;
      if (effectiveType === SOCK_DGRAM) {
        // UDP through the relay is not implemented yet (see docs/winsock.md).
        return failWith(WSAESOCKTNOSUPPORT, INVALID_SOCKET);
      }
      if (effectiveType !== SOCK_STREAM) return failWith(WSAESOCKTNOSUPPORT, INVALID_SOCKET);
      if (protocol !== 0 && protocol !== IPPROTO_TCP) return failWith(WSAEPROTONOSUPPORT, INVALID_SOCKET);
      const handle = nextHandle;
      nextHandle += 4;
      sockets.set(handle, new Socket(handle, af, effectiveType, IPPROTO_TCP, host));
      return handle;
    },

    /** WSASocket: lpProtocolInfo must be null and g 0 (no socket groups); dwFlags are accepted. */
    WSASocket(af: number, type: number, protocol: number, lpProtocolInfo: null, g: number, dwFlags: number): number {
      if (startupCount === 0) return failWith(WSANOTINITIALISED, INVALID_SOCKET);
      if ((lpProtocolInfo !== null && lpProtocolInfo !== undefined) || (g !== 0 && g !== undefined)) {
        return failWith(WSAEINVAL, INVALID_SOCKET);
      }
      void dwFlags;
      return w.socket(af, type, protocol);
    },

    closesocket(s: number): number {
      const socket = lookup(s);
      if (typeof socket === 'number') return failWith(socket);
      sockets.delete(s);
      socket.close();
      return 0;
    },

    /** bind: synchronous; validates and records the local address (the relay binds it at connect). */
    bind(s: number, name: Uint8Array, namelen: number): number {
      const socket = lookup(s);
      if (typeof socket === 'number') return failWith(socket);
      const addr = readSockaddr(name, namelen);
      if (typeof addr === 'number') return failWith(WSAEFAULT);
      if (addr.family !== socket.family) return failWith(WSAEFAULT);
      const v = socket.verdict('bind');
      if (v) return failWith(v);
      socket.bind(addr);
      return 0;
    },

    /** listen: a bound TCP socket becomes a listening socket (connect on it is then WSAEINVAL). */
    listen(s: number, backlog: number): number {
      const socket = lookup(s);
      if (typeof socket === 'number') return failWith(socket);
      if (socket.type !== SOCK_STREAM) return failWith(WSAEOPNOTSUPP);
      const v = socket.verdict('listen');
      if (v) return failWith(v);
      void backlog;
      socket.listen();
      return 0;
    },

    /**
     * accept: inbound connections are the relay's policy, and this relay version accepts none,
     * so a listening socket reports WSAEACCES (the contract); others WSAEINVAL.
     */
    async accept(s: number, addr: Uint8Array | null, addrlen: Ref | null): Promise<number> {
      const socket = lookup(s);
      if (typeof socket === 'number') return failWith(socket, INVALID_SOCKET);
      void addr; void addrlen;
      if (!socket.isListening) return failWith(WSAEINVAL, INVALID_SOCKET);
      return failWith(WSAEACCES, INVALID_SOCKET);
    },

    /** connect: see WSAConnect; the same rules without connect data or QOS. */
    async connect(s: number, name: Uint8Array, namelen: number): Promise<number> {
      return w.WSAConnect(s, name, namelen, null, null, null, null);
    },

    /**
     * WSAConnect, following Microsoft's reference: blocking → resolves when the connection is
     * made or fails; non-blocking → SOCKET_ERROR/WSAEWOULDBLOCK and the outcome arrives through
     * select (writefds/exceptfds + SO_ERROR), WSAEventSelect or WSAAsyncSelect (FD_CONNECT).
     * TCP carries no connect data: lpCallerData with bytes → WSAEPROTONOSUPPORT; lpCalleeData.len
     * is set to 0. lpGQOS must be null (WSAEINVAL); lpSQOS must be satisfiable (see qos.ts).
     */
    async WSAConnect(
      s: number,
      name: Uint8Array,
      namelen: number,
      lpCallerData: WSABUF | null,
      lpCalleeData: WSABUF | null,
      lpSQOS: object | null,
      lpGQOS: object | null,
    ): Promise<number> {
      const socket = lookup(s);
      if (typeof socket === 'number') return failWith(socket);
      const remote = destination(socket, name, namelen);
      if (typeof remote === 'number') return failWith(remote);
      if (lpGQOS !== null && lpGQOS !== undefined) return failWith(WSAEINVAL);
      const v = socket.verdict('connect');
      if (v) return failWith(v);
      if (lpCallerData !== null && lpCallerData !== undefined) {
        if (typeof lpCallerData !== 'object') return failWith(WSAEFAULT);
        if (lpCallerData.len > 0) return failWith(WSAEPROTONOSUPPORT);
      }
      if (lpCalleeData !== null && lpCalleeData !== undefined && typeof lpCalleeData !== 'object') return failWith(WSAEFAULT);
      const qos = checkQos(lpSQOS);
      if (qos) return failWith(qos);
      const onConnected = lpCalleeData ? () => { lpCalleeData.len = 0; } : null;
      return startConnect(socket, remote, onConnected);
    },

    // ------------------------------------------------------------------------------------------
    // Data

    async send(s: number, buf: Uint8Array, len: number, flags: number): Promise<number> {
      const socket = lookup(s);
      if (typeof socket === 'number') return failWith(socket);
      if (!(buf instanceof Uint8Array) || !Number.isInteger(len) || len < 0 || len > buf.length) return failWith(WSAEFAULT);
      return ioResult(await socket.send(buf.subarray(0, len), flags | 0));
    },

    async recv(s: number, buf: Uint8Array, len: number, flags: number): Promise<number> {
      const socket = lookup(s);
      if (typeof socket === 'number') return failWith(socket);
      if (!(buf instanceof Uint8Array) || !Number.isInteger(len) || len < 0 || len > buf.length) return failWith(WSAEFAULT);
      return ioResult(await socket.recv(buf, len, flags | 0));
    },

    /** WSASend: gathers dwBufferCount buffers into one send. Overlapped I/O is not supported yet. */
    async WSASend(
      s: number,
      lpBuffers: WSABUF[],
      dwBufferCount: number,
      lpNumberOfBytesSent: Ref | null,
      dwFlags: number,
      lpOverlapped: object | null,
      lpCompletionRoutine: null,
    ): Promise<number> {
      const socket = lookup(s);
      if (typeof socket === 'number') return failWith(socket);
      if (lpOverlapped || lpCompletionRoutine) return failWith(WSAEOPNOTSUPP);
      const data = gather(lpBuffers, dwBufferCount);
      if (typeof data === 'number') return failWith(data);
      const r = await socket.send(data, dwFlags | 0);
      if (!r.ok) return failWith(r.error);
      if (lpNumberOfBytesSent) lpNumberOfBytesSent.value = r.n;
      return 0;
    },

    /** WSARecv: scatters into the buffers in order; lpFlags is in/out (0 on return for TCP). */
    async WSARecv(
      s: number,
      lpBuffers: WSABUF[],
      dwBufferCount: number,
      lpNumberOfBytesRecvd: Ref | null,
      lpFlags: Ref | null,
      lpOverlapped: object | null,
      lpCompletionRoutine: null,
    ): Promise<number> {
      const socket = lookup(s);
      if (typeof socket === 'number') return failWith(socket);
      if (lpOverlapped || lpCompletionRoutine) return failWith(WSAEOPNOTSUPP);
      if (!lpFlags || typeof lpFlags.value !== 'number') return failWith(WSAEFAULT);
      if (!Array.isArray(lpBuffers) || !Number.isInteger(dwBufferCount) || dwBufferCount < 1 || dwBufferCount > lpBuffers.length) return failWith(WSAEFAULT);
      let total = 0;
      for (let i = 0; i < dwBufferCount; i++) {
        const b = lpBuffers[i];
        if (!b || !(b.buf instanceof Uint8Array) || !Number.isInteger(b.len) || b.len < 0 || b.len > b.buf.length) return failWith(WSAEFAULT);
        total += b.len;
      }
      const scratch = new Uint8Array(total);
      const r = await socket.recv(scratch, total, lpFlags.value | 0);
      if (!r.ok) return failWith(r.error);
      let at = 0;
      for (let i = 0; i < dwBufferCount && at < r.n; i++) {
        const b = lpBuffers[i]!;
        const n = Math.min(b.len, r.n - at);
        b.buf!.set(scratch.subarray(at, at + n));
        at += n;
      }
      if (lpNumberOfBytesRecvd) lpNumberOfBytesRecvd.value = r.n;
      lpFlags.value = 0;
      return 0;
    },

    /** shutdown: SD_SEND sends a real FIN through the relay; SD_RECEIVE discards further data. */
    shutdown(s: number, how: number): number {
      const socket = lookup(s);
      if (typeof socket === 'number') return failWith(socket);
      const code = socket.shutdown(how);
      return code ? failWith(code) : 0;
    },

    // ------------------------------------------------------------------------------------------
    // Control

    /**
     * ioctlsocket: FIONBIO (a socket with WSAEventSelect/WSAAsyncSelect events cannot go back to
     * blocking: WSAEINVAL), FIONREAD (bytes buffered), SIOCATMARK (always TRUE: urgent data is
     * not relayed).
     */
    ioctlsocket(s: number, cmd: number, argp: Ref): number {
      const socket = lookup(s);
      if (typeof socket === 'number') return failWith(socket);
      if (!argp || typeof argp.value !== 'number') return failWith(WSAEFAULT);
      switch (cmd >>> 0) {
        case FIONBIO:
          if (argp.value === 0 && socket.events.mask !== 0) return failWith(WSAEINVAL);
          socket.nonBlocking = argp.value !== 0;
          return 0;
        case FIONREAD:
          argp.value = socket.available;
          return 0;
        case SIOCATMARK:
          argp.value = 1;
          return 0;
        default:
          return failWith(WSAEINVAL);
      }
    },

    /**
     * WSAIoctl: FIONBIO, FIONREAD and SIOCATMARK with u_long buffers; other codes are
     * WSAEOPNOTSUPP in this version. Completes at once (lpOverlapped is not signalled).
     */
    WSAIoctl(
      s: number,
      dwIoControlCode: number,
      lpvInBuffer: Uint8Array | null,
      cbInBuffer: number,
      lpvOutBuffer: Uint8Array | null,
      cbOutBuffer: number,
      lpcbBytesReturned: Ref | null,
      lpOverlapped: object | null,
      lpCompletionRoutine: null,
    ): number {
      const socket = lookup(s);
      if (typeof socket === 'number') return failWith(socket);
      void lpOverlapped; void lpCompletionRoutine;
      const code = dwIoControlCode >>> 0;
      if (code === FIONBIO) {
        if (!(lpvInBuffer instanceof Uint8Array) || cbInBuffer < 4 || lpvInBuffer.length < 4) return failWith(WSAEFAULT);
        const arg = { value: new DataView(lpvInBuffer.buffer, lpvInBuffer.byteOffset, 4).getUint32(0, true) };
        const r = w.ioctlsocket(s, FIONBIO, arg);
        if (r === 0 && lpcbBytesReturned) lpcbBytesReturned.value = 0;
        return r;
      }
      if (code === FIONREAD || code === SIOCATMARK) {
        if (!(lpvOutBuffer instanceof Uint8Array) || cbOutBuffer < 4 || lpvOutBuffer.length < 4) return failWith(WSAEFAULT);
        const arg = { value: 0 };
        w.ioctlsocket(s, code, arg);
        new DataView(lpvOutBuffer.buffer, lpvOutBuffer.byteOffset, 4).setUint32(0, arg.value >>> 0, true);
        if (lpcbBytesReturned) lpcbBytesReturned.value = 4;
        return 0;
      }
      return failWith(WSAEOPNOTSUPP);
    },

    setsockopt(s: number, level: number, optname: number, optval: Uint8Array | null, optlen: number): number {
      const socket = lookup(s);
      if (typeof socket === 'number') return failWith(socket);
      const code = setOption(socket, level, optname, optval, optlen);
      return code ? failWith(code) : 0;
    },

    getsockopt(s: number, level: number, optname: number, optval: Uint8Array | null, optlen: Ref | null): number {
      const socket = lookup(s);
      if (typeof socket === 'number') return failWith(socket);
      const code = getOption(socket, level, optname, optval, optlen);
      return code ? failWith(code) : 0;
    },

    /**
     * getsockname: WSAEINVAL before bind/connect; after bind the recorded address (port 0 stays
     * 0); once the relay opened the socket, its real local address and port.
     */
    getsockname(s: number, name: Uint8Array | null, namelen: Ref | null): number {
      const socket = lookup(s);
      if (typeof socket === 'number') return failWith(socket);
      const local = socket.localAddress();
      if (!local) return failWith(WSAEINVAL);
      const code = copySockaddrOut(local, name, namelen);
      return code ? failWith(code) : 0;
    },

    /** getpeername: WSAENOTCONN unless connected. */
    getpeername(s: number, name: Uint8Array | null, namelen: Ref | null): number {
      const socket = lookup(s);
      if (typeof socket === 'number') return failWith(socket);
      const v = socket.verdict('getpeername');
      if (v || !socket.remote) return failWith(v || WSAEINVAL);
      const code = copySockaddrOut(socket.remote, name, namelen);
      return code ? failWith(code) : 0;
    },

    // ------------------------------------------------------------------------------------------
    // select

    /**
     * select: waits until a socket in readfds is readable (data, FIN, reset), one in writefds is
     * writable (connected with send credit), or one in exceptfds had its non-blocking connect
     * fail; rewrites the sets in place to the ready sockets and returns their count. nfds is
     * ignored, as on Windows. All sets empty → WSAEINVAL; a non-socket → WSAENOTSOCK.
     */
    async select(nfds: number, readfds: FdSet | null, writefds: FdSet | null, exceptfds: FdSet | null, timeout: timeval | null): Promise<number> {
      void nfds;
      if (startupCount === 0) return failWith(WSANOTINITIALISED);
      const sets = [readfds, writefds, exceptfds];
      let any = false;
      for (const set of sets) {
        if (set === null || set === undefined) continue;
        if (typeof set !== 'object' || !Array.isArray(set.fd_array) || set.fd_count > FD_SETSIZE || set.fd_count < 0) return failWith(WSAEFAULT);
        for (let i = 0; i < set.fd_count; i++) {
          any = true;
          const socket = sockets.get(set.fd_array[i]!);
          if (!socket || socket.closed) return failWith(WSAENOTSOCK);
        }
      }
      if (!any) return failWith(WSAEINVAL);
      if (timeout !== null && timeout !== undefined && (timeout.tv_sec < 0 || timeout.tv_usec < 0)) return failWith(WSAEINVAL);
      const tests: ((s: Socket) => boolean)[] = [(s) => s.readable, (s) => s.writable, (s) => s.exceptional];
      const members = sets.map((set) => (set ? set.fd_array.slice(0, set.fd_count) : []));
      const involved = [...new Set(members.flat())].map((h) => sockets.get(h)!);
      const ready = (): number[][] | undefined => {
        const result = members.map((handles, i) => handles.filter((h) => {
          const socket = sockets.get(h);
          return socket !== undefined && !socket.closed && tests[i]!(socket);
        }));
        return result.some((r) => r.length > 0) ? result : undefined;
      };
      const result = await waitUntil(
        involved.map((s) => s.subscribe),
        ready,
        timevalToMs(timeout),
        () => [[], [], []],
      );
      sets.forEach((set, i) => {
        if (!set) return;
        set.fd_array.length = 0;
        set.fd_array.push(...result[i]!);
        set.fd_count = result[i]!.length;
      });
      return result.reduce((n, r) => n + r.length, 0);
    },

    // ------------------------------------------------------------------------------------------
    // Events

    /** WSACreateEvent: a manual-reset event, initially non-signalled. */
    WSACreateEvent(): WsaEvent {
      return new WsaEvent();
    },

    WSACloseEvent(hEvent: WsaEvent): boolean {
      if (!isWsaEvent(hEvent) || hEvent.closed) return failWith(WSA_INVALID_HANDLE, false);
      hEvent.close();
      return true;
    },

    WSASetEvent(hEvent: WsaEvent): boolean {
      if (!isWsaEvent(hEvent) || hEvent.closed) return failWith(WSA_INVALID_HANDLE, false);
      hEvent.set();
      return true;
    },

    WSAResetEvent(hEvent: WsaEvent): boolean {
      if (!isWsaEvent(hEvent) || hEvent.closed) return failWith(WSA_INVALID_HANDLE, false);
      hEvent.reset();
      return true;
    },

    /**
     * WSAEventSelect: associates `hEventObject` with the FD_* events in `lNetworkEvents`, makes the
     * socket non-blocking, clears the event record, and records conditions that already hold.
     * lNetworkEvents 0 cancels the association (the socket stays non-blocking).
     */
    WSAEventSelect(s: number, hEventObject: WsaEvent | null, lNetworkEvents: number): number {
      const socket = lookup(s);
      if (typeof socket === 'number') return failWith(socket);
      if (lNetworkEvents & ~FD_ALL_EVENTS) return failWith(WSAEINVAL);
      if (lNetworkEvents !== 0 && (!isWsaEvent(hEventObject) || hEventObject.closed)) return failWith(WSAEINVAL);
      socket.events.select(lNetworkEvents ? { kind: 'event', event: hEventObject! } : null, lNetworkEvents);
      if (lNetworkEvents !== 0) {
        socket.nonBlocking = true;
        socket.recordCurrentConditions();
      }
      return 0;
    },

    /** WSAEnumNetworkEvents: fills lpNetworkEvents in place, clears the record, resets hEventObject. */
    WSAEnumNetworkEvents(s: number, hEventObject: WsaEvent | null, lpNetworkEvents: WSANETWORKEVENTS): number {
      const socket = lookup(s);
      if (typeof socket === 'number') return failWith(socket);
      if (!lpNetworkEvents || typeof lpNetworkEvents !== 'object' || !Array.isArray(lpNetworkEvents.iErrorCode)) return failWith(WSAEFAULT);
      if (hEventObject !== null && hEventObject !== undefined && (!isWsaEvent(hEventObject) || hEventObject.closed)) return failWith(WSAEINVAL);
      socket.events.enumerate(lpNetworkEvents);
      hEventObject?.reset();
      return 0;
    },

    /**
     * WSAWaitForMultipleEvents: WSA_WAIT_EVENT_0 + i for the lowest signalled event (fWaitAll
     * false) or when all are signalled (true); WSA_WAIT_TIMEOUT after dwTimeout ms
     * (WSA_INFINITE = forever); WSA_WAIT_FAILED with WSA_INVALID_PARAMETER / WSA_INVALID_HANDLE.
     */
    async WSAWaitForMultipleEvents(cEvents: number, lphEvents: WsaEvent[], fWaitAll: boolean, dwTimeout: number, fAlertable: boolean): Promise<number> {
      void fAlertable;
      if (!Array.isArray(lphEvents) || !Number.isInteger(cEvents) || cEvents < 1 || cEvents > WSA_MAXIMUM_WAIT_EVENTS || cEvents > lphEvents.length) {
        return failWith(WSA_INVALID_PARAMETER, WSA_WAIT_FAILED);
      }
      const events = lphEvents.slice(0, cEvents);
      if (events.some((e) => !isWsaEvent(e) || e.closed)) return failWith(WSA_INVALID_HANDLE, WSA_WAIT_FAILED);
      const poll = (): number | undefined => {
        if (events.some((e) => e.closed)) return failWith(WSA_INVALID_HANDLE, WSA_WAIT_FAILED);
        if (fWaitAll) return events.every((e) => e.signalled) ? WSA_WAIT_EVENT_0 : undefined;
        const i = events.findIndex((e) => e.signalled);
        return i >= 0 ? WSA_WAIT_EVENT_0 + i : undefined;
      };
      const timeoutMs = dwTimeout >>> 0 === WSA_INFINITE ? null : dwTimeout >>> 0;
      return waitUntil(events.map((e) => (fn: () => void) => e.onSignal(fn)), poll, timeoutMs, () => WSA_WAIT_TIMEOUT);
    },

    /**
     * WSAAsyncSelect: `hWnd` is a window procedure called as hWnd(wMsg, socket,
     * WSAMAKESELECTREPLY(event, error)) for each recorded event, after the call that caused it
     * returns, in order. Makes the socket non-blocking; lEvent 0 cancels.
     */
    WSAAsyncSelect(s: number, hWnd: WindowProc, wMsg: number, lEvent: number): number {
      const socket = lookup(s);
      if (typeof socket === 'number') return failWith(socket);
      if (lEvent & ~FD_ALL_EVENTS) return failWith(WSAEINVAL);
      if (lEvent !== 0 && typeof hWnd !== 'function') return failWith(WSAEINVAL);
      socket.events.select(lEvent ? { kind: 'window', hWnd, wMsg } : null, lEvent);
      if (lEvent !== 0) {
        socket.nonBlocking = true;
        socket.recordCurrentConditions();
      }
      return 0;
    },

    // ------------------------------------------------------------------------------------------
    // Address text (these need the last error, so they live on the object too)

    /** inet_pton: 1 on success (bytes written to pAddrBuf), 0 for invalid text, -1 on error. */
    inet_pton(Family: number, pszAddrString: string, pAddrBuf: Uint8Array): number {
      return inetPton(Family, pszAddrString, pAddrBuf, { set: (code) => { lastError = code; } });
    },

    /** inet_ntop: the text, or null with WSAEAFNOSUPPORT / WSAEFAULT. */
    inet_ntop(Family: number, pAddr: Uint8Array): string | null {
      return inetNtop(Family, pAddr, { set: (code) => { lastError = code; } });
    },

    inet_addr,
    inet_ntoa,
    htons,
    ntohs,
    htonl,
    ntohl,
  };

  return w;
}
