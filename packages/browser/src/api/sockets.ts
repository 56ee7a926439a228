/**
 * Socket lifetime, addresses, connect, options and control: socket, WSASocket, closesocket, bind,
 * listen, accept, connect, WSAConnect, shutdown, ioctlsocket, setsockopt, getsockopt,
 * getsockname, getpeername.
 */
import {
  AF_INET,
  AF_INET6,
  AF_UNSPEC,
  FIONBIO,
  FIONREAD,
  INVALID_SOCKET,
  IPPROTO_TCP,
  IPPROTO_UDP,
  SIOCATMARK,
  SOCK_DGRAM,
  SOCK_STREAM,
  WSAEADDRNOTAVAIL,
  WSAEAFNOSUPPORT,
  WSAEFAULT,
  WSAEINVAL,
  WSAEOPNOTSUPP,
  WSAEPROTONOSUPPORT,
  WSAESOCKTNOSUPPORT,
  WSAEWOULDBLOCK,
  WSANOTINITIALISED,
} from '../win/constants.js';
import { isRef, lookupSocket, type AnySocket, type Ref, type WinsockContext, type WSABUF } from './context.js';
import { DatagramSocket } from '../socket/udp.js';
import { checkQos } from '../win/qos.js';
import { copySockaddrOut, isUnspecified, readSockaddr, sockaddrFamily, type SockAddr } from '../win/sockaddr.js';
import { getOption, setOption } from '../win/sockopt.js';
import { StreamSocket } from '../socket/tcp.js';

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
export async function connectStream(socket: StreamSocket, remote: SockAddr, onConnected: (() => void) | null, forceWait = false): Promise<number> {
  if (isUnspecified(remote) || remote.port === 0) return WSAEADDRNOTAVAIL;
  socket.startConnect(remote, onConnected);
  if (socket.nonBlocking && !forceWait) return WSAEWOULDBLOCK;
  return socket.waitConnected();
}

/**
 * FIONBIO / FIONREAD / SIOCATMARK on `socket` (ioctlsocket and WSAIoctl): 0 or the Winsock error.
 * A socket with WSAEventSelect/WSAAsyncSelect events cannot go back to blocking (WSAEINVAL);
 * FIONREAD is the bytes buffered (UDP: the next datagram's size); SIOCATMARK is always TRUE,
 * since urgent data is not relayed.
 */
export function ioctl(socket: AnySocket, cmd: number, argp: Ref): number {
  switch (cmd >>> 0) {
    case FIONBIO:
      if (argp.value === 0 && socket.events.mask !== 0) return WSAEINVAL;
      socket.nonBlocking = argp.value !== 0;
      return 0;
    case FIONREAD:
      argp.value = socket.available;
      return 0;
    case SIOCATMARK:
      argp.value = 1;
      return 0;
    default:
      return WSAEINVAL;
  }
}

export function socketCalls(ctx: WinsockContext) {
  const { failWith } = ctx;
  const lookup = (s: number) => lookupSocket(ctx, s);

  function createSocket(af: number, type: number, protocol: number): number {
    if (!ctx.started()) return failWith(WSANOTINITIALISED, INVALID_SOCKET);
    if (af !== AF_INET && af !== AF_INET6) return failWith(WSAEAFNOSUPPORT, INVALID_SOCKET);
    // type 0 picks the provider from the protocol, as Windows does.
    const effectiveType = type === 0 ? (protocol === IPPROTO_TCP ? SOCK_STREAM : protocol === IPPROTO_UDP ? SOCK_DGRAM : 0) : type;
    if (effectiveType !== SOCK_STREAM && effectiveType !== SOCK_DGRAM) return failWith(WSAESOCKTNOSUPPORT, INVALID_SOCKET);
    const expected = effectiveType === SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP;
    if (protocol !== 0 && protocol !== expected) return failWith(WSAEPROTONOSUPPORT, INVALID_SOCKET);
    const handle = ctx.allocateHandle();
    const socket = effectiveType === SOCK_STREAM
      ? new StreamSocket(handle, af, SOCK_STREAM, IPPROTO_TCP, ctx.host)
      : new DatagramSocket(handle, af, SOCK_DGRAM, IPPROTO_UDP, ctx.host);
    ctx.sockets.set(handle, socket);
    return handle;
  }

  /** connect/WSAConnect on a datagram socket: sets, changes or dissolves the default peer. */
  async function connectDatagram(socket: DatagramSocket, name: Uint8Array, namelen: number, lpSQOS: object | null): Promise<number> {
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
    const socket = lookup(s);
    if (typeof socket === 'number') return failWith(socket);
    if (lpGQOS !== null && lpGQOS !== undefined) return failWith(WSAEINVAL);
    if (socket instanceof DatagramSocket) return connectDatagram(socket, name, namelen, lpSQOS);
    const remote = destinationFor(socket, name, namelen);
    if (typeof remote === 'number') return failWith(remote);
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
    const code = await connectStream(socket, remote, onConnected);
    return code ? failWith(code) : 0;
  }

  return {
    /** socket: never touches the network. TCP and UDP over AF_INET / AF_INET6. */
    socket: createSocket,

    /** WSASocket: lpProtocolInfo must be null and g 0 (no socket groups); dwFlags are accepted. */
    WSASocket(af: number, type: number, protocol: number, lpProtocolInfo: null, g: number, dwFlags: number): number {
      if (!ctx.started()) return failWith(WSANOTINITIALISED, INVALID_SOCKET);
      if ((lpProtocolInfo !== null && lpProtocolInfo !== undefined) || (g !== 0 && g !== undefined)) {
        return failWith(WSAEINVAL, INVALID_SOCKET);
      }
      void dwFlags; // WSA_FLAG_OVERLAPPED: every socket here supports overlapped calls
      return createSocket(af, type, protocol);
    },

    /** closesocket: graceful unless SO_LINGER {1, 0}; blocking calls in flight return WSAEINTR. */
    closesocket(s: number): number {
      const socket = lookup(s);
      if (typeof socket === 'number') return failWith(socket);
      ctx.sockets.delete(s);
      socket.close();
      return 0;
    },

    /**
     * bind: synchronous; validates and records the local address. A TCP socket's relay socket
     * binds it when it dials; a UDP socket opens its relay socket now (in the background).
     */
    bind(s: number, name: Uint8Array, namelen: number): number {
      const socket = lookup(s);
      if (typeof socket === 'number') return failWith(socket);
      const addr = readSockaddr(name, namelen);
      if (typeof addr === 'number' || addr.family !== socket.family) return failWith(WSAEFAULT);
      const v = socket.verdict('bind');
      if (v) return failWith(v);
      socket.bind(addr);
      return 0;
    },

    /** listen: a bound TCP socket becomes a listening socket; UDP → WSAEOPNOTSUPP. */
    listen(s: number, backlog: number): number {
      const socket = lookup(s);
      if (typeof socket === 'number') return failWith(socket);
      if (!(socket instanceof StreamSocket)) return failWith(WSAEOPNOTSUPP);
      const v = socket.verdict('listen');
      if (v) return failWith(v);
      socket.listen(Number.isInteger(backlog) && backlog > 0 ? backlog : 1);
      return 0;
    },

    /** connect: WSAConnect without connect data or QOS. */
    async connect(s: number, name: Uint8Array, namelen: number): Promise<number> {
      return WSAConnect(s, name, namelen, null, null, null, null);
    },

    WSAConnect,

    /** shutdown: SD_SEND sends a real FIN through the relay; SD_RECEIVE discards further data. */
    shutdown(s: number, how: number): number {
      const socket = lookup(s);
      if (typeof socket === 'number') return failWith(socket);
      const code = socket.shutdown(how);
      return code ? failWith(code) : 0;
    },

    /**
     * ioctlsocket: FIONBIO (a socket with WSAEventSelect/WSAAsyncSelect events cannot go back to
     * blocking: WSAEINVAL), FIONREAD (TCP: bytes buffered; UDP: size of the next datagram),
     * SIOCATMARK (always TRUE: urgent data is not relayed).
     */
    ioctlsocket(s: number, cmd: number, argp: Ref): number {
      const socket = lookup(s);
      if (typeof socket === 'number') return failWith(socket);
      if (!isRef(argp)) return failWith(WSAEFAULT);
      const code = ioctl(socket, cmd, argp);
      return code ? failWith(code) : 0;
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

    /** getpeername: WSAENOTCONN unless connected (TCP) or a default peer is set (UDP). */
    getpeername(s: number, name: Uint8Array | null, namelen: Ref | null): number {
      const socket = lookup(s);
      if (typeof socket === 'number') return failWith(socket);
      const v = socket.verdict('getpeername');
      const peer = socket instanceof DatagramSocket ? socket.peer : socket.remote;
      if (v || !peer) return failWith(v || WSAEINVAL);
      const code = copySockaddrOut(peer, name, namelen);
      return code ? failWith(code) : 0;
    },
  };
}

