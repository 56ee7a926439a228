/**
 * kernel32 event objects and waits (ws2web/kernel32-events.h): CreateEventA/W, SetEvent,
 * ResetEvent, CloseHandle, WaitForSingleObject, WaitForMultipleObjects. Events are the
 * library's WSAEVENTs in the context's handle table, so C may mix them with the WSA* event calls
 * as on Windows; a thread handle is there too, as the event its thread sets when it ends.
 *
 * The waits are kernel32's own, not WSAWaitForMultipleEvents: they test the objects
 * synchronously (a wait that is already satisfied returns without switching threads) and
 * re-test on every signal, consuming an auto-reset event in the same step, so of two threads
 * waiting on one auto-reset event exactly one is released per SetEvent, as on Windows.
 */
import type { WSAEVENT } from '@ws2web/browser';
import type { GlueContext, ImportGroup } from './context.js';

const ERROR_INVALID_HANDLE = 6;
const ERROR_INVALID_PARAMETER = 87;
const MAXIMUM_WAIT_OBJECTS = 64;
const WAIT_TIMEOUT = 258;
const WAIT_FAILED = 0xffffffff;
const INFINITE = 0xffffffff;
/** GetCurrentThread()'s pseudo-handle, (HANDLE)-2. */
export const CURRENT_THREAD_HANDLE = 0xfffffffe;

export function eventImports(ctx: GlueContext): ImportGroup {
  const { w } = ctx;

  function createEvent(_attributes: number, manualReset: number, initialState: number, _name: number): number {
    const ev = w.WSACreateEvent();
    if (initialState) w.WSASetEvent(ev);
    const handle = ctx.events.add(ev);
    if (!manualReset) ctx.autoReset.add(handle);
    return handle;
  }

  function closeHandle(handle: number): number {
    const h = handle >>> 0;
    if (h === CURRENT_THREAD_HANDLE) return 1; // closing a pseudo-handle does nothing, as on Windows
    if (!ctx.events.get(h)) return ctx.fail(ERROR_INVALID_HANDLE, 0);
    if (ctx.threads.has(h)) {
      // The thread runs on; only this handle to it goes.
      ctx.threads.delete(h);
    } else {
      w.WSACloseEvent(ctx.event(h)!);
    }
    ctx.events.delete(h);
    ctx.autoReset.delete(h);
    return 1;
  }

  /** SetEvent/ResetEvent on a thread handle fail as on any handle that is not an event. */
  function notThread(handle: number): boolean {
    if (!ctx.threads.has(handle >>> 0) && handle >>> 0 !== CURRENT_THREAD_HANDLE) return true;
    ctx.fail(ERROR_INVALID_HANDLE, 0);
    return false;
  }

  /** The object a handle waits on: an event, or a thread's exit event. */
  function waitable(handle: number): WSAEVENT | undefined {
    if (handle >>> 0 === CURRENT_THREAD_HANDLE) return ctx.scheduler.current.exitEvent;
    const ev = ctx.events.get(handle);
    return ev && !ev.closed ? ev : undefined;
  }

  /**
   * WAIT_OBJECT_0 + i (the lowest signalled, or 0 when all are and `waitAll`), WAIT_TIMEOUT, or
   * WAIT_FAILED; a number when decided at once, else a Promise the calling thread blocks on.
   */
  function wait(handles: number[], waitAll: boolean, ms: number): number | Promise<number> {
    const events: WSAEVENT[] = [];
    for (const h of handles) {
      const ev = waitable(h);
      if (!ev) return ctx.fail(ERROR_INVALID_HANDLE, WAIT_FAILED);
      events.push(ev);
    }
    const consume = (i: number): void => {
      if (ctx.autoReset.has(handles[i]! >>> 0)) events[i]!.reset();
    };
    const poll = (): number | null => {
      if (events.some((e) => e.closed)) return ctx.fail(ERROR_INVALID_HANDLE, WAIT_FAILED);
      if (waitAll) {
        if (!events.every((e) => e.signalled)) return null;
        for (let i = 0; i < events.length; i++) consume(i);
        return 0;
      }
      const i = events.findIndex((e) => e.signalled);
      if (i < 0) return null;
      consume(i);
      return i;
    };
    const now = poll();
    if (now !== null) return now;
    if (ms === 0) return WAIT_TIMEOUT;
    const settled = new Promise<number>((resolve) => {
      let done = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const finish = (rc: number): void => {
        done = true;
        for (const off of offs) off();
        clearTimeout(timer);
        resolve(rc);
      };
      const onSignal = (): void => {
        if (done) return;
        const rc = poll();
        if (rc !== null) finish(rc);
      };
      const offs = events.map((e) => e.onSignal(onSignal));
      if (ms !== INFINITE) timer = setTimeout(() => finish(WAIT_TIMEOUT), ms);
    });
    return ctx.scheduler.blockCurrentThread(settled, false);
  }

  function waitForMultipleObjects(count: number, lpHandles: number, waitAll: number, ms: number) {
    const n = count >>> 0;
    const m = ctx.m;
    if (n === 0 || n > MAXIMUM_WAIT_OBJECTS || lpHandles === 0 || !m.inBounds(lpHandles, 4 * n))
      return ctx.fail(ERROR_INVALID_PARAMETER, WAIT_FAILED);
    const handles = Array.from({ length: n }, (_, i) => m.u32(lpHandles + 4 * i));
    return wait(handles, waitAll !== 0, ms >>> 0);
  }

  return {
    sync: {
      CreateEventA: createEvent,
      CreateEventW: createEvent,
      SetEvent: (h: number) => (notThread(h) && w.WSASetEvent(ctx.event(h)!) ? 1 : 0),
      ResetEvent: (h: number) => (notThread(h) && w.WSAResetEvent(ctx.event(h)!) ? 1 : 0),
      CloseHandle: closeHandle,
    },
    blocking: {
      WaitForSingleObject: (h: number, ms: number) => wait([h], false, ms >>> 0),
      WaitForMultipleObjects: waitForMultipleObjects,
    },
  };
}
