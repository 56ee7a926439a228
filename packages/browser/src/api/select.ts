/**
 * Readiness and events: select, WSACreateEvent/WSACloseEvent/WSASetEvent/WSAResetEvent,
 * WSAEventSelect, WSAEnumNetworkEvents, WSAWaitForMultipleEvents, WSAAsyncSelect.
 */
import {
  FD_ALL_EVENTS,
  FD_SETSIZE,
  WSAEFAULT,
  WSAEINVAL,
  WSAENOTSOCK,
  WSANOTINITIALISED,
  WSA_INFINITE,
  WSA_INVALID_HANDLE,
  WSA_INVALID_PARAMETER,
  WSA_MAXIMUM_WAIT_EVENTS,
  WSA_WAIT_EVENT_0,
  WSA_WAIT_FAILED,
  WSA_WAIT_TIMEOUT,
} from '../win/constants.js';
import { lookupSocket, type AnySocket, type WinsockContext, type timeval } from './context.js';
import { WsaEvent, isWsaEvent } from '../win/event.js';
import type { FdSet } from '../win/fd-set.js';
import type { WindowProc } from '../win/network-events.js';
import { timevalToMs, waitUntil } from '../socket/blocking-wait.js';

export interface WSANETWORKEVENTS {
  lNetworkEvents: number;
  iErrorCode: number[];
}

export function selectCalls(ctx: WinsockContext) {
  const { failWith } = ctx;
  const lookup = (s: number) => lookupSocket(ctx, s);
  const sockets = ctx.sockets;

  return {
    // ------------------------------------------------------------------------------------------
    // select

    /**
     * select: waits until a socket in readfds is readable (data, FIN, reset), one in writefds is
     * writable (connected with send credit, or reset: send fails at once), or one in exceptfds had its non-blocking connect
     * fail; rewrites the sets in place to the ready sockets and returns their count. nfds is
     * ignored, as on Windows. All sets empty → WSAEINVAL; a non-socket → WSAENOTSOCK.
     */
    async select(
      nfds: number,
      readfds: FdSet | null,
      writefds: FdSet | null,
      exceptfds: FdSet | null,
      timeout: timeval | null,
    ): Promise<number> {
      void nfds;
      if (!ctx.started()) return failWith(WSANOTINITIALISED);
      const sets = [readfds, writefds, exceptfds];
      let any = false;
      for (const set of sets) {
        if (set === null || set === undefined) continue;
        if (typeof set !== 'object' || !Array.isArray(set.fd_array) || set.fd_count > FD_SETSIZE || set.fd_count < 0)
          return failWith(WSAEFAULT);
        for (let i = 0; i < set.fd_count; i++) {
          any = true;
          const handle = set.fd_array[i];
          const socket = handle === undefined ? undefined : sockets.get(handle);
          if (!socket || socket.closed) return failWith(WSAENOTSOCK);
        }
      }
      if (!any) return failWith(WSAEINVAL);
      if (timeout !== null && timeout !== undefined && (timeout.tv_sec < 0 || timeout.tv_usec < 0))
        return failWith(WSAEINVAL);
      const conditions: ((s: AnySocket) => boolean)[] = [
        (s) => s.readable,
        (s) => s.writable || s.connectionBroken,
        (s) => s.exceptional,
      ];
      // As on Windows: a socket listed twice in a set counts once, and one fd_set passed for two
      // arguments is one set whose sockets are ready on either condition.
      const tests = sets.map(
        (set, i) => (s: AnySocket) =>
          sets.some((other, j) => (j === i || (set && other === set)) && conditions[j]?.(s) === true),
      );
      const members = sets.map((set, i) =>
        set && sets.indexOf(set) === i ? [...new Set(set.fd_array.slice(0, set.fd_count))] : [],
      );
      const involved = [...new Set(members.flat())].flatMap((h) => sockets.get(h) ?? []);
      const readers = members[0] ?? [];
      // A socket closed during the wait counts as readable (Windows); closed while only in
      // exceptfds, the call fails with WSAENOTSOCK.
      const live = (h: number): AnySocket | undefined => {
        const socket = sockets.get(h);
        return socket && !socket.closed ? socket : undefined;
      };
      const gone = (h: number) => live(h) === undefined;
      const ready = (): number[][] | undefined => {
        if (members.some((handles, i) => i > 0 && handles.some((h) => gone(h) && !readers.includes(h))))
          return [[], [], []];
        const result = members.map((handles, i) =>
          handles.filter((h) => {
            const socket = live(h);
            return socket === undefined ? i === 0 : tests[i]?.(socket) === true;
          }),
        );
        return result.some((r) => r.length > 0) ? result : undefined;
      };
      const result = await waitUntil(
        involved.map((s) => s.subscribe),
        ready,
        timevalToMs(timeout),
        () => [[], [], []],
      );
      if (result.every((r) => r.length === 0) && members.flat().some(gone)) {
        for (const set of sets)
          if (set) {
            set.fd_array.length = 0;
            set.fd_count = 0;
          }
        return failWith(WSAENOTSOCK);
      }
      sets.forEach((set, i) => {
        if (!set || sets.indexOf(set) !== i) return;
        const ready = result[i] ?? [];
        ready.forEach((h, at) => {
          set.fd_array[at] = h;
        }); // entries past fd_count stay as they were
        set.fd_count = ready.length;
      });
      return result.reduce((n, r) => n + r.length, 0);
    },

    // ------------------------------------------------------------------------------------------
    // Events

    /** WSACreateEvent: a manual-reset event, initially non-signalled. */
    WSACreateEvent(): WsaEvent {
      return new WsaEvent();
    },

    WSACloseEvent(hEvent: WsaEvent): boolean {
      if (!isWsaEvent(hEvent) || hEvent.closed) return failWith(WSA_INVALID_HANDLE, false);
      hEvent.close();
      return true;
    },

    WSASetEvent(hEvent: WsaEvent): boolean {
      if (!isWsaEvent(hEvent) || hEvent.closed) return failWith(WSA_INVALID_HANDLE, false);
      hEvent.set();
      return true;
    },

    WSAResetEvent(hEvent: WsaEvent): boolean {
      if (!isWsaEvent(hEvent) || hEvent.closed) return failWith(WSA_INVALID_HANDLE, false);
      hEvent.reset();
      return true;
    },

    /**
     * WSAEventSelect: associates `hEventObject` with the FD_* events in `lNetworkEvents`, makes the
     * socket non-blocking, and signals the event if the record holds a selected event (what
     * happened before, even unselected: a completed connect is FD_CONNECT and FD_WRITE).
     * lNetworkEvents 0 cancels the association (the socket stays non-blocking).
     */
    WSAEventSelect(s: number, hEventObject: WsaEvent | null, lNetworkEvents: number): number {
      const socket = lookup(s);
      if (typeof socket === 'number') return failWith(socket);
      if (lNetworkEvents & ~FD_ALL_EVENTS) return failWith(WSAEINVAL);
      if (lNetworkEvents !== 0 && (!isWsaEvent(hEventObject) || hEventObject.closed)) return failWith(WSAEINVAL);
      socket.events.select(
        lNetworkEvents && isWsaEvent(hEventObject) ? { kind: 'event', event: hEventObject } : null,
        lNetworkEvents,
      );
      if (lNetworkEvents !== 0) socket.nonBlocking = true; // the record already holds what happened
      return 0;
    },

    /** WSAEnumNetworkEvents: fills lpNetworkEvents in place, clears the record, resets hEventObject. */
    WSAEnumNetworkEvents(s: number, hEventObject: WsaEvent | null, lpNetworkEvents: WSANETWORKEVENTS): number {
      const socket = lookup(s);
      if (typeof socket === 'number') return failWith(socket);
      if (!lpNetworkEvents || typeof lpNetworkEvents !== 'object' || !Array.isArray(lpNetworkEvents.iErrorCode))
        return failWith(WSAEFAULT);
      if (hEventObject !== null && hEventObject !== undefined && (!isWsaEvent(hEventObject) || hEventObject.closed))
        return failWith(WSAEINVAL);
      socket.events.enumerate(lpNetworkEvents);
      hEventObject?.reset();
      return 0;
    },

    /**
     * WSAWaitForMultipleEvents: WSA_WAIT_EVENT_0 + i for the lowest signalled event (fWaitAll
     * false) or when all are signalled (true); WSA_WAIT_TIMEOUT after dwTimeout ms
     * (WSA_INFINITE = forever); WSA_WAIT_FAILED with WSA_INVALID_PARAMETER / WSA_INVALID_HANDLE.
     */
    async WSAWaitForMultipleEvents(
      cEvents: number,
      lphEvents: WsaEvent[],
      fWaitAll: boolean,
      dwTimeout: number,
      fAlertable: boolean,
    ): Promise<number> {
      void fAlertable;
      if (
        !Array.isArray(lphEvents) ||
        !Number.isInteger(cEvents) ||
        cEvents < 1 ||
        cEvents > WSA_MAXIMUM_WAIT_EVENTS ||
        cEvents > lphEvents.length
      ) {
        return failWith(WSA_INVALID_PARAMETER, WSA_WAIT_FAILED);
      }
      const events = lphEvents.slice(0, cEvents);
      if (events.some((e) => !isWsaEvent(e) || e.closed)) return failWith(WSA_INVALID_HANDLE, WSA_WAIT_FAILED);
      const poll = (): number | undefined => {
        if (events.some((e) => e.closed)) return failWith(WSA_INVALID_HANDLE, WSA_WAIT_FAILED);
        if (fWaitAll) return events.every((e) => e.signalled) ? WSA_WAIT_EVENT_0 : undefined;
        const i = events.findIndex((e) => e.signalled);
        return i >= 0 ? WSA_WAIT_EVENT_0 + i : undefined;
      };
      const timeoutMs = dwTimeout >>> 0 === WSA_INFINITE ? null : dwTimeout >>> 0;
      return waitUntil(
        events.map((e) => (fn: () => void) => e.onSignal(fn)),
        poll,
        timeoutMs,
        () => WSA_WAIT_TIMEOUT,
      );
    },

    /**
     * WSAAsyncSelect: `hWnd` is a window procedure called as hWnd(wMsg, socket,
     * WSAMAKESELECTREPLY(event, error)) for each recorded event, after the call that caused it
     * returns, in order. Makes the socket non-blocking; lEvent 0 cancels.
     */
    WSAAsyncSelect(s: number, hWnd: WindowProc, wMsg: number, lEvent: number): number {
      const socket = lookup(s);
      if (typeof socket === 'number') return failWith(socket);
      if (lEvent & ~FD_ALL_EVENTS) return failWith(WSAEINVAL);
      if (lEvent !== 0 && typeof hWnd !== 'function') return failWith(WSAEINVAL);
      socket.events.select(lEvent ? { kind: 'window', hWnd, wMsg } : null, lEvent);
      if (lEvent !== 0) {
        socket.nonBlocking = true;
        socket.recordCurrentConditions();
      }
      return 0;
    },
  };
}
