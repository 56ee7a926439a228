/**
 * Address text for sockaddrs: WSAAddressToStringA/W, WSAStringToAddressA/W, InetPtonW and
 * InetNtopW. JavaScript strings are already Unicode, so each A and W pair is one function; the
 * lengths count characters with the terminating NUL, which for this ASCII text is the same number
 * in bytes (A) and in WCHARs (W). Nothing here touches the network.
 */
import { AF_INET, AF_INET6, WSAEFAULT, WSAEINVAL, WSANOTINITIALISED, WSAEAFNOSUPPORT } from '../win/constants.js';
import { inetNtop, inetPton } from '../win/inet.js';
import { ipv6Text, readIpv4Text, readIpv6Text } from '../win/ip-text.js';
import { SOCKADDR_IN_SIZE, SOCKADDR_IN6_SIZE, readSockaddr, type SockAddr } from '../win/sockaddr.js';
import { isRef, type Ref, type WinsockContext } from './context.js';

/** A string out-parameter (`LPSTR` / `LPWSTR` buffer): the call sets `value`. */
export interface StringRef {
  value: string;
}

/**
 * sockaddr → Windows' text: "a.b.c.d[:port]", "v6[%scope]" or "[v6[%scope]]:port" (port 0 is left
 * out), the IPv6 part as inet_ntop writes it.
 */
export function sockaddrText(a: SockAddr, bytes: Uint8Array): string {
  if (a.family === AF_INET) return a.port ? `${a.address}:${a.port}` : a.address;
  const v6 = ipv6Text(bytes, 8);
  const host = a.scopeId ? `${v6}%${a.scopeId >>> 0}` : v6;
  return a.port ? `[${host}]:${a.port}` : host;
}

/**
 * The text as a sockaddr of `family` (`ok`), or what Windows leaves in the caller's sockaddr when
 * the text is no address of that family: zero, with sa_family 0, but holding the address bytes
 * Windows had read before it found the text bad ("1.2.3.4 " still has 1.2.3.4). IPv4 takes
 * Windows' loose forms (a, a.b, a.b.c, hex and octal parts) and ":port"; IPv6 "[v6%scope]:port".
 */
export function parseAddressString(text: string, family: number): { ok: boolean; sockaddr: Uint8Array } {
  const out = new Uint8Array(family === AF_INET ? SOCKADDR_IN_SIZE : SOCKADDR_IN6_SIZE);
  const v = new DataView(out.buffer);
  if (family === AF_INET) {
    const read = readIpv4Text(text, false, out, 4);
    if (!read.ok || (read.end !== text.length && text[read.end] !== ':')) return { ok: false, sockaddr: out };
    v.setUint16(0, AF_INET, true);
    v.setUint16(2, read.port, false);
    return { ok: true, sockaddr: out };
  }
  const read = readIpv6Text(text, true, out, 8);
  if (!read.ok) return { ok: false, sockaddr: out };
  v.setUint16(0, AF_INET6, true);
  v.setUint16(2, read.port, false);
  v.setUint32(24, read.scopeId, true);
  return { ok: true, sockaddr: out };
}

export function addressStringCalls(ctx: WinsockContext) {
  const { failWith } = ctx;
  const errors = { set: (code: number) => ctx.setLastError(code) };

  function WSAAddressToString(
    lpsaAddress: Uint8Array | null,
    dwAddressLength: number,
    lpProtocolInfo: null,
    lpszAddressString: StringRef | null,
    lpdwAddressStringLength: Ref | null,
  ): number {
    void lpProtocolInfo;
    if (!ctx.started()) return failWith(WSANOTINITIALISED);
    if (!(lpsaAddress instanceof Uint8Array) || !isRef(lpdwAddressStringLength)) return failWith(WSAEFAULT);
    const addr = readSockaddr(lpsaAddress, dwAddressLength);
    if (addr === WSAEAFNOSUPPORT) return failWith(WSAEINVAL);
    if (typeof addr === 'number') return failWith(WSAEFAULT);
    const text = sockaddrText(addr, lpsaAddress);
    const need = text.length + 1;
    if (!lpszAddressString || lpdwAddressStringLength.value >>> 0 < need) {
      lpdwAddressStringLength.value = need;
      return failWith(WSAEFAULT);
    }
    lpszAddressString.value = text;
    lpdwAddressStringLength.value = need;
    return 0;
  }

  function WSAStringToAddress(
    AddressString: string | null,
    AddressFamily: number,
    lpProtocolInfo: null,
    lpAddress: Uint8Array | null,
    lpAddressLength: Ref | null,
  ): number {
    void lpProtocolInfo;
    if (!ctx.started()) return failWith(WSANOTINITIALISED);
    if (typeof AddressString !== 'string' || !isRef(lpAddressLength)) return failWith(WSAEFAULT);
    if (AddressFamily !== AF_INET && AddressFamily !== AF_INET6) return failWith(WSAEINVAL);
    const size = AddressFamily === AF_INET ? SOCKADDR_IN_SIZE : SOCKADDR_IN6_SIZE;
    if (lpAddressLength.value < size || !(lpAddress instanceof Uint8Array) || lpAddress.length < size) {
      lpAddressLength.value = size;
      return failWith(WSAEFAULT);
    }
    const parsed = parseAddressString(AddressString, AddressFamily);
    lpAddress.set(parsed.sockaddr);
    if (!parsed.ok) return failWith(WSAEINVAL);
    lpAddressLength.value = size;
    return 0;
  }

  return {
    WSAAddressToStringA: WSAAddressToString,
    WSAAddressToStringW: WSAAddressToString,
    WSAStringToAddressA: WSAStringToAddress,
    WSAStringToAddressW: WSAStringToAddress,

    /** inet_pton, and text that is no address (0) also sets WSAEINVAL, as Windows' InetPtonW does. */
    InetPtonW(Family: number, pszAddrString: string | null, pAddrBuf: Uint8Array | null): number {
      const rc = inetPton(Family, pszAddrString, pAddrBuf, errors);
      if (rc === 0) ctx.setLastError(WSAEINVAL);
      return rc;
    },

    InetNtopW(Family: number, pAddr: Uint8Array): string | null {
      return inetNtop(Family, pAddr, errors);
    },
  };
}
