/**
 * GetAddrInfoExW and its asynchronous forms: GetAddrInfoExOverlappedResult,
 * GetAddrInfoExCancel, FreeAddrInfoExW. The lookup itself is getaddrinfo's (one implementation of
 * the name rules); this file adds the ADDRINFOEXW shape, the overlapped completion (event or
 * completion routine), the optional timeout and cancellation.
 */
import {
  NS_ALL,
  NS_DNS,
  WSAEINPROGRESS,
  WSAEINVAL,
  WSAETIMEDOUT,
  WSAHOST_NOT_FOUND,
  WSANOTINITIALISED,
  WSA_E_CANCELLED,
  WSA_INVALID_HANDLE,
  WSA_IO_PENDING,
} from '../win/constants.js';
import { isWsaEvent } from '../win/event.js';
import type { WSAOVERLAPPED } from '../win/overlapped.js';
import { isRef, type Ref, type timeval, type WinsockContext } from './context.js';
import type { ADDRINFO } from './names.js';

/** ADDRINFOEXW: one link of GetAddrInfoExW's chain (no blob or provider: there is one namespace). */
export interface ADDRINFOEXW {
  ai_flags: number;
  ai_family: number;
  ai_socktype: number;
  ai_protocol: number;
  ai_addrlen: number;
  ai_canonname: string | null;
  ai_addr: Uint8Array | null;
  ai_blob: null;
  ai_bloblen: number;
  ai_provider: null;
  ai_next: ADDRINFOEXW | null;
}

/** Where GetAddrInfoExW puts its result: `value` is the chain's head, or null. */
export interface AddrInfoExResult {
  value: ADDRINFOEXW | null;
}

/**
 * The OVERLAPPED of an asynchronous GetAddrInfoExW. While the lookup runs, `Internal` is
 * WSAEINPROGRESS; then it is the lookup's error (0 on success) and `Pointer` is the call's
 * ppResult, as Windows leaves them.
 */
export interface GAI_OVERLAPPED extends WSAOVERLAPPED {
  Pointer?: AddrInfoExResult | null;
}

/** LPLOOKUPSERVICE_COMPLETION_ROUTINE: (error, 0, the OVERLAPPED), queued like an APC. */
export type LookupCompletionRoutine = (dwError: number, dwBytes: number, lpOverlapped: GAI_OVERLAPPED) => void;

interface PendingLookup {
  settle(error: number): void;
}

function toEx(ai: ADDRINFO | null): ADDRINFOEXW | null {
  if (!ai) return null;
  return {
    ai_flags: ai.ai_flags,
    ai_family: ai.ai_family,
    ai_socktype: ai.ai_socktype,
    ai_protocol: ai.ai_protocol,
    ai_addrlen: ai.ai_addrlen,
    ai_canonname: ai.ai_canonname,
    ai_addr: ai.ai_addr,
    ai_blob: null,
    ai_bloblen: 0,
    ai_provider: null,
    ai_next: toEx(ai.ai_next),
  };
}

function timeoutMs(t: timeval | null): number | null {
  if (!t) return null;
  return Math.max(0, t.tv_sec * 1000 + Math.ceil(t.tv_usec / 1000));
}

export function addrInfoExCalls(ctx: WinsockContext) {
  const pending = new Map<number, PendingLookup>();
  let nextHandle = 1;

  const failCode = (code: number): number => {
    ctx.setLastError(code);
    return code;
  };

  /** The lookup as getaddrinfo does it, as ADDRINFOEXW, or the error code. */
  async function lookup(
    pName: string | null,
    pServiceName: string | null,
    hints: Partial<ADDRINFOEXW> | null,
  ): Promise<{ error: number; head: ADDRINFOEXW | null }> {
    const result: { value: ADDRINFO | null } = { value: null };
    const gaiHints: Partial<ADDRINFO> | null = hints
      ? {
          ai_flags: hints.ai_flags ?? 0,
          ai_family: hints.ai_family ?? 0,
          ai_socktype: hints.ai_socktype ?? 0,
          ai_protocol: hints.ai_protocol ?? 0,
        }
      : null;
    // Always there: createWinsockWith assembles these calls only together with getaddrinfo's group.
    const error = await ctx.calls.getaddrinfo!(pName, pServiceName, gaiHints, result);
    return { error, head: error === 0 ? toEx(result.value) : null };
  }

  async function GetAddrInfoExW(
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
  ): Promise<number> {
    if (!ctx.started()) return failCode(WSANOTINITIALISED);
    if (!ppResult || typeof ppResult !== 'object') return failCode(WSAEINVAL);
    ppResult.value = null;
    if (dwNameSpace !== NS_ALL && dwNameSpace !== NS_DNS) return failCode(WSAEINVAL);
    if (lpNspId !== null && lpNspId !== undefined) return failCode(WSAEINVAL);
    if (lpCompletionRoutine && !lpOverlapped) return failCode(WSAEINVAL);
    if (lpOverlapped) {
      if (typeof lpOverlapped !== 'object') return failCode(WSAEINVAL);
      // An event and a completion routine together: Windows refuses the pair.
      if (lpOverlapped.hEvent && lpCompletionRoutine) return failCode(WSAEINVAL);
      if (lpOverlapped.hEvent && !isWsaEvent(lpOverlapped.hEvent)) return failCode(WSAEINVAL);
    }
    if ((pName === null || pName === undefined) && (pServiceName === null || pServiceName === undefined))
      return failCode(WSAHOST_NOT_FOUND);
    const limit = timeoutMs(timeout);

    if (!lpOverlapped) {
      const outcome = await withTimeout(lookup(pName, pServiceName, hints), limit);
      ppResult.value = outcome.head;
      return failCode(outcome.error);
    }

    const ov = lpOverlapped;
    const handle = nextHandle++;
    ov.Internal = WSAEINPROGRESS;
    ov.InternalHigh = 0;
    ov.hEvent?.reset();
    let timer: ReturnType<typeof setTimeout> | null = null;
    let done = false;
    const complete = (error: number, head: ADDRINFOEXW | null): void => {
      if (done) return;
      done = true;
      pending.delete(handle);
      if (timer !== null) clearTimeout(timer);
      ppResult.value = head;
      ov.Internal = error;
      ov.InternalHigh = 0;
      ov.Pointer = ppResult;
      ov.hEvent?.set();
      const routine = lpCompletionRoutine;
      if (routine) ctx.host.post(() => routine(error, 0, ov));
    };
    pending.set(handle, { settle: (error) => complete(error, null) });
    if (limit !== null) timer = setTimeout(() => complete(WSAETIMEDOUT, null), limit);
    if (isRef(lpHandle)) lpHandle.value = handle;
    void lookup(pName, pServiceName, hints).then(
      (outcome) => complete(outcome.error, outcome.head),
      () => complete(WSAEINVAL, null),
    );
    return failCode(WSA_IO_PENDING);
  }

  /** Settles with the lookup's outcome, or WSAETIMEDOUT after `limit` ms (null: no limit). */
  function withTimeout(
    run: Promise<{ error: number; head: ADDRINFOEXW | null }>,
    limit: number | null,
  ): Promise<{ error: number; head: ADDRINFOEXW | null }> {
    if (limit === null) return run;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<{ error: number; head: null }>((resolve) => {
      timer = setTimeout(() => resolve({ error: WSAETIMEDOUT, head: null }), limit);
    });
    return Promise.race([run, expired]).finally(() => clearTimeout(timer));
  }

  return {
    GetAddrInfoExW,

    /** GetAddrInfoExOverlappedResult: the OVERLAPPED's status; WSAEINVAL for none. */
    GetAddrInfoExOverlappedResult(lpOverlapped: GAI_OVERLAPPED | null): number {
      if (!lpOverlapped || typeof lpOverlapped !== 'object') return WSAEINVAL;
      return typeof lpOverlapped.Internal === 'number' ? lpOverlapped.Internal : WSAEINVAL;
    },

    /** GetAddrInfoExCancel: completes the lookup with WSA_E_CANCELLED; WSA_INVALID_HANDLE if none. */
    GetAddrInfoExCancel(lpHandle: Ref | null): number {
      const lookupOf = isRef(lpHandle) ? pending.get(lpHandle.value) : undefined;
      if (!lookupOf) return failCode(WSA_INVALID_HANDLE);
      lookupOf.settle(WSA_E_CANCELLED);
      return 0;
    },

    /** FreeAddrInfoExW: nothing to free in JavaScript. */
    FreeAddrInfoExW(pAddrInfoEx: ADDRINFOEXW | null): void {
      void pAddrInfoEx;
    },
  };
}
