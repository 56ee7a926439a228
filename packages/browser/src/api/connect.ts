/**
 * The connect family: connect, WSAConnect, ConnectEx and DisconnectEx (the two also handed out
 * by WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER)), and the destination rules they share with sendto
 * and WSAConnectByName/ByList (connect-by.ts).
 */
import {
  AF_INET6,
  AF_UNSPEC,
  SD_SEND,
  WSAEADDRNOTAVAIL,
  WSAEAFNOSUPPORT,
  WSAEFAULT,
  WSAEINVAL,
  WSAEPROTONOSUPPORT,
  WSAEWOULDBLOCK,
  WSA_INVALID_PARAMETER,
  WSA_IO_PENDING,
  STATUS_PENDING,
} from '../win/constants.js';
import { isOverlapped, type WSAOVERLAPPED } from '../win/overlapped.js';
import { checkQos } from '../win/qos.js';
import { isUnspecified, readSockaddr, sockaddrFamily, type SockAddr } from '../win/sockaddr.js';
import type { DatagramSocket } from '../socket/udp.js';
import type { StreamSocket } from '../socket/tcp.js';
import { lookupSocket, lookupStream, type AnySocket, type Ref, type WinsockContext, type WSABUF } from './context.js';

/** SOCKET_ADDRESS_LIST for WSAConnectByList. */
export interface SOCKET_ADDRESS_LIST {
  iAddressCount: number;
  Address: { lpSockaddr: Uint8Array; iSockaddrLength: number }[];
}

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
  byConnectEx = false,
): Promise<number> {
  if (isUnspecified(remote) || remote.port === 0) return WSAEADDRNOTAVAIL;
  socket.startConnect(remote, onConnected, byConnectEx);
  if (socket.nonBlocking && !forceWait) return WSAEWOULDBLOCK;
  return socket.waitConnected();
}

/**
 * The socket for a connect-family call: a TCP socket that is not connected or listening (for
 * ConnectEx, not connecting either: connectExError).
 */
export function streamToConnect(ctx: WinsockContext, s: number, byConnectEx = false): StreamSocket | number {
  const socket = lookupStream(ctx, s);
  if (typeof socket === 'number') return socket;
  return (byConnectEx ? socket.connectExError() : socket.stateError('connect')) || socket.bindError || socket;
}

export function connectCalls(ctx: WinsockContext) {
  const { failWith } = ctx;

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
    // A bound address the relay refused to hold (bind answered before it knew): reported here.
    const error = socket.connectError() || socket.bindError;
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
   * ConnectEx: starts a connect on a bound TCP socket and returns false with WSA_IO_PENDING; on
   * completion the optional send buffer is sent, then the WSAOVERLAPPED is completed (bytes sent
   * in InternalHigh) and its event set. As Windows: Internal is STATUS_PENDING from the call on,
   * also when it fails at once (InternalHigh is left alone); an unbound socket → WSAEINVAL; no
   * WSAOVERLAPPED → WSA_INVALID_PARAMETER (ERROR_INVALID_PARAMETER).
   */
  async function ConnectEx(
    s: number,
    name: Uint8Array,
    namelen: number,
    lpSendBuffer: Uint8Array | null,
    dwSendDataLength: number,
    lpdwBytesSent: Ref | null,
    lpOverlapped: WSAOVERLAPPED | null,
  ): Promise<boolean> {
    if (isOverlapped(lpOverlapped)) lpOverlapped.Internal = STATUS_PENDING;
    const socket = streamToConnect(ctx, s, true);
    if (typeof socket === 'number') return failWith(socket, false);
    if (!socket.bound || socket.isUnbound) return failWith(WSAEINVAL, false);
    if (lpOverlapped === null || lpOverlapped === undefined) return failWith(WSA_INVALID_PARAMETER, false);
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
        const code = await connectStream(socket, remote, null, true, true);
        if (code) return { error: code, bytes: 0, flags: 0 };
        socket.connectedByConnectEx();
        if (!payload || payload.length === 0) return { error: 0, bytes: 0, flags: 0 };
        const sent = await socket.send(payload, 0, null, true);
        return sent.ok ? { error: 0, bytes: sent.n, flags: 0 } : { error: sent.error, bytes: 0, flags: 0 };
      },
      null,
    );
    return failWith(WSA_IO_PENDING, false);
  }

  /**
   * DisconnectEx: the graceful close Windows starts, shutdown(SD_SEND), the socket staying
   * connected to getpeername / getsockname (connect on it: WSAEISCONN; send: WSAESHUTDOWN).
   * Without lpOverlapped it returns true at once; with one, false + WSA_IO_PENDING and the
   * operation completes with 0 bytes. TF_REUSE_SOCKET is accepted: the program closes the socket
   * as usual (no socket reuse here).
   */
  function DisconnectEx(s: number, lpOverlapped: WSAOVERLAPPED | null, dwFlags: number, dwReserved: number): boolean {
    void dwFlags;
    void dwReserved;
    const socket = lookupStream(ctx, s);
    if (typeof socket === 'number') return failWith(socket, false);
    if (lpOverlapped !== null && lpOverlapped !== undefined && !isOverlapped(lpOverlapped))
      return failWith(WSAEFAULT, false);
    const code = socket.shutdown(SD_SEND);
    if (code) return failWith(code, false);
    if (!lpOverlapped) {
      ctx.setLastError(0);
      return true;
    }
    ctx.overlapped.start(socket.handle, lpOverlapped, async () => ({ error: 0, bytes: 0, flags: 0 }), null);
    return failWith(WSA_IO_PENDING, false);
  }

  return {
    /** connect: WSAConnect without connect data or QOS. */
    async connect(s: number, name: Uint8Array, namelen: number): Promise<number> {
      return WSAConnect(s, name, namelen, null, null, null, null);
    },

    WSAConnect,

    ConnectEx,

    DisconnectEx,
  };
}
