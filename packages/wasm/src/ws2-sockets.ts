/**
 * ws2_32 imports for start-up and the socket life cycle: WSAStartup, WSACleanup,
 * WSAGetLastError, WSASetLastError, socket, WSASocketA/W, closesocket, bind, listen, connect,
 * WSAConnect, accept, shutdown, ioctlsocket, setsockopt, getsockopt, getsockname, getpeername.
 * Each one marshals its C arguments and calls the @ws2web/browser function of the same name.
 */
import type { WSADATA } from '@ws2web/browser';
import type { GlueContext, ImportGroup } from './context.js';
import { OutAddress, readRef, readSockaddr, writeWsaData } from './structs.js';
import { INVALID_SOCKET, SOCKET_ERROR, WSAEFAULT, WSAEOPNOTSUPP } from './values.js';

/** WSAPROTOCOL_INFO up to and including iProtocol (offset 92). */
const PROTOCOL_INFO_FIELDS_END = 96;

export function socketImports(ctx: GlueContext): ImportGroup {
  const { w } = ctx;

  /** WSAStartup(wVersionRequested, lpWSAData): a NULL lpWSAData is WSAEFAULT, as on Windows. */
  function WSAStartup(wVersionRequested: number, lpWSAData: number): number {
    if (lpWSAData === 0) return WSAEFAULT;
    const data: WSADATA = {};
    const rc = w.WSAStartup(wVersionRequested & 0xffff, data);
    if (rc === 0) writeWsaData(ctx.m, lpWSAData, data);
    return rc;
  }

  function WSASocket(
    af: number,
    type: number,
    protocol: number,
    lpProtocolInfo: number,
    g: number,
    dwFlags: number,
  ): number {
    // The library reads iAddressFamily, iSocketType and iProtocol, which lie at the same offsets
    // in WSAPROTOCOL_INFOA and W; a pointer outside memory reads as an empty info (WSAEFAULT).
    const info =
      lpProtocolInfo === 0
        ? null
        : ctx.m.inBounds(lpProtocolInfo, PROTOCOL_INFO_FIELDS_END)
          ? ctx.m.copy(lpProtocolInfo, PROTOCOL_INFO_FIELDS_END)
          : new Uint8Array(0);
    return w.WSASocket(af, type, protocol, info, g >>> 0, dwFlags >>> 0);
  }

  /** bind waits for the relay's hold on the address, so a port in use fails here, as on Windows. */
  async function bind(s: number, name: number, namelen: number): Promise<number> {
    return w.bindAsync(s >>> 0, readSockaddr(ctx.m, name, namelen)!, namelen);
  }

  function ioctlsocket(s: number, cmd: number, argp: number): number {
    const ref = readRef(ctx.m, argp, true);
    const rc = w.ioctlsocket(s >>> 0, cmd >>> 0, ref!);
    if (rc === 0 && ref) ctx.m.setU32(argp, ref.value);
    return rc;
  }

  function setsockopt(s: number, level: number, optname: number, optval: number, optlen: number): number {
    const m = ctx.m;
    const bytes =
      optval === 0
        ? null
        : m.inBounds(optval, Math.max(0, optlen))
          ? m.copy(optval, Math.max(0, optlen))
          : new Uint8Array(0);
    return w.setsockopt(s >>> 0, level, optname, bytes, optlen);
  }

  function getsockopt(s: number, level: number, optname: number, optval: number, optlen: number): number {
    const m = ctx.m;
    const ref = readRef(m, optlen);
    const capacity = ref ? Math.max(0, Math.min(ref.value, 4096)) : 0;
    const buf = optval === 0 ? null : new Uint8Array(capacity);
    const rc = w.getsockopt(s >>> 0, level, optname, buf, ref);
    if (rc === 0 && ref) {
      if (buf) m.write(optval, buf.subarray(0, Math.max(0, Math.min(ref.value, buf.length))));
      m.setI32(optlen, ref.value);
    }
    return rc;
  }

  function addressQuery(call: 'getsockname' | 'getpeername') {
    return (s: number, name: number, namelen: number): number => {
      const out = new OutAddress(ctx.m, name, namelen);
      const rc = w[call](s >>> 0, out.buf, out.ref);
      if (rc === 0) out.commit();
      return rc;
    };
  }

  async function connect(s: number, name: number, namelen: number): Promise<number> {
    return w.connect(s >>> 0, readSockaddr(ctx.m, name, namelen)!, namelen);
  }

  /**
   * WSAConnect: connect data travels as WSABUFs. QOS structures are not marshalled: a non-NULL
   * lpSQOS fails with WSAEOPNOTSUPP (a non-NULL lpGQOS is WSAEINVAL in the library, as Windows).
   */
  async function WSAConnect(
    s: number,
    name: number,
    namelen: number,
    lpCallerData: number,
    lpCalleeData: number,
    lpSQOS: number,
    lpGQOS: number,
  ): Promise<number> {
    const m = ctx.m;
    if (lpSQOS !== 0) return ctx.fail(WSAEOPNOTSUPP, SOCKET_ERROR);
    const caller = lpCallerData === 0 ? null : { len: m.u32(lpCallerData), buf: null };
    const callee = lpCalleeData === 0 ? null : { len: m.u32(lpCalleeData), buf: null };
    const rc = await w.WSAConnect(
      s >>> 0,
      readSockaddr(m, name, namelen)!,
      namelen,
      caller,
      callee,
      null,
      lpGQOS === 0 ? null : {},
    );
    if (rc === 0 && callee) ctx.m.setU32(lpCalleeData, callee.len);
    return rc;
  }

  async function accept(s: number, addr: number, addrlen: number): Promise<number> {
    const out = new OutAddress(ctx.m, addr, addrlen);
    const rc = await w.accept(s >>> 0, out.buf, out.ref);
    if (rc >>> 0 !== INVALID_SOCKET) out.commit();
    return rc;
  }

  return {
    sync: {
      WSAStartup,
      WSACleanup: () => w.WSACleanup(),
      WSAGetLastError: () => w.WSAGetLastError(),
      WSASetLastError: (iError: number) => w.WSASetLastError(iError),
      socket: (af: number, type: number, protocol: number) => w.socket(af, type, protocol),
      WSASocketA: WSASocket,
      WSASocketW: WSASocket,
      closesocket: (s: number) => w.closesocket(s >>> 0),
      listen: (s: number, backlog: number) => w.listen(s >>> 0, backlog),
      shutdown: (s: number, how: number) => w.shutdown(s >>> 0, how),
      ioctlsocket,
      setsockopt,
      getsockopt,
      getsockname: addressQuery('getsockname'),
      getpeername: addressQuery('getpeername'),
    },
    blocking: { bind, connect, WSAConnect, accept },
  };
}
