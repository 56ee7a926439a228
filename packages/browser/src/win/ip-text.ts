/**
 * IP address text the way Windows reads and writes it (ntdll's RtlIpv4StringToAddress,
 * RtlIpv6StringToAddress and RtlIpv6AddressToString, which inet_pton, InetPtonW,
 * WSAStringToAddress, inet_ntop and WSAAddressToString are built on). Windows differs from the
 * RFC forms at the edges, and writes the address bytes it has read before it finds the text bad;
 * programs can see both, so the readers write into the caller's bytes as they go.
 */

/** The value of a hexadecimal digit, or -1. */
function digitValue(c: string | undefined): number {
  if (c === undefined) return -1;
  const code = c.charCodeAt(0);
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 65 && code <= 70) return code - 55;
  if (code >= 97 && code <= 102) return code - 87;
  return -1;
}

/** One number read from `text` at `at`; `value` null when there is none. */
interface NumberRead {
  value: number | null;
  next: number;
}

/**
 * One part of an IPv4 address or a port: decimal, or (unless strict) "0x" hex or "0" octal.
 * 32-bit arithmetic as Windows does it: a wrap is caught only when the value gets smaller.
 */
function ipv4Part(text: string, at: number, strict: boolean): NumberRead {
  if (text[at] === '.') return { value: null, next: at + 1 };
  let i = at;
  let base = 10;
  if (text[i] === '0') {
    const next = text[i + 1];
    if (next === 'x' || next === 'X') {
      i += 2;
      if (strict) return { value: null, next: i };
      base = 16;
    } else if (next !== undefined && next >= '0' && next <= '9') {
      i += 1;
      if (strict) return { value: null, next: i };
      base = 8;
    }
  }
  let value = 0;
  let digits = 0;
  for (; i < text.length; i++) {
    const d = digitValue(text[i]);
    if (d < 0 || d >= base) break;
    const grown = (Math.imul(value, base) + d) >>> 0;
    if (grown < value) return { value: null, next: i };
    value = grown;
    digits++;
  }
  return { value: digits ? value : null, next: i };
}

/** The four bytes of 1 to 4 parts (the last part fills the bytes left), or null if one is too big. */
export function ipv4Bytes(parts: number[]): number[] | null {
  const last = parts[parts.length - 1] ?? 0;
  const leading = parts.slice(0, -1);
  if (leading.some((p) => p > 0xff)) return null;
  const lastBytes = 4 - leading.length;
  if (lastBytes < 4 && last >= 2 ** (8 * lastBytes)) return null;
  const tail = [last >>> 24, (last >>> 16) & 0xff, (last >>> 8) & 0xff, last & 0xff].slice(4 - lastBytes);
  return [...leading, ...tail];
}

/** What reading address text found. */
export interface IpTextRead {
  /** The address (and any scope, port) was read; `end` says whether text followed it. */
  ok: boolean;
  /** Where reading stopped: the length of the text when nothing followed the address. */
  end: number;
  port: number;
  scopeId: number;
}

/**
 * IPv4 text at the start of `text` into `into[at..at+4]`: "a.b.c.d", and unless strict the
 * shorter and hex/octal forms. The bytes are written once the address is read, before a port
 * (":n", 1–65535, to the end of the text) or what follows is looked at; `end` is the end of the
 * address itself, so a caller that takes no port sees it is not the end of the text.
 */
export function readIpv4Text(text: string, strict: boolean, into: Uint8Array, at = 0): IpTextRead {
  const bad = (end: number): IpTextRead => ({ ok: false, end, port: 0, scopeId: 0 });
  const parts: number[] = [];
  let i = 0;
  for (;;) {
    const part = ipv4Part(text, i, strict);
    if (part.value === null) return bad(part.next);
    parts.push(part.value);
    i = part.next;
    if (text[i] !== '.') break;
    if (parts.length === 4) return bad(i);
    i++;
  }
  if (strict && parts.length < 4) return bad(i);
  const bytes = ipv4Bytes(parts);
  if (!bytes) return bad(i);
  into.set(bytes, at);
  if (text[i] !== ':') return { ok: true, end: i, port: 0, scopeId: 0 };
  const port = ipv4Part(text, i + 1, false);
  if (port.value === null || port.value === 0 || port.value > 0xffff || port.next !== text.length) return bad(i);
  return { ok: true, end: i, port: port.value, scopeId: 0 };
}

/** A number as the C library's strtoul reads it (base 16 takes a "0x" prefix), capped at 0x7fffffff. */
function ipv6Number(text: string, at: number, base: 10 | 16): NumberRead {
  if (digitValue(text[at]) < 0) return { value: null, next: at };
  let i = at;
  if (base === 16 && text[i] === '0' && (text[i + 1] === 'x' || text[i + 1] === 'X') && digitValue(text[i + 2]) >= 0)
    i += 2;
  const start = i;
  let value = 0;
  for (; i < text.length; i++) {
    const d = digitValue(text[i]);
    if (d < 0 || d >= base) break;
    value = Math.min(value * base + d, 0x7fffffff);
  }
  return { value: i > start ? value : null, next: i };
}

const isHexPrefix = (text: string, at: number): boolean =>
  text[at] === '0' && (text[at + 1] === 'x' || text[at + 1] === 'X');

/**
 * IPv6 text into `into[at..at+16]`, group by group as Windows writes it. `ex` is the
 * WSAStringToAddress form: "[v6%scope]:port" too, and nothing may follow; without it (inet_pton)
 * reading stops where the address ends. Windows' quirks kept: a leading "::" stands for two zero
 * groups at least (so "::" followed by seven groups is too long), the last group may be written
 * "0x…" (read, but the text is then not an address), a dotted IPv4 tail.
 */
export function readIpv6Text(text: string, ex: boolean, into: Uint8Array, at = 0): IpTextRead {
  const bad = (end: number): IpTextRead => ({ ok: false, end, port: 0, scopeId: 0 });
  const putGroup = (byte: number, value: number) => {
    into[at + byte] = (value >>> 8) & 0xff;
    into[at + byte + 1] = value & 0xff;
  };
  let i = 0;
  let bytes = 0;
  let dotted = 0; // which byte of a dotted IPv4 tail is being read (1–4), 0 before one
  let gap = -1; // the byte offset of "::"
  let tooLong = false;
  let hexLast = false;
  let bracketed = false;
  if (text[i] === '[') {
    if (!ex) return bad(i);
    bracketed = true;
    i++;
  }
  if (text[i] === ':') {
    if (text[i + 1] !== ':') return bad(i);
    i++;
    putGroup(0, 0);
    bytes = 2;
  }
  for (;;) {
    let start = i;
    if (!dotted && text[i] === ':') {
      if (gap !== -1) return bad(i);
      i++;
      start = i;
      gap = bytes;
      if (bytes === 14 || ipv6Number(text, i, 16).value === null) break;
    }
    if (!dotted && bytes <= (gap !== -1 ? 10 : 12)) {
      const decimal = ipv6Number(text, i, 10);
      if (decimal.value !== null && text[decimal.next] === '.') dotted = 1;
    }
    if (dotted) {
      const part = ipv6Number(text, i, 10);
      if (part.value === null) return bad(i);
      i = part.next;
      if (i - start > 3 || part.value > 255) {
        tooLong = true;
      } else {
        if (text[i] !== '.' && (dotted < 4 || (bytes < 15 && gap === -1))) return bad(i);
        into[at + bytes] = part.value;
        bytes++;
      }
      if (dotted === 4 || text[i] !== '.') break;
      dotted++;
    } else {
      const group = ipv6Number(text, i, 16);
      if (group.value === null) return bad(i);
      i = group.next;
      if (isHexPrefix(text, start)) {
        // Windows reads the group but reports the 'x' as where the address ends.
        if (bytes < 14 && gap === -1) return bad(start + 1);
        putGroup(bytes, group.value & 0xffff);
        bytes += 2;
        hexLast = true;
        i = start + 1;
        break;
      }
      if (text[i] !== ':' && bytes < 14 && gap === -1) return bad(i);
      if (i - start > 4) tooLong = true;
      else putGroup(bytes, group.value);
      bytes += 2;
      if (text[i] !== ':' || (gap !== -1 && text[i + 1] === ':')) break;
    }
    if (bytes === (gap !== -1 ? 14 : 16)) break;
    if (tooLong) return bad(i);
    i++;
  }
  if (tooLong && !hexLast) return bad(i);
  if (gap === -1) {
    if (bytes < 16) return bad(i);
  } else {
    const tail = into.slice(at + gap, at + bytes);
    into.fill(0, at + gap, at + 16);
    into.set(tail, at + 16 - tail.length);
  }
  if (!ex) return { ok: true, end: i, port: 0, scopeId: 0 };
  if (hexLast) return bad(i);
  let scopeId = 0;
  let port = 0;
  if (text[i] === '%') {
    const scope = ipv4Part(text, i + 1, true);
    if (scope.value === null) return bad(scope.next);
    scopeId = scope.value;
    i = scope.next;
  }
  if (bracketed) {
    if (text[i] !== ']') return bad(i);
    i++;
    if (text[i] === ':') {
      const p = ipv4Part(text, i + 1, false);
      if (p.value === null || p.value === 0 || p.value > 0xffff || p.next !== text.length) return bad(p.next);
      port = p.value;
      i = p.next;
    }
  }
  if (i !== text.length) return bad(i);
  return { ok: true, end: i, port, scopeId };
}

/** Dotted text of four bytes. */
function dottedText(b: Uint8Array, at: number): string {
  return `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
}

/**
 * Whether Windows writes the last four bytes dotted: ISATAP (::0:5efe:a.b.c.d, also with the
 * 0200 flag), and ::a.b.c.d, ::ffff:a.b.c.d, ::ffff:0:a.b.c.d when a.b is not 0.0.
 */
function hasDottedTail(g: number[]): boolean {
  if (g[5] === 0x5efe && (g[4]! & ~0x0200) === 0) return true;
  if (g.slice(0, 4).some((x) => x !== 0)) return false;
  if (g[4] === 0 ? g[5] !== 0 && g[5] !== 0xffff : g[4] !== 0xffff || g[5] !== 0) return false;
  return g[6] !== 0;
}

/** IPv6 text as Windows writes it: lower-case groups, the first longest run of 2+ zero groups as "::". */
export function ipv6Text(b: Uint8Array, at = 0): string {
  const groups = Array.from({ length: 8 }, (_, k) => (b[at + 2 * k]! << 8) | b[at + 2 * k + 1]!);
  const hexGroups = hasDottedTail(groups) ? 6 : 8;
  let gap = -1;
  let gapLength = 1;
  for (let k = 0; k < hexGroups; ) {
    let run = 0;
    while (k + run < hexGroups && groups[k + run] === 0) run++;
    if (run > gapLength) {
      gap = k;
      gapLength = run;
    }
    k += run || 1;
  }
  const hex = (from: number, to: number) =>
    groups
      .slice(from, to)
      .map((x) => x.toString(16))
      .join(':');
  let text = gap < 0 ? hex(0, hexGroups) : `${hex(0, gap)}::${hex(gap + gapLength, hexGroups)}`;
  if (hexGroups === 6) text += `${text.endsWith(':') ? '' : ':'}${dottedText(b, at + 12)}`;
  return text;
}
