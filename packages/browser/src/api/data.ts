/**
 * Data calls: send, recv, sendto, recvfrom, WSASend, WSARecv, WSASendTo, WSARecvFrom — blocking,
 * non-blocking, and overlapped (lpOverlapped: SOCKET_ERROR + WSA_IO_PENDING, completion through
 * the WSAOVERLAPPED, its event, WSAGetOverlappedResult and an optional completion routine).
 */
import {
  AF_INET6,
  WSAEADDRNOTAVAIL,
  WSAEFAULT,
  WSAEINVAL,
  WSAEMSGSIZE,
  WSA_IO_PENDING,
  MSG_WAITALL,
} from '../win/constants.js';
import { isOverlapped, type CompletionRoutine, type OverlappedResult, type WSAOVERLAPPED } from '../win/overlapped.js';
import { SOCKADDR_IN6_SIZE, SOCKADDR_IN_SIZE, copySockaddrOut, isUnspecified, type SockAddr } from '../win/sockaddr.js';
import { destinationFor } from './connect.js';
import { isRef, lookupSocket, type AnySocket, type Ref, type WinsockContext, type WSABUF } from './context.js';

/** A transfer: runs the call (waiting even on a non-blocking socket when `forceWait`). */
export type Transfer = (forceWait: boolean) => Promise<OverlappedResult>;

/** Validates WSABUFs; returns their total length or WSAEFAULT. */
export function totalLength(buffers: WSABUF[], count: number): number {
  if (!Array.isArray(buffers) || !Number.isInteger(count) || count < 1 || count > buffers.length) return -1;
  let total = 0;
  for (let i = 0; i < count; i++) {
    const b = buffers[i];
    if (!b || !(b.buf instanceof Uint8Array) || !Number.isInteger(b.len) || b.len < 0 || b.len > b.buf.length)
      return -1;
    total += b.len;
  }
  return total;
}

/** The first `count` buffers' bytes in one array (totalLength validated them). */
export function gather(buffers: WSABUF[], count: number, total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const { buf, len } of buffers.slice(0, count)) {
    if (buf) out.set(buf.subarray(0, len), at);
    at += len;
  }
  return out;
}

export function scatter(buffers: WSABUF[], count: number, data: Uint8Array): void {
  let at = 0;
  for (const { buf, len } of buffers.slice(0, count)) {
    if (at >= data.length) break;
    const n = Math.min(len, data.length - at);
    buf?.set(data.subarray(at, at + n));
    at += n;
  }
}

export const result = (error: number, bytes = 0, flags = 0): OverlappedResult => ({ error, bytes, flags });

/** Resolves the `to` of sendto-like calls; a connection-oriented socket ignores it, as Windows does. */
export function destination(socket: AnySocket, to: Uint8Array | null, tolen: number): SockAddr | null | number {
  if (!socket.connectionless || to === null || to === undefined) return null;
  const addr = destinationFor(socket, to, tolen);
  if (typeof addr === 'number') return addr;
  if (isUnspecified(addr) || addr.port === 0) return WSAEADDRNOTAVAIL;
  return addr;
}

/** sockaddr size for a socket's family (recvfrom's `fromlen` must hold it). */
export function sockaddrSize(socket: AnySocket): number {
  return socket.family === AF_INET6 ? SOCKADDR_IN6_SIZE : SOCKADDR_IN_SIZE;
}

/** Runs a transfer now, or as an overlapped operation when lpOverlapped is given. */
export async function runTransfer(
  ctx: WinsockContext,
  socket: AnySocket,
  transfer: Transfer,
  lpOverlapped: WSAOVERLAPPED | null | undefined,
  routine: CompletionRoutine | null | undefined,
  atOnce = false,
): Promise<number> {
  if (lpOverlapped !== null && lpOverlapped !== undefined) {
    if (!isOverlapped(lpOverlapped)) return ctx.failWith(WSAEFAULT);
    if (atOnce) {
      // Completes now: the result is known before the call returns, as Windows' immediate success.
      const r = await transfer(false);
      ctx.overlapped.start(
        socket.handle,
        lpOverlapped,
        () => Promise.resolve(r),
        typeof routine === 'function' ? routine : null,
      );
      return r.error ? ctx.failWith(r.error) : succeeded(ctx);
    }
    ctx.overlapped.start(
      socket.handle,
      lpOverlapped,
      () => transfer(true),
      typeof routine === 'function' ? routine : null,
    );
    return ctx.failWith(WSA_IO_PENDING);
  }
  const r = await transfer(false);
  return r.error ? ctx.failWith(r.error) : succeeded(ctx);
}

/** A data call that succeeded clears the last error, as Windows (test_WSARecv, test_WSASendTo). */
function succeeded(ctx: WinsockContext): 0 {
  ctx.setLastError(0);
  return 0;
}

export function dataCalls(ctx: WinsockContext) {
  const { failWith } = ctx;
  const lookup = (s: number) => lookupSocket(ctx, s);

  const run = (
    socket: AnySocket,
    transfer: Transfer,
    lpOverlapped: WSAOVERLAPPED | null | undefined,
    routine: CompletionRoutine | null | undefined,
    atOnce = false,
  ) => runTransfer(ctx, socket, transfer, lpOverlapped, routine, atOnce);

  /** The bytes a send-like call sends, to `to` (UDP) or the connection. */
  function sendTransfer(
    socket: AnySocket,
    data: Uint8Array,
    flags: number,
    to: SockAddr | null,
    onDone: ((n: number) => void) | null,
  ): Transfer {
    return async (forceWait) => {
      const r = await socket.send(data, flags, to, forceWait);
      if (!r.ok) return result(r.error);
      onDone?.(r.n);
      return result(0, r.n);
    };
  }

  /** send/sendto: a blocking (or non-blocking) transfer with no overlapped; bytes sent or SOCKET_ERROR. */
  async function blockingSend(
    socket: AnySocket,
    data: Uint8Array,
    flags: number,
    dest: SockAddr | null,
  ): Promise<number> {
    let sent = 0;
    const code = await run(
      socket,
      sendTransfer(socket, data, flags | 0, dest, (n) => {
        sent = n;
      }),
      null,
      null,
    );
    return code === 0 ? sent : code;
  }

  /**
   * The bytes a receive-like call gets, written straight into `dest[0..len)`: TCP stream bytes,
   * or the next datagram (truncated → WSAEMSGSIZE with the truncated bytes delivered, as
   * Windows). `deliver` then reports the count and the source (and scatters, for several WSABUFs).
   */
  function recvTransfer(
    socket: AnySocket,
    dest: Uint8Array,
    len: number,
    flags: number,
    deliver: (n: number, from: SockAddr | null) => number,
  ): Transfer {
    return async (forceWait) => {
      const r = await socket.recv(dest, len, flags, forceWait);
      if (!r.ok) return result(r.error);
      const code = deliver(r.n, r.from);
      return result(code || (r.truncated ? WSAEMSGSIZE : 0), r.n);
    };
  }

  function checkBuffer(buf: Uint8Array, len: number): boolean {
    return buf instanceof Uint8Array && Number.isInteger(len) && len >= 0 && len <= buf.length;
  }

  /** `from`/`fromlen` of recvfrom-like calls: both null, or a buffer big enough for the family. */
  function checkFrom(socket: AnySocket, from: Uint8Array | null, fromlen: Ref | null): boolean {
    if (from === null || from === undefined) return true;
    return isRef(fromlen) && fromlen.value >= sockaddrSize(socket) && from.length >= sockaddrSize(socket);
  }

  /** Fills recvfrom's `from`/`fromlen` with a datagram's source (a stream socket reports none). */
  function copyFrom(address: SockAddr | null, from: Uint8Array | null, fromlen: Ref | null): number {
    if (!from || !fromlen || !address) return 0;
    return copySockaddrOut(address, from, fromlen);
  }

  /** WSASendTo, and WSASend with no destination. */
  async function wsaSendTo(
    s: number,
    lpBuffers: WSABUF[],
    dwBufferCount: number,
    lpNumberOfBytesSent: Ref | null,
    dwFlags: number,
    lpTo: Uint8Array | null,
    iTolen: number,
    lpOverlapped: WSAOVERLAPPED | null,
    lpCompletionRoutine: CompletionRoutine | null,
  ): Promise<number> {
    const socket = lookup(s);
    if (typeof socket === 'number') return failWith(socket);
    // Without an OVERLAPPED the byte count is where the result goes: required, as Windows
    // (test_WSASendTo; nothing is sent).
    if (!lpOverlapped && !isRef(lpNumberOfBytesSent)) return failWith(WSAEFAULT);
    const total = totalLength(lpBuffers, dwBufferCount);
    if (total < 0) return failWith(WSAEFAULT);
    const dest = destination(socket, lpTo, iTolen);
    if (typeof dest === 'number') return failWith(dest);
    const data = gather(lpBuffers, dwBufferCount, total);
    const done = lpOverlapped
      ? null
      : (n: number) => {
          if (lpNumberOfBytesSent) lpNumberOfBytesSent.value = n;
        };
    return run(socket, sendTransfer(socket, data, dwFlags | 0, dest, done), lpOverlapped, lpCompletionRoutine);
  }

  /** WSARecvFrom, and WSARecv (no source; a UDP socket then needs a default peer). */
  async function wsaRecvFrom(
    s: number,
    lpBuffers: WSABUF[],
    dwBufferCount: number,
    lpNumberOfBytesRecvd: Ref | null,
    lpFlags: Ref | null,
    lpFrom: Uint8Array | null,
    lpFromlen: Ref | null,
    lpOverlapped: WSAOVERLAPPED | null,
    lpCompletionRoutine: CompletionRoutine | null,
  ): Promise<number> {
    const socket = lookup(s);
    if (typeof socket === 'number') return failWith(socket);
    if (!isRef(lpFlags)) return failWith(WSAEFAULT);
    // No buffers at all is an invalid argument, not a bad pointer, as Windows (test_empty_recv).
    if (dwBufferCount === 0) return failWith(WSAEINVAL);
    const total = totalLength(lpBuffers, dwBufferCount);
    if (total < 0 || !checkFrom(socket, lpFrom, lpFromlen)) return failWith(WSAEFAULT);
    // No peer check: a bound datagram socket receives from anyone with recv/WSARecv too (an
    // unbound one fails with WSAEINVAL in the socket), as Windows.
    const now = socket.immediateReceiveError;
    if (now) return failWith(now);
    // One buffer: receive into it directly; several: into one scratch buffer, then scatter.
    const first = lpBuffers[0]?.buf;
    const dest = dwBufferCount === 1 && first ? first : new Uint8Array(total);
    // Stream bytes already buffered: an overlapped receive completes at once, returns 0 and
    // reports its bytes, its completion still signalled, as Windows (test_empty_recv).
    // (MSG_WAITALL may need more than is there; datagrams keep the pending path.)
    const waitAll = ((lpFlags.value | 0) & MSG_WAITALL) !== 0;
    const atOnce = !!lpOverlapped && !socket.connectionless && !waitAll && socket.available > 0;
    return run(
      socket,
      recvTransfer(socket, dest, total, lpFlags.value | 0, (n, source) => {
        if (dwBufferCount > 1) scatter(lpBuffers, dwBufferCount, dest.subarray(0, n));
        if ((!lpOverlapped || atOnce) && isRef(lpNumberOfBytesRecvd)) lpNumberOfBytesRecvd.value = n;
        lpFlags.value = 0;
        return copyFrom(source, lpFrom, lpFromlen);
      }),
      lpOverlapped,
      lpCompletionRoutine,
      atOnce,
    );
  }

  return {
    async send(s: number, buf: Uint8Array, len: number, flags: number): Promise<number> {
      const socket = lookup(s);
      if (typeof socket === 'number') return failWith(socket);
      if (!checkBuffer(buf, len)) return failWith(WSAEFAULT);
      return blockingSend(socket, buf.subarray(0, len), flags, null);
    },

    async recv(s: number, buf: Uint8Array, len: number, flags: number): Promise<number> {
      const socket = lookup(s);
      if (typeof socket === 'number') return failWith(socket);
      if (!checkBuffer(buf, len)) {
        socket.events.recvRefused(socket.available > 0);
        return failWith(WSAEFAULT);
      }
      let got = 0;
      const code = await run(
        socket,
        recvTransfer(socket, buf, len, flags | 0, (n) => {
          got = n;
          return 0;
        }),
        null,
        null,
      );
      return code === 0 ? got : code;
    },

    /** sendto: UDP to `to` (or the connected peer when null); TCP ignores `to`, as Windows. */
    async sendto(
      s: number,
      buf: Uint8Array,
      len: number,
      flags: number,
      to: Uint8Array | null,
      tolen: number,
    ): Promise<number> {
      const socket = lookup(s);
      if (typeof socket === 'number') return failWith(socket);
      if (!checkBuffer(buf, len)) return failWith(WSAEFAULT);
      const dest = destination(socket, to, tolen);
      if (typeof dest === 'number') return failWith(dest);
      return blockingSend(socket, buf.subarray(0, len), flags, dest);
    },

    /**
     * recvfrom: the next datagram and its source (`from`/`fromlen`, optional). A datagram larger
     * than `len` is truncated: SOCKET_ERROR with WSAEMSGSIZE, the first `len` bytes in `buf`.
     */
    async recvfrom(
      s: number,
      buf: Uint8Array,
      len: number,
      flags: number,
      from: Uint8Array | null,
      fromlen: Ref | null,
    ): Promise<number> {
      const socket = lookup(s);
      if (typeof socket === 'number') return failWith(socket);
      if (!checkBuffer(buf, len) || !checkFrom(socket, from, fromlen)) return failWith(WSAEFAULT);
      let got = 0;
      const code = await run(
        socket,
        recvTransfer(socket, buf, len, flags | 0, (n, source) => {
          got = n;
          return copyFrom(source, from, fromlen);
        }),
        null,
        null,
      );
      return code === 0 ? got : code;
    },

    /** WSASend: gathers the buffers into one send; overlapped when lpOverlapped is given. */
    WSASend(
      s: number,
      lpBuffers: WSABUF[],
      dwBufferCount: number,
      lpNumberOfBytesSent: Ref | null,
      dwFlags: number,
      lpOverlapped: WSAOVERLAPPED | null,
      lpCompletionRoutine: CompletionRoutine | null,
    ): Promise<number> {
      return wsaSendTo(
        s,
        lpBuffers,
        dwBufferCount,
        lpNumberOfBytesSent,
        dwFlags,
        null,
        0,
        lpOverlapped,
        lpCompletionRoutine,
      );
    },

    /** WSARecv: scatters into the buffers in order; *lpFlags is in/out (0 on return). */
    WSARecv(
      s: number,
      lpBuffers: WSABUF[],
      dwBufferCount: number,
      lpNumberOfBytesRecvd: Ref | null,
      lpFlags: Ref | null,
      lpOverlapped: WSAOVERLAPPED | null,
      lpCompletionRoutine: CompletionRoutine | null,
    ): Promise<number> {
      return wsaRecvFrom(
        s,
        lpBuffers,
        dwBufferCount,
        lpNumberOfBytesRecvd,
        lpFlags,
        null,
        null,
        lpOverlapped,
        lpCompletionRoutine,
      );
    },

    /** WSASendTo: WSASend with a destination (UDP). */
    WSASendTo: wsaSendTo,

    /** WSARecvFrom: WSARecv that also reports the source address (UDP). */
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
    ): Promise<number> {
      return wsaRecvFrom(
        s,
        lpBuffers,
        dwBufferCount,
        lpNumberOfBytesRecvd,
        lpFlags,
        lpFrom,
        lpFromlen,
        lpOverlapped,
        lpCompletionRoutine,
      );
    },
  };
}
