/**
 * ws2_32 imports for address text: WSAAddressToStringA/W, WSAStringToAddressA/W, InetPtonW and
 * InetNtopW. The library does the parsing and formatting (one implementation for JavaScript and
 * C); this file moves the strings between the program's memory and JavaScript: UTF-8 for the A
 * forms, UTF-16 (WCHAR) for the W forms.
 */
import type { Ref, StringRef } from '@ws2web/browser';
import type { GlueContext, ImportGroup } from './context.js';
import type { WasmMemory } from './memory.js';
import { readRef, readSockaddr } from './structs.js';
import { AF_INET6, WSA_INVALID_PARAMETER } from './values.js';

/** Longest address text any of these calls reads ("[v6%scope]:port" is under 64 characters). */
const MAX_TEXT = 256;

/** The NUL-terminated WCHAR string at `ptr`, or null for NULL. */
export function wideString(m: WasmMemory, ptr: number, max = MAX_TEXT): string | null {
  if (ptr === 0) return null;
  const units: number[] = [];
  for (let p = ptr; units.length < max && m.inBounds(p, 2); p += 2) {
    const u = m.u16(p);
    if (u === 0) break;
    units.push(u);
  }
  return String.fromCharCode(...units);
}

/** Writes `text` and a NUL as WCHARs; false (nothing written) when `capacity` WCHARs are too few. */
export function writeWideString(m: WasmMemory, ptr: number, text: string, capacity: number): boolean {
  if (text.length + 1 > capacity || !m.inBounds(ptr, 2 * (text.length + 1))) return false;
  for (let i = 0; i < text.length; i++) m.setU16(ptr + 2 * i, text.charCodeAt(i));
  m.setU16(ptr + 2 * text.length, 0);
  return true;
}

export function addressStringImports(ctx: GlueContext): ImportGroup {
  const { w } = ctx;

  function addressToString(wide: boolean) {
    return function WSAAddressToString(
      lpsaAddress: number,
      dwAddressLength: number,
      lpProtocolInfo: number,
      lpszAddressString: number,
      lpdwAddressStringLength: number,
    ): number {
      const m = ctx.m;
      void lpProtocolInfo; // no WSAPROTOCOL_INFO is marshalled; the library ignores it too
      const len = readRef(m, lpdwAddressStringLength, true);
      const out: StringRef | null = lpszAddressString === 0 ? null : { value: '' };
      const addr = readSockaddr(m, lpsaAddress, dwAddressLength >>> 0);
      const call = wide ? w.WSAAddressToStringW : w.WSAAddressToStringA;
      const rc = call(addr, dwAddressLength >>> 0, null, out, len);
      if (len) m.setU32(lpdwAddressStringLength, len.value);
      if (rc === 0 && out && len) {
        if (wide) writeWideString(m, lpszAddressString, out.value, len.value);
        else m.writeCString(lpszAddressString, out.value, len.value);
      }
      return rc;
    };
  }

  function stringToAddress(wide: boolean) {
    return function WSAStringToAddress(
      AddressString: number,
      AddressFamily: number,
      lpProtocolInfo: number,
      lpAddress: number,
      lpAddressLength: number,
    ): number {
      const m = ctx.m;
      void lpProtocolInfo;
      const text = wide ? wideString(m, AddressString) : m.cString(AddressString, MAX_TEXT);
      const len: Ref | null = readRef(m, lpAddressLength);
      // The caller's sockaddr as it is (the library writes into it, also on some failures).
      const size = len ? Math.max(0, Math.min(len.value, 28)) : 0;
      const buffer = lpAddress !== 0 && m.inBounds(lpAddress, size) ? m.copy(lpAddress, size) : null;
      const call = wide ? w.WSAStringToAddressW : w.WSAStringToAddressA;
      const rc = call(text, AddressFamily, null, buffer, len);
      if (buffer) m.write(lpAddress, buffer);
      if (len) m.setU32(lpAddressLength, len.value);
      return rc;
    };
  }

  function InetPtonW(family: number, pszAddrString: number, pAddrBuf: number): number {
    const m = ctx.m;
    const size = family === AF_INET6 ? 16 : 4;
    // The caller's own bytes: Windows writes what it read even when the text is no address.
    const buf = pAddrBuf === 0 || !m.inBounds(pAddrBuf, size) ? null : m.copy(pAddrBuf, size);
    const rc = w.InetPtonW(family, wideString(m, pszAddrString), buf);
    if (rc >= 0 && buf) m.write(pAddrBuf, buf);
    return rc;
  }

  /** InetNtopW: the buffer pointer, or NULL; too small a buffer → ERROR_INVALID_PARAMETER (87). */
  function InetNtopW(family: number, pAddr: number, pStringBuf: number, size: number): number {
    const m = ctx.m;
    const need = family === AF_INET6 ? 16 : 4;
    const addr = pAddr === 0 || !m.inBounds(pAddr, need) ? null : m.copy(pAddr, need);
    const text = w.InetNtopW(family, addr!);
    if (text === null) return 0;
    if (pStringBuf === 0 || !writeWideString(m, pStringBuf, text, size >>> 0))
      return ctx.fail(WSA_INVALID_PARAMETER, 0);
    return pStringBuf;
  }

  return {
    sync: {
      WSAAddressToStringA: addressToString(false),
      WSAAddressToStringW: addressToString(true),
      WSAStringToAddressA: stringToAddress(false),
      WSAStringToAddressW: stringToAddress(true),
      InetPtonW,
      InetNtopW,
    },
    blocking: {},
  };
}
