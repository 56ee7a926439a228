/**
 * IP addresses as the policy sees them: strict parsing into ipaddr.js objects (never a regex of
 * our own), the default deny table, and the IPv6 forms that carry an IPv4 address.
 *
 * Why a table on top of ipaddr.js' `range()`: ipaddr.js calls some dangerous addresses plain
 * `unicast` — `::7f00:1` (IPv4-compatible, deprecated, `::127.0.0.1`), `fec0::/10` is only
 * `deprecatedSiteLocal` in recent versions — and its text parser reads `::127.0.0.1` as the
 * IPv4-mapped `::ffff:7f00:1`. So text goes through the protocol's strict parsers into bytes, and
 * the decision is "listed range → refused; else `range() === 'unicast'` → allowed".
 *
 * Node pitfalls this table exists for (Node 20): connecting to `0.0.0.0` or `::` reaches
 * loopback; `net.connect({ blockList })` is silently ignored; a `net.BlockList` rule for
 * `::ffff:0:0/96` matches every IPv4 address. The relay therefore uses none of `BlockList`.
 */
import ipaddr from 'ipaddr.js';
import { parseIPv4, parseIPv6 } from '@ws2web/protocol';

export type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** How an IPv6 range carries an IPv4 address that decides the answer. */
type Embedding = 'mapped' | 'translated' | 'nat64' | '6to4';

interface RangeRow {
  cidr: string;
  /** Short name used in logs, metrics labels and docs. */
  name: string;
  /** Judge the embedded IPv4 address instead of refusing the whole range. */
  embedded?: Embedding;
}

/**
 * The default deny list (docs/security.md has the same table). Order matters only where ranges
 * nest: the more specific row comes first so its name is the one reported.
 */
export const DEFAULT_DENY: readonly RangeRow[] = [
  // Cloud metadata and host-agent endpoints. Most sit in ranges refused below anyway (AWS, GCP,
  // Azure IMDS and Oracle at 169.254.169.254, AWS ECS 169.254.170.2, Oracle's older
  // 192.0.0.192, Alibaba 100.100.100.200, AWS fd00:ec2::254); they are listed so a refusal
  // names them and an `allow` of a wider range does not quietly open them. Azure's WireServer
  // 168.63.129.16 is a public address that every Azure VM reaches as its host agent: without
  // this row it would be dialled.
  { cidr: '168.63.129.16/32', name: 'cloudMetadata' },
  { cidr: '169.254.169.254/32', name: 'cloudMetadata' },
  { cidr: '169.254.170.2/32', name: 'cloudMetadata' },
  { cidr: '192.0.0.192/32', name: 'cloudMetadata' },
  { cidr: '100.100.100.200/32', name: 'cloudMetadata' },
  { cidr: 'fd00:ec2::254/128', name: 'cloudMetadata' },
  { cidr: '0.0.0.0/8', name: 'unspecified' },
  { cidr: '10.0.0.0/8', name: 'private' },
  { cidr: '100.64.0.0/10', name: 'carrierGradeNat' },
  { cidr: '127.0.0.0/8', name: 'loopback' },
  { cidr: '169.254.0.0/16', name: 'linkLocal' },
  { cidr: '172.16.0.0/12', name: 'private' },
  { cidr: '192.0.0.0/24', name: 'ietfProtocol' },
  { cidr: '192.0.2.0/24', name: 'documentation' },
  { cidr: '192.168.0.0/16', name: 'private' },
  { cidr: '198.18.0.0/15', name: 'benchmarking' },
  { cidr: '198.51.100.0/24', name: 'documentation' },
  { cidr: '203.0.113.0/24', name: 'documentation' },
  { cidr: '224.0.0.0/4', name: 'multicast' },
  { cidr: '255.255.255.255/32', name: 'broadcast' },
  { cidr: '240.0.0.0/4', name: 'reserved' },
  { cidr: '::/128', name: 'unspecified' },
  { cidr: '::1/128', name: 'loopback' },
  { cidr: '::ffff:0:0/96', name: 'ipv4Mapped', embedded: 'mapped' },
  { cidr: '::ffff:0:0:0/96', name: 'ipv4Translated', embedded: 'translated' },
  // Deprecated IPv4-compatible addresses (RFC 4291 §2.5.5.1): `::127.0.0.1`. Never dialled.
  { cidr: '::/96', name: 'ipv4Compatible' },
  { cidr: '64:ff9b::/96', name: 'nat64', embedded: 'nat64' },
  { cidr: '64:ff9b:1::/48', name: 'nat64Local' },
  { cidr: '100::/64', name: 'discard' },
  { cidr: '2001::/32', name: 'teredo' },
  { cidr: '2001:db8::/32', name: 'documentation' },
  { cidr: '2001::/23', name: 'ietfProtocol' },
  { cidr: '2002::/16', name: '6to4', embedded: '6to4' },
  { cidr: 'fc00::/7', name: 'uniqueLocal' },
  { cidr: 'fe80::/10', name: 'linkLocal' },
  { cidr: 'fec0::/10', name: 'siteLocal' },
  { cidr: 'ff00::/8', name: 'multicast' },
];

/**
 * Never dialled, whatever `allow` says: the unspecified addresses, which Node's connect turns
 * into loopback (so `allow: ['0.0.0.0/0']` must not open loopback through the back door).
 */
export const NEVER: readonly RangeRow[] = [
  { cidr: '0.0.0.0/8', name: 'unspecified' },
  { cidr: '::/128', name: 'unspecified' },
];

export interface ParsedRow {
  net: Address;
  bits: number;
  name: string;
  embedded?: Embedding;
}

export function compileRows(rows: readonly RangeRow[]): ParsedRow[] {
  return rows.map((row) => {
    const [net, bits] = ipaddr.parseCIDR(row.cidr);
    return { net, bits, name: row.name, embedded: row.embedded };
  });
}

export function matches(addr: Address, net: Address, bits: number): boolean {
  return addr.kind() === net.kind() && addr.match(net, bits);
}

/** The first row containing `addr`, or undefined. */
export function findRow(addr: Address, rows: readonly ParsedRow[]): ParsedRow | undefined {
  return rows.find((row) => matches(addr, row.net, row.bits));
}

/** The IPv4 address an embedding row carries inside `addr`. */
export function embeddedIPv4(addr: ipaddr.IPv6, how: Embedding): ipaddr.IPv4 {
  const b = addr.toByteArray();
  // mapped ::ffff:a.b.c.d, translated ::ffff:0:a.b.c.d, NAT64 64:ff9b::a.b.c.d: the last 32 bits.
  // 6to4 2002:AABB:CCDD::/48: bits 16..47.
  const at = how === '6to4' ? 2 : 12;
  return new ipaddr.IPv4(b.slice(at, at + 4)); // an IPv6 address has 16 bytes: always four
}

/** Splits `fe80::1%eth0` into the address and its zone (empty when none). */
export function splitZone(text: string): { bare: string; zone: string } {
  const pct = text.indexOf('%');
  return pct < 0 ? { bare: text, zone: '' } : { bare: text.slice(0, pct), zone: text.slice(pct + 1) };
}

/**
 * Parses a strict IP literal (dotted quad, or RFC 4291 IPv6 text, optional `%zone`) into an
 * ipaddr.js object through bytes, so that what is judged is what the socket would use.
 * Null for anything else (host names, `127.1`, `0x7f000001`…).
 */
export function parseStrict(text: string): Address | null {
  const { bare } = splitZone(text);
  const v4 = parseIPv4(bare);
  if (v4) return ipaddr.fromByteArray(Array.from(v4));
  const v6 = parseIPv6(bare);
  if (v6) return ipaddr.fromByteArray(Array.from(v6));
  return null;
}

/**
 * The numeric IPv4 spellings inet_aton / getaddrinfo accept besides the dotted quad: `127.1`,
 * `2130706433`, `0x7f000001`, `0177.0.0.1`, `0x7f.1`, `0`. A host name of that shape is such an
 * address to every resolver, so the relay treats it as the address (and judges it) instead of
 * sending it to a resolver. Null when `text` is not one.
 */
export function parseLooseIPv4(text: string): ipaddr.IPv4 | null {
  if (!/^[0-9a-fA-FxX.]+$/.test(text)) return null;
  if (!ipaddr.IPv4.isValid(text)) return null;
  try {
    return ipaddr.IPv4.parse(text);
  } catch {
    return null;
  }
}

/** Text the dialler gets for an address: canonical, so the literal dialled is the one judged. */
export function dialText(addr: Address): string {
  return addr.kind() === 'ipv4' ? addr.toString() : (addr as ipaddr.IPv6).toRFC5952String();
}
