/**
 * Byte-order and address-text helpers (htons…, inet_addr, inet_ntoa, inet_pton, inet_ntop).
 * Windows runs little-endian, so the host↔network conversions swap bytes, and a "network order"
 * u_long is the value a little-endian machine reads from the address bytes.
 */
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from '@ws2web/protocol';
import { AF_INET, AF_INET6, INADDR_NONE, WSAEAFNOSUPPORT, WSAEFAULT } from './constants.js';

export function htons(v: number): number {
  return ((v & 0xff) << 8) | ((v >>> 8) & 0xff);
}
export const ntohs = htons;

export function htonl(v: number): number {
  return (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | ((v >>> 24) & 0xff)) >>> 0;
}
export const ntohl = htonl;

/**
 * inet_addr: the dotted string as an `in_addr` value in network order, INADDR_NONE when invalid.
 * Accepts the BSD forms Windows accepts (a, a.b, a.b.c, a.b.c.d; decimal, 0x hex, 0 octal parts).
 */
export function inet_addr(cp: string): number {
  if (typeof cp !== 'string') return INADDR_NONE;
  const text = cp.trim();
  if (text === '') return INADDR_NONE;
  const parts = text.split('.');
  if (parts.length > 4) return INADDR_NONE;
  const nums: number[] = [];
  for (const p of parts) {
    let n: number;
    if (/^0[xX][0-9a-fA-F]+$/.test(p)) n = parseInt(p.slice(2), 16);
    else if (/^0[0-7]*$/.test(p)) n = parseInt(p, 8);
    else if (/^[1-9]\d*$/.test(p)) n = parseInt(p, 10);
    else return INADDR_NONE;
    nums.push(n);
  }
  // Every part but the last is one byte; the last fills the remaining bytes (a.b.c → c is 16 bits).
  const lastPart = nums.pop();
  if (lastPart === undefined) return INADDR_NONE;
  if (nums.some((n) => n > 255) || lastPart > 2 ** (8 * (4 - nums.length)) - 1) return INADDR_NONE;
  let host = lastPart;
  nums.forEach((n, i) => {
    host += n * 2 ** (8 * (3 - i));
  });
  return htonl(host >>> 0);
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
 * inet_pton(Family, text, buf): 1 and the address bytes written to buf; 0 if the text is not a
 * valid address of the family; -1 with WSAEAFNOSUPPORT / WSAEFAULT reported through `errors`.
 */
export function inetPton(family: number, text: string, buf: Uint8Array | null, errors: InetErrorSink): number {
  if (family !== AF_INET && family !== AF_INET6) {
    errors.set(WSAEAFNOSUPPORT);
    return -1;
  }
  if (typeof text !== 'string' || !(buf instanceof Uint8Array)) {
    errors.set(WSAEFAULT);
    return -1;
  }
  const bytes = family === AF_INET ? parseIPv4(text) : parseIPv6(text);
  if (!bytes) return 0;
  if (buf.length < bytes.length) {
    errors.set(WSAEFAULT);
    return -1;
  }
  buf.set(bytes);
  return 1;
}

/** inet_ntop(Family, addrBytes): text, or null with WSAEAFNOSUPPORT / WSAEFAULT reported. */
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
  return family === AF_INET ? formatIPv4(addr) : formatIPv6(addr);
}
