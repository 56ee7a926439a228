/**
 * The Winsock interface: every call of a createWinsock object, declared once with its Windows
 * behaviour, return value and errors, so editors show the documentation and go-to-definition
 * lands here. The api/ groups implement it; createWinsock's return type makes the compiler check
 * that they do. Calls that may wait on Windows return a Promise that settles when Windows would
 * have returned; the others are synchronous. A failing call returns SOCKET_ERROR (or
 * INVALID_SOCKET / false / null) and sets the last error, read with WSAGetLastError().
 */
import type { ConditionProc } from './api/accept.js';
import type { StringRef } from './api/address-strings.js';
import type { AsyncEntryRef } from './api/async-lookups.js';
import type { SOCKET_ADDRESS_LIST } from './api/connect.js';
import type { Ref, timeval, WSABUF } from './api/context.js';
import type { ADDRINFO, HOSTENT, PROTOENT, SERVENT } from './api/names.js';
import type { ADDRINFOEXW, AddrInfoExResult, GAI_OVERLAPPED, LookupCompletionRoutine } from './api/names-ex.js';
import type { WSAPOLLFD } from './api/poll.js';
import type { WSAMSG } from './api/messages.js';
import type { WSANETWORKEVENTS } from './api/select.js';
import type { WsaEvent } from './win/event.js';
import type { FdSet } from './win/fd-set.js';
import type { WindowProc } from './win/network-events.js';
import type { CompletionRoutine, WSAOVERLAPPED } from './win/overlapped.js';

/** WSADATA, filled by WSAStartup (iMaxSockets / iMaxUdpDg are 0 from version 2 on, as Windows). */
export interface WSADATA {
  wVersion?: number;
  wHighVersion?: number;
  iMaxSockets?: number;
  iMaxUdpDg?: number;
  lpVendorInfo?: null;
  szDescription?: string;
  szSystemStatus?: string;
}

export interface Winsock {
  // ── Start-up and the last error ───────────────────────────────────────────────────────────

  /**
   * WSAStartup: negotiates the version (the highest is 2.2; a higher request gets 2.2) and fills
   * `lpWSAData` when given. Returns 0, or the error code itself — not through WSAGetLastError,
   * as Windows: WSAVERNOTSUPPORTED for major version 0, WSAEFAULT for a `lpWSAData` that is no
   * object. Each successful call must be matched by a WSACleanup.
   */
  WSAStartup(wVersionRequested: number, lpWSAData?: WSADATA | null): number;

  /**
   * WSACleanup: undoes one WSAStartup; the last one closes every socket and the relay connection.
   * Returns 0, or SOCKET_ERROR with WSANOTINITIALISED when there was no WSAStartup.
   */
  WSACleanup(): number;

  /** WSAGetLastError: the error code of the last failing call on this object (0 if none yet). */
  WSAGetLastError(): number;

  /** WSASetLastError: sets the value WSAGetLastError returns (truncated to a 32-bit int). */
  WSASetLastError(iError: number): void;

  // ── Socket lifetime, addresses and options ────────────────────────────────────────────────

  /**
   * socket: a new socket handle (from 0x100, step 4); never touches the network. AF_INET /
   * AF_INET6 with SOCK_STREAM (protocol 0 or IPPROTO_TCP) or SOCK_DGRAM (0 or IPPROTO_UDP); type 0
   * picks the type from the protocol. INVALID_SOCKET with WSANOTINITIALISED, WSAEAFNOSUPPORT
   * (other families), WSAESOCKTNOSUPPORT (other types) or WSAEPROTONOSUPPORT (a protocol that does
   * not fit the type).
   */
  socket(af: number, type: number, protocol: number): number;

  /**
   * WSASocket: socket with Winsock 2 arguments. `lpProtocolInfo` is null or a WSAPROTOCOL_INFOA/W
   * (from WSAEnumProtocols or getsockopt(SO_PROTOCOL_INFO)): it supplies each of af, type and
   * protocol passed as 0 or FROM_PROTOCOL_INFO, and a family outside the catalog then fails with
   * WSAEAFNOSUPPORT; one too short for its fields → WSAEFAULT. `g` must be 0 (no socket groups),
   * else WSAEINVAL; dwFlags (WSA_FLAG_OVERLAPPED…) are accepted. Otherwise the same errors as socket.
   */
  WSASocket(
    af: number,
    type: number,
    protocol: number,
    lpProtocolInfo: Uint8Array | null,
    g: number,
    dwFlags: number,
  ): number;

  /**
   * WSAEnumProtocolsA: the catalog's providers (TCP and UDP over IPv4 and IPv6) whose protocol
   * is in `lpiProtocols` (null: all) as WSAPROTOCOL_INFOA entries of WSAPROTOCOL_INFOA_SIZE bytes
   * (read them with parseProtocolInfo); returns their count. A null or short buffer →
   * SOCKET_ERROR with WSAENOBUFS and the bytes needed in `lpdwBufferLength`; no length → WSAEFAULT.
   */
  WSAEnumProtocolsA(
    lpiProtocols: readonly number[] | null,
    lpProtocolBuffer: Uint8Array | null,
    lpdwBufferLength: Ref | null,
  ): number;

  /** WSAEnumProtocolsW: WSAEnumProtocolsA with WSAPROTOCOL_INFOW entries (WSAPROTOCOL_INFOW_SIZE bytes). */
  WSAEnumProtocolsW(
    lpiProtocols: readonly number[] | null,
    lpProtocolBuffer: Uint8Array | null,
    lpdwBufferLength: Ref | null,
  ): number;

  /**
   * closesocket: closes `s`, gracefully (queued bytes, then FIN) unless SO_LINGER is on with a zero
   * timeout, which resets the connection. Blocking calls in flight on the socket return WSAEINTR.
   * Returns 0, or SOCKET_ERROR with WSANOTINITIALISED / WSAENOTSOCK.
   */
  closesocket(s: number): number;

  /**
   * bind: synchronous; validates and records the local address. A TCP socket bound to a fixed
   * port is held at the relay (BIND, on a relay with an inbound policy) and a UDP socket opens
   * its relay socket, both in the background: a refusal (WSAEADDRINUSE, WSAEACCES…) is reported
   * by the next call that needs the address (listen, connect, accept, recvfrom…); `bindAsync`
   * waits for it. Returns 0 (the last error set to 0), or SOCKET_ERROR with WSAEFAULT (no
   * sockaddr, `null` as C's NULL, or a short or mismatched one), WSAEAFNOSUPPORT (a family
   * other than AF_INET / AF_INET6), WSAEINVAL (already bound).
   */
  bind(s: number, name: Uint8Array | null, namelen: number): number;

  /**
   * bindAsync (ws2web): bind, settled as Windows' bind returns, once the relay holds the address:
   * 0, or SOCKET_ERROR with WSAEADDRINUSE (another socket holds it), WSAEACCES (the relay's
   * policy refuses it), WSAEADDRNOTAVAIL, WSAENOBUFS (a listener cap); the socket is then unbound
   * again. The errors of bind itself are returned as bind returns them.
   */
  bindAsync(s: number, name: Uint8Array | null, namelen: number): Promise<number>;

  /**
   * listen: a bound TCP socket becomes a listening socket at once; the relay listener opens in the
   * background (refused by the relay's inbound policy → accept reports WSAEACCES). Returns 0, or
   * SOCKET_ERROR with WSAEINVAL (not bound), WSAEISCONN (connected), WSAEOPNOTSUPP (UDP, or an
   * object made by createWinsockWith without withAccept).
   */
  listen(s: number, backlog: number): number;

  /**
   * shutdown: SD_SEND sends a real FIN through the relay (the peer sees end-of-stream; this side
   * still receives); SD_RECEIVE discards further data (recv then fails with WSAESHUTDOWN);
   * SD_BOTH does both. Returns 0, or SOCKET_ERROR with WSAENOTCONN / WSAEINVAL (bad `how`).
   */
  shutdown(s: number, how: number): number;

  /**
   * setsockopt: values are 4 bytes little-endian (`struct linger` is two u16). SO_KEEPALIVE and
   * TCP_NODELAY are applied to the relay's real socket; SO_RCVTIMEO / SO_SNDTIMEO (ms, 0 = forever)
   * bound blocking calls; IPV6_V6ONLY only before bind. Returns 0, or SOCKET_ERROR with WSAEFAULT
   * (`optlen` smaller than the value), WSAENOPROTOOPT (an option the level does not have) or
   * WSAEINVAL (unknown level).
   */
  setsockopt(s: number, level: number, optname: number, optval: Uint8Array | null, optlen: number): number;

  /**
   * getsockopt: writes the option's value into `optval` and its size into `optlen.value`. SO_ERROR
   * is the last asynchronous error (a failed non-blocking connect); SO_CONNECT_TIME is seconds
   * connected (0xFFFFFFFF when not). Returns 0, or SOCKET_ERROR with WSAEFAULT, WSAENOPROTOOPT or
   * WSAEINVAL, as setsockopt.
   */
  getsockopt(s: number, level: number, optname: number, optval: Uint8Array | null, optlen: Ref | null): number;

  /**
   * getsockname: the local sockaddr into `name` (its length in `namelen.value`): after bind the
   * recorded address (port 0 stays 0); once the relay opened the socket, its real local address
   * and port. SOCKET_ERROR with WSAEINVAL before bind/connect, WSAEFAULT for a short buffer.
   */
  getsockname(s: number, name: Uint8Array | null, namelen: Ref | null): number;

  /**
   * getpeername: the peer's sockaddr into `name`. SOCKET_ERROR with WSAENOTCONN unless connected
   * (TCP) or a default peer is set (UDP); WSAEFAULT for a short buffer.
   */
  getpeername(s: number, name: Uint8Array | null, namelen: Ref | null): number;

  // ── The connect family ────────────────────────────────────────────────────────────────────

  /**
   * connect: WSAConnect without connect data or QOS. TCP blocking: settles with 0 or SOCKET_ERROR
   * when the relay reports the outcome; non-blocking: SOCKET_ERROR with WSAEWOULDBLOCK at once, the
   * outcome through select, WSAEventSelect or WSAAsyncSelect (FD_CONNECT). Errors: WSAEALREADY
   * (pending), WSAEISCONN, WSAEINVAL (listening), WSAEADDRNOTAVAIL (all-zero address or port 0),
   * WSAEFAULT (`namelen` too small), WSAEAFNOSUPPORT (other family), WSAECONNREFUSED, WSAETIMEDOUT,
   * WSAENETUNREACH / WSAEHOSTUNREACH, WSAEACCES (relay policy), WSAENETDOWN (relay unreachable or
   * lost). UDP: sets, changes or dissolves (all-zero / AF_UNSPEC) the default destination.
   */
  connect(s: number, name: Uint8Array, namelen: number): Promise<number>;

  /**
   * WSAConnect: connect with connect data and QOS, following Microsoft's reference. TCP carries no
   * connect data: `lpCallerData` with bytes → WSAEPROTONOSUPPORT; `lpCalleeData.len` is set to 0.
   * UDP ignores connect data. `lpGQOS` must be null (WSAEINVAL); `lpSQOS` must ask for no guarantee
   * (best effort, no traffic, no change, general information), else WSAEOPNOTSUPP. Otherwise as
   * connect: 0, or SOCKET_ERROR with the last error set.
   */
  WSAConnect(
    s: number,
    name: Uint8Array,
    namelen: number,
    lpCallerData: WSABUF | null,
    lpCalleeData: WSABUF | null,
    lpSQOS: object | null,
    lpGQOS: object | null,
  ): Promise<number>;

  /**
   * WSAConnectByName: resolves `nodename`/`servicename` through the relay (a dual-stack AF_INET6
   * socket also gets IPv4 addresses, mapped) and tries every address in order until one connects,
   * within `timeout` overall. Waits whatever the socket's blocking mode. Resolves true and fills
   * the optional local/remote sockaddr outputs (the local one with port 0, as Windows); false
   * with WSAETIMEDOUT, WSAEACCES (every candidate refused by policy), a resolution error, or the
   * last attempt's error. No name or service, or a non-null `Reserved` → WSAEINVAL; a datagram
   * socket → WSAEFAULT.
   */
  WSAConnectByName(
    s: number,
    nodename: string | null,
    servicename: string | null,
    LocalAddressLength: Ref | null,
    LocalAddress: Uint8Array | null,
    RemoteAddressLength: Ref | null,
    RemoteAddress: Uint8Array | null,
    timeout: timeval | null,
    Reserved: object | null,
  ): Promise<boolean>;

  /**
   * WSAConnectByList: WSAConnectByName over an explicit list of addresses
   * (`{ iAddressCount, Address: [{ lpSockaddr, iSockaddrLength }] }`): true, or false with the
   * last error set.
   */
  WSAConnectByList(
    s: number,
    SocketAddress: SOCKET_ADDRESS_LIST,
    LocalAddressLength: Ref | null,
    LocalAddress: Uint8Array | null,
    RemoteAddressLength: Ref | null,
    RemoteAddress: Uint8Array | null,
    timeout: timeval | null,
    Reserved: object | null,
  ): Promise<boolean>;

  /**
   * ConnectEx (also handed out by WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER, WSAID_CONNECTEX)):
   * starts a connect on a bound TCP socket and resolves false with WSA_IO_PENDING; on completion
   * the optional send buffer is sent, the WSAOVERLAPPED gets its status and the bytes sent
   * (InternalHigh), and its event is set. As Windows: an unbound socket → false with WSAEINVAL;
   * lpOverlapped null → WSA_INVALID_PARAMETER; a refused call leaves Internal STATUS_PENDING; once
   * connected, connect on the socket is WSAEINVAL until SO_UPDATE_CONNECT_CONTEXT is set.
   */
  ConnectEx(
    s: number,
    name: Uint8Array,
    namelen: number,
    lpSendBuffer: Uint8Array | null,
    dwSendDataLength: number,
    lpdwBytesSent: Ref | null,
    lpOverlapped: WSAOVERLAPPED | null,
  ): Promise<boolean>;

  /**
   * DisconnectEx (also handed out by WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER,
   * WSAID_DISCONNECTEX)): shutdown(SD_SEND), the graceful close Windows starts; true at once
   * without lpOverlapped, else false + WSA_IO_PENDING and a completion with 0 bytes. Not
   * connected → WSAENOTCONN.
   */
  DisconnectEx(s: number, lpOverlapped: WSAOVERLAPPED | null, dwFlags: number, dwReserved: number): boolean;

  // ── Inbound connections ───────────────────────────────────────────────────────────────────

  /**
   * accept: the next inbound connection as a new connected socket, its peer sockaddr in `addr`
   * (optional). Blocking waits; non-blocking → INVALID_SOCKET with WSAEWOULDBLOCK. Not listening
   * → WSAEINVAL; a relay that refused to listen (its inbound policy) → WSAEACCES.
   */
  accept(s: number, addr: Uint8Array | null, addrlen: Ref | null): Promise<number>;

  /**
   * WSAAccept: accept with a condition function deciding from the caller's address: CF_ACCEPT
   * (the new socket), CF_REJECT (the connection is reset; INVALID_SOCKET with WSAECONNREFUSED) or
   * CF_DEFER (it stays queued; INVALID_SOCKET with WSATRY_AGAIN). Otherwise as accept.
   */
  WSAAccept(
    s: number,
    addr: Uint8Array | null,
    addrlen: Ref | null,
    lpfnCondition: ConditionProc | null,
    dwCallbackData: number,
  ): Promise<number>;

  /**
   * AcceptEx: accepts into `sAcceptSocket` (a fresh, unbound TCP socket) as an overlapped
   * operation: false + WSA_IO_PENDING, then — once a connection arrived and, if
   * dwReceiveDataLength > 0, its first bytes — lpOutputBuffer holds the data and the local and
   * remote address blocks, and the WSAOVERLAPPED completes with the byte count. As Windows: no
   * WSAOVERLAPPED → WSA_INVALID_PARAMETER; a remote address length of 0 → WSAEFAULT; a local one of
   * 0 writes no local address; one short of the sockaddr size + 16 completes, once a connection
   * waits, with WSAEFAULT and leaves it queued; a socket already being accepted into → WSAEINVAL
   * (so is connect on it); closing either socket completes it with WSA_OPERATION_ABORTED.
   */
  AcceptEx(
    sListenSocket: number,
    sAcceptSocket: number,
    lpOutputBuffer: Uint8Array | null,
    dwReceiveDataLength: number,
    dwLocalAddressLength: number,
    dwRemoteAddressLength: number,
    lpdwBytesReceived: Ref | null,
    lpOverlapped: WSAOVERLAPPED | null,
  ): Promise<boolean>;

  /**
   * GetAcceptExSockaddrs: reads the local and remote sockaddrs out of an AcceptEx output buffer
   * into `{ value }` refs (`LocalSockaddr.value` / `RemoteSockaddr.value` get Uint8Arrays, the
   * lengths their sizes). Returns nothing, as Windows.
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
  ): void;

  // ── Data ──────────────────────────────────────────────────────────────────────────────────

  /**
   * send: the number of bytes taken (copied). Blocking waits for relay credit until every byte is
   * taken (SO_SNDTIMEO expiry → WSAETIMEDOUT); non-blocking takes what the credit allows, or fails
   * with WSAEWOULDBLOCK at zero credit (FD_WRITE follows). SOCKET_ERROR with WSAENOTCONN,
   * WSAESHUTDOWN, WSAECONNRESET, WSAECONNABORTED (relay lost), WSAEOPNOTSUPP (MSG_OOB).
   */
  send(s: number, buf: Uint8Array, len: number, flags: number): Promise<number>;

  /**
   * recv: the number of bytes received into `buf`, 0 after the peer's FIN. Buffered bytes return at
   * once; blocking waits for data, FIN or an error (SO_RCVTIMEO → WSAETIMEDOUT); non-blocking →
   * WSAEWOULDBLOCK. MSG_PEEK leaves the bytes; MSG_WAITALL fills the buffer unless FIN or an error
   * comes first (WSAEOPNOTSUPP on a non-blocking socket or with MSG_PEEK). SOCKET_ERROR with
   * WSAENOTCONN, WSAESHUTDOWN, WSAECONNRESET, WSAECONNABORTED, WSAEOPNOTSUPP (MSG_OOB).
   */
  recv(s: number, buf: Uint8Array, len: number, flags: number): Promise<number>;

  /**
   * sendto: UDP to `to` (or the connected peer when null), one datagram; the bytes sent.
   * TCP ignores `to`, as Windows. SOCKET_ERROR with WSAEMSGSIZE (above 65,507 / 65,527 bytes),
   * WSAEACCES (relay policy, or broadcast without SO_BROADCAST), WSAENOTCONN (no destination),
   * WSAEFAULT / WSAEAFNOSUPPORT (bad `to`).
   */
  sendto(s: number, buf: Uint8Array, len: number, flags: number, to: Uint8Array | null, tolen: number): Promise<number>;

  /**
   * recvfrom: the next datagram and its source (`from`/`fromlen`, optional). A datagram larger
   * than `len` is truncated: SOCKET_ERROR with WSAEMSGSIZE, the first `len` bytes in `buf`, the
   * rest gone. A socket never bound → WSAEINVAL; `fromlen` too small for the family → WSAEFAULT.
   */
  recvfrom(
    s: number,
    buf: Uint8Array,
    len: number,
    flags: number,
    from: Uint8Array | null,
    fromlen: Ref | null,
  ): Promise<number>;

  /**
   * WSASend: gathers the buffers into one send; 0 with the count in `lpNumberOfBytesSent` (and
   * the last error 0), or SOCKET_ERROR as send; neither `lpNumberOfBytesSent` nor `lpOverlapped`
   * → WSAEFAULT. With `lpOverlapped`: SOCKET_ERROR + WSA_IO_PENDING, completed in the background
   * through the WSAOVERLAPPED and its event, or, when a completion routine is given, the routine
   * instead (the event is then left alone, as Windows).
   */
  WSASend(
    s: number,
    lpBuffers: WSABUF[],
    dwBufferCount: number,
    lpNumberOfBytesSent: Ref | null,
    dwFlags: number,
    lpOverlapped: WSAOVERLAPPED | null,
    lpCompletionRoutine: CompletionRoutine | null,
  ): Promise<number>;

  /**
   * WSARecv: scatters into the buffers in order; 0 with the count in `lpNumberOfBytesRecvd`
   * (`*lpFlags` is in/out, 0 on return), or SOCKET_ERROR as recv (WSAEFAULT for bad WSABUFs).
   * Overlapped with `lpOverlapped`, as WSASend.
   */
  WSARecv(
    s: number,
    lpBuffers: WSABUF[],
    dwBufferCount: number,
    lpNumberOfBytesRecvd: Ref | null,
    lpFlags: Ref | null,
    lpOverlapped: WSAOVERLAPPED | null,
    lpCompletionRoutine: CompletionRoutine | null,
  ): Promise<number>;

  /**
   * WSASendTo: WSASend with a destination (UDP); errors as sendto, and WSAEFAULT without
   * `lpNumberOfBytesSent` or `lpOverlapped`. The first successful one binds an unbound socket.
   */
  WSASendTo(
    s: number,
    lpBuffers: WSABUF[],
    dwBufferCount: number,
    lpNumberOfBytesSent: Ref | null,
    dwFlags: number,
    lpTo: Uint8Array | null,
    iTolen: number,
    lpOverlapped: WSAOVERLAPPED | null,
    lpCompletionRoutine: CompletionRoutine | null,
  ): Promise<number>;

  /** WSARecvFrom: WSARecv that also reports the source address (UDP); errors as recvfrom. */
  WSARecvFrom(
    s: number,
    lpBuffers: WSABUF[],
    dwBufferCount: number,
    lpNumberOfBytesRecvd: Ref | null,
    lpFlags: Ref | null,
    lpFrom: Uint8Array | null,
    lpFromlen: Ref | null,
    lpOverlapped: WSAOVERLAPPED | null,
    lpCompletionRoutine: CompletionRoutine | null,
  ): Promise<number>;

  /**
   * WSASendMsg: WSASendTo with its arguments in `lpMsg` (`name`/`namelen` the destination of a
   * UDP datagram, ignored by TCP). Control data is accepted and not applied (the relay's socket
   * chooses the source address). 0 with the count in `lpNumberOfBytesSent`, or SOCKET_ERROR as
   * sendto; no `lpMsg`, or neither `lpNumberOfBytesSent` nor `lpOverlapped` → WSAEFAULT.
   * Overlapped with `lpOverlapped`, as WSASend. Also handed out by WSAIoctl (WSAID_WSASENDMSG).
   */
  WSASendMsg(
    s: number,
    lpMsg: WSAMSG | null,
    dwFlags: number,
    lpNumberOfBytesSent: Ref | null,
    lpOverlapped: WSAOVERLAPPED | null,
    lpCompletionRoutine: CompletionRoutine | null,
  ): Promise<number>;

  /**
   * WSARecvMsg (Windows hands it out only through WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER,
   * WSAID_WSARECVMSG); here it is on the object as well): WSARecvFrom with its arguments in
   * `lpMsg`, plus control data in `lpMsg.Control` (32-bit Windows layout, readControlMessages):
   * IN_PKTINFO when IP_PKTINFO is set and the datagram is IPv4, IN6_PKTINFO when IPV6_PKTINFO is
   * set and it is IPv6 — with the socket's own address (the unspecified one when bound to the
   * wildcard: the relay does not see a datagram's destination) and interface 1 (loopback) for a
   * loopback source, else 0. On return `Control.len` is the control bytes written, `namelen` the
   * source's size, `dwFlags` MSG_TRUNC (datagram cut) | MSG_CTRUNC (control data did not fit),
   * both failing with WSAEMSGSIZE with the data delivered (overlapped: WSAGetOverlappedResult). No `lpMsg`, or neither
   * `lpdwNumberOfBytesRecvd` nor `lpOverlapped` → WSAEFAULT. On TCP it is WSARecv.
   */
  WSARecvMsg(
    s: number,
    lpMsg: WSAMSG | null,
    lpdwNumberOfBytesRecvd: Ref | null,
    lpOverlapped: WSAOVERLAPPED | null,
    lpCompletionRoutine: CompletionRoutine | null,
  ): Promise<number>;

  /**
   * WSAGetOverlappedResult: with `fWait`, a Promise that settles when the operation completes;
   * without, at once: false + WSA_IO_INCOMPLETE while pending. On completion `lpcbTransfer` gets
   * the byte count and the result is true, or false with the operation's error.
   */
  WSAGetOverlappedResult(
    s: number,
    lpOverlapped: WSAOVERLAPPED,
    lpcbTransfer: Ref,
    fWait: boolean,
    lpdwFlags: Ref | null,
  ): boolean | Promise<boolean>;

  // ── Readiness and events ──────────────────────────────────────────────────────────────────

  /**
   * select: waits until a socket in readfds is readable (data, FIN, reset), one in writefds is
   * writable (connected with send credit), or one in exceptfds had its non-blocking connect fail;
   * rewrites the sets in place to the ready sockets and resolves their count (0 on timeout;
   * `timeout` null waits forever, `{0,0}` polls). nfds is ignored, as on Windows. SOCKET_ERROR
   * with WSAEINVAL (all sets empty) or WSAENOTSOCK (a value that is no socket).
   */
  select(
    nfds: number,
    readfds: FdSet | null,
    writefds: FdSet | null,
    exceptfds: FdSet | null,
    timeout: timeval | null,
  ): Promise<number>;

  /**
   * WSAPoll: waits until a socket of `fdArray[0..fds)` has one of its `events` (POLLRDNORM,
   * POLLRDBAND, POLLWRNORM) or a hang-up or error, or `timeout` ms pass (negative: forever, 0:
   * just look), and writes each `revents` in place. POLLHUP, POLLERR and POLLNVAL are reported
   * whatever was asked; a peer's orderly close is POLLHUP once its data is read; a failed
   * non-blocking connect is POLLHUP | POLLERR. Resolves the number of entries with revents (0 on
   * timeout), or SOCKET_ERROR with WSAENOTSOCK (no entry is a socket; each gets POLLNVAL),
   * WSAEINVAL (other `events` bits, or fds 0) or WSAEFAULT (a missing or short array).
   */
  WSAPoll(fdArray: WSAPOLLFD[] | null, fds: number, timeout: number): Promise<number>;

  /** WSACreateEvent: a manual-reset event, initially non-signalled. */
  WSACreateEvent(): WsaEvent;

  /** WSACloseEvent: closes the event; true, or false with WSA_INVALID_HANDLE if already closed. */
  WSACloseEvent(hEvent: WsaEvent): boolean;

  /** WSASetEvent: signals the event; true, or false with WSA_INVALID_HANDLE for a closed one. */
  WSASetEvent(hEvent: WsaEvent): boolean;

  /** WSAResetEvent: makes the event non-signalled; true, or false with WSA_INVALID_HANDLE. */
  WSAResetEvent(hEvent: WsaEvent): boolean;

  /**
   * WSAEventSelect: associates `hEventObject` with the FD_* events in `lNetworkEvents`, replacing
   * any earlier selection; makes the socket non-blocking (FIONBIO 0 then fails with WSAEINVAL),
   * clears the event record, and records conditions that already hold. lNetworkEvents 0 cancels
   * the association (the socket stays non-blocking). Returns 0, or SOCKET_ERROR with WSAENOTSOCK
   * / WSAEINVAL.
   */
  WSAEventSelect(s: number, hEventObject: WsaEvent | null, lNetworkEvents: number): number;

  /**
   * WSAEnumNetworkEvents: fills `lpNetworkEvents` in place (lNetworkEvents, and iErrorCode[FD_*_BIT]
   * of the events reported only),
   * clears the record and resets `hEventObject`. Returns 0, or SOCKET_ERROR with WSAENOTSOCK.
   */
  WSAEnumNetworkEvents(s: number, hEventObject: WsaEvent | null, lpNetworkEvents: WSANETWORKEVENTS): number;

  /**
   * WSAWaitForMultipleEvents: WSA_WAIT_EVENT_0 + i for the lowest signalled event (fWaitAll
   * false) or when all are signalled (true); WSA_WAIT_TIMEOUT after dwTimeout ms (WSA_INFINITE =
   * forever); WSA_WAIT_FAILED with WSA_INVALID_PARAMETER (bad count) / WSA_INVALID_HANDLE (a closed
   * event).
   */
  WSAWaitForMultipleEvents(
    cEvents: number,
    lphEvents: WsaEvent[],
    fWaitAll: boolean,
    dwTimeout: number,
    fAlertable: boolean,
  ): Promise<number>;

  /**
   * WSAAsyncSelect: `hWnd` is a window procedure called as hWnd(wMsg, socket,
   * WSAMAKESELECTREPLY(event, error)) for each recorded event, after the call that caused it
   * returns, in order. Makes the socket non-blocking and replaces any earlier selection; lEvent 0
   * cancels. Returns 0, or SOCKET_ERROR with WSAENOTSOCK / WSAEINVAL.
   */
  WSAAsyncSelect(s: number, hWnd: WindowProc, wMsg: number, lEvent: number): number;

  // ── Socket control ────────────────────────────────────────────────────────────────────────

  /**
   * ioctlsocket: FIONBIO (`argp.value` nonzero = non-blocking; a socket with WSAEventSelect /
   * WSAAsyncSelect events cannot go back to blocking: WSAEINVAL), FIONREAD (TCP: bytes buffered;
   * UDP: size of the next datagram), SIOCATMARK (always TRUE: urgent data is not relayed).
   * Returns 0, or SOCKET_ERROR with WSAEINVAL for other commands.
   */
  ioctlsocket(s: number, cmd: number, argp: Ref): number;

  /**
   * WSAIoctl: FIONBIO, FIONREAD and SIOCATMARK with u_long buffers; SIO_KEEPALIVE_VALS with a
   * 12-byte `struct tcp_keepalive` (keep-alive on/off and its idle time, applied to the relay's
   * socket within the relay's bounds); and SIO_GET_EXTENSION_FUNCTION_POINTER with lpvInBuffer = a GUID (WSAID_CONNECTEX, WSAID_ACCEPTEX,
   * WSAID_GETACCEPTEXSOCKADDRS) and lpvOutBuffer = a `{ value }` ref that receives the function.
   * Completes at once: 0, or SOCKET_ERROR with WSAEOPNOTSUPP (other codes), WSAEFAULT / WSAEINVAL.
   */
  WSAIoctl(
    s: number,
    dwIoControlCode: number,
    lpvInBuffer: Uint8Array | null,
    cbInBuffer: number,
    lpvOutBuffer: Uint8Array | { value: unknown } | null,
    cbOutBuffer: number,
    lpcbBytesReturned: Ref | null,
    lpOverlapped: WSAOVERLAPPED | null,
    lpCompletionRoutine: null,
  ): number;

  // ── Names and address text ────────────────────────────────────────────────────────────────

  /**
   * getaddrinfo: resolves 0 with `ppResult.value` = the first ADDRINFO of the chain, or the error
   * code (also the last error): WSAHOST_NOT_FOUND, WSANO_DATA, WSATRY_AGAIN, WSANO_RECOVERY,
   * WSAEAFNOSUPPORT, WSAESOCKTNOSUPPORT, WSATYPE_NOT_FOUND (unknown service), WSAEINVAL (bad
   * flags), WSAENETDOWN (relay unreachable). Numeric and null hosts are answered in the page;
   * names go to the relay.
   */
  getaddrinfo(
    pNodeName: string | null,
    pServiceName: string | null,
    pHints: Partial<ADDRINFO> | null,
    ppResult: { value: ADDRINFO | null } | null,
  ): Promise<number>;

  /** GetAddrInfoW: getaddrinfo with wide strings (JavaScript strings are already Unicode). */
  GetAddrInfoW(
    pNodeName: string | null,
    pServiceName: string | null,
    pHints: Partial<ADDRINFO> | null,
    ppResult: { value: ADDRINFO | null } | null,
  ): Promise<number>;

  /** freeaddrinfo: nothing to free in JavaScript; accepts the chain for symmetry. */
  freeaddrinfo(pAddrInfo: ADDRINFO | null): void;

  /** FreeAddrInfoW: freeaddrinfo for GetAddrInfoW's chain. */
  FreeAddrInfoW(pAddrInfo: ADDRINFO | null): void;

  /**
   * GetAddrInfoExW: getaddrinfo's lookup (the same name rules, numeric hosts answered in the page,
   * names by the relay) giving ADDRINFOEXW links (ai_blob null, ai_bloblen 0, ai_provider null).
   * `dwNameSpace` NS_ALL or NS_DNS and `lpNspId` null, else WSAEINVAL. Returns the error code,
   * also set as the last error: 0, WSAHOST_NOT_FOUND for no name and no service (at once, also in
   * the overlapped form), getaddrinfo's codes, WSAETIMEDOUT when `timeout` expires first.
   * With `lpOverlapped`, returns WSA_IO_PENDING at once (`ppResult.value` null, `Internal`
   * WSAEINPROGRESS); on completion `ppResult.value` is the chain, `Internal` the error and
   * `Pointer` is `ppResult`, then `hEvent` is set or `lpCompletionRoutine(error, 0, overlapped)`
   * runs (queued). An event and a routine together, or a routine without an OVERLAPPED:
   * WSAEINVAL. `lpHandle.value` receives the handle GetAddrInfoExCancel takes.
   */
  GetAddrInfoExW(
    pName: string | null,
    pServiceName: string | null,
    dwNameSpace: number,
    lpNspId: null,
    hints: Partial<ADDRINFOEXW> | null,
    ppResult: AddrInfoExResult | null,
    timeout: timeval | null,
    lpOverlapped: GAI_OVERLAPPED | null,
    lpCompletionRoutine: LookupCompletionRoutine | null,
    lpHandle: Ref | null,
  ): Promise<number>;

  /**
   * GetAddrInfoExOverlappedResult: the status of an overlapped GetAddrInfoExW: WSAEINPROGRESS
   * while it runs, then its error code (0 on success); WSAEINVAL for a null OVERLAPPED.
   */
  GetAddrInfoExOverlappedResult(lpOverlapped: GAI_OVERLAPPED | null): number;

  /**
   * GetAddrInfoExCancel: completes a pending overlapped GetAddrInfoExW at once with
   * WSA_E_CANCELLED (result null; its event is set or its routine runs). Returns 0, or
   * WSA_INVALID_HANDLE for a handle that is not a pending lookup.
   */
  GetAddrInfoExCancel(lpHandle: Ref | null): number;

  /** FreeAddrInfoExW: nothing to free in JavaScript; accepts the chain for symmetry. */
  FreeAddrInfoExW(pAddrInfoEx: ADDRINFOEXW | null): void;

  /** gai_strerror: Windows' message for a getaddrinfo error code. */
  gai_strerror(ecode: number): string;

  /**
   * getnameinfo: host and service text for a sockaddr (a Promise: a host name is a reverse
   * lookup at the relay). Without NI_NUMERICHOST the host is the address's PTR name (RESOLVE
   * REVERSE, under the relay's policy: a refused address or name counts as having no name);
   * without a name, the numeric text (with `%scope`), or WSAHOST_NOT_FOUND under NI_NAMEREQD.
   * NI_NOFQDN keeps the first label; the service name comes from the table unless
   * NI_NUMERICSERV (NI_DGRAM: the UDP one). Returns 0 or the error code (also the last error):
   * WSAEFAULT for a short sockaddr or a buffer smaller than the text + NUL, WSAEAFNOSUPPORT for
   * another family, WSAHOST_NOT_FOUND for neither buffer.
   */
  getnameinfo(
    pSockaddr: Uint8Array,
    SockaddrLength: number,
    pNodeBuffer: { value: string } | null,
    NodeBufferSize: number,
    pServiceBuffer: { value: string } | null,
    ServiceBufferSize: number,
    Flags: number,
  ): Promise<number>;

  /**
   * gethostbyname: IPv4 addresses of a name (a Promise: the relay resolves it). null with
   * WSAHOST_NOT_FOUND / WSANO_DATA / WSATRY_AGAIN / WSAENETDOWN as the last error.
   */
  gethostbyname(name: string): Promise<HOSTENT | null>;

  /**
   * gethostname: writes the page's host name (`localhost` outside a page), NUL-terminated, into
   * `name`. Returns 0, or SOCKET_ERROR with WSAEFAULT when it does not fit in `namelen`.
   */
  gethostname(name: Uint8Array | null, namelen: number): number;

  /** getservbyname: the well-known service (s_port in network order), or null with WSANO_DATA. */
  getservbyname(name: string, proto: string | null): SERVENT | null;

  /** getservbyport: the service for `port` (in network order, as Windows), or null with WSANO_DATA. */
  getservbyport(port: number, proto: string | null): SERVENT | null;

  /**
   * getprotobyname: the entry of Windows' protocol table whose name or alias is `name` (any case:
   * "tcp", "TCP", "Tcp"), p_aliases holding the capitalised name; or null with WSANO_DATA.
   */
  getprotobyname(name: string): PROTOENT | null;

  /** getprotobynumber: the protocol table's entry for `number` (6 → "tcp"), or null with WSANO_DATA. */
  getprotobynumber(number: number): PROTOENT | null;

  /**
   * WSAAsyncGetHostByName: gethostbyname in the background. Returns a nonzero task handle at
   * once (0 with WSANOTINITIALISED; WSAEINVAL when hWnd is no function; WSAEFAULT without
   * `buf` or a string name), then calls hWnd(wMsg, handle, WSAMAKEASYNCREPLY(size, error)) after
   * the call returned: error 0 and the HOSTENT in buf.value; WSAENOBUFS with the needed size
   * when `buflen` is below the bytes the entry takes in 32-bit Windows' layout (MAXGETHOSTSTRUCT
   * holds any one name); or gethostbyname's error (WSAHOST_NOT_FOUND, WSANO_DATA…).
   */
  WSAAsyncGetHostByName(
    hWnd: WindowProc,
    wMsg: number,
    name: string,
    buf: AsyncEntryRef<HOSTENT>,
    buflen: number,
  ): number;

  /**
   * WSAAsyncGetHostByAddr: the host entry of an address (`len` 4 for AF_INET, 16 for AF_INET6):
   * its PTR name, asked of the relay under its policy as getnameinfo does. No name →
   * WSAHOST_NOT_FOUND in the reply; a wrong `len` → WSAEFAULT, another `type` → WSAEAFNOSUPPORT.
   */
  WSAAsyncGetHostByAddr(
    hWnd: WindowProc,
    wMsg: number,
    addr: Uint8Array,
    len: number,
    type: number,
    buf: AsyncEntryRef<HOSTENT>,
    buflen: number,
  ): number;

  /** WSAAsyncGetServByName: getservbyname as a message (WSANO_DATA in the reply when unknown). */
  WSAAsyncGetServByName(
    hWnd: WindowProc,
    wMsg: number,
    name: string,
    proto: string | null,
    buf: AsyncEntryRef<SERVENT>,
    buflen: number,
  ): number;

  /** WSAAsyncGetServByPort: getservbyport (port in network order) as a message. */
  WSAAsyncGetServByPort(
    hWnd: WindowProc,
    wMsg: number,
    port: number,
    proto: string | null,
    buf: AsyncEntryRef<SERVENT>,
    buflen: number,
  ): number;

  /** WSAAsyncGetProtoByName: Windows' protocol table (`tcp` → 6, alias `TCP`), WSANO_DATA if unknown. */
  WSAAsyncGetProtoByName(
    hWnd: WindowProc,
    wMsg: number,
    name: string,
    buf: AsyncEntryRef<PROTOENT>,
    buflen: number,
  ): number;

  /** WSAAsyncGetProtoByNumber: the protocol numbered `number`, WSANO_DATA if none. */
  WSAAsyncGetProtoByNumber(
    hWnd: WindowProc,
    wMsg: number,
    number: number,
    buf: AsyncEntryRef<PROTOENT>,
    buflen: number,
  ): number;

  /**
   * WSACancelAsyncRequest: 0, and the task's message is never posted; SOCKET_ERROR with
   * WSAEINVAL for a handle that is no pending task (unknown, already completed or cancelled).
   */
  WSACancelAsyncRequest(hAsyncTaskHandle: number): number;

  /**
   * inet_pton: 1 on success (the address bytes written to pAddrBuf), 0 for text that is no
   * address of `Family` (the bytes Windows read before it found that are still written), -1 with
   * WSAEFAULT (no text or buffer) / WSAEAFNOSUPPORT.
   */
  inet_pton(Family: number, pszAddrString: string | null, pAddrBuf: Uint8Array | null): number;

  /** inet_ntop: the address text (IPv6 as Windows writes it: RFC 5952, ::a.b.c.d tails), or null with WSAEAFNOSUPPORT / WSAEFAULT. */
  inet_ntop(Family: number, pAddr: Uint8Array): string | null;

  /** InetPtonW: inet_pton with a wide string (JavaScript strings are already Unicode); 0 also sets WSAEINVAL. */
  InetPtonW(Family: number, pszAddrString: string | null, pAddrBuf: Uint8Array | null): number;

  /** InetNtopW: inet_ntop giving a wide string; null with WSAEAFNOSUPPORT / WSAEFAULT. */
  InetNtopW(Family: number, pAddr: Uint8Array): string | null;

  /**
   * WSAAddressToStringA: the text of a sockaddr, in Windows' forms: "192.0.2.1", "192.0.2.1:80",
   * "2001:db8::1", "fe80::1%4" (scope id), "[2001:db8::1]:80", "[fe80::1%4]:80" (a port of 0 is
   * left out). `lpdwAddressStringLength` is in/out and counts the NUL. Returns 0, or
   * SOCKET_ERROR with WSAEFAULT when the buffer is null or shorter than the text (the needed
   * length is written back), when `lpsaAddress` is null or shorter than its family's sockaddr;
   * WSAEINVAL for a family that is not AF_INET / AF_INET6; WSANOTINITIALISED before WSAStartup.
   * `lpProtocolInfo` must be null.
   */
  WSAAddressToStringA(
    lpsaAddress: Uint8Array | null,
    dwAddressLength: number,
    lpProtocolInfo: null,
    lpszAddressString: StringRef | null,
    lpdwAddressStringLength: Ref | null,
  ): number;

  /** WSAAddressToStringW: WSAAddressToStringA with a wide string; the length counts WCHARs. */
  WSAAddressToStringW(
    lpsaAddress: Uint8Array | null,
    dwAddressLength: number,
    lpProtocolInfo: null,
    lpszAddressString: StringRef | null,
    lpdwAddressStringLength: Ref | null,
  ): number;

  /**
   * WSAStringToAddressA: numeric address text to a sockaddr (no name lookup, as Windows). AF_INET
   * takes Windows' loose forms ("1.2", "0x7f.1", "0777", a port after ':' in decimal, 0 octal or
   * 0x hex, 1–65535); AF_INET6 "::1", "fe80::1%4", "[::1]", "[::1]:80". Returns 0 and sets
   * `lpAddressLength` to the sockaddr's size; SOCKET_ERROR with WSAEFAULT (and the needed size
   * written back) when `lpAddressLength` is smaller than that sockaddr; WSAEINVAL for text that is
   * no address of the family (the sockaddr is left with sa_family 0) or another family.
   */
  WSAStringToAddressA(
    AddressString: string | null,
    AddressFamily: number,
    lpProtocolInfo: null,
    lpAddress: Uint8Array | null,
    lpAddressLength: Ref | null,
  ): number;

  /** WSAStringToAddressW: WSAStringToAddressA with a wide string. */
  WSAStringToAddressW(
    AddressString: string | null,
    AddressFamily: number,
    lpProtocolInfo: null,
    lpAddress: Uint8Array | null,
    lpAddressLength: Ref | null,
  ): number;

  /** inet_addr: a dotted IPv4 address (BSD forms) in network order; INADDR_NONE when invalid (WSAEFAULT for null). */
  inet_addr(cp: string | null): number;

  /** inet_ntoa: dotted text of an IPv4 address given in network order. */
  inet_ntoa(inAddr: number): string;

  /** htons: host to network order, 16 bits (Windows is little-endian, so it swaps). */
  htons(v: number): number;

  /** ntohs: network to host order, 16 bits. */
  ntohs(v: number): number;

  /** htonl: host to network order, 32 bits (unsigned result). */
  htonl(v: number): number;

  /** ntohl: network to host order, 32 bits (unsigned result). */
  ntohl(v: number): number;
}
