/**
 * ws2_32's WSAConnectByNameA / WSAConnectByNameW / WSAConnectByList: the C strings (ANSI or
 * UTF-16), the SOCKET_ADDRESS_LIST, the timeval and the LPDWORD / sockaddr output pairs, around
 * @ws2web/browser's WSAConnectByName and WSAConnectByList (which connect and fill the outputs).
 *
 * @note The output lengths are written back only when the call succeeded: on a short length
 * (WSAEFAULT) Windows leaves them as they were (Wine's test_WSAConnectByName).
 */
import type { SOCKET_ADDRESS_LIST } from '@ws2web/browser';
import type { GlueContext, ImportGroup } from './context.js';
import { wideString } from './ws2-address-strings.js';
import { OutAddress, readSockaddr, readTimeval } from './structs.js';

/** Longest name or service text read from C (a DNS name is at most 255 characters). */
const MAX_NAME = 1024;
/** A sanity bound on SOCKET_ADDRESS_LIST.iAddressCount read from memory. */
const MAX_LIST = 1024;

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

  /** Both WSAConnectByName forms. A NULL (or unreadable) name reaches the library as null: WSAEINVAL. */
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
      const local = new OutAddress(m, LocalAddress, LocalAddressLength);
      const remote = new OutAddress(m, RemoteAddress, RemoteAddressLength);
      const ok = await w.WSAConnectByName(
        s >>> 0,
        read(nodename),
        read(servicename),
        local.ref,
        local.buf,
        remote.ref,
        remote.buf,
        readTimeval(m, timeout),
        Reserved === 0 ? null : {},
      );
      if (!ok) return 0;
      local.commit();
      remote.commit();
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
    const local = new OutAddress(m, LocalAddress, LocalAddressLength);
    const remote = new OutAddress(m, RemoteAddress, RemoteAddressLength);
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
    local.commit();
    remote.commit();
    return 1;
  }

  return {
    sync: {},
    blocking: { WSAConnectByNameA: byName(false), WSAConnectByNameW: byName(true), WSAConnectByList },
  };
}
