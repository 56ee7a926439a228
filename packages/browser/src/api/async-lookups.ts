/**
 * The WSAAsyncGet*By* lookups of GUI-era programs: WSAAsyncGetHostByName, WSAAsyncGetHostByAddr,
 * WSAAsyncGetServByName, WSAAsyncGetServByPort, WSAAsyncGetProtoByName,
 * WSAAsyncGetProtoByNumber and WSACancelAsyncRequest. Each returns a task handle at once and
 * later calls the window procedure with (wMsg, handle, WSAMAKEASYNCREPLY(buflen, error)), as
 * Windows posts that message to the window. The lookups are gethostbyname's, getservbyname's…
 * (names.ts); this file adds the task handles, cancellation and the buffer-size rule.
 *
 * @note Windows writes the entry into the caller's buffer (MAXGETHOSTSTRUCT bytes), pointers
 * included. Here the entry is put in `buf.value`, and `buflen` is checked against the bytes the
 * entry takes in 32-bit Windows' layout, which is what a C program's buffer must hold
 * (@ws2web/wasm writes that layout into it): too small → WSAENOBUFS with the needed size.
 */
import { formatIPv4, formatIPv6 } from '@ws2web/protocol';
import {
  AF_INET,
  AF_INET6,
  WSAEAFNOSUPPORT,
  WSAEFAULT,
  WSAEINVAL,
  WSAENOBUFS,
  WSAHOST_NOT_FOUND,
  WSANOTINITIALISED,
  WSANO_DATA,
} from '../win/constants.js';
import type { WindowProc } from '../win/network-events.js';
import { protocolByName, protocolByNumber, type Protocol } from '../win/protocols.js';
import type { WinsockContext } from './context.js';
import {
  hostByName,
  protoent,
  reverseName,
  serviceEntryByName,
  serviceEntryByPort,
  type HOSTENT,
  type PROTOENT,
  type SERVENT,
} from './names.js';

/** Where a WSAAsyncGet* call puts its entry: `value` is set just before the message is posted. */
export interface AsyncEntryRef<T> {
  value: T | null;
}

/** WSAMAKEASYNCREPLY(buflen, error): the lParam of a WSAAsyncGet* message. */
export function WSAMAKEASYNCREPLY(buflen: number, error: number): number {
  return (buflen & 0xffff) | ((error & 0xffff) << 16) | 0;
}
export function WSAGETASYNCBUFLEN(lParam: number): number {
  return lParam & 0xffff;
}
export function WSAGETASYNCERROR(lParam: number): number {
  return (lParam >>> 16) & 0xffff;
}

const POINTER = 4;
const HOSTENT_BYTES = 16;
const SERVENT_BYTES = 16;
const PROTOENT_BYTES = 12;

function textBytes(s: string): number {
  return new TextEncoder().encode(s).length + 1;
}
/** A NULL-terminated array of string pointers and its strings. */
function stringListBytes(list: readonly string[]): number {
  return list.reduce((n, s) => n + textBytes(s), POINTER * (list.length + 1));
}

/** Bytes a hostent takes in a WSAAsyncGetHost* buffer (32-bit layout, pointers into the buffer). */
export function hostentBufferSize(h: HOSTENT): number {
  return (
    HOSTENT_BYTES +
    textBytes(h.h_name) +
    stringListBytes(h.h_aliases) +
    (h.h_length + POINTER) * h.h_addr_list.length +
    POINTER
  );
}
export function serventBufferSize(s: SERVENT): number {
  return SERVENT_BYTES + textBytes(s.s_name) + textBytes(s.s_proto) + stringListBytes(s.s_aliases);
}
export function protoentBufferSize(p: PROTOENT): number {
  return PROTOENT_BYTES + textBytes(p.p_name) + stringListBytes(p.p_aliases);
}

function protoentOrError(p: Protocol | undefined): PROTOENT | number {
  return p ? protoent(p) : WSANO_DATA;
}

/** Task handles are 16-bit and never 0, as Windows' (a WORD in WSAMAKEASYNCREPLY's wParam peers). */
const HANDLE_MASK = 0xffff;

export function asyncLookupCalls(ctx: WinsockContext) {
  /** Tasks whose message is not posted yet; WSACancelAsyncRequest removes one. */
  const pending = new Set<number>();
  let lastHandle = 0;

  function nextHandle(): number {
    do lastHandle = (lastHandle + 1) & HANDLE_MASK;
    while (lastHandle === 0 || pending.has(lastHandle));
    return lastHandle;
  }

  /**
   * Starts a task: validates what Windows checks at the call, then runs `lookup` and posts its
   * outcome, unless the task was cancelled or Winsock cleaned up meanwhile.
   */
  function start<T>(
    hWnd: WindowProc,
    wMsg: number,
    buf: AsyncEntryRef<T>,
    buflen: number,
    lookup: () => Promise<T | number> | T | number,
    size: (entry: T) => number,
  ): number {
    if (!ctx.started()) return ctx.failWith(WSANOTINITIALISED, 0);
    if (typeof hWnd !== 'function') return ctx.failWith(WSAEINVAL, 0);
    if (!buf || typeof buf !== 'object' || !Number.isInteger(buflen)) return ctx.failWith(WSAEFAULT, 0);
    const handle = nextHandle();
    pending.add(handle);
    const complete = (outcome: T | number): void => {
      if (!pending.delete(handle) || !ctx.started()) return;
      let lParam: number;
      if (typeof outcome === 'number') {
        lParam = WSAMAKEASYNCREPLY(0, outcome);
      } else {
        const needed = size(outcome);
        if (buflen < needed) {
          lParam = WSAMAKEASYNCREPLY(needed, WSAENOBUFS);
        } else {
          buf.value = outcome;
          lParam = WSAMAKEASYNCREPLY(needed, 0);
        }
      }
      ctx.host.post(() => hWnd(wMsg >>> 0, handle, lParam));
    };
    // Even a lookup answered from a table completes after the call has returned its handle.
    void Promise.resolve()
      .then(lookup)
      .then(complete, () => complete(WSAEFAULT));
    return handle;
  }

  async function hostByAddr(addr: Uint8Array, len: number, type: number): Promise<HOSTENT | number> {
    if (type !== AF_INET && type !== AF_INET6) return WSAEAFNOSUPPORT;
    const size = type === AF_INET ? 4 : 16;
    if (!(addr instanceof Uint8Array) || len !== size || addr.length < size) return WSAEFAULT;
    const bytes = addr.slice(0, size);
    const text = type === AF_INET ? formatIPv4(bytes) : formatIPv6(bytes);
    const name = await reverseName(ctx, { family: type, address: text, port: 0, flowinfo: 0, scopeId: 0 });
    if (name === null) return WSAHOST_NOT_FOUND;
    return { h_name: name, h_aliases: [], h_addrtype: type, h_length: size, h_addr_list: [bytes] };
  }

  return {
    /**
     * WSAAsyncGetHostByName: gethostbyname in the background. Returns a nonzero task handle
     * (0 with WSANOTINITIALISED, WSAEINVAL for a hWnd that is no function, WSAEFAULT without
     * `buf`), then calls hWnd(wMsg, handle, WSAMAKEASYNCREPLY(size, error)): error 0 with the
     * HOSTENT in buf.value; WSAENOBUFS with the needed size when `buflen` (MAXGETHOSTSTRUCT is
     * always enough for one name) is smaller; or gethostbyname's error (WSAHOST_NOT_FOUND…).
     */
    WSAAsyncGetHostByName(
      hWnd: WindowProc,
      wMsg: number,
      name: string,
      buf: AsyncEntryRef<HOSTENT>,
      buflen: number,
    ): number {
      if (typeof name !== 'string') return ctx.failWith(WSAEFAULT, 0);
      return start(hWnd, wMsg, buf, buflen, () => hostByName(ctx, name), hostentBufferSize);
    },

    /**
     * WSAAsyncGetHostByAddr: the PTR name of an address (`len` 4 for AF_INET, 16 for AF_INET6),
     * asked of the relay as getnameinfo does; no name → WSAHOST_NOT_FOUND in the reply.
     */
    WSAAsyncGetHostByAddr(
      hWnd: WindowProc,
      wMsg: number,
      addr: Uint8Array,
      len: number,
      type: number,
      buf: AsyncEntryRef<HOSTENT>,
      buflen: number,
    ): number {
      return start(hWnd, wMsg, buf, buflen, () => hostByAddr(addr, len, type), hostentBufferSize);
    },

    /** WSAAsyncGetServByName: getservbyname's table (s_port in network order), WSANO_DATA if unknown. */
    WSAAsyncGetServByName(
      hWnd: WindowProc,
      wMsg: number,
      name: string,
      proto: string | null,
      buf: AsyncEntryRef<SERVENT>,
      buflen: number,
    ): number {
      if (typeof name !== 'string') return ctx.failWith(WSAEFAULT, 0);
      return start(hWnd, wMsg, buf, buflen, () => serviceEntryByName(name, proto), serventBufferSize);
    },

    /** WSAAsyncGetServByPort: `port` in network order, as getservbyport. */
    WSAAsyncGetServByPort(
      hWnd: WindowProc,
      wMsg: number,
      port: number,
      proto: string | null,
      buf: AsyncEntryRef<SERVENT>,
      buflen: number,
    ): number {
      return start(hWnd, wMsg, buf, buflen, () => serviceEntryByPort(port, proto), serventBufferSize);
    },

    /** WSAAsyncGetProtoByName: Windows' protocol table ("tcp" → 6, alias "TCP"), ignoring case. */
    WSAAsyncGetProtoByName(
      hWnd: WindowProc,
      wMsg: number,
      name: string,
      buf: AsyncEntryRef<PROTOENT>,
      buflen: number,
    ): number {
      if (typeof name !== 'string') return ctx.failWith(WSAEFAULT, 0);
      return start(hWnd, wMsg, buf, buflen, () => protoentOrError(protocolByName(name)), protoentBufferSize);
    },

    /** WSAAsyncGetProtoByNumber: the protocol numbered `number`, WSANO_DATA if none. */
    WSAAsyncGetProtoByNumber(
      hWnd: WindowProc,
      wMsg: number,
      number: number,
      buf: AsyncEntryRef<PROTOENT>,
      buflen: number,
    ): number {
      return start(hWnd, wMsg, buf, buflen, () => protoentOrError(protocolByNumber(number)), protoentBufferSize);
    },

    /**
     * WSACancelAsyncRequest: 0, and the task's message is never posted; SOCKET_ERROR with
     * WSAEINVAL for a handle that is not a pending task (unknown, completed or cancelled).
     */
    WSACancelAsyncRequest(hAsyncTaskHandle: number): number {
      if (!ctx.started()) return ctx.failWith(WSANOTINITIALISED);
      if (!pending.delete(hAsyncTaskHandle)) return ctx.failWith(WSAEINVAL);
      return 0;
    },
  };
}
