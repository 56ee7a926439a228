/**
 * ws2_32's GetAddrInfoExW family for C: GetAddrInfoExW (blocking, or overlapped with an event),
 * GetAddrInfoExOverlappedResult, GetAddrInfoExCancel and FreeAddrInfoExW. @ws2web/browser does
 * the lookup, the timeout and the cancellation; this file reads UTF-16 names, writes ADDRINFOEXW
 * chains into the program's heap and mirrors the library's OVERLAPPED into the C one.
 *
 * @note The library completes an overlapped lookup by setting its event; the glue gives it an
 * event of its own and, when that is set, writes *ppResult and the C OVERLAPPED (Internal, then
 * Pointer = ppResult) before setting the program's event, so a waiter woken by it sees them.
 * Completion routines are C function pointers the library cannot call: refused (WSAEOPNOTSUPP).
 */
import type { ADDRINFOEXW, AddrInfoExResult, GAI_OVERLAPPED } from '@ws2web/browser';
import type { GlueContext, ImportGroup } from './context.js';
import type { WasmMemory } from './memory.js';
import { wideString } from './ws2-address-strings.js';
import { WSAEINVAL, WSAEOPNOTSUPP, WSA_NOT_ENOUGH_MEMORY } from './values.js';

const MAX_NAME = 1024;
const WSAEINPROGRESS = 10036;
const WSA_IO_PENDING = 997;
/** ADDRINFOEXW (32-bit): flags@0 family@4 socktype@8 protocol@12 addrlen@16 canonname@20 addr@24 blob@28 bloblen@32 provider@36 next@40. */
const ADDRINFOEX_SIZE = 44;
const NEXT = 40;

/** One malloc per node (node, sockaddr, WCHAR canonical name); 0 for none, -1 when malloc failed. */
function writeChain(m: WasmMemory, head: ADDRINFOEXW | null): number {
  const nodes: number[] = [];
  for (let ai = head; ai; ai = ai.ai_next) {
    const addr = ai.ai_addr ?? new Uint8Array(0);
    const canon = ai.ai_canonname;
    const size = ADDRINFOEX_SIZE + addr.length + (canon === null ? 0 : 2 * (canon.length + 1));
    const p = m.malloc(size);
    if (p === 0) {
      freeChain(m, nodes[0] ?? 0);
      return -1;
    }
    m.fill(p, size);
    m.setI32(p, ai.ai_flags);
    m.setI32(p + 4, ai.ai_family);
    m.setI32(p + 8, ai.ai_socktype);
    m.setI32(p + 12, ai.ai_protocol);
    m.setU32(p + 16, addr.length);
    m.setU32(p + 24, addr.length > 0 ? p + ADDRINFOEX_SIZE : 0);
    m.write(p + ADDRINFOEX_SIZE, addr);
    if (canon !== null) {
      const at = p + ADDRINFOEX_SIZE + addr.length; // sockaddrs have even lengths: aligned for WCHARs
      for (let i = 0; i < canon.length; i++) m.setU16(at + 2 * i, canon.charCodeAt(i));
      m.setU16(at + 2 * canon.length, 0);
      m.setU32(p + 20, at);
    }
    if (nodes.length > 0) m.setU32(nodes[nodes.length - 1]! + NEXT, p);
    nodes.push(p);
  }
  return nodes[0] ?? 0;
}

function freeChain(m: WasmMemory, head: number): void {
  for (let p = head; p !== 0; ) {
    const next = m.u32(p + NEXT);
    m.free(p);
    p = next;
  }
}

export function addrInfoExImports(ctx: GlueContext): ImportGroup {
  const { w } = ctx;

  /** Writes the chain to *ppResult; the lookup's code, or EAI_MEMORY when the heap is full. */
  function deliver(ppResult: number, error: number, head: ADDRINFOEXW | null): number {
    const m = ctx.m;
    if (error !== 0) {
      m.setU32(ppResult, 0);
      return error;
    }
    const p = writeChain(m, head);
    m.setU32(ppResult, Math.max(p, 0));
    return p < 0 ? WSA_NOT_ENOUGH_MEMORY : 0;
  }

  async function GetAddrInfoExW(
    pName: number,
    pServiceName: number,
    dwNameSpace: number,
    lpNspId: number,
    pHints: number,
    ppResult: number,
    pTimeout: number,
    lpOverlapped: number,
    lpCompletionRoutine: number,
    lpHandle: number,
  ): Promise<number> {
    const m = ctx.m;
    if (lpNspId !== 0) return ctx.fail(WSAEINVAL, WSAEINVAL);
    if (lpCompletionRoutine !== 0) return ctx.fail(WSAEOPNOTSUPP, WSAEOPNOTSUPP);
    if (ppResult === 0 || !m.inBounds(ppResult, 4)) return ctx.fail(WSAEINVAL, WSAEINVAL);
    const hints =
      pHints === 0
        ? null
        : {
            ai_flags: m.i32(pHints),
            ai_family: m.i32(pHints + 4),
            ai_socktype: m.i32(pHints + 8),
            ai_protocol: m.i32(pHints + 12),
          };
    const timeout = pTimeout === 0 ? null : { tv_sec: m.i32(pTimeout), tv_usec: m.i32(pTimeout + 4) };
    const name = wideString(m, pName, MAX_NAME);
    const service = wideString(m, pServiceName, MAX_NAME);
    const result: AddrInfoExResult = { value: null };

    if (lpOverlapped === 0) {
      const rc = await w.GetAddrInfoExW(name, service, dwNameSpace, null, hints, result, timeout, null, null, null);
      return deliver(ppResult, rc, result.value);
    }

    if (!m.inBounds(lpOverlapped, 20)) return ctx.fail(WSAEINVAL, WSAEINVAL);
    const eventHandle = m.u32(lpOverlapped + 16);
    const programEvent = eventHandle === 0 ? null : ctx.events.get(eventHandle);
    if (programEvent === undefined) return ctx.fail(WSAEINVAL, WSAEINVAL);
    const signal = w.WSACreateEvent();
    const ov: GAI_OVERLAPPED = { hEvent: signal };
    const unsubscribe = signal.onSignal(() => {
      unsubscribe();
      w.WSACloseEvent(signal);
      const error = deliver(ppResult, ov.Internal ?? WSAEINVAL, result.value);
      const after = ctx.m;
      after.setU32(lpOverlapped, error);
      after.setU32(lpOverlapped + 4, 0);
      after.setU32(lpOverlapped + 8, ppResult); // Pointer (the Offset/OffsetHigh union)
      programEvent?.set();
    });
    // Written before the library starts: a numeric lookup may complete before this call returns.
    m.setU32(lpOverlapped, WSAEINPROGRESS);
    m.setU32(lpOverlapped + 4, 0);
    programEvent?.reset();
    const handle = { value: 0 };
    const rc = await w.GetAddrInfoExW(name, service, dwNameSpace, null, hints, result, timeout, ov, null, handle);
    if (rc !== WSA_IO_PENDING) {
      unsubscribe();
      w.WSACloseEvent(signal);
      return rc;
    }
    if (lpHandle !== 0 && ctx.m.inBounds(lpHandle, 4)) ctx.m.setU32(lpHandle, handle.value);
    return rc;
  }

  return {
    sync: {
      FreeAddrInfoExW: (pAddrInfoEx: number) => freeChain(ctx.m, pAddrInfoEx),
      GetAddrInfoExOverlappedResult: (lpOverlapped: number) =>
        lpOverlapped !== 0 && ctx.m.inBounds(lpOverlapped, 4) ? ctx.m.u32(lpOverlapped) : WSAEINVAL,
      GetAddrInfoExCancel: (lpHandle: number) =>
        w.GetAddrInfoExCancel({ value: lpHandle !== 0 && ctx.m.inBounds(lpHandle, 4) ? ctx.m.u32(lpHandle) : 0 }),
    },
    blocking: { GetAddrInfoExW },
  };
}
