/**
 * The connect family: connect, WSAConnect, WSAConnectByName, WSAConnectByList and ConnectEx
 * (also handed out by WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER)), and the destination rules
 * they share with sendto.
 */
import { Reason } from '@ws2web/protocol';
import {
  AF_INET,
  AF_INET6,
  AF_UNSPEC,
  AI_ALL,
  AI_V4MAPPED,
  SOCK_STREAM,
  WSAEACCES,
  WSAEADDRNOTAVAIL,
  WSAEAFNOSUPPORT,
  WSAEFAULT,
  WSAEINVAL,
  WSAEOPNOTSUPP,
  WSAEPROTONOSUPPORT,
  WSAETIMEDOUT,
  WSAEWOULDBLOCK,
  WSA_IO_PENDING,
} from '../win/constants.js';
import { wsaErrorForReason } from '../win/errors.js';
import { isOverlapped, type WSAOVERLAPPED } from '../win/overlapped.js';
import { checkQos } from '../win/qos.js';
import { copySockaddrOut, isUnspecified, readSockaddr, sockaddrFamily, type SockAddr } from '../win/sockaddr.js';
import { timevalToMs } from '../socket/blocking-wait.js';
import type { DatagramSocket } from '../socket/udp.js';
import type { StreamSocket } from '../socket/tcp.js';
import {
  isRef,
  lookupSocket,
  lookupStream,
  type AnySocket,
  type Ref,
  type WinsockContext,
  type WSABUF,
  type timeval,
} from './context.js';
import type { ADDRINFO } from './names.js';

/** SOCKET_ADDRESS_LIST for WSAConnectByList. */
export interface SOCKET_ADDRESS_LIST {
  iAddressCount: number;
  Address: { lpSockaddr: Uint8Array; iSockaddrLength: number }[];
}

/** What a policy refusal becomes (the reasons table); spots "every candidate refused". */
const POLICY_REFUSAL = wsaErrorForReason(Reason.POLICY_DENIED);

/** True for ::ffff:a.b.c.d. */
export function isV4Mapped(a: SockAddr): boolean {
  return a.family === AF_INET6 && a.address.startsWith('::ffff:') && a.address.includes('.');
}

/**
 * Checks a destination for connect-like calls: the sockaddr must be readable and of the
 * socket's family; an IPv4-mapped destination needs a dual-stack socket (IPV6_V6ONLY off).
 */
export function destinationFor(socket: AnySocket, name: Uint8Array | null, namelen: number): SockAddr | number {
  const addr = readSockaddr(name, namelen);
  if (typeof addr === 'number') return addr;
  if (addr.family !== socket.family) return WSAEAFNOSUPPORT;
  if (isV4Mapped(addr) && socket.options.v6Only) return WSAEADDRNOTAVAIL;
  return addr;
}

/**
 * The shared body of connect-like calls on a TCP socket once the arguments passed: starts the
 * connect and, unless the socket is non-blocking (and `forceWait` is false), waits for it.
 * Returns 0 or the Winsock error (WSAEWOULDBLOCK for a non-blocking start).
 */
export async function connectStream(
  socket: StreamSocket,
  remote: SockAddr,
  onConnected: (() => void) | null,
  forceWait = false,
): Promise<number> {
  if (isUnspecified(remote) || remote.port === 0) return WSAEADDRNOTAVAIL;
  socket.startConnect(remote, onConnected);
  if (socket.nonBlocking && !forceWait) return WSAEWOULDBLOCK;
  return socket.waitConnected();
}

export function connectCalls(ctx: WinsockContext) {
  const { failWith } = ctx;

  /** The socket for a connect-family call: a TCP socket that is not connected or listening. */
  function streamFor(s: number): StreamSocket | number {
    const socket = lookupStream(ctx, s);
    if (typeof socket === 'number') return socket;
    return socket.stateError('connect') || socket;
  }

  /** connect/WSAConnect on a datagram socket: sets, changes or dissolves the default peer. */
  async function connectDatagram(
    socket: DatagramSocket,
    name: Uint8Array,
    namelen: number,
    lpSQOS: object | null,
  ): Promise<number> {
    const family = sockaddrFamily(name, namelen);
    if (family < 0) return failWith(WSAEFAULT);
    let peer: SockAddr | null = null;
    if (family !== AF_UNSPEC) {
      const addr = destinationFor(socket, name, namelen);
      if (typeof addr === 'number') return failWith(addr);
      // An all-zero name dissolves the association; a half-zero one is no address at all.
      if (!(isUnspecified(addr) && addr.port === 0)) {
        if (isUnspecified(addr) || addr.port === 0) return failWith(WSAEADDRNOTAVAIL);
        peer = addr;
      }
    }
    const qos = checkQos(lpSQOS);
    if (qos) return failWith(qos);
    const code = await socket.connect(peer);
    return code ? failWith(code) : 0;
  }

  /**
   * WSAConnect, following Microsoft's reference. TCP: blocking → settles when the connection is
   * made or fails; non-blocking → SOCKET_ERROR/WSAEWOULDBLOCK, the outcome through select
   * (writefds / exceptfds + SO_ERROR), WSAEventSelect or WSAAsyncSelect (FD_CONNECT). TCP
   * carries no connect data: lpCallerData with bytes → WSAEPROTONOSUPPORT; lpCalleeData.len = 0.
   * UDP: sets the default destination (all-zero name / AF_UNSPEC dissolves it); connect data is
   * silently ignored. lpGQOS must be null (WSAEINVAL); lpSQOS must be satisfiable (qos.ts).
   */
  async function WSAConnect(
    s: number,
    name: Uint8Array,
    namelen: number,
    lpCallerData: WSABUF | null,
    lpCalleeData: WSABUF | null,
    lpSQOS: object | null,
    lpGQOS: object | null,
  ): Promise<number> {
    const socket = lookupSocket(ctx, s);
    if (typeof socket === 'number') return failWith(socket);
    if (lpGQOS !== null && lpGQOS !== undefined) return failWith(WSAEINVAL);
    if (socket.connectionless) return connectDatagram(socket, name, namelen, lpSQOS);
    const remote = destinationFor(socket, name, namelen);
    if (typeof remote === 'number') return failWith(remote);
    const error = socket.stateError('connect');
    if (error) return failWith(error);
    if (lpCallerData !== null && lpCallerData !== undefined) {
      if (typeof lpCallerData !== 'object') return failWith(WSAEFAULT);
      if (lpCallerData.len > 0) return failWith(WSAEPROTONOSUPPORT);
    }
    if (lpCalleeData !== null && lpCalleeData !== undefined && typeof lpCalleeData !== 'object')
      return failWith(WSAEFAULT);
    const qos = checkQos(lpSQOS);
    if (qos) return failWith(qos);
    const onConnected = lpCalleeData
      ? () => {
          lpCalleeData.len = 0;
        }
      : null;
    const code = await connectStream(socket, remote, onConnected);
    return code ? failWith(code) : 0;
  }

  /**
   * Tries `candidates` in order until one connects, within `timeout` overall. Every candidate
   * refused by policy → WSAEACCES; otherwise the last attempt's error (the contract).
   */
  async function connectInOrder(
    socket: StreamSocket,
    candidates: SockAddr[],
    timeout: timeval | null,
  ): Promise<number> {
    const budget = timevalToMs(timeout);
    const deadline = budget === null ? null : performance.now() + budget;
    let last = WSAEINVAL;
    let allRefused = candidates.length > 0;
    for (const candidate of candidates) {
      const left = deadline === null ? null : deadline - performance.now();
      if (left !== null && left <= 0) return WSAETIMEDOUT;
      const attempt = connectStream(socket, candidate, null, true);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const code =
        left === null
          ? await attempt
          : await Promise.race([
              attempt,
              new Promise<number>((settle) => {
                timer = setTimeout(() => settle(WSAETIMEDOUT), left);
              }),
            ]);
      clearTimeout(timer);
      if (code === WSAETIMEDOUT && left !== null) socket.abortConnect(WSAETIMEDOUT);
      if (code === 0) return 0;
      last = code;
      if (code !== POLICY_REFUSAL) allRefused = false;
      if (socket.closed) return code;
    }
    return allRefused ? WSAEACCES : last;
  }

  /** Fills the optional Local/RemoteAddress outputs of WSAConnectByName/ByList. */
  function reportAddresses(
    socket: StreamSocket,
    localLen: Ref | null,
    local: Uint8Array | null,
    remoteLen: Ref | null,
    remote: Uint8Array | null,
  ): number {
    const l = socket.localAddress();
    if (local && localLen && l) {
      const code = copySockaddrOut(l, local, localLen);
      if (code) return code;
    }
    if (remote && remoteLen && socket.remote) {
      const code = copySockaddrOut(socket.remote, remote, remoteLen);
      if (code) return code;
    }
    return 0;
  }

  /** The common end of WSAConnectByName/ByList: connect in order, then fill the outputs. */
  async function connectAndReport(
    socket: StreamSocket,
    candidates: SockAddr[],
    timeout: timeval | null,
    localLen: Ref | null,
    local: Uint8Array | null,
    remoteLen: Ref | null,
    remote: Uint8Array | null,
  ): Promise<boolean> {
    const outcome = await connectInOrder(socket, candidates, timeout);
    if (outcome) return failWith(outcome, false);
    const out = reportAddresses(socket, localLen, local, remoteLen, remote);
    return out ? failWith(out, false) : true;
  }

  function validOutputs(...pairs: [Ref | null, Uint8Array | null][]): boolean {
    return pairs.every(
      ([len, buf]) =>
        (len === null || len === undefined || isRef(len)) &&
        (buf === null || buf === undefined || buf instanceof Uint8Array),
    );
  }

  /**
   * ConnectEx: starts a connect on a bound TCP socket and returns false with WSA_IO_PENDING; on
   * completion the optional send buffer is sent, then the WSAOVERLAPPED is completed (bytes sent
   * in InternalHigh) and its event set. An unbound socket → WSAEINVAL, as Windows.
   */
  async function ConnectEx(
    s: number,
    name: Uint8Array,
    namelen: number,
    lpSendBuffer: Uint8Array | null,
    dwSendDataLength: number,
    lpdwBytesSent: Ref | null,
    lpOverlapped: WSAOVERLAPPED,
  ): Promise<boolean> {
    const socket = streamFor(s);
    if (typeof socket === 'number') return failWith(socket, false);
    if (!socket.bound || socket.isUnbound) return failWith(WSAEINVAL, false);
    if (!isOverlapped(lpOverlapped)) return failWith(WSAEFAULT, false);
    const remote = destinationFor(socket, name, namelen);
    if (typeof remote === 'number') return failWith(remote, false);
    const length = lpSendBuffer ? dwSendDataLength : 0;
    if (
      lpSendBuffer &&
      (!(lpSendBuffer instanceof Uint8Array) || !Number.isInteger(length) || length < 0 || length > lpSendBuffer.length)
    ) {
      return failWith(WSAEFAULT, false);
    }
    const payload = lpSendBuffer ? lpSendBuffer.slice(0, length) : null;
    void lpdwBytesSent; // only written when ConnectEx completes at once, which it never does here
    ctx.overlapped.start(
      socket.handle,
      lpOverlapped,
      async () => {
        const code = await connectStream(socket, remote, null, true);
        if (code) return { error: code, bytes: 0, flags: 0 };
        if (!payload || payload.length === 0) return { error: 0, bytes: 0, flags: 0 };
        const sent = await socket.send(payload, 0, null, true);
        return sent.ok ? { error: 0, bytes: sent.n, flags: 0 } : { error: sent.error, bytes: 0, flags: 0 };
      },
      null,
    );
    return failWith(WSA_IO_PENDING, false);
  }

  return {
    /** connect: WSAConnect without connect data or QOS. */
    async connect(s: number, name: Uint8Array, namelen: number): Promise<number> {
      return WSAConnect(s, name, namelen, null, null, null, null);
    },

    WSAConnect,

    /**
     * WSAConnectByName: resolves `nodename`/`servicename` through the relay and tries every
     * address in order until one connects, within `timeout`. Waits whatever the socket's
     * blocking mode. Fills the address outputs on success.
     */
    async WSAConnectByName(
      s: number,
      nodename: string,
      servicename: string,
      LocalAddressLength: Ref | null,
      LocalAddress: Uint8Array | null,
      RemoteAddressLength: Ref | null,
      RemoteAddress: Uint8Array | null,
      timeout: timeval | null,
      Reserved: null,
    ): Promise<boolean> {
      void Reserved;
      const socket = streamFor(s);
      if (typeof socket === 'number') return failWith(socket, false);
      if (typeof nodename !== 'string' || typeof servicename !== 'string') return failWith(WSAEINVAL, false);
      if (!validOutputs([LocalAddressLength, LocalAddress], [RemoteAddressLength, RemoteAddress]))
        return failWith(WSAEFAULT, false);
      // An object made without the names feature cannot resolve (createWinsockWith).
      const { getaddrinfo } = ctx.calls;
      if (!getaddrinfo) return failWith(WSAEOPNOTSUPP, false);
      const dual = socket.family === AF_INET6 && !socket.options.v6Only;
      const result = { value: null as ADDRINFO | null };
      const code = await getaddrinfo(
        nodename,
        servicename,
        {
          ai_family: socket.family === AF_INET ? AF_INET : AF_INET6,
          ai_socktype: SOCK_STREAM,
          ai_flags: dual ? AI_V4MAPPED | AI_ALL : 0,
        },
        result,
      );
      if (code) return failWith(code, false);
      const candidates: SockAddr[] = [];
      for (let ai = result.value; ai; ai = ai.ai_next) {
        const a = readSockaddr(ai.ai_addr, ai.ai_addrlen);
        if (typeof a !== 'number') candidates.push(a);
      }
      return connectAndReport(
        socket,
        candidates,
        timeout,
        LocalAddressLength,
        LocalAddress,
        RemoteAddressLength,
        RemoteAddress,
      );
    },

    /** WSAConnectByList: WSAConnectByName over an explicit list of addresses. */
    async WSAConnectByList(
      s: number,
      SocketAddress: SOCKET_ADDRESS_LIST,
      LocalAddressLength: Ref | null,
      LocalAddress: Uint8Array | null,
      RemoteAddressLength: Ref | null,
      RemoteAddress: Uint8Array | null,
      timeout: timeval | null,
      Reserved: null,
    ): Promise<boolean> {
      void Reserved;
      const socket = streamFor(s);
      if (typeof socket === 'number') return failWith(socket, false);
      if (
        !SocketAddress ||
        !Array.isArray(SocketAddress.Address) ||
        !Number.isInteger(SocketAddress.iAddressCount) ||
        SocketAddress.iAddressCount < 1 ||
        SocketAddress.iAddressCount > SocketAddress.Address.length
      ) {
        return failWith(WSAEINVAL, false);
      }
      if (!validOutputs([LocalAddressLength, LocalAddress], [RemoteAddressLength, RemoteAddress]))
        return failWith(WSAEFAULT, false);
      const candidates: SockAddr[] = [];
      for (let i = 0; i < SocketAddress.iAddressCount; i++) {
        const entry = SocketAddress.Address[i];
        const a = destinationFor(socket, entry?.lpSockaddr ?? null, entry?.iSockaddrLength ?? 0);
        if (typeof a === 'number') return failWith(a, false);
        candidates.push(a);
      }
      return connectAndReport(
        socket,
        candidates,
        timeout,
        LocalAddressLength,
        LocalAddress,
        RemoteAddressLength,
        RemoteAddress,
      );
    },

    ConnectEx,
  };
}
