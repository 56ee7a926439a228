/**
 * What the Winsock call groups (api/*.ts) share inside one createWinsock object: the socket
 * table, the last error, start-up state, the relay connection, overlapped operations, and the
 * calls of other groups (WSAIoctl hands out ConnectEx and AcceptEx; WSAConnectByName resolves
 * with getaddrinfo), reached through `calls` rather than passed around.
 */
import { WSAENOTSOCK, WSANOTINITIALISED, WSAEOPNOTSUPP } from '../win/constants.js';
import type { OverlappedOperations } from '../win/overlapped.js';
import type { SocketHost } from '../socket/base.js';
import type { DatagramSocket } from '../socket/udp.js';
import type { StreamSocket } from '../socket/tcp.js';
import type { acceptCalls } from './accept.js';
import type { connectCalls } from './connect.js';
import type { messageCalls } from './messages.js';
import type { nameCalls } from './names.js';

export type AnySocket = StreamSocket | DatagramSocket;

/**
 * The calls one group makes into another; each is missing when its group is not part of the
 * object (createWinsockWith without that feature), and the caller then answers as Windows does
 * for a call it cannot make.
 */
export type CrossGroupCalls = Partial<
  Pick<ReturnType<typeof nameCalls>, 'getaddrinfo'> &
    Pick<ReturnType<typeof acceptCalls>, 'AcceptEx' | 'GetAcceptExSockaddrs'> &
    Pick<ReturnType<typeof connectCalls>, 'ConnectEx' | 'DisconnectEx'> &
    Pick<ReturnType<typeof messageCalls>, 'WSARecvMsg' | 'WSASendMsg'>
>;

/** Makes the socket object of one socket type (a transport provider, in Windows' words). */
export type SocketProvider = (handle: number, af: number, host: SocketHost) => AnySocket;

export interface WinsockContext {
  readonly host: SocketHost;
  readonly sockets: Map<number, AnySocket>;
  readonly overlapped: OverlappedOperations;
  /** The socket types socket() can create (SOCK_STREAM, SOCK_DGRAM), by type. */
  readonly providers: ReadonlyMap<number, SocketProvider>;
  /** The other groups' calls (available once createWinsock assembled them, i.e. in every call). */
  readonly calls: CrossGroupCalls;
  /** True between WSAStartup and the last WSACleanup. */
  started(): boolean;
  /** Records `code` as the last error and returns `result` (SOCKET_ERROR by default). */
  failWith<T = number>(code: number, result?: T): T;
  setLastError(code: number): void;
  allocateHandle(): number;
}

/** The socket for `s`, or the error Windows gives before looking at anything else. */
export function lookupSocket(ctx: WinsockContext, s: number): AnySocket | number {
  if (!ctx.started()) return WSANOTINITIALISED;
  const socket = ctx.sockets.get(s);
  return socket && !socket.closed ? socket : WSAENOTSOCK;
}

/** The TCP socket for `s`, for calls a datagram socket does not have (WSAEOPNOTSUPP). */
export function lookupStream(ctx: WinsockContext, s: number): StreamSocket | number {
  const socket = lookupSocket(ctx, s);
  if (typeof socket === 'number') return socket;
  return socket.connectionless ? WSAEOPNOTSUPP : socket;
}

/** In/out integer (`int *`, `LPDWORD`). */
export interface Ref {
  value: number;
}
export interface WSABUF {
  len: number;
  buf: Uint8Array | null;
}
export interface timeval {
  tv_sec: number;
  tv_usec: number;
}

export function isRef(v: unknown): v is Ref {
  return typeof v === 'object' && v !== null && typeof (v as Ref).value === 'number';
}
