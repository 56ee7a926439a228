/**
 * ws2_32's WSAAsyncGet*By* lookups and WSACancelAsyncRequest for C: @ws2web/browser does the
 * lookup and calls back with the reply; this file writes the entry into the program's buffer
 * (32-bit layout, pointers inside the buffer, as Windows does) and posts (wMsg, handle, lParam)
 * to the window's message queue, where the program's GetMessage/DispatchMessage loop hands it
 * to the window procedure.
 *
 * @note The buffer is written when the reply comes, never earlier, and only when it reports
 * success: a too-small buffer (WSAENOBUFS) or a failed lookup leaves it as it was.
 */
import type { AsyncEntryRef, HOSTENT, PROTOENT, SERVENT } from '@ws2web/browser';
import type { GlueContext, SyncImport } from './context.js';
import type { WasmMemory } from './memory.js';
import { writeHostent, writeProtoent, writeServent } from './structs.js';
import { WSAEFAULT } from './values.js';

/** Posts a message to a window's queue (dropped when the window is gone, as PostMessage fails). */
export type PostToWindow = (hwnd: number, msg: number, wParam: number, lParam: number) => void;

/** The most addresses of one host entry the glue reads for WSAAsyncGetHostByAddr. */
const MAX_ADDR_LEN = 16;

type Writer<T> = (m: WasmMemory, p: number, entry: T) => void;

export function asyncLookupImports(ctx: GlueContext, post: PostToWindow): Record<string, SyncImport> {
  const { w } = ctx;

  /**
   * The window procedure @ws2web/browser calls for one task, and the ref it fills: on success
   * the entry goes into the C buffer, then the message into the queue.
   */
  function replyTo<T>(hwnd: number, buf: number, write: Writer<T>) {
    const ref: AsyncEntryRef<T> = { value: null };
    const proc = (msg: number, handle: number, lParam: number): void => {
      // WSAGETASYNCERROR(lParam): the high word.
      if (lParam >>> 16 === 0 && ref.value !== null) write(ctx.m, buf, ref.value);
      post(hwnd >>> 0, msg, handle, lParam);
    };
    return { ref, proc };
  }

  /** A C buffer the reply may fill, or null (then the call fails at once with WSAEFAULT). */
  function usable(buf: number, buflen: number): boolean {
    return buf !== 0 && ctx.m.inBounds(buf, Math.max(0, buflen));
  }

  const cString = (p: number): string | null => (p === 0 ? null : ctx.m.cString(p));

  return {
    WSAAsyncGetHostByName(hwnd: number, wMsg: number, name: number, buf: number, buflen: number): number {
      if (!usable(buf, buflen) || name === 0) return ctx.fail(WSAEFAULT, 0);
      const r = replyTo<HOSTENT>(hwnd, buf, writeHostent);
      return w.WSAAsyncGetHostByName(r.proc, wMsg, ctx.m.cString(name) ?? '', r.ref, buflen);
    },

    WSAAsyncGetHostByAddr(
      hwnd: number,
      wMsg: number,
      addr: number,
      len: number,
      type: number,
      buf: number,
      buflen: number,
    ): number {
      if (!usable(buf, buflen) || addr === 0) return ctx.fail(WSAEFAULT, 0);
      const n = Math.max(0, Math.min(len, MAX_ADDR_LEN));
      if (!ctx.m.inBounds(addr, n)) return ctx.fail(WSAEFAULT, 0);
      const r = replyTo<HOSTENT>(hwnd, buf, writeHostent);
      return w.WSAAsyncGetHostByAddr(r.proc, wMsg, ctx.m.copy(addr, n), len, type, r.ref, buflen);
    },

    WSAAsyncGetServByName(
      hwnd: number,
      wMsg: number,
      name: number,
      proto: number,
      buf: number,
      buflen: number,
    ): number {
      if (!usable(buf, buflen) || name === 0) return ctx.fail(WSAEFAULT, 0);
      const r = replyTo<SERVENT>(hwnd, buf, writeServent);
      return w.WSAAsyncGetServByName(r.proc, wMsg, ctx.m.cString(name) ?? '', cString(proto), r.ref, buflen);
    },

    WSAAsyncGetServByPort(
      hwnd: number,
      wMsg: number,
      port: number,
      proto: number,
      buf: number,
      buflen: number,
    ): number {
      if (!usable(buf, buflen)) return ctx.fail(WSAEFAULT, 0);
      const r = replyTo<SERVENT>(hwnd, buf, writeServent);
      return w.WSAAsyncGetServByPort(r.proc, wMsg, port, cString(proto), r.ref, buflen);
    },

    WSAAsyncGetProtoByName(hwnd: number, wMsg: number, name: number, buf: number, buflen: number): number {
      if (!usable(buf, buflen) || name === 0) return ctx.fail(WSAEFAULT, 0);
      const r = replyTo<PROTOENT>(hwnd, buf, writeProtoent);
      return w.WSAAsyncGetProtoByName(r.proc, wMsg, ctx.m.cString(name) ?? '', r.ref, buflen);
    },

    WSAAsyncGetProtoByNumber(hwnd: number, wMsg: number, number: number, buf: number, buflen: number): number {
      if (!usable(buf, buflen)) return ctx.fail(WSAEFAULT, 0);
      const r = replyTo<PROTOENT>(hwnd, buf, writeProtoent);
      return w.WSAAsyncGetProtoByNumber(r.proc, wMsg, number, r.ref, buflen);
    },

    WSACancelAsyncRequest: (handle: number) => w.WSACancelAsyncRequest(handle >>> 0),
  };
}
