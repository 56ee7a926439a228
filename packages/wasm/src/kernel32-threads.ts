/**
 * kernel32 threads and thread-local storage (ws2web/kernel32-threads.h) over the cooperative
 * scheduler (scheduler.ts): CreateThread, ExitThread, GetExitCodeThread, GetCurrentThreadId,
 * GetThreadId, ResumeThread (for CREATE_SUSPENDED), SwitchToThread, TlsAlloc/TlsFree/
 * TlsGetValue/TlsSetValue. A thread handle lives in the context's handle table as the thread's
 * exit event, so WaitForSingleObject/MultipleObjects and CloseHandle treat it like any handle.
 * _beginthreadex/_beginthread (process.h) are inline C over CreateThread.
 */
import type { GlueContext, ImportGroup } from './context.js';
import { CURRENT_THREAD_HANDLE } from './kernel32-events.js';
import { ThreadExit, type WasmThread } from './scheduler.js';

const CREATE_SUSPENDED = 0x4;
const ERROR_INVALID_HANDLE = 6;
const ERROR_NOT_ENOUGH_MEMORY = 8;
const ERROR_INVALID_PARAMETER = 87;
const ERROR_NO_MORE_ITEMS = 259;
/** Windows' TLS_MINIMUM_AVAILABLE + TLS_EXPANSION_SLOTS: indexes a process may allocate. */
const TLS_SLOTS = 1088;
const TLS_OUT_OF_INDEXES = 0xffffffff;

export function threadImports(ctx: GlueContext): ImportGroup {
  const s = ctx.scheduler;
  const tlsInUse = new Set<number>();

  function threadOf(handle: number): WasmThread | undefined {
    const h = handle >>> 0;
    return h === CURRENT_THREAD_HANDLE ? s.current : ctx.threads.get(h);
  }

  function createThread(
    _attributes: number,
    stackSize: number,
    start: number,
    parameter: number,
    flags: number,
    lpThreadId: number,
  ): number {
    if (start === 0) return ctx.fail(ERROR_INVALID_PARAMETER, 0);
    const thread = s.createThread(start, parameter, stackSize >>> 0, (flags & CREATE_SUSPENDED) !== 0);
    if (!thread) return ctx.fail(ERROR_NOT_ENOUGH_MEMORY, 0);
    const handle = ctx.events.add(thread.exitEvent);
    ctx.threads.set(handle, thread);
    if (lpThreadId !== 0) ctx.m.setU32(lpThreadId, thread.id);
    return handle;
  }

  function getExitCodeThread(handle: number, lpExitCode: number): number {
    const thread = threadOf(handle);
    if (!thread) return ctx.fail(ERROR_INVALID_HANDLE, 0);
    ctx.m.setU32(lpExitCode, thread.exitCode);
    return 1;
  }

  /** TlsGetValue/TlsSetValue check only the range, as Windows (a freed slot reads 0). */
  function tlsIndex(index: number): number | null {
    const i = index >>> 0;
    return i < TLS_SLOTS ? i : null;
  }

  return {
    sync: {
      CreateThread: createThread,
      /** Ends the calling thread only: unwinds its wasm stack (the scheduler catches ThreadExit). */
      ExitThread: (code: number) => {
        throw new ThreadExit(code >>> 0);
      },
      GetExitCodeThread: getExitCodeThread,
      GetCurrentThreadId: () => s.current.id,
      GetThreadId: (handle: number) => threadOf(handle)?.id ?? ctx.fail(ERROR_INVALID_HANDLE, 0),
      ResumeThread: (handle: number) => {
        const thread = threadOf(handle);
        return thread ? s.resume(thread) : ctx.fail(ERROR_INVALID_HANDLE, 0xffffffff);
      },
      TlsAlloc: () => {
        for (let i = 0; i < TLS_SLOTS; i++) {
          if (tlsInUse.has(i)) continue;
          tlsInUse.add(i);
          for (const t of s.threads) t.tls.delete(i);
          return i;
        }
        return ctx.fail(ERROR_NO_MORE_ITEMS, TLS_OUT_OF_INDEXES);
      },
      TlsFree: (index: number) => {
        const i = index >>> 0;
        if (!tlsInUse.has(i)) return ctx.fail(ERROR_INVALID_PARAMETER, 0);
        tlsInUse.delete(i);
        for (const t of s.threads) t.tls.delete(i);
        return 1;
      },
      /** As Windows, a successful TlsGetValue sets the last error to ERROR_SUCCESS (0 is a valid value). */
      TlsGetValue: (index: number) => {
        const i = tlsIndex(index);
        if (i === null) return ctx.fail(ERROR_INVALID_PARAMETER, 0);
        ctx.w.WSASetLastError(0);
        return s.current.tls.get(i) ?? 0;
      },
      TlsSetValue: (index: number, value: number) => {
        const i = tlsIndex(index);
        if (i === null) return ctx.fail(ERROR_INVALID_PARAMETER, 0);
        s.current.tls.set(i, value >>> 0);
        return 1;
      },
    },
    blocking: {
      /** Lets every other ready thread run first; nonzero when there was one. */
      SwitchToThread: () => s.blockCurrentThread(Promise.resolve(s.othersReady ? 1 : 0), false),
    },
  };
}
