/**
 * Address text for sockaddrs: WSAAddressToStringA/W, WSAStringToAddressA/W, InetPtonW and
 * InetNtopW. JavaScript strings are already Unicode, so each A and W pair is one function; the
 * lengths count characters with the terminating NUL, which for this ASCII text is the same number
 * in bytes (A) and in WCHARs (W). Nothing here touches the network.
 */
import { parseIPv6 } from '@ws2web/protocol';
import { AF_INET, AF_INET6, WSAEFAULT, WSAEINVAL, WSANOTINITIALISED, WSAEAFNOSUPPORT } from '../win/constants.js';
import { inetNtop, inetPton } from '../win/inet.js';
import { SOCKADDR_IN_SIZE, SOCKADDR_IN6_SIZE, readSockaddr, type SockAddr } from '../win/sockaddr.js';
import { isRef, type Ref, type WinsockContext } from './context.js';

/** A string out-parameter (`LPSTR` / `LPWSTR` buffer): the call sets `value`. */
export interface StringRef {
  value: string;
}

/** sockaddr → Windows' text: "a.b.c.d[:port]", "v6[%scope]" or "[v6[%scope]]:port" (port 0 is left out). */
export function sockaddrText(a: SockAddr): string {
  if (a.family === AF_INET) return a.port ? `${a.address}:${a.port}` : a.address;
  const host = a.scopeId ? `${a.address}%${a.scopeId >>> 0}` : a.address;
  return a.port ? `[${host}]:${a.port}` : host;
}

/**
 * One number of the IPv4 text forms Windows' non-strict parser takes (RtlIpv4StringToAddress):
 * "0x" + hex digits, "0" + octal digits, or decimal; null when it is none of them.
 */
function ipv4Number(part: string): number | null {
  if (/^0[xX][0-9a-fA-F]+$/.test(part)) return parseInt(part.slice(2), 16);
  if (/^0[0-7]*$/.test(part)) return parseInt(part, 8);
  if (/^[1-9][0-9]*$/.test(part)) return Number(part);
  return null;
}

/**
 * The IPv4 forms WSAStringToAddress accepts: a, a.b, a.b.c or a.b.c.d, each part in decimal,
 * octal or hex, the last part filling the bytes left (a.b → b is 24 bits). A single number is
 * taken modulo 2^32, as Windows does ("0x123456789" is 35.69.103.137). The address bytes, or null.
 */
function parseIPv4Loose(text: string): Uint8Array | null {
  const parts = text.split('.');
  if (parts.length > 4) return null;
  const nums: number[] = [];
  for (const part of parts) {
    const n = ipv4Number(part);
    if (n === null) return null;
    nums.push(n);
  }
  const last = nums.pop() ?? 0;
  let value: number;
  if (nums.length === 0) {
    value = last % 2 ** 32;
  } else {
    if (nums.some((n) => n > 255) || last >= 2 ** (8 * (4 - nums.length))) return null;
    value = nums.reduce((acc, n, i) => acc + n * 2 ** (8 * (3 - i)), last);
  }
  return new Uint8Array([value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff]);
}

/** A port after ':' in the forms Windows takes for AF_INET (decimal, 0 octal, 0x hex), 1–65535. */
function ipv4Port(text: string): number | null {
  const n = ipv4Number(text);
  return n === null || n === 0 || n > 0xffff ? null : n;
}

/** "[v6%scope]:port", "[v6]", "v6%scope" or "v6" → the parts, or null. The port is decimal. */
function parseIPv6Text(text: string): { bytes: Uint8Array; scopeId: number; port: number } | null {
  let host = text;
  let port = 0;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) return null;
    host = text.slice(1, close);
    const rest = text.slice(close + 1);
    if (rest !== '') {
      if (!/^:[0-9]{1,5}$/.test(rest)) return null;
      port = Number(rest.slice(1));
      if (port > 0xffff) return null;
    }
  }
  let scopeId = 0;
  const percent = host.indexOf('%');
  if (percent >= 0) {
    const scope = host.slice(percent + 1);
    if (!/^[0-9]{1,10}$/.test(scope) || Number(scope) > 0xffffffff) return null;
    scopeId = Number(scope);
    host = host.slice(0, percent);
  }
  const bytes = parseIPv6(host);
  return bytes ? { bytes, scopeId, port } : null;
}

/**
 * The text as a sockaddr of `family` (`ok`), or what Windows leaves in the caller's sockaddr when
 * the text is no address of that family: all zero (sa_family 0), except that an IPv4 address
 * whose port part is bad is still written (Windows parses the address before the port).
 */
export function parseAddressString(text: string, family: number): { ok: boolean; sockaddr: Uint8Array } {
  if (family === AF_INET) {
    const out = new Uint8Array(SOCKADDR_IN_SIZE);
    const colon = text.indexOf(':');
    const bytes = parseIPv4Loose(colon < 0 ? text : text.slice(0, colon));
    if (!bytes) return { ok: false, sockaddr: out };
    out.set(bytes, 4);
    const port = colon < 0 ? 0 : ipv4Port(text.slice(colon + 1));
    if (port === null) return { ok: false, sockaddr: out };
    const v = new DataView(out.buffer);
    v.setUint16(0, AF_INET, true);
    v.setUint16(2, port, false);
    return { ok: true, sockaddr: out };
  }
  const out = new Uint8Array(SOCKADDR_IN6_SIZE);
  const v6 = parseIPv6Text(text);
  if (!v6) return { ok: false, sockaddr: out };
  const v = new DataView(out.buffer);
  v.setUint16(0, AF_INET6, true);
  v.setUint16(2, v6.port, false);
  out.set(v6.bytes, 8);
  v.setUint32(24, v6.scopeId, true);
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
    const text = sockaddrText(addr);
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

    InetPtonW(Family: number, pszAddrString: string, pAddrBuf: Uint8Array): number {
      return inetPton(Family, pszAddrString, pAddrBuf, errors);
    },

    InetNtopW(Family: number, pAddr: Uint8Array): string | null {
      return inetNtop(Family, pAddr, errors);
    },
  };
}
