/**
 * Windows structs in wasm32 memory ⇄ the JavaScript shapes @ws2web/browser takes. Offsets are
 * the 32-bit Windows layouts that include/winsock2.h pins with _Static_asserts.
 *
 * @note "in" structs are copied out of memory before the call and "out" structs written back
 * only after it succeeded, so a failing call leaves the caller's memory as it was and nothing
 * keeps a view into memory across an await (memory may grow meanwhile).
 */
import type { ADDRINFO, HOSTENT, PROTOENT, SERVENT, WSADATA } from '@ws2web/browser';
import { utf8Length, type WasmMemory } from './memory.js';

/** Large enough for any sockaddr (SOCKADDR_STORAGE). */
export const MAX_SOCKADDR = 128;
/** A sanity bound on fd_set sizes read from memory (FD_SETSIZE may be raised by the program). */
const MAX_FD_COUNT = 4096;

export interface Ref {
  value: number;
}
export interface FdSet {
  fd_count: number;
  fd_array: number[];
}
export interface WSABUF {
  len: number;
  buf: Uint8Array;
}

/** A sockaddr argument: its bytes, or null for a NULL pointer. */
export function readSockaddr(m: WasmMemory, ptr: number, len: number): Uint8Array | null {
  if (ptr === 0) return null;
  const n = Math.max(0, Math.min(len, MAX_SOCKADDR));
  return m.inBounds(ptr, n) ? m.copy(ptr, n) : new Uint8Array(0);
}

/** An `int *` / `u_long *` argument as a `{ value }` ref; null for NULL. */
export function readRef(m: WasmMemory, ptr: number, unsigned = false): Ref | null {
  if (ptr === 0) return null;
  return { value: unsigned ? m.u32(ptr) : m.i32(ptr) };
}

/**
 * An out-parameter address pair (`struct sockaddr *name, int *namelen`) as getsockname,
 * accept and recvfrom take it; `commit()` writes back what the call reported.
 */
export class OutAddress {
  readonly buf: Uint8Array | null;
  readonly ref: Ref | null;
  readonly #m: WasmMemory;
  readonly #ptr: number;
  readonly #lenPtr: number;

  constructor(m: WasmMemory, ptr: number, lenPtr: number) {
    this.#m = m;
    this.#ptr = ptr;
    this.#lenPtr = lenPtr;
    this.ref = readRef(m, lenPtr);
    const capacity = this.ref ? Math.max(0, Math.min(this.ref.value, MAX_SOCKADDR)) : 0;
    this.buf = ptr === 0 ? null : new Uint8Array(capacity);
  }

  commit(): void {
    if (this.#ptr !== 0 && this.buf && this.ref) {
      const n = Math.max(0, Math.min(this.ref.value, this.buf.length));
      this.#m.write(this.#ptr, this.buf.subarray(0, n));
    }
    if (this.ref && this.#lenPtr !== 0) this.#m.setI32(this.#lenPtr, this.ref.value);
  }
}

/** fd_set { u_int fd_count; SOCKET fd_array[FD_SETSIZE]; } → { fd_count, fd_array }. */
export function readFdSet(m: WasmMemory, ptr: number): FdSet | null {
  if (ptr === 0) return null;
  const count = m.u32(ptr);
  const n = Math.min(count, MAX_FD_COUNT, Math.max(0, (m.size - ptr - 4) >> 2));
  const fd_array: number[] = [];
  for (let i = 0; i < n; i++) fd_array.push(m.u32(ptr + 4 + 4 * i));
  return { fd_count: count, fd_array };
}

/** Writes the sockets select() left in the set (never more than were there). */
export function writeFdSet(m: WasmMemory, ptr: number, set: FdSet | null): void {
  if (ptr === 0 || !set) return;
  m.setU32(ptr, set.fd_count);
  for (let i = 0; i < set.fd_count; i++) m.setU32(ptr + 4 + 4 * i, set.fd_array[i]!);
}

/** struct timeval { long tv_sec; long tv_usec; } */
export function readTimeval(m: WasmMemory, ptr: number): { tv_sec: number; tv_usec: number } | null {
  if (ptr === 0) return null;
  return { tv_sec: m.i32(ptr), tv_usec: m.i32(ptr + 4) };
}

/** WSADATA, 32-bit layout: wVersion@0 wHighVersion@2 szDescription@4[257] szSystemStatus@261[129]
 *  iMaxSockets@390 iMaxUdpDg@392 lpVendorInfo@396; 400 bytes. */
export function writeWsaData(m: WasmMemory, ptr: number, data: WSADATA): void {
  m.fill(ptr, 400);
  m.setU16(ptr, data.wVersion ?? 0);
  m.setU16(ptr + 2, data.wHighVersion ?? 0);
  m.writeCString(ptr + 4, (data.szDescription ?? '').slice(0, 256), 257);
  m.writeCString(ptr + 261, (data.szSystemStatus ?? '').slice(0, 128), 129);
  m.setU16(ptr + 390, data.iMaxSockets ?? 0);
  m.setU16(ptr + 392, data.iMaxUdpDg ?? 0);
  m.setU32(ptr + 396, 0);
}

/** WSANETWORKEVENTS { long lNetworkEvents; int iErrorCode[10]; } */
export function writeNetworkEvents(
  m: WasmMemory,
  ptr: number,
  ne: { lNetworkEvents: number; iErrorCode: number[] },
): void {
  m.setI32(ptr, ne.lNetworkEvents);
  // Only the reported events' slots, as Windows: the others keep what the caller left there.
  for (let i = 0; i < 10; i++) if (ne.lNetworkEvents & (1 << i)) m.setI32(ptr + 4 + 4 * i, ne.iErrorCode[i] ?? 0);
}

/** The (ptr, len) pairs of a WSABUF array, or null when the array is not readable. */
export function readWsabufs(m: WasmMemory, ptr: number, count: number): { ptr: number; len: number }[] | null {
  if (ptr === 0 || count > 1024 || !m.inBounds(ptr, 8 * count)) return null;
  const out: { ptr: number; len: number }[] = [];
  for (let i = 0; i < count; i++) {
    const len = m.u32(ptr + 8 * i);
    const buf = m.u32(ptr + 8 * i + 4);
    if (!m.inBounds(buf, len)) return null;
    out.push({ ptr: buf, len });
  }
  return out;
}

/** Copies the first `n` received bytes back into the C buffers, in order (scatter). */
export function scatter(
  m: WasmMemory,
  targets: { ptr: number; len: number }[],
  sources: Uint8Array[],
  n: number,
): void {
  let left = n;
  for (let i = 0; i < targets.length && left > 0; i++) {
    const take = Math.min(left, targets[i]!.len);
    m.write(targets[i]!.ptr, sources[i]!.subarray(0, take));
    left -= take;
  }
}

// ---------------------------------------------------------------------------------------------
// getaddrinfo results: one malloc per node (node + sockaddr + canonical name), so freeaddrinfo
// frees each node with a single free() and never needs to know the sizes.

const ADDRINFO_SIZE = 32;

/**
 * ADDRINFOA { ai_flags@0 ai_family@4 ai_socktype@8 ai_protocol@12 ai_addrlen@16
 *             ai_canonname@20 ai_addr@24 ai_next@28 }
 * ADDRINFOW is the same with ai_canonname in WCHARs (`wide`); sockaddrs have even lengths, so
 * the name that follows them is 2-byte aligned.
 * @returns the first node's address, 0 for an empty chain, or -1 when malloc failed.
 */
export function writeAddrinfoChain(m: WasmMemory, head: ADDRINFO | null, wide = false): number {
  const nodes: number[] = [];
  for (let ai = head; ai; ai = ai.ai_next) {
    const addr = ai.ai_addr ?? new Uint8Array(0);
    const canon = ai.ai_canonname;
    const canonSize = canon === null ? 0 : wide ? 2 * (canon.length + 1) : utf8Length(canon) + 1;
    const size = ADDRINFO_SIZE + addr.length + canonSize;
    const p = m.malloc(size);
    if (p === 0) {
      for (const q of nodes) m.free(q);
      return -1;
    }
    m.fill(p, size);
    m.setI32(p, ai.ai_flags);
    m.setI32(p + 4, ai.ai_family);
    m.setI32(p + 8, ai.ai_socktype);
    m.setI32(p + 12, ai.ai_protocol);
    m.setU32(p + 16, addr.length);
    m.setU32(p + 24, addr.length > 0 ? p + ADDRINFO_SIZE : 0);
    m.write(p + ADDRINFO_SIZE, addr);
    if (canon !== null) {
      const at = p + ADDRINFO_SIZE + addr.length;
      if (wide) {
        for (let i = 0; i < canon.length; i++) m.setU16(at + 2 * i, canon.charCodeAt(i));
        m.setU16(at + 2 * canon.length, 0);
      } else {
        m.writeCString(at, canon, size - (at - p));
      }
      m.setU32(p + 20, at);
    }
    if (nodes.length > 0) m.setU32(nodes[nodes.length - 1]! + 28, p);
    nodes.push(p);
  }
  return nodes[0] ?? 0;
}

export function freeAddrinfoChain(m: WasmMemory, head: number): void {
  for (let p = head; p !== 0; ) {
    const next = m.u32(p + 28);
    m.free(p);
    p = next;
  }
}

// ---------------------------------------------------------------------------------------------
// hostent / servent / protoent: one block each, owned by the glue and replaced by the next call, as
// Windows keeps one per thread.

/** Lays out pointers-to-strings arrays and strings after a fixed header. */
class BlockWriter {
  readonly #m: WasmMemory;
  readonly base: number;
  #at: number;

  constructor(m: WasmMemory, base: number, headerSize: number) {
    this.#m = m;
    this.base = base;
    this.#at = base + headerSize;
  }

  string(text: string): number {
    const p = this.#at;
    const size = utf8Length(text) + 1;
    this.#m.writeCString(p, text, size);
    this.#at += size;
    return p;
  }

  bytes(b: Uint8Array): number {
    const p = this.#at;
    this.#m.write(p, b);
    this.#at += b.length;
    return p;
  }

  /** A NULL-terminated pointer array (4-byte aligned). */
  pointerArray(pointers: number[]): number {
    this.#at = (this.#at + 3) & ~3;
    const p = this.#at;
    pointers.forEach((q, i) => void this.#m.setU32(p + 4 * i, q));
    this.#m.setU32(p + 4 * pointers.length, 0);
    this.#at += 4 * (pointers.length + 1);
    return p;
  }
}

function stringsSize(list: string[]): number {
  return list.reduce((n, s) => n + utf8Length(s) + 1, 0);
}

/** struct hostent { h_name@0 h_aliases@4 h_addrtype@8 (short) h_length@10 (short) h_addr_list@12 } */
export function hostentSize(h: HOSTENT): number {
  return (
    16 +
    stringsSize([h.h_name, ...h.h_aliases]) +
    4 * (h.h_aliases.length + 1) +
    4 * (h.h_addr_list.length + 1) +
    h.h_length * h.h_addr_list.length +
    8
  );
}

export function writeHostent(m: WasmMemory, p: number, h: HOSTENT): void {
  const w = new BlockWriter(m, p, 16);
  const aliases = w.pointerArray(h.h_aliases.map(() => 0));
  const addrs = w.pointerArray(h.h_addr_list.map(() => 0));
  h.h_aliases.forEach((a, i) => void m.setU32(aliases + 4 * i, w.string(a)));
  h.h_addr_list.forEach((a, i) => void m.setU32(addrs + 4 * i, w.bytes(a.subarray(0, h.h_length))));
  m.setU32(p, w.string(h.h_name));
  m.setU32(p + 4, aliases);
  m.setI16(p + 8, h.h_addrtype);
  m.setI16(p + 10, h.h_length);
  m.setU32(p + 12, addrs);
}

/** struct servent (32-bit) { s_name@0 s_aliases@4 s_port@8 (short) s_proto@12 } */
export function serventSize(s: SERVENT): number {
  return 16 + stringsSize([s.s_name, s.s_proto, ...s.s_aliases]) + 4 * (s.s_aliases.length + 1) + 4;
}

export function writeServent(m: WasmMemory, p: number, s: SERVENT): void {
  const w = new BlockWriter(m, p, 16);
  const aliases = w.pointerArray(s.s_aliases.map(() => 0));
  s.s_aliases.forEach((a, i) => void m.setU32(aliases + 4 * i, w.string(a)));
  m.setU32(p, w.string(s.s_name));
  m.setU32(p + 4, aliases);
  m.setI16(p + 8, s.s_port);
  m.setU32(p + 12, w.string(s.s_proto));
}

/** struct protoent (32-bit) { p_name@0 p_aliases@4 p_proto@8 (short) }: protoentSize bytes. */
export function protoentSize(p: PROTOENT): number {
  return 12 + stringsSize([p.p_name, ...p.p_aliases]) + 4 * (p.p_aliases.length + 1) + 4;
}

export function writeProtoent(m: WasmMemory, p: number, e: PROTOENT): void {
  const w = new BlockWriter(m, p, 12);
  const aliases = w.pointerArray(e.p_aliases.map(() => 0));
  e.p_aliases.forEach((a, i) => void m.setU32(aliases + 4 * i, w.string(a)));
  m.setU32(p, w.string(e.p_name));
  m.setU32(p + 4, aliases);
  m.setI16(p + 8, e.p_proto);
  m.setI16(p + 10, 0);
}
