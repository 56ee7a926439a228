/**
 * Inbound connections: accept, WSAAccept (condition callback: CF_ACCEPT / CF_REJECT / CF_DEFER),
 * AcceptEx and GetAcceptExSockaddrs. The relay listens and hands connections over; whether it may
 * is its inbound policy, and a refusal surfaces here as WSAEACCES.
 */
import {
  AF_INET6,
  CF_ACCEPT,
  CF_DEFER,
  CF_REJECT,
  FD_ACCEPT,
  INVALID_SOCKET,
  SOCK_STREAM,
  IPPROTO_TCP,
  WSAECONNREFUSED,
  WSAEFAULT,
  WSAEINTR,
  WSAEINVAL,
  WSAEWOULDBLOCK,
  WSATRY_AGAIN,
  WSA_INVALID_PARAMETER,
  WSA_IO_PENDING,
  WSA_OPERATION_ABORTED,
  STATUS_PENDING,
} from '../win/constants.js';
import { isRef, lookupSocket, lookupStream, type Ref, type WinsockContext, type WSABUF } from './context.js';
import type { Listener, PendingConnection } from '../socket/listener.js';
import { isOverlapped, type WSAOVERLAPPED } from '../win/overlapped.js';
import {
  SOCKADDR_IN6_SIZE,
  SOCKADDR_IN_SIZE,
  asFamily,
  copySockaddrOut,
  fromEndpoint,
  writeSockaddr,
} from '../win/sockaddr.js';
import { StreamSocket } from '../socket/tcp.js';
import { waitUntil } from '../socket/blocking-wait.js';

/**
 * WSAAccept's condition function: (lpCallerId, lpCallerData, lpSQOS, lpGQOS, lpCalleeId,
 * lpCalleeData, g, dwCallbackData) → CF_ACCEPT | CF_REJECT | CF_DEFER. The ids are WSABUFs holding
 * sockaddrs; connect data is always null (TCP carries none).
 */
export type ConditionProc = (
  lpCallerId: WSABUF,
  lpCallerData: WSABUF | null,
  lpSQOS: object | null,
  lpGQOS: object | null,
  lpCalleeId: WSABUF,
  lpCalleeData: WSABUF | null,
  g: Ref,
  dwCallbackData: number,
) => number;

/** A listening TCP socket and its relay listener. */
interface Listening {
  socket: StreamSocket;
  listener: Listener;
}

export function acceptCalls(ctx: WinsockContext) {
  const { failWith } = ctx;

  /** The listening TCP socket `s` with its relay listener, or the Winsock error. */
  function listeningSocket(s: number): Listening | number {
    const socket = lookupStream(ctx, s);
    if (typeof socket === 'number') return socket;
    const listener = socket.listener;
    if (!socket.isListening || !listener) return WSAEINVAL;
    return { socket, listener };
  }

  /**
   * Waits for the next pending connection (or the listener's failure); WSAEWOULDBLOCK when
   * non-blocking. With `take`, the connection is dequeued in the same step that finds it, so two
   * accepts (or AcceptEx calls) waiting together never get the same one.
   */
  async function nextPending(
    { socket: listening, listener }: Listening,
    wait: boolean,
    take: boolean,
    target: StreamSocket | null = null,
  ): Promise<PendingConnection | number> {
    listening.events.reenable(FD_ACCEPT);
    const poll = (): PendingConnection | number | undefined => {
      if (listening.closed || target?.closed) return WSAEINTR;
      const next = take ? listener.take() : listener.peek();
      if (next) return next;
      if (listener.error) return listener.error;
      return wait ? undefined : WSAEWOULDBLOCK;
    };
    const watched = target ? [listening.subscribe, target.subscribe] : [listening.subscribe];
    return waitUntil(watched, poll, null, () => WSAEWOULDBLOCK);
  }

  /**
   * Creates the accepted socket: connected, with the listener's options and its
   * WSAEventSelect / WSAAsyncSelect registration, as Windows specifies.
   */
  function acceptInto(
    { socket: listening, listener }: Listening,
    pending: PendingConnection,
    target: StreamSocket | null,
  ): StreamSocket {
    const socket =
      target ?? new StreamSocket(ctx.allocateHandle(), listening.family, SOCK_STREAM, IPPROTO_TCP, ctx.host);
    if (!target) {
      Object.assign(socket.options, listening.options);
      socket.nonBlocking = listening.nonBlocking;
      if (listening.events.target) socket.events.select(listening.events.target, listening.events.mask);
      ctx.sockets.set(socket.handle, socket);
    }
    socket.adoptIncoming(listener.conn, pending);
    socket.recordCurrentConditions();
    // More connections waiting: FD_ACCEPT again (accept is its re-enabling call).
    if (listener.pending > 0) listening.events.record(FD_ACCEPT, 0);
    return socket;
  }

  function peerOf(listening: StreamSocket, pending: PendingConnection) {
    return asFamily(fromEndpoint(pending.incoming.remote), listening.family);
  }

  async function acceptWith(
    s: number,
    addr: Uint8Array | null,
    addrlen: Ref | null,
    condition: ConditionProc | null,
    dwCallbackData: number,
  ): Promise<number> {
    const found = listeningSocket(s);
    if (typeof found === 'number') return failWith(found, INVALID_SOCKET);
    const { socket: listening, listener } = found;
    const size = listening.family === AF_INET6 ? SOCKADDR_IN6_SIZE : SOCKADDR_IN_SIZE;
    // An address buffer without a length is no address wanted: the buffer is left alone (Windows).
    const wantsAddress = addr !== null && addr !== undefined && addrlen !== null && addrlen !== undefined;
    if (
      wantsAddress &&
      (!isRef(addrlen) || addrlen.value < size || !(addr instanceof Uint8Array) || addr.length < size)
    ) {
      return failWith(WSAEFAULT, INVALID_SOCKET);
    }
    // WSAAccept only peeks (CF_DEFER leaves the connection queued); it takes the connection once
    // the condition agreed, if no other accept took it meanwhile.
    let pending: PendingConnection | number;
    for (;;) {
      pending = await nextPending(found, !listening.nonBlocking, condition === null);
      if (typeof pending === 'number' || !condition || listener.peek() === pending) break;
    }
    if (typeof pending === 'number') return failWith(pending, INVALID_SOCKET);
    const peer = peerOf(listening, pending);
    if (condition) {
      const callerId = writeSockaddr(peer);
      const calleeId = writeSockaddr(asFamily(fromEndpoint(pending.incoming.local), listening.family));
      const decision = condition(
        { len: callerId.length, buf: callerId },
        null,
        null,
        null,
        { len: calleeId.length, buf: calleeId },
        null,
        { value: 0 },
        dwCallbackData,
      );
      if (decision === CF_REJECT) {
        listener.reject(pending);
        return failWith(WSAECONNREFUSED, INVALID_SOCKET);
      }
      if (decision === CF_DEFER) return failWith(WSATRY_AGAIN, INVALID_SOCKET);
      if (decision !== CF_ACCEPT) return failWith(WSAEINVAL, INVALID_SOCKET);
      listener.remove(pending);
    }
    const socket = acceptInto(found, pending, null);
    if (addr && addrlen) copySockaddrOut(peer, addr, addrlen);
    return socket.handle;
  }

  /** AcceptEx's address blocks: u16 LE length, then the sockaddr (the layout is ours; read it with GetAcceptExSockaddrs). */
  function writeAddressBlock(out: Uint8Array, at: number, bytes: Uint8Array): void {
    new DataView(out.buffer, out.byteOffset + at, 2).setUint16(0, bytes.length, true);
    out.set(bytes, at + 2);
  }

  function readAddressBlock(out: Uint8Array, at: number, room: number): Uint8Array | null {
    if (at + 2 > out.length) return null;
    const len = new DataView(out.buffer, out.byteOffset + at, 2).getUint16(0, true);
    if (len === 0 || len + 2 > room || at + 2 + len > out.length) return null;
    return out.slice(at + 2, at + 2 + len);
  }

  return {
    /**
     * accept: the next inbound connection as a new connected socket (blocking waits; non-blocking →
     * WSAEWOULDBLOCK). A relay that refused to listen → WSAEACCES. Not listening → WSAEINVAL.
     */
    accept(s: number, addr: Uint8Array | null, addrlen: Ref | null): Promise<number> {
      return acceptWith(s, addr, addrlen, null, 0);
    },

    /**
     * WSAAccept: accept with a condition function deciding from the caller's address: CF_ACCEPT,
     * CF_REJECT (the connection is reset; WSAECONNREFUSED) or CF_DEFER (it stays queued;
     * WSATRY_AGAIN).
     */
    WSAAccept(
      s: number,
      addr: Uint8Array | null,
      addrlen: Ref | null,
      lpfnCondition: ConditionProc | null,
      dwCallbackData: number,
    ): Promise<number> {
      return acceptWith(
        s,
        addr,
        addrlen,
        typeof lpfnCondition === 'function' ? lpfnCondition : null,
        dwCallbackData | 0,
      );
    },

    /**
     * AcceptEx: accepts into `sAcceptSocket` (a fresh, unbound TCP socket) as an overlapped
     * operation: false + WSA_IO_PENDING, then — once a connection arrived and, if
     * dwReceiveDataLength > 0, its first bytes — lpOutputBuffer holds the data, the local and the
     * remote address blocks, and the WSAOVERLAPPED completes with the byte count. As Windows:
     * Internal is STATUS_PENDING from the call on, also when it fails at once; no WSAOVERLAPPED →
     * WSA_INVALID_PARAMETER; a remote address length of 0 → WSAEFAULT; a local one of 0 writes no
     * local address; an address length short of the sockaddr size + 16 completes, once a
     * connection waits, with WSAEFAULT (STATUS_BUFFER_TOO_SMALL) and leaves it queued; closing
     * either socket completes it with WSA_OPERATION_ABORTED.
     */
    async AcceptEx(
      sListenSocket: number,
      sAcceptSocket: number,
      lpOutputBuffer: Uint8Array | null,
      dwReceiveDataLength: number,
      dwLocalAddressLength: number,
      dwRemoteAddressLength: number,
      lpdwBytesReceived: Ref | null,
      lpOverlapped: WSAOVERLAPPED | null,
    ): Promise<boolean> {
      if (isOverlapped(lpOverlapped)) lpOverlapped.Internal = STATUS_PENDING;
      const found = listeningSocket(sListenSocket);
      if (typeof found === 'number') return failWith(found, false);
      const listening = found.socket;
      const target = lookupSocket(ctx, sAcceptSocket);
      if (typeof target === 'number') return failWith(target, false);
      if (
        target.connectionless ||
        target.stateError('adopt') ||
        target.beingAcceptedInto ||
        target.family !== listening.family
      )
        return failWith(WSAEINVAL, false);
      const total = dwReceiveDataLength + dwLocalAddressLength + dwRemoteAddressLength;
      if (!(lpOutputBuffer instanceof Uint8Array) || lpOutputBuffer.length < total || dwReceiveDataLength < 0)
        return failWith(WSAEFAULT, false);
      if (lpOverlapped === null || lpOverlapped === undefined) return failWith(WSA_INVALID_PARAMETER, false);
      if (!isOverlapped(lpOverlapped) || dwRemoteAddressLength === 0) return failWith(WSAEFAULT, false);
      const minimum = (listening.family === AF_INET6 ? SOCKADDR_IN6_SIZE : SOCKADDR_IN_SIZE) + 16;
      const tooSmall =
        (dwLocalAddressLength !== 0 && dwLocalAddressLength < minimum) || dwRemoteAddressLength < minimum;
      void lpdwBytesReceived; // written only when AcceptEx completes at once, which it never does here
      target.beingAcceptedInto = true;
      ctx.overlapped.start(
        listening.handle,
        lpOverlapped,
        async () => {
          const pending = await nextPending(found, true, !tooSmall, target);
          target.beingAcceptedInto = false;
          if (pending === WSAEINTR) return { error: WSA_OPERATION_ABORTED, bytes: 0, flags: 0 };
          if (typeof pending === 'number') return { error: pending, bytes: 0, flags: 0 };
          if (tooSmall) return { error: WSAEFAULT, bytes: 0, flags: 0 };
          const peer = peerOf(listening, pending);
          acceptInto(found, pending, target);
          let bytes = 0;
          if (dwReceiveDataLength > 0) {
            const r = await target.recv(lpOutputBuffer, dwReceiveDataLength, 0, true);
            if (!r.ok) return { error: r.error, bytes: 0, flags: 0 };
            bytes = r.n;
          }
          const local = target.localAddress();
          if (local && dwLocalAddressLength > 0)
            writeAddressBlock(lpOutputBuffer, dwReceiveDataLength, writeSockaddr(local));
          writeAddressBlock(lpOutputBuffer, dwReceiveDataLength + dwLocalAddressLength, writeSockaddr(peer));
          return { error: 0, bytes, flags: 0 };
        },
        null,
      );
      return failWith(WSA_IO_PENDING, false);
    },

    /**
     * GetAcceptExSockaddrs: reads the local and remote sockaddrs out of an AcceptEx output buffer
     * into `{ value }` refs (`LocalSockaddr.value` / `RemoteSockaddr.value` get Uint8Arrays).
     */
    GetAcceptExSockaddrs(
      lpOutputBuffer: Uint8Array,
      dwReceiveDataLength: number,
      dwLocalAddressLength: number,
      dwRemoteAddressLength: number,
      LocalSockaddr: { value: Uint8Array | null },
      LocalSockaddrLength: Ref,
      RemoteSockaddr: { value: Uint8Array | null },
      RemoteSockaddrLength: Ref,
    ): void {
      if (!(lpOutputBuffer instanceof Uint8Array)) return;
      const remote = readAddressBlock(
        lpOutputBuffer,
        dwReceiveDataLength + dwLocalAddressLength,
        dwRemoteAddressLength,
      );
      if (RemoteSockaddr) RemoteSockaddr.value = remote;
      if (isRef(RemoteSockaddrLength)) RemoteSockaddrLength.value = remote?.length ?? 0;
      if (dwLocalAddressLength === 0) return; // AcceptEx wrote no local address: the outputs are left alone (Windows)
      const local = readAddressBlock(lpOutputBuffer, dwReceiveDataLength, dwLocalAddressLength);
      if (LocalSockaddr) LocalSockaddr.value = local;
      if (isRef(LocalSockaddrLength)) LocalSockaddrLength.value = local?.length ?? 0;
    },
  };
}
