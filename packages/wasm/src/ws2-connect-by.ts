/**
 * ws2_32's WSAConnectByNameA / WSAConnectByNameW / WSAConnectByList: the C strings (ANSI or
 * UTF-16), the SOCKET_ADDRESS_LIST, the timeval and the LPDWORD / sockaddr output pairs, around
 * @ws2web/browser's WSAConnectByName and WSAConnectByList (which connect and fill the outputs).
 *
 * @note The output lengths are written back only when the call succeeded: on a short length
 * (WSAEFAULT) Windows leaves them as they were (Wine's test_WSAConnectByName).
 */
import type { Ref, SOCKET_ADDRESS_LIST } from '@ws2web/browser';
import type { GlueContext, ImportGroup } from './context.js';
import { wideString } from './ws2-address-strings.js';
import { MAX_SOCKADDR, readSockaddr, readTimeval } from './structs.js';
import { WSAEINVAL } from './values.js';

/** Longest name or service text read from C (a DNS name is at most 255 characters). */
const MAX_NAME = 1024;
/** A sanity bound on SOCKET_ADDRESS_LIST.iAddressCount read from memory. */
const MAX_LIST = 1024;

/** One `LPDWORD length, LPSOCKADDR address` output pair; `commit()` writes back what was filled. */
class OutSockaddr {
  readonly ref: Ref | null;
  readonly buf: Uint8Array | null;
  readonly #lenPtr: number;
  readonly #ptr: number;

  constructor(ctx: GlueContext, lenPtr: number, ptr: number) {
    this.#lenPtr = lenPtr;
    this.#ptr = ptr;
    this.ref = lenPtr === 0 ? null : { value: ctx.m.u32(lenPtr) };
    // The library fills the buffer only when the length covers the whole sockaddr.
    this.buf = ptr === 0 ? null : new Uint8Array(this.ref ? Math.min(this.ref.value, MAX_SOCKADDR) : 0);
  }

  /** After a successful call; `ctx.m` again, as memory may have grown while it waited. */
  commit(ctx: GlueContext): void {
    if (!this.ref || !this.buf) return; // the library fills only a complete pair
    const n = Math.min(this.ref.value, this.buf.length);
    ctx.m.write(this.#ptr, this.buf.subarray(0, n));
    ctx.m.setU32(this.#lenPtr, this.ref.value);
  }
}

/** SOCKET_ADDRESS_LIST { INT iAddressCount; SOCKET_ADDRESS Address[]; }, SOCKET_ADDRESS { LPSOCKADDR; INT } */
function readAddressList(ctx: GlueContext, ptr: number): SOCKET_ADDRESS_LIST | null {
  const m = ctx.m;
  if (ptr === 0 || !m.inBounds(ptr, 4)) return null;
  const iAddressCount = m.i32(ptr);
  const Address: SOCKET_ADDRESS_LIST['Address'] = [];
  const n = Math.max(0, Math.min(iAddressCount, MAX_LIST));
  for (let i = 0; i < n && m.inBounds(ptr + 4 + 8 * i, 8); i++) {
    const entry = ptr + 4 + 8 * i;
    const iSockaddrLength = m.i32(entry + 4);
    Address.push({ lpSockaddr: readSockaddr(m, m.u32(entry), iSockaddrLength) ?? new Uint8Array(0), iSockaddrLength });
  }
  return { iAddressCount, Address };
}

export function connectByImports(ctx: GlueContext): ImportGroup {
  const { w } = ctx;

  /**
   * Both WSAConnectByName forms. A NULL nodename or servicename is WSAEINVAL (the library's
   * strings cannot be NULL), before the socket is looked at, as Windows.
   */
  function byName(wide: boolean) {
    return async (
      s: number,
      nodename: number,
      servicename: number,
      LocalAddressLength: number,
      LocalAddress: number,
      RemoteAddressLength: number,
      RemoteAddress: number,
      timeout: number,
      Reserved: number,
    ): Promise<number> => {
      const m = ctx.m;
      const read = (p: number) => (wide ? wideString(m, p, MAX_NAME) : m.cString(p, MAX_NAME));
      const node = read(nodename);
      const service = read(servicename);
      if (node === null || service === null) return ctx.fail(WSAEINVAL, 0);
      const local = new OutSockaddr(ctx, LocalAddressLength, LocalAddress);
      const remote = new OutSockaddr(ctx, RemoteAddressLength, RemoteAddress);
      const ok = await w.WSAConnectByName(
        s >>> 0,
        node,
        service,
        local.ref,
        local.buf,
        remote.ref,
        remote.buf,
        readTimeval(m, timeout),
        Reserved === 0 ? null : {},
      );
      if (!ok) return 0;
      local.commit(ctx);
      remote.commit(ctx);
      return 1;
    };
  }

  /** WSAConnectByList: a NULL list is WSAEINVAL (the library's answer for no address). */
  async function WSAConnectByList(
    s: number,
    SocketAddress: number,
    LocalAddressLength: number,
    LocalAddress: number,
    RemoteAddressLength: number,
    RemoteAddress: number,
    timeout: number,
    Reserved: number,
  ): Promise<number> {
    const m = ctx.m;
    const list = readAddressList(ctx, SocketAddress) ?? { iAddressCount: 0, Address: [] };
    const local = new OutSockaddr(ctx, LocalAddressLength, LocalAddress);
    const remote = new OutSockaddr(ctx, RemoteAddressLength, RemoteAddress);
    const ok = await w.WSAConnectByList(
      s >>> 0,
      list,
      local.ref,
      local.buf,
      remote.ref,
      remote.buf,
      readTimeval(m, timeout),
      Reserved === 0 ? null : {},
    );
    if (!ok) return 0;
    local.commit(ctx);
    remote.commit(ctx);
    return 1;
  }

  return {
    sync: {},
    blocking: { WSAConnectByNameA: byName(false), WSAConnectByNameW: byName(true), WSAConnectByList },
  };
}
