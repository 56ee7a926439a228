/**
 * Overlapped I/O from C: WSASend, WSARecv, WSASendTo, WSARecvFrom with an lpOverlapped (and
 * optionally a completion routine), ConnectEx, AcceptEx and DisconnectEx (mswsock.h; C gets
 * ConnectEx/DisconnectEx from WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER), in the header),
 * WSAGetOverlappedResult, kernel32's GetOverlappedResult, CancelIo and CancelIoEx, and the two
 * imports alertable waits use to run completion routines (ws2web/overlapped.h).
 *
 * The library runs each operation on an object of its own; the C OVERLAPPED and buffers are
 * written only when it completes (ws2-overlapped-state.ts says in which order). Calls without an
 * OVERLAPPED go to the plain data imports unchanged.
 */
import type { GlueContext, ImportGroup } from './context.js';
import { OutAddress, readRef, readSockaddr, readWsabufs } from './structs.js';
import { SOCKET_ERROR, WSAEFAULT } from './values.js';
import { OVERLAPPED_SIZE, overlappedIo } from './ws2-overlapped-state.js';
import {
  STATUS_PENDING,
  WSA_IO_INCOMPLETE,
  WSA_IO_PENDING,
  ntSuccess,
  win32ErrorOf,
  wsaErrorOf,
} from './ws2-overlapped-status.js';

const ERROR_INVALID_PARAMETER = 87;
const SOL_SOCKET = 0xffff;
const SO_TYPE = 0x1008;
const WSAENOTSOCK = 10038;
const WSA_INFINITE = 0xffffffff;
const ERROR_IO_INCOMPLETE = 996;
const ERROR_NOT_FOUND = 1168;
const SD_SEND = 1;

type Blocking = (...args: number[]) => Promise<number>;

/** The overlapped imports; `data` is the plain data group, which calls without an OVERLAPPED go to. */
export function overlappedImports(ctx: GlueContext, data: ImportGroup): { ws2_32: ImportGroup; kernel32: ImportGroup } {
  const { w } = ctx;
  const io = overlappedIo(ctx);
  const plain = data.blocking as unknown as Record<string, Blocking>;

  const validOverlapped = (ov: number) => ov !== 0 && ctx.m.inBounds(ov, OVERLAPPED_SIZE);
  /** The library said "pending": the call returned SOCKET_ERROR/FALSE with WSA_IO_PENDING. */
  const isPending = () => w.WSAGetLastError() === WSA_IO_PENDING;
  const pendingResult = () => ctx.fail(WSA_IO_PENDING, SOCKET_ERROR);

  /** Shared by WSASend / WSASendTo: the bytes are taken at the call, as Windows locks the pages. */
  async function send(
    s: number,
    lpBuffers: number,
    count: number,
    flags: number,
    to: { ptr: number; len: number } | null,
    lpOverlapped: number,
    lpRoutine: number,
  ): Promise<number> {
    const m = ctx.m;
    if (!validOverlapped(lpOverlapped)) return ctx.fail(WSAEFAULT, SOCKET_ERROR);
    const list = readWsabufs(m, lpBuffers, count >>> 0);
    if (!list) return ctx.fail(WSAEFAULT, SOCKET_ERROR);
    const buffers = list.map((b) => ({ len: b.len, buf: m.copy(b.ptr, b.len) }));
    const dest = to ? readSockaddr(m, to.ptr, to.len) : null;
    const started = await io.start({
      socket: s,
      overlapped: lpOverlapped,
      routine: lpRoutine,
      begin: async (ov) => {
        const rc = to
          ? await w.WSASendTo(s >>> 0, buffers, count >>> 0, null, flags >>> 0, dest, to.len, ov, null)
          : await w.WSASend(s >>> 0, buffers, count >>> 0, null, flags >>> 0, ov, null);
        return rc === SOCKET_ERROR && isPending();
      },
    });
    return started ? pendingResult() : SOCKET_ERROR;
  }

  /** Shared by WSARecv / WSARecvFrom: one library buffer, scattered into the WSABUFs on completion. */
  async function receive(
    s: number,
    lpBuffers: number,
    count: number,
    lpFlags: number,
    from: { ptr: number; lenPtr: number } | null,
    lpOverlapped: number,
    lpRoutine: number,
  ): Promise<number> {
    const m = ctx.m;
    if (!validOverlapped(lpOverlapped)) return ctx.fail(WSAEFAULT, SOCKET_ERROR);
    const targets = readWsabufs(m, lpBuffers, count >>> 0);
    const flags = readRef(m, lpFlags, true);
    if (!targets || !flags) return ctx.fail(WSAEFAULT, SOCKET_ERROR);
    const total = targets.reduce((n, t) => n + t.len, 0);
    const into = new Uint8Array(total);
    const address = from ? new OutAddress(m, from.ptr, from.lenPtr) : null;
    const started = await io.start({
      socket: s,
      overlapped: lpOverlapped,
      routine: lpRoutine,
      begin: async (ov) => {
        const buffers = [{ len: total, buf: into }];
        const rc = address
          ? await w.WSARecvFrom(s >>> 0, buffers, 1, null, flags, address.buf, address.ref, ov, null)
          : await w.WSARecv(s >>> 0, buffers, 1, null, flags, ov, null);
        // 0: completed at once (buffered stream bytes); its completion still comes through ov.
        return rc === 0 || (rc === SOCKET_ERROR && isPending());
      },
      deliver: (bytes) => {
        // The OutAddress and the targets were read at the call; memory may have grown since.
        let at = 0;
        for (const t of targets) {
          const take = Math.min(t.len, bytes - at);
          if (take <= 0) break;
          ctx.m.write(t.ptr, into.subarray(at, at + take));
          at += take;
        }
        address?.commit();
      },
    });
    return started ? pendingResult() : SOCKET_ERROR;
  }

  async function WSASend(
    s: number,
    lpBuffers: number,
    count: number,
    lpSent: number,
    flags: number,
    lpOverlapped: number,
    lpRoutine: number,
  ): Promise<number> {
    if (lpOverlapped === 0) return plain.WSASend!(s, lpBuffers, count, lpSent, flags, 0, lpRoutine);
    return send(s, lpBuffers, count, flags, null, lpOverlapped, lpRoutine);
  }

  async function WSASendTo(
    s: number,
    lpBuffers: number,
    count: number,
    lpSent: number,
    flags: number,
    to: number,
    tolen: number,
    lpOverlapped: number,
    lpRoutine: number,
  ): Promise<number> {
    if (lpOverlapped === 0) return plain.WSASendTo!(s, lpBuffers, count, lpSent, flags, to, tolen, 0, lpRoutine);
    return send(s, lpBuffers, count, flags, { ptr: to, len: tolen }, lpOverlapped, lpRoutine);
  }

  async function WSARecv(
    s: number,
    lpBuffers: number,
    count: number,
    lpRecvd: number,
    lpFlags: number,
    lpOverlapped: number,
    lpRoutine: number,
  ): Promise<number> {
    if (lpOverlapped === 0) return plain.WSARecv!(s, lpBuffers, count, lpRecvd, lpFlags, 0, lpRoutine);
    return receive(s, lpBuffers, count, lpFlags, null, lpOverlapped, lpRoutine);
  }

  async function WSARecvFrom(
    s: number,
    lpBuffers: number,
    count: number,
    lpRecvd: number,
    lpFlags: number,
    from: number,
    fromlen: number,
    lpOverlapped: number,
    lpRoutine: number,
  ): Promise<number> {
    if (lpOverlapped === 0)
      return plain.WSARecvFrom!(s, lpBuffers, count, lpRecvd, lpFlags, from, fromlen, 0, lpRoutine);
    return receive(s, lpBuffers, count, lpFlags, { ptr: from, lenPtr: fromlen }, lpOverlapped, lpRoutine);
  }

  /** ConnectEx: the optional first data is taken at the call; the bytes sent land in InternalHigh. */
  async function ConnectEx(
    s: number,
    name: number,
    namelen: number,
    lpSendBuffer: number,
    dwSendDataLength: number,
    _lpdwBytesSent: number,
    lpOverlapped: number,
  ): Promise<number> {
    const m = ctx.m;
    if (!validOverlapped(lpOverlapped)) return ctx.fail(WSAEFAULT, 0);
    const sendLen = dwSendDataLength >>> 0;
    if (lpSendBuffer !== 0 && !m.inBounds(lpSendBuffer, sendLen)) return ctx.fail(WSAEFAULT, 0);
    const payload = lpSendBuffer === 0 ? null : m.copy(lpSendBuffer, sendLen);
    const address = readSockaddr(m, name, namelen);
    const started = await io.start({
      socket: s,
      overlapped: lpOverlapped,
      routine: 0,
      begin: async (ov) => {
        const ok = await w.ConnectEx(s >>> 0, address!, namelen, payload, sendLen, null, ov);
        return !ok && isPending();
      },
    });
    return started ? ctx.fail(WSA_IO_PENDING, 0) : 0;
  }

  /**
   * AcceptEx: the output buffer (first data, then the local and remote address blocks that
   * GetAcceptExSockaddrs reads) is written on completion. The completion belongs to the
   * listening socket (its port and its CancelIo), as on Windows.
   */
  async function AcceptEx(
    sListen: number,
    sAccept: number,
    lpOutputBuffer: number,
    dwReceiveDataLength: number,
    dwLocalAddressLength: number,
    dwRemoteAddressLength: number,
    _lpdwBytesReceived: number,
    lpOverlapped: number,
  ): Promise<number> {
    const m = ctx.m;
    const total = (dwReceiveDataLength >>> 0) + (dwLocalAddressLength >>> 0) + (dwRemoteAddressLength >>> 0);
    if (!validOverlapped(lpOverlapped) || !m.inBounds(lpOutputBuffer, total)) return ctx.fail(WSAEFAULT, 0);
    const out = new Uint8Array(total);
    const started = await io.start({
      socket: sListen,
      overlapped: lpOverlapped,
      routine: 0,
      begin: async (ov) => {
        const ok = await w.AcceptEx(
          sListen >>> 0,
          sAccept >>> 0,
          out,
          dwReceiveDataLength >>> 0,
          dwLocalAddressLength >>> 0,
          dwRemoteAddressLength >>> 0,
          null,
          ov,
        );
        return !ok && isPending();
      },
      deliver: () => ctx.m.write(lpOutputBuffer, out),
    });
    return started ? ctx.fail(WSA_IO_PENDING, 0) : 0;
  }

  /**
   * DisconnectEx: shuts the sending side (the graceful close Windows starts); with an
   * OVERLAPPED the completion is queued at once. TF_REUSE_SOCKET is accepted: the socket is not
   * reusable here, the program closes it as usual.
   */
  function DisconnectEx(s: number, lpOverlapped: number, _flags: number, _reserved: number): number {
    if (lpOverlapped !== 0 && !validOverlapped(lpOverlapped)) return ctx.fail(WSAEFAULT, 0);
    if (w.shutdown(s >>> 0, SD_SEND) !== 0) return 0;
    if (lpOverlapped === 0) return 1;
    io.completeNow(s, lpOverlapped, 0);
    return ctx.fail(WSA_IO_PENDING, 0);
  }

  /**
   * The OVERLAPPED itself is the record, as on Windows: Internal (an NTSTATUS) and InternalHigh
   * (bytes) say how it ended; while Internal is STATUS_PENDING the call waits for the operation
   * (fWait) or fails with the "incomplete" error. `errorOf` turns the NTSTATUS into the caller's
   * error space.
   */
  async function overlappedResult(
    ov: number,
    lpcb: number,
    wait: number,
    incomplete: number,
    errorOf: (status: number) => number,
  ): Promise<number> {
    if (!validOverlapped(ov) || lpcb === 0) return ctx.fail(WSAEFAULT, 0);
    if (ctx.m.u32(ov) === STATUS_PENDING) {
      const op = io.pending(ov);
      if (!wait || !op) return ctx.fail(incomplete, 0);
      await op.done;
    }
    const m = ctx.m;
    const status = m.u32(ov);
    m.setU32(lpcb, m.u32(ov + 4));
    return status === 0 ? 1 : ctx.fail(errorOf(status), 0);
  }

  /** True for a handle that is no socket of the program's (getsockopt answers WSAENOTSOCK). */
  function notASocket(s: number): boolean {
    const type = new Uint8Array(4);
    return w.getsockopt(s >>> 0, SOL_SOCKET, SO_TYPE, type, { value: 4 }) !== 0 && w.WSAGetLastError() === WSAENOTSOCK;
  }

  /**
   * WSAGetOverlappedResult as Windows (Wine's test_WSAGetOverlappedResult): a handle that is no
   * socket → WSAENOTSOCK; Internal is read as the NTSTATUS it is: STATUS_PENDING → with fWait,
   * the operation's end (or, when no operation of ours uses the OVERLAPPED, its hEvent), without
   * it WSA_IO_INCOMPLETE; then any success status → TRUE with the last error 0, any other →
   * FALSE with Windows' Winsock error for it (wsaErrorOf).
   */
  async function WSAGetOverlappedResult(
    s: number,
    lpOverlapped: number,
    lpcbTransfer: number,
    fWait: number,
    lpdwFlags: number,
  ): Promise<number> {
    if (notASocket(s)) return ctx.fail(WSAENOTSOCK, 0);
    if (!validOverlapped(lpOverlapped) || lpcbTransfer === 0) return ctx.fail(WSAEFAULT, 0);
    const m = ctx.m;
    if (lpdwFlags !== 0 && m.inBounds(lpdwFlags, 4)) m.setU32(lpdwFlags, 0);
    if (m.u32(lpOverlapped) === STATUS_PENDING) {
      if (!fWait) return ctx.fail(WSA_IO_INCOMPLETE, 0);
      const op = io.pending(lpOverlapped);
      if (op) await op.done;
      else {
        // Windows waits on the event and reads Internal again (still pending: a success status).
        const event = ctx.events.get(m.u32(lpOverlapped + 16) & ~1);
        if (!event) return ctx.fail(WSA_IO_INCOMPLETE, 0);
        await w.WSAWaitForMultipleEvents(1, [event], false, WSA_INFINITE, false);
      }
    }
    const status = ctx.m.u32(lpOverlapped);
    ctx.m.setU32(lpcbTransfer, ctx.m.u32(lpOverlapped + 4));
    if (!ntSuccess(status)) return ctx.fail(wsaErrorOf(status), 0);
    w.WSASetLastError(0);
    return 1;
  }

  function GetOverlappedResult(_h: number, lpOverlapped: number, lpcb: number, bWait: number): Promise<number> {
    return overlappedResult(lpOverlapped, lpcb, bWait, ERROR_IO_INCOMPLETE, win32ErrorOf);
  }

  /** CancelIoEx: the operations on `h` (only `lpOverlapped`'s when given) end as aborted. */
  function CancelIoEx(h: number, lpOverlapped: number): number {
    const ops = io.onSocket(h, lpOverlapped);
    if (ops.length === 0) return ctx.fail(ERROR_NOT_FOUND, 0);
    for (const op of ops) op.cancel();
    return 1;
  }

  /** CancelIo: every operation on `h`; TRUE even when there was none. */
  function CancelIo(h: number): number {
    if (h === 0) return ctx.fail(ERROR_INVALID_PARAMETER, 0);
    for (const op of io.onSocket(h)) op.cancel();
    return 1;
  }

  /**
   * ws2web_next_apc(WS2WEB_APC *): pops the oldest queued completion routine call into C
   * (routine@0 dwError@4 cbTransferred@8 lpOverlapped@12 dwFlags@16).
   */
  function nextApc(out: number): number {
    const apc = io.nextApc();
    if (!apc) return 0;
    const m = ctx.m;
    m.setU32(out, apc.routine);
    m.setU32(out + 4, apc.error);
    m.setU32(out + 8, apc.bytes);
    m.setU32(out + 12, apc.overlapped);
    m.setU32(out + 16, apc.flags);
    return 1;
  }

  return {
    ws2_32: {
      sync: { DisconnectEx },
      blocking: { WSASend, WSASendTo, WSARecv, WSARecvFrom, ConnectEx, AcceptEx, WSAGetOverlappedResult },
    },
    kernel32: {
      sync: { CancelIo, CancelIoEx, ws2web_next_apc: nextApc, ws2web_apc_event: () => io.apcEvent() },
      blocking: { GetOverlappedResult },
    },
  };
}
