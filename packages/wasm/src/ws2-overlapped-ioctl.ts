/**
 * WSAIoctl for the codes the library answers with plain buffers (FIONBIO, FIONREAD, SIOCATMARK,
 * SIO_KEEPALIVE_VALS's struct tcp_keepalive):
 * the in-buffer is copied out, the out-buffer written back when the call succeeded. The header
 * answers SIO_GET_EXTENSION_FUNCTION_POINTER itself (C function pointers cannot come from
 * JavaScript), so that code never reaches this import. These calls complete at once; with an
 * OVERLAPPED, Internal/InternalHigh say so (success, 0 bytes), as the library reports it.
 */
import type { GlueContext, ImportGroup } from './context.js';
import { readRef } from './structs.js';
import { SOCKET_ERROR, WSAEFAULT } from './values.js';

/** A sanity bound on ioctl buffers copied between memory and the library. */
const MAX_IOCTL_BUFFER = 65536;

export function ioctlImports(ctx: GlueContext): ImportGroup {
  function WSAIoctl(
    s: number,
    code: number,
    lpvIn: number,
    cbIn: number,
    lpvOut: number,
    cbOut: number,
    lpcbReturned: number,
    lpOverlapped: number,
    _lpRoutine: number,
  ): number {
    const m = ctx.m;
    const inLen = Math.min(cbIn >>> 0, MAX_IOCTL_BUFFER);
    const outLen = Math.min(cbOut >>> 0, MAX_IOCTL_BUFFER);
    if ((lpvIn !== 0 && !m.inBounds(lpvIn, inLen)) || (lpvOut !== 0 && !m.inBounds(lpvOut, outLen)))
      return ctx.fail(WSAEFAULT, SOCKET_ERROR);
    const input = lpvIn === 0 ? null : m.copy(lpvIn, inLen);
    const output = lpvOut === 0 ? null : new Uint8Array(outLen);
    const returned = readRef(m, lpcbReturned, true);
    const rc = ctx.w.WSAIoctl(s >>> 0, code >>> 0, input, cbIn >>> 0, output, cbOut >>> 0, returned, null, null);
    // *lpcbBytesReturned as the library left it, also on failure (Windows sets 0 for most refusals).
    if (returned) m.setU32(lpcbReturned, returned.value);
    if (rc === 0) {
      if (output && returned) m.write(lpvOut, output.subarray(0, Math.min(returned.value, outLen)));
      if (lpOverlapped !== 0 && m.inBounds(lpOverlapped, 8)) {
        m.setU32(lpOverlapped, 0);
        m.setU32(lpOverlapped + 4, 0);
      }
    }
    return rc;
  }

  return { sync: { WSAIoctl }, blocking: {} };
}
