/**
 * kernel32 event objects and waits (ws2web/kernel32-events.h): CreateEventA/W, SetEvent,
 * ResetEvent, CloseHandle, WaitForSingleObject, WaitForMultipleObjects. They are the library's
 * WSAEVENTs in the context's handle table, so C may mix them with the WSA* event calls as on
 * Windows; auto-reset is the one thing WSA events lack, and the wait adds it: it resets the
 * auto-reset events that satisfied it.
 */
import type { GlueContext, ImportGroup } from './context.js';

const ERROR_INVALID_HANDLE = 6;
const ERROR_INVALID_PARAMETER = 87;
const MAXIMUM_WAIT_OBJECTS = 64;

export function eventImports(ctx: GlueContext): ImportGroup {
  const { w } = ctx;
  /** Handles of auto-reset events. */
  const autoReset = new Set<number>();

  function createEvent(_attributes: number, manualReset: number, initialState: number, _name: number): number {
    const ev = w.WSACreateEvent();
    if (initialState) w.WSASetEvent(ev);
    const handle = ctx.events.add(ev);
    if (!manualReset) autoReset.add(handle);
    return handle;
  }

  function closeHandle(handle: number): number {
    if (!ctx.events.get(handle)) return ctx.fail(ERROR_INVALID_HANDLE, 0);
    w.WSACloseEvent(ctx.event(handle)!);
    ctx.events.delete(handle);
    autoReset.delete(handle >>> 0);
    return 1;
  }

  async function waitForMultipleObjects(
    count: number,
    lpHandles: number,
    waitAll: number,
    ms: number,
  ): Promise<number> {
    const n = count >>> 0;
    const m = ctx.m;
    if (n === 0 || n > MAXIMUM_WAIT_OBJECTS || lpHandles === 0 || !m.inBounds(lpHandles, 4 * n))
      return ctx.fail(ERROR_INVALID_PARAMETER, 0xffffffff);
    const handles = Array.from({ length: n }, (_, i) => m.u32(lpHandles + 4 * i));
    const rc =
      (await w.WSAWaitForMultipleEvents(
        n,
        handles.map((h) => ctx.event(h)!),
        waitAll !== 0,
        ms >>> 0,
        false,
      )) >>> 0;
    if (rc < n) {
      for (const [i, h] of handles.entries()) {
        if (autoReset.has(h) && (waitAll !== 0 || i === rc)) w.WSAResetEvent(ctx.event(h)!);
      }
    }
    return rc;
  }

  return {
    sync: {
      CreateEventA: createEvent,
      CreateEventW: createEvent,
      SetEvent: (h: number) => (w.WSASetEvent(ctx.event(h)!) ? 1 : 0),
      ResetEvent: (h: number) => (w.WSAResetEvent(ctx.event(h)!) ? 1 : 0),
      CloseHandle: closeHandle,
    },
    blocking: {
      WaitForSingleObject: async (h: number, ms: number) => {
        // One handle through the same path: the handle array lives in the glue, not in C memory.
        const rc = (await w.WSAWaitForMultipleEvents(1, [ctx.event(h)!], false, ms >>> 0, false)) >>> 0;
        if (rc === 0 && autoReset.has(h >>> 0)) w.WSAResetEvent(ctx.event(h)!);
        return rc;
      },
      WaitForMultipleObjects: waitForMultipleObjects,
    },
  };
}
