/**
 * sockaddr byte layouts, exactly as Windows lays them out in memory:
 *   sockaddr_in  (16 bytes): family u16 LE = 2, port u16 BE, addr[4], zero[8]
 *   sockaddr_in6 (28 bytes): family u16 LE = 23, port u16 BE, flowinfo u32 BE, addr[16], scope_id u32 LE
 */
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6, type Endpoint } from '@ws2web/protocol';
import { AF_INET, AF_INET6, WSAEAFNOSUPPORT, WSAEFAULT } from './constants.js';

export const SOCKADDR_IN_SIZE = 16;
export const SOCKADDR_IN6_SIZE = 28;

/** A decoded socket address; `address` is text (dotted quad or RFC 5952). */
export interface SockAddr {
  family: typeof AF_INET | typeof AF_INET6;
  address: string;
  port: number;
  flowinfo: number;
  scopeId: number;
}

function checkPort(port: number): void {
  if (!Number.isInteger(port) || port < 0 || port > 0xffff) throw new RangeError(`port ${port} is not in 0..65535`);
}

/** Builds a 16-byte `sockaddr_in`. Throws RangeError on a malformed address or port (a programming error). */
export function sockaddrIn(address: string, port: number): Uint8Array {
  const ip = parseIPv4(address);
  if (!ip) throw new RangeError(`sockaddrIn: ${JSON.stringify(address)} is not a dotted-quad IPv4 address`);
  checkPort(port);
  const b = new Uint8Array(SOCKADDR_IN_SIZE);
  const v = new DataView(b.buffer);
  v.setUint16(0, AF_INET, true);
  v.setUint16(2, port, false);
  b.set(ip, 4);
  return b;
}

/** Builds a 28-byte `sockaddr_in6`. Accepts `addr%scope` with a numeric scope as well. */
export function sockaddrIn6(address: string, port: number, scopeId = 0): Uint8Array {
  let text = address;
  const pct = address.indexOf('%');
  if (pct >= 0) {
    const zone = address.slice(pct + 1);
    if (!/^\d+$/.test(zone)) throw new RangeError(`sockaddrIn6: zone ${JSON.stringify(zone)} must be numeric`);
    scopeId = Number(zone);
    text = address.slice(0, pct);
  }
  const ip = parseIPv6(text);
  if (!ip) throw new RangeError(`sockaddrIn6: ${JSON.stringify(address)} is not an IPv6 address`);
  checkPort(port);
  const b = new Uint8Array(SOCKADDR_IN6_SIZE);
  const v = new DataView(b.buffer);
  v.setUint16(0, AF_INET6, true);
  v.setUint16(2, port, false);
  v.setUint32(4, 0, false);
  b.set(ip, 8);
  v.setUint32(24, scopeId >>> 0, true);
  return b;
}

/**
 * Decodes a sockaddr for callers. Throws RangeError for bytes that are no sockaddr_in/in6
 * (this is a helper, not a Winsock call).
 */
export function parseSockaddr(bytes: Uint8Array): {
  family: number;
  address: string;
  port: number;
  flowinfo?: number;
  scopeId?: number;
} {
  const r = readSockaddr(bytes, bytes.length);
  if (typeof r === 'number')
    throw new RangeError(`parseSockaddr: not a sockaddr_in or sockaddr_in6 (${bytes.length} bytes)`);
  return r.family === AF_INET
    ? { family: r.family, address: r.address, port: r.port }
    : { family: r.family, address: r.address, port: r.port, flowinfo: r.flowinfo, scopeId: r.scopeId };
}

/** The family field of a sockaddr, or -1 if the buffer is too short to hold one. */
export function sockaddrFamily(bytes: Uint8Array | null | undefined, namelen: number): number {
  if (!bytes || namelen < 2 || bytes.length < 2) return -1;
  return new DataView(bytes.buffer, bytes.byteOffset, 2).getUint16(0, true);
}

/**
 * Reads a sockaddr the way Winsock validates one: WSAEFAULT when `namelen` or the buffer is too
 * small for the family, WSAEAFNOSUPPORT for an unknown family. Returns the address or an error code.
 */
export function readSockaddr(bytes: Uint8Array | null | undefined, namelen: number): SockAddr | number {
  if (
    !(bytes instanceof Uint8Array) ||
    !Number.isInteger(namelen) ||
    namelen < 2 ||
    bytes.length < Math.min(namelen, 2)
  )
    return WSAEFAULT;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const family = v.getUint16(0, true);
  if (family === AF_INET) {
    if (namelen < SOCKADDR_IN_SIZE || bytes.length < SOCKADDR_IN_SIZE) return WSAEFAULT;
    return { family, address: formatIPv4(bytes, 4), port: v.getUint16(2, false), flowinfo: 0, scopeId: 0 };
  }
  if (family === AF_INET6) {
    if (namelen < SOCKADDR_IN6_SIZE || bytes.length < SOCKADDR_IN6_SIZE) return WSAEFAULT;
    return {
      family,
      address: formatIPv6(bytes, 8),
      port: v.getUint16(2, false),
      flowinfo: v.getUint32(4, false),
      scopeId: v.getUint32(24, true),
    };
  }
  return WSAEAFNOSUPPORT;
}

/** Encodes a SockAddr back to bytes (flowinfo and scope id included). */
export function writeSockaddr(a: SockAddr): Uint8Array {
  if (a.family === AF_INET) return sockaddrIn(a.address, a.port);
  const bytes = sockaddrIn6(a.address, a.port, a.scopeId);
  new DataView(bytes.buffer).setUint32(4, a.flowinfo >>> 0, false);
  return bytes;
}

/** True if every address byte is zero (INADDR_ANY / in6addr_any). */
export function isUnspecified(a: SockAddr): boolean {
  return a.family === AF_INET ? a.address === '0.0.0.0' : a.address === '::';
}

/** The wire endpoint for a SockAddr. */
export function toEndpoint(a: SockAddr): Endpoint {
  return a.family === AF_INET
    ? { kind: 'ipv4', address: a.address, port: a.port }
    : { kind: 'ipv6', address: a.address, port: a.port, scopeId: a.scopeId };
}

/** The SockAddr for a wire endpoint the relay reported (always an IP). */
export function fromEndpoint(e: Endpoint): SockAddr {
  if (e.kind === 'ipv4') return { family: AF_INET, address: e.address, port: e.port, flowinfo: 0, scopeId: 0 };
  if (e.kind === 'ipv6') return { family: AF_INET6, address: e.address, port: e.port, flowinfo: 0, scopeId: e.scopeId };
  throw new RangeError('relay reported a host name where an address belongs');
}

/** A relay-reported address seen by a socket of `family`: IPv4 on an AF_INET6 socket becomes ::ffff:a.b.c.d. */
export function asFamily(a: SockAddr, family: number): SockAddr {
  if (family === AF_INET6 && a.family === AF_INET) {
    return { family: AF_INET6, address: `::ffff:${a.address}`, port: a.port, flowinfo: 0, scopeId: 0 };
  }
  if (family === AF_INET && a.family === AF_INET6 && a.address.startsWith('::ffff:') && a.address.includes('.')) {
    return { family: AF_INET, address: a.address.slice(7), port: a.port, flowinfo: 0, scopeId: 0 };
  }
  return a;
}

/**
 * Copies a sockaddr into a caller's buffer with Winsock's length rules (getsockname/getpeername):
 * WSAEFAULT when `namelen.value` is smaller than the address; on success `namelen.value` is set to
 * the address size.
 */
export function copySockaddrOut(a: SockAddr, name: Uint8Array | null, namelen: { value: number } | null): number {
  if (!name || !namelen || typeof namelen.value !== 'number') return WSAEFAULT;
  const bytes = writeSockaddr(a);
  if (namelen.value < bytes.length || name.length < bytes.length) return WSAEFAULT;
  name.set(bytes);
  namelen.value = bytes.length;
  return 0;
}

/** An all-zero address of `family` and port 0 (what getsockname reports for an unbound socket's bind). */
export function anyAddress(family: number): SockAddr {
  return family === AF_INET6
    ? { family: AF_INET6, address: '::', port: 0, flowinfo: 0, scopeId: 0 }
    : { family: AF_INET, address: '0.0.0.0', port: 0, flowinfo: 0, scopeId: 0 };
}
