/**
 * Socket lifetime and addresses: socket, WSASocket, closesocket, bind, listen, shutdown,
 * getsockname, getpeername. (setsockopt/getsockopt live in options.ts, connect and its family in
 * connect.ts, accept in accept.ts, ioctlsocket in ioctl.ts.)
 */
import {
  AF_UNSPEC,
  SOCK_RAW,
  WSAEACCES,
  AF_INET,
  AF_INET6,
  FROM_PROTOCOL_INFO,
  INVALID_SOCKET,
  IPPROTO_TCP,
  IPPROTO_UDP,
  SOCK_DGRAM,
  SOCKET_ERROR,
  SOCK_STREAM,
  WSAEAFNOSUPPORT,
  WSAEFAULT,
  WSAEINVAL,
  WSAEPROTONOSUPPORT,
  WSAESOCKTNOSUPPORT,
  WSANOTINITIALISED,
} from '../win/constants.js';
import { protocolInfoFields } from '../win/protocol-info.js';
import { copySockaddrOut, readSockaddr } from '../win/sockaddr.js';
import { lookupSocket, lookupStream, type Ref, type WinsockContext } from './context.js';

export function socketCalls(ctx: WinsockContext) {
  const { failWith } = ctx;
  const lookup = (s: number) => lookupSocket(ctx, s);

  function createSocket(af: number, type: number, protocol: number): number {
    if (!ctx.started()) return failWith(WSANOTINITIALISED, INVALID_SOCKET);
    // Windows' provider match, in its order (Wine's test_WSASocket): AF_UNSPEC needs a protocol,
    // then the type, the family, the protocol are checked.
    if (af === AF_UNSPEC && protocol === 0) return failWith(WSAEINVAL, INVALID_SOCKET);
    if (type !== 0 && type !== SOCK_STREAM && type !== SOCK_DGRAM && type !== SOCK_RAW)
      return failWith(WSAESOCKTNOSUPPORT, INVALID_SOCKET);
    if (af !== AF_UNSPEC && af !== AF_INET && af !== AF_INET6) return failWith(WSAEAFNOSUPPORT, INVALID_SOCKET);
    // Raw sockets are for administrators on Windows; a page is never one (and the relay carries no raw IP).
    if (type === SOCK_RAW) return failWith(WSAEACCES, INVALID_SOCKET);
    // Type 0 picks the provider from the protocol; neither given: the first provider, TCP.
    const effectiveType =
      type !== 0
        ? type
        : protocol === 0 || protocol === IPPROTO_TCP
          ? SOCK_STREAM
          : protocol === IPPROTO_UDP
            ? SOCK_DGRAM
            : 0;
    if (effectiveType === 0) return failWith(WSAEPROTONOSUPPORT, INVALID_SOCKET);
    const expected = effectiveType === SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP;
    if (protocol !== 0 && protocol !== expected) return failWith(WSAEPROTONOSUPPORT, INVALID_SOCKET);
    // A type whose provider this object was made without is one Windows has no provider for.
    const provider = ctx.providers.get(effectiveType);
    if (!provider) return failWith(WSAESOCKTNOSUPPORT, INVALID_SOCKET);
    // AF_UNSPEC with a protocol: the first provider of the catalog, IPv4.
    const family = af === AF_UNSPEC ? AF_INET : af;
    const handle = ctx.allocateHandle();
    const socket = provider(handle, family, ctx.host);
    ctx.sockets.set(handle, socket);
    ctx.setLastError(0); // Windows clears the last error on success
    return handle;
  }

  /**
   * bind: synchronous; validates and records the local address. A TCP socket bound to a fixed
   * port is also held at the relay (BIND, on a relay with an inbound policy), a UDP socket
   * opens its relay socket: both in the background. A refusal (WSAEADDRINUSE, WSAEACCES…)
   * is reported by the next call that needs the address (listen, connect, accept, recvfrom…);
   * bindAsync waits for it.
   */
  function bind(s: number, name: Uint8Array | null, namelen: number): number {
    const socket = lookup(s);
    if (typeof socket === 'number') return failWith(socket);
    // Windows (Wine's test_bind): no address or a short one → WSAEFAULT, a family it has no
    // provider for → WSAEAFNOSUPPORT; success sets the last error to 0.
    const addr = readSockaddr(name, namelen);
    if (typeof addr === 'number') return failWith(addr);
    if (addr.family !== socket.family) return failWith(WSAEFAULT);
    const error = socket.stateError('bind');
    if (error) return failWith(error);
    socket.bind(addr);
    ctx.setLastError(0);
    return 0;
  }

  return {
    /** socket: never touches the network. TCP and UDP over AF_INET / AF_INET6. */
    socket: createSocket,

    /**
     * WSASocket: g must be 0 (no socket groups); dwFlags are accepted. A protocol info supplies
     * each of af, type and protocol given as 0 or FROM_PROTOCOL_INFO; its family must then be one
     * of the catalog's (Windows: WSAEAFNOSUPPORT, also for a zeroed one).
     */
    WSASocket(
      af: number,
      type: number,
      protocol: number,
      lpProtocolInfo: Uint8Array | null,
      g: number,
      dwFlags: number,
    ): number {
      if (!ctx.started()) return failWith(WSANOTINITIALISED, INVALID_SOCKET);
      if (g !== 0 && g !== undefined) return failWith(WSAEINVAL, INVALID_SOCKET);
      void dwFlags; // WSA_FLAG_OVERLAPPED: every socket here supports overlapped calls
      if (!lpProtocolInfo) return createSocket(af, type, protocol);
      const info = protocolInfoFields(lpProtocolInfo);
      if (!info) return failWith(WSAEFAULT, INVALID_SOCKET);
      // Each argument given as 0 or FROM_PROTOCOL_INFO is taken from the protocol info.
      const pick = (given: number, i: number) => (given === 0 || given === FROM_PROTOCOL_INFO ? info[i]! : given);
      const family = pick(af, 0);
      if (family !== AF_INET && family !== AF_INET6) return failWith(WSAEAFNOSUPPORT, INVALID_SOCKET);
      return createSocket(family, pick(type, 1), pick(protocol, 2));
    },

    /** closesocket: graceful unless SO_LINGER {1, 0}; blocking calls in flight return WSAEINTR. */
    closesocket(s: number): number {
      const socket = lookup(s);
      if (typeof socket === 'number') return failWith(socket);
      ctx.sockets.delete(s);
      socket.close();
      return 0;
    },

    bind,

    /**
     * bindAsync: bind, settled once the relay holds the address, as Windows' bind returns: 0, or
     * SOCKET_ERROR with the relay's refusal (WSAEADDRINUSE, WSAEACCES, WSAEADDRNOTAVAIL,
     * WSAENOBUFS), the socket then unbound again, as if bind had never been called.
     */
    async bindAsync(s: number, name: Uint8Array | null, namelen: number): Promise<number> {
      if (bind(s, name, namelen) !== 0) return SOCKET_ERROR;
      const socket = lookup(s);
      if (typeof socket === 'number') return failWith(socket);
      const code = await socket.bindOutcome();
      if (code === 0) return 0;
      if (!socket.closed) socket.unbind();
      return failWith(code);
    },

    /** listen: a bound TCP socket becomes a listening socket; UDP (or no withAccept) → WSAEOPNOTSUPP. */
    listen(s: number, backlog: number): number {
      const socket = lookupStream(ctx, s);
      if (typeof socket === 'number') return failWith(socket);
      const error = socket.stateError('listen') || socket.bindError;
      if (error) return failWith(error);
      const code = socket.listen(Number.isInteger(backlog) && backlog > 0 ? backlog : 1);
      return code ? failWith(code) : 0;
    },

    /** shutdown: SD_SEND sends a real FIN through the relay; SD_RECEIVE discards further data. */
    shutdown(s: number, how: number): number {
      const socket = lookup(s);
      if (typeof socket === 'number') return failWith(socket);
      const code = socket.shutdown(how);
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
      const error = socket.stateError('getpeername');
      const peer = socket.peerAddress();
      if (error || !peer) return failWith(error || WSAEINVAL);
      const code = copySockaddrOut(peer, name, namelen);
      return code ? failWith(code) : 0;
    },
  };
}
