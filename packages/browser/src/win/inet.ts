/**
 * Byte-order and address-text helpers (htons…, inet_addr, inet_ntoa, inet_pton, inet_ntop).
 * Windows runs little-endian, so the host↔network conversions swap bytes, and a "network order"
 * u_long is the value a little-endian machine reads from the address bytes.
 */
import { formatIPv4 } from '@ws2web/protocol';
import { AF_INET, AF_INET6, INADDR_NONE, WSAEAFNOSUPPORT, WSAEFAULT } from './constants.js';
import { ipv4Bytes, ipv6Text, readIpv4Text, readIpv6Text } from './ip-text.js';

export function htons(v: number): number {
  return ((v & 0xff) << 8) | ((v >>> 8) & 0xff);
}
export const ntohs = htons;

export function htonl(v: number): number {
  return (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | ((v >>> 24) & 0xff)) >>> 0;
}
export const ntohl = htonl;

/** The C library's isspace in the "C" locale. */
const isCSpace = (c: string | undefined): boolean => c !== undefined && ' \t\n\v\f\r'.includes(c);

/** A number as strtoul(…, 0) reads it: "0x" hex, "0" octal or decimal; 0xffffffff when it overflows. */
function strtoulAuto(text: string, at: number): { value: number; next: number } {
  let i = at;
  let base = 10;
  if (text[i] === '0' && (text[i + 1] === 'x' || text[i + 1] === 'X') && /[0-9a-fA-F]/.test(text[i + 2] ?? '')) {
    base = 16;
    i += 2;
  } else if (text[i] === '0') {
    base = 8;
  }
  let value = 0;
  for (; i < text.length; i++) {
    const d = parseInt(text[i]!, 16);
    if (Number.isNaN(d) || d >= base) break;
    value = Math.min(value * base + d, 0xffffffff);
  }
  return { value, next: i };
}

/**
 * inet_addr: the address as an `in_addr` value in network order, INADDR_NONE when invalid.
 * Windows' reading: 1 to 4 parts (the last fills the bytes left), each decimal, "0x" hex or "0"
 * octal; reading stops at a white-space character, whatever follows it; nothing may come before
 * the first digit; and a lone " " is 0.0.0.0.
 */
export function inet_addr(cp: string): number {
  if (typeof cp !== 'string') return INADDR_NONE;
  if (cp === ' ') return 0;
  const parts: number[] = [];
  let i = 0;
  for (;;) {
    if (!/[0-9]/.test(cp[i] ?? '')) return INADDR_NONE;
    const part = strtoulAuto(cp, i);
    parts.push(part.value);
    i = part.next;
    if (i === cp.length || isCSpace(cp[i])) break;
    if (cp[i] !== '.' || parts.length === 4) return INADDR_NONE;
    i++;
  }
  const bytes = ipv4Bytes(parts);
  if (!bytes) return INADDR_NONE;
  return (bytes[0]! | (bytes[1]! << 8) | (bytes[2]! << 16) | (bytes[3]! << 24)) >>> 0;
}

/** inet_ntoa: dotted text of an `in_addr` value in network order. */
export function inet_ntoa(inAddr: number): string {
  const v = inAddr >>> 0;
  return `${v & 0xff}.${(v >>> 8) & 0xff}.${(v >>> 16) & 0xff}.${v >>> 24}`;
}

export interface InetErrorSink {
  set(code: number): void;
}

/**
 * inet_pton(Family, text, buf): 1 and the address bytes written to buf; 0 if the text is not an
 * address of the family (Windows still writes the bytes it read: "1.2.3.4:80" leaves 1.2.3.4 in
 * buf); -1 with WSAEFAULT (no text or buffer, or one too small) / WSAEAFNOSUPPORT reported
 * through `errors`.
 */
export function inetPton(family: number, text: string | null, buf: Uint8Array | null, errors: InetErrorSink): number {
  if (typeof text !== 'string' || !(buf instanceof Uint8Array)) {
    errors.set(WSAEFAULT);
    return -1;
  }
  if (family !== AF_INET && family !== AF_INET6) {
    errors.set(WSAEAFNOSUPPORT);
    return -1;
  }
  if (buf.length < (family === AF_INET ? 4 : 16)) {
    errors.set(WSAEFAULT);
    return -1;
  }
  const read = family === AF_INET ? readIpv4Text(text, true, buf) : readIpv6Text(text, false, buf);
  return read.ok && read.end === text.length ? 1 : 0;
}

/** inet_ntop(Family, addrBytes): Windows' text, or null with WSAEAFNOSUPPORT / WSAEFAULT reported. */
export function inetNtop(family: number, addr: Uint8Array | null, errors: InetErrorSink): string | null {
  if (family !== AF_INET && family !== AF_INET6) {
    errors.set(WSAEAFNOSUPPORT);
    return null;
  }
  const need = family === AF_INET ? 4 : 16;
  if (!(addr instanceof Uint8Array) || addr.length < need) {
    errors.set(WSAEFAULT);
    return null;
  }
  return family === AF_INET ? formatIPv4(addr) : ipv6Text(addr);
}
