/**
 * What the Winsock call groups (api-*.ts) share inside one createWinsock object: the socket
 * table, the last error, start-up state, the relay connection and overlapped operations.
 */
import { WSAENOTSOCK, WSANOTINITIALISED } from '../win/constants.js';
import type { DatagramSocket } from '../socket/udp.js';
import type { OverlappedOperations } from '../win/overlapped.js';
import type { SocketHost } from '../socket/base.js';
import type { StreamSocket } from '../socket/tcp.js';

export type AnySocket = StreamSocket | DatagramSocket;

export interface WinsockContext {
  readonly host: SocketHost;
  readonly sockets: Map<number, AnySocket>;
  readonly overlapped: OverlappedOperations;
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

/** In/out integer (`int *`, `LPDWORD`). */
export interface Ref { value: number }
export interface WSABUF { len: number; buf: Uint8Array | null }
export interface timeval { tv_sec: number; tv_usec: number }

export function isRef(v: unknown): v is Ref {
  return typeof v === 'object' && v !== null && typeof (v as Ref).value === 'number';
}
