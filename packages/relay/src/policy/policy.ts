/**
 * Which destinations the relay may dial: addresses, ports and host names.
 *
 * Addresses (docs/security.md has the full table): an address is judged after resolution, as
 * the literal that will be dialled —
 *   1. never: the unspecified addresses (`0.0.0.0/8`, `::`, `::/96`), which Node's connect turns
 *      into loopback, whatever `allow` says;
 *   2. an IPv6 form that carries an IPv4 address (`::ffff:a.b.c.d`, `64:ff9b::a.b.c.d`, 6to4
 *      `2002:AABB:CCDD::`, `::ffff:0:a.b.c.d`) is judged as that IPv4 address from here on;
 *   3. `deny` CIDRs refuse; 4. `allow` CIDRs allow (they override the default list);
 *   5. the default deny list (address-ranges.ts) refuses, and so does every address of the
 *      relay host's own interfaces (`os.networkInterfaces()` at start); 6. what is left must be
 *      ipaddr.js `range() === 'unicast'`.
 * Ports: 0 never; `allowPorts` when set is the only ports allowed; `denyPorts` (default 25:
 * a relay must not become a spam cannon) refuses.
 * Host names: `denyHosts` patterns refuse a name before it is resolved; `allowHosts`, when set,
 * are the only names that may be dialled, and IP literals then need an `allow` CIDR.
 *
 * The decision is about one concrete address: callers resolve names first and dial exactly the
 * address that was allowed (see resolve.ts), so a DNS answer cannot change between check and use.
 */
import os from 'node:os';
import ipaddr from 'ipaddr.js';
import {
  DEFAULT_DENY,
  NEVER,
  compileRows,
  embeddedIPv4,
  findRow,
  matches,
  parseStrict,
  type Address,
  type ParsedRow,
} from './address-ranges.js';
import { HostPattern } from './host-names.js';
import { FIRST_UNPRIVILEGED_PORT } from './local-bind.js';

export interface PolicyDecision {
  allowed: boolean;
  /** Why: `'allow-listed'`, `'public unicast'`, or the refused range (`'loopback'`, `'private'`…). */
  why: string;
}

/** Operator rules. Every list is optional; see the module comment for how they combine. */
export interface PolicyRules {
  /** CIDRs (or bare addresses) reachable although the default list refuses them. */
  allow?: readonly string[];
  /** CIDRs refused even if public or allow-listed. */
  deny?: readonly string[];
  /** When set, only host names matching one of these (`api.example.com`, `*.example.com`) may be dialled. */
  allowHosts?: readonly string[];
  /** Host names refused before any lookup. */
  denyHosts?: readonly string[];
  /** When set, the only destination ports allowed: numbers or `"8000-8999"` ranges. */
  allowPorts?: readonly (number | string)[];
  /** Destination ports refused. Default `[25]` (SMTP). */
  denyPorts?: readonly (number | string)[];
  /**
   * When set, the only UDP destination ports allowed (besides the rules above); listing an
   * amplification port here is what lets a page send to it.
   */
  udpPorts?: readonly (number | string)[];
}

/**
 * UDP services that answer a small request with a large reply, or reflect to anyone: what a
 * relay must not send to unless the operator lists the port in `udpPorts`. (echo, chargen,
 * QOTD, DNS, TFTP, portmap, NTP, NetBIOS, SNMP, CLDAP, SLP, RIP, MSSQL browser, SSDP, ARD,
 * WS-Discovery, mDNS, CoAP, Ubiquiti discovery, memcached, Source engine queries.)
 */
export const AMPLIFICATION_PORTS: readonly number[] = [
  7, 17, 19, 53, 69, 111, 123, 137, 161, 162, 389, 427, 520, 1434, 1900, 3283, 3702, 5353, 5683, 10001, 11211, 27015,
];

/** Ports refused unless the operator says otherwise. */
export const DEFAULT_DENY_PORTS: readonly number[] = [25];

type Cidr = [Address, number];
type PortRange = [number, number];

const NEVER_ROWS = compileRows(NEVER);
const DENY_ROWS = compileRows(DEFAULT_DENY);

export class Policy {
  readonly #allow: readonly Cidr[];
  readonly #deny: readonly Cidr[];
  readonly #allowHosts: readonly HostPattern[] | null;
  readonly #denyHosts: readonly HostPattern[];
  readonly #allowPorts: readonly PortRange[] | null;
  readonly #denyPorts: readonly PortRange[];
  readonly #udpPorts: readonly PortRange[] | null;
  /** 255.255.255.255 and the directed broadcast address of every local IPv4 subnet. */
  readonly #broadcasts: ReadonlySet<string>;
  /** Every address of the relay host's interfaces: refused unless allow-listed. */
  readonly #own: readonly Address[];

  /**
   * @param rules the operator's rules, or (older form) just the `allow` CIDRs
   * @param interfaces where directed broadcast addresses come from (read once, at start).
   * @throws TypeError when a CIDR, host pattern or port does not parse.
   */
  constructor(
    rules: PolicyRules | readonly string[] = {},
    interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]> = os.networkInterfaces(),
  ) {
    const r: PolicyRules = Array.isArray(rules) ? { allow: rules as readonly string[] } : (rules as PolicyRules);
    this.#allow = (r.allow ?? []).map((e) => parseCidr(e, 'allow'));
    this.#deny = (r.deny ?? []).map((e) => parseCidr(e, 'deny'));
    this.#allowHosts = r.allowHosts && r.allowHosts.length > 0 ? r.allowHosts.map((p) => new HostPattern(p)) : null;
    this.#denyHosts = (r.denyHosts ?? []).map((p) => new HostPattern(p));
    this.#allowPorts =
      r.allowPorts && r.allowPorts.length > 0 ? r.allowPorts.map((p) => parsePortRange(p, 'allowPorts')) : null;
    this.#denyPorts = (r.denyPorts ?? DEFAULT_DENY_PORTS).map((p) => parsePortRange(p, 'denyPorts'));
    this.#udpPorts = r.udpPorts && r.udpPorts.length > 0 ? r.udpPorts.map((p) => parsePortRange(p, 'udpPorts')) : null;
    this.#broadcasts = broadcastAddresses(interfaces);
    this.#own = interfaceAddresses(interfaces);
  }

  /** The allow list as given, normalised (`127.0.0.0/8`). */
  get allowList(): string[] {
    return this.#allow.map(cidrText);
  }

  /** Every rule in force, for the start-up log and `--print-config`. */
  describe(): Record<string, string> {
    const ports = (list: readonly PortRange[]) => list.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(',');
    return {
      allow: this.#allow.map(cidrText).join(',') || '(public unicast only)',
      deny: this.#deny.map(cidrText).join(',') || '(none)',
      allowHosts: this.#allowHosts?.map((p) => p.text).join(',') ?? '(any)',
      denyHosts: this.#denyHosts.map((p) => p.text).join(',') || '(none)',
      allowPorts: this.#allowPorts ? ports(this.#allowPorts) : '(any)',
      denyPorts: ports(this.#denyPorts) || '(none)',
      udpPorts: this.#udpPorts ? ports(this.#udpPorts) : '(any but amplification ports)',
    };
  }

  /** The relay host's interface addresses, as read at start. */
  get ownAddresses(): readonly Address[] {
    return this.#own;
  }

  /** True when `allowHosts` restricts pages to named destinations. */
  get namesOnly(): boolean {
    return this.#allowHosts !== null;
  }

  /** Judges one IP literal (an IPv6 one may carry `%zone`). A string that is not an IP address is refused. */
  check(address: string): PolicyDecision {
    const raw = parseStrict(address);
    if (raw === null) return { allowed: false, why: 'not an IP address' };
    return this.judge(raw);
  }

  /** As `check`, for an address already parsed. */
  judge(raw: Address): PolicyDecision {
    const never = findRow(raw, NEVER_ROWS);
    if (never) return { allowed: false, why: never.name };
    const rawRow = findRow(raw, DENY_ROWS);
    const effective = rawRow?.embedded ? embeddedIPv4(raw as ipaddr.IPv6, rawRow.embedded) : raw;
    const label = (name: string) =>
      rawRow?.embedded && rawRow.embedded !== 'mapped' ? `${rawRow.name}:${name}` : name;
    const neverInside = effective === raw ? undefined : findRow(effective, NEVER_ROWS);
    if (neverInside) return { allowed: false, why: label(neverInside.name) };
    if (this.#deny.some(([net, bits]) => matches(raw, net, bits) || matches(effective, net, bits))) {
      return { allowed: false, why: 'denied by rule' };
    }
    if (this.#allow.some(([net, bits]) => matches(raw, net, bits) || matches(effective, net, bits))) {
      return { allowed: true, why: 'allow-listed' };
    }
    if (rawRow && !rawRow.embedded) return { allowed: false, why: rawRow.name };
    const effectiveRow: ParsedRow | undefined = effective === raw ? undefined : findRow(effective, DENY_ROWS);
    if (effectiveRow) return { allowed: false, why: label(effectiveRow.name) };
    // The relay host itself, on a public address: services bound to 0.0.0.0 there (databases,
    // admin panels, the relay's own metrics) must not be one OPEN away.
    if (this.#own.some((own) => matches(effective, own, own.kind() === 'ipv4' ? 32 : 128)))
      return { allowed: false, why: label('relayHost') };
    const range = effective.range();
    if (range === 'unicast') return { allowed: true, why: 'public unicast' };
    return { allowed: false, why: label(range) };
  }

  /** A literal destination: as `check`, and with `allowHosts` set only an allow-listed one. */
  checkLiteral(address: string): PolicyDecision {
    const decision = this.check(address);
    if (decision.allowed && this.namesOnly && decision.why !== 'allow-listed') {
      return { allowed: false, why: 'only named destinations (allowHosts) may be dialled' };
    }
    return decision;
  }

  /** Judges a destination port. */
  checkPort(port: number): PolicyDecision {
    if (!Number.isInteger(port) || port <= 0 || port > 65535) return { allowed: false, why: `port ${port}` };
    const inside = (list: readonly PortRange[]) => list.some(([a, b]) => port >= a && port <= b);
    if (inside(this.#denyPorts)) return { allowed: false, why: `port ${port} denied` };
    if (this.#allowPorts && !inside(this.#allowPorts)) return { allowed: false, why: `port ${port} not in allowPorts` };
    return { allowed: true, why: 'port allowed' };
  }

  /** True when `udpPorts` lists the UDP destination ports. */
  get udpPortsListed(): boolean {
    return this.#udpPorts !== null;
  }

  /**
   * Judges a UDP destination port: `checkPort`, then only `udpPorts` when set, else every port
   * but AMPLIFICATION_PORTS.
   */
  checkDatagramPort(port: number): PolicyDecision {
    const base = this.checkPort(port);
    if (!base.allowed) return base;
    if (this.#udpPorts) {
      return this.#udpPorts.some(([a, b]) => port >= a && port <= b)
        ? base
        : { allowed: false, why: `port ${port} not in udpPorts` };
    }
    if (AMPLIFICATION_PORTS.includes(port))
      return { allowed: false, why: `port ${port} is a UDP amplification port (list it in udpPorts)` };
    return base;
  }

  /** Judges a host name (already validated) before it is resolved. */
  checkName(name: string): PolicyDecision {
    if (this.#denyHosts.some((p) => p.matches(name))) return { allowed: false, why: `name ${name} denied` };
    if (this.#allowHosts && !this.#allowHosts.some((p) => p.matches(name)))
      return { allowed: false, why: `name ${name} not in allowHosts` };
    return { allowed: true, why: 'name allowed' };
  }

  /**
   * Whether a datagram to `address` would be a broadcast: the limited broadcast address or the
   * directed broadcast of one of the relay host's IPv4 subnets (IPv4-mapped forms included).
   * Such a destination needs SO_BROADCAST on the socket as well as `check()`'s consent.
   */
  isBroadcast(address: string): boolean {
    const parsed = unmapped(address);
    return parsed !== null && parsed.kind() === 'ipv4' && this.#broadcasts.has(parsed.toString());
  }

  /**
   * Whether a UDP socket may bind `address`:`port`. Only the wildcard or a loopback address, and
   * port 0 (ephemeral) or an unprivileged one: a page must not squat on the relay host's public
   * interfaces or its well-known ports. (Inbound policy proper is a later issue.)
   */
  checkBind(address: string, port: number): PolicyDecision {
    const parsed = unmapped(address);
    if (parsed === null) return { allowed: false, why: 'not an IP address' };
    const range = parsed.range();
    if (range !== 'unspecified' && range !== 'loopback') return { allowed: false, why: `bind to a ${range} address` };
    if (port !== 0 && port < FIRST_UNPRIVILEGED_PORT) return { allowed: false, why: `bind to privileged port ${port}` };
    return { allowed: true, why: range };
  }
}

/** The addresses of `interfaces` (read once, at start: an address added later is not known). */
function interfaceAddresses(interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]>): Address[] {
  const out: Address[] = [];
  for (const infos of Object.values(interfaces)) {
    for (const info of infos ?? []) {
      const parsed = parseStrict(info.address);
      if (parsed !== null) out.push(parsed);
    }
  }
  return out;
}

function broadcastAddresses(interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]>): Set<string> {
  const out = new Set<string>(['255.255.255.255']);
  for (const infos of Object.values(interfaces)) {
    for (const info of infos ?? []) {
      if (info.family !== 'IPv4' || !info.cidr) continue;
      const bits = Number(info.cidr.split('/')[1]);
      if (bits >= 31) continue; // /31 and /32 have no broadcast address (RFC 3021)
      try {
        out.add(ipaddr.IPv4.broadcastAddressFromCIDR(info.cidr).toString());
      } catch {
        // an interface Node reports oddly is simply not a broadcast source
      }
    }
  }
  return out;
}

/** A strict literal, IPv4-mapped forms turned into the IPv4 address. */
function unmapped(address: string): Address | null {
  const parsed = parseStrict(address);
  if (parsed === null) return null;
  return parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()
    ? (parsed as ipaddr.IPv6).toIPv4Address()
    : parsed;
}

function cidrText([addr, bits]: Cidr): string {
  return `${addr.toString()}/${bits}`;
}

/** `10.0.0.0/8`, `::1/128`, or a bare address (meaning /32 or /128). */
function parseCidr(entry: string, list: string): Cidr {
  const text = String(entry).trim();
  try {
    if (text.includes('/')) {
      const [addr, bits] = ipaddr.parseCIDR(text);
      if (parseStrict(text.slice(0, text.indexOf('/'))) === null) throw new Error('loose');
      return [addr, bits];
    }
    const addr = parseStrict(text);
    if (addr === null) throw new Error('not an address');
    return [addr, addr.kind() === 'ipv4' ? 32 : 128];
  } catch {
    throw new TypeError(
      `ws2web relay: ${list} entry ${JSON.stringify(entry)} is not a CIDR (e.g. 127.0.0.0/8 or ::1/128)`,
    );
  }
}

/** `443`, `"443"` or `"8000-8999"`. */
function parsePortRange(entry: number | string, list: string): PortRange {
  const text = String(entry).trim();
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text);
  const lo = m ? Number(m[1]) : NaN;
  const hi = m ? Number(m[2] ?? m[1]) : NaN;
  if (!(lo >= 1 && hi <= 65535 && lo <= hi)) {
    throw new TypeError(
      `ws2web relay: ${list} entry ${JSON.stringify(entry)} is not a port (1-65535) or a range like 8000-8999`,
    );
  }
  return [lo, hi];
}

/**
 * A refusal's `why` as a short metrics label (a fixed set: range names, `port`, `host_name`,
 * `deny_rule`, `names_only`, `ticket_scope`, `broadcast`, `bind`, `udp_off`, `not_an_address`).
 */
export function refusalCategory(why: string): string {
  if (why.startsWith('port')) return 'port';
  if (why.startsWith('name ')) return 'host_name';
  if (why === 'denied by rule') return 'deny_rule';
  if (why.startsWith('only named')) return 'names_only';
  if (why.includes('outside the ticket')) return 'ticket_scope';
  if (why.startsWith('broadcast')) return 'broadcast';
  if (why.startsWith('bind to')) return 'bind';
  if (why.startsWith('UDP is disabled')) return 'udp_off';
  if (why === 'not an IP address') return 'not_an_address';
  return /^[A-Za-z0-9:]+$/.test(why) ? why : 'other';
}
