/**
 * ws2_32 imports for readiness and events: select, WSAPoll, WSACreateEvent, WSACloseEvent, WSASetEvent,
 * WSAResetEvent, WSAEventSelect, WSAEnumNetworkEvents, WSAWaitForMultipleEvents. WSAEVENTs are
 * small integer handles in C, mapped to the library's event objects (context.ts).
 */
import type { GlueContext, ImportGroup } from './context.js';
import { readFdSet, readTimeval, writeFdSet, writeNetworkEvents } from './structs.js';
import { SOCKET_ERROR } from './values.js';

/** WSA_MAXIMUM_WAIT_EVENTS: more handles than this are refused by the library anyway. */
const MAX_WAIT_HANDLES = 64;
/** sizeof(WSAPOLLFD) on wasm32: SOCKET fd (4), SHORT events, SHORT revents. */
const POLLFD_SIZE = 8;

export function selectImports(ctx: GlueContext): ImportGroup {
  const { w } = ctx;

  /** select: the sets are read before the wait and rewritten in place after it, as Windows does. */
  async function select(
    nfds: number,
    readfds: number,
    writefds: number,
    exceptfds: number,
    timeout: number,
  ): Promise<number> {
    const m = ctx.m;
    const sets = [readFdSet(m, readfds), readFdSet(m, writefds), readFdSet(m, exceptfds)];
    const rc = await w.select(nfds, sets[0]!, sets[1]!, sets[2]!, readTimeval(m, timeout));
    if (rc !== SOCKET_ERROR) {
      const after = ctx.m;
      writeFdSet(after, readfds, sets[0]!);
      writeFdSet(after, writefds, sets[1]!);
      writeFdSet(after, exceptfds, sets[2]!);
    }
    return rc;
  }

  /**
   * WSAPoll: the WSAPOLLFD array (fd u32, events i16, revents i16 on wasm32) is read before the
   * wait and each revents written after it; the memory may have grown meanwhile, so it is looked
   * up again.
   */
  async function WSAPoll(fdArray: number, fds: number, timeout: number): Promise<number> {
    const count = fds >>> 0;
    const m = ctx.m;
    if (fdArray === 0 || !m.inBounds(fdArray, POLLFD_SIZE * count)) return w.WSAPoll(null, count, timeout);
    const entries = Array.from({ length: count }, (_, i) => ({
      fd: m.u32(fdArray + POLLFD_SIZE * i),
      events: (m.u16(fdArray + POLLFD_SIZE * i + 4) << 16) >> 16,
      revents: 0,
    }));
    const rc = await w.WSAPoll(entries, count, timeout);
    const after = ctx.m;
    entries.forEach((e, i) => {
      after.setU16(fdArray + POLLFD_SIZE * i + 6, e.revents & 0xffff);
    });
    return rc;
  }

  function WSACreateEvent(): number {
    return ctx.events.add(w.WSACreateEvent());
  }

  function WSACloseEvent(hEvent: number): number {
    const ok = w.WSACloseEvent(ctx.event(hEvent)!);
    if (ok) ctx.events.delete(hEvent);
    return ok ? 1 : 0;
  }

  function WSAEnumNetworkEvents(s: number, hEvent: number, lpNetworkEvents: number): number {
    const ne = { lNetworkEvents: 0, iErrorCode: new Array<number>(10).fill(0) };
    const rc = w.WSAEnumNetworkEvents(s >>> 0, ctx.event(hEvent), (lpNetworkEvents === 0 ? null : ne)!);
    if (rc === 0 && lpNetworkEvents !== 0) writeNetworkEvents(ctx.m, lpNetworkEvents, ne);
    return rc;
  }

  async function WSAWaitForMultipleEvents(
    cEvents: number,
    lphEvents: number,
    fWaitAll: number,
    dwTimeout: number,
    fAlertable: number,
  ): Promise<number> {
    const m = ctx.m;
    const count = cEvents >>> 0;
    const readable = lphEvents !== 0 && m.inBounds(lphEvents, 4 * Math.min(count, MAX_WAIT_HANDLES));
    const handles = readable
      ? Array.from({ length: Math.min(count, MAX_WAIT_HANDLES) }, (_, i) => ctx.event(m.u32(lphEvents + 4 * i))!)
      : (null as never);
    return w.WSAWaitForMultipleEvents(count, handles, fWaitAll !== 0, dwTimeout >>> 0, fAlertable !== 0);
  }

  return {
    sync: {
      WSACreateEvent,
      WSACloseEvent,
      WSASetEvent: (hEvent: number) => (w.WSASetEvent(ctx.event(hEvent)!) ? 1 : 0),
      WSAResetEvent: (hEvent: number) => (w.WSAResetEvent(ctx.event(hEvent)!) ? 1 : 0),
      WSAEventSelect: (s: number, hEvent: number, lNetworkEvents: number) =>
        w.WSAEventSelect(s >>> 0, ctx.event(hEvent), lNetworkEvents),
      WSAEnumNetworkEvents,
    },
    blocking: { select, WSAPoll, WSAWaitForMultipleEvents },
  };
}
