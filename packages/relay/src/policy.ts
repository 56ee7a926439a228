/**
 * Which destination addresses the relay may dial.
 *
 * Default: only public unicast addresses (ipaddr.js `range() === 'unicast'`). Everything else
 * — loopback, RFC 1918 private, link-local (including the 169.254.169.254 cloud metadata
 * service), CGNAT, multicast, broadcast, unspecified, reserved/documentation, IPv6 unique-local,
 * and the IPv6 ranges that embed an IPv4 address (6to4, Teredo, NAT64) — is refused.
 * IPv4-mapped IPv6 (`::ffff:10.0.0.1`) is judged as the IPv4 address it carries.
 * `allow` CIDRs are checked first and override the refusal.
 *
 * The verdict is about one concrete address: callers resolve names first and dial exactly the
 * address that was allowed (see resolve.ts), so a DNS answer cannot change between check and use.
 */
import os from 'node:os';
import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

export interface PolicyVerdict {
  allowed: boolean;
  /** Why: `'allow-listed'`, `'public unicast'`, or the refused range (`'loopback'`, `'private'`…). */
  why: string;
}

/** The lowest port a UDP socket may bind explicitly (0 = ephemeral is always fine). */
export const FIRST_UNPRIVILEGED_PORT = 1024;

export class Policy {
  readonly #allow: ReadonlyArray<[Address, number]>;
  /** 255.255.255.255 and the directed broadcast address of every local IPv4 subnet. */
  readonly #broadcasts: ReadonlySet<string>;

  /**
   * @param interfaces where directed broadcast addresses come from (read once, at start).
   * @throws TypeError when a CIDR does not parse.
   */
  constructor(allow: readonly string[], interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]> = os.networkInterfaces()) {
    this.#allow = allow.map(parseAllowEntry);
    this.#broadcasts = broadcastAddresses(interfaces);
  }

  /** The allow list as given, normalised (`127.0.0.0/8`). */
  get allowList(): string[] {
    return this.#allow.map(([addr, bits]) => `${addr.toString()}/${bits}`);
  }

  /** Judges one IP literal (no zone). A string that is not an IP address is refused. */
  check(address: string): PolicyVerdict {
    let parsed: Address;
    try {
      parsed = ipaddr.parse(stripZone(address));
    } catch {
      return { allowed: false, why: 'not an IP address' };
    }
    // ipaddr.process() turns ::ffff:a.b.c.d into a.b.c.d, so a mapped address cannot dodge
    // the IPv4 rules; the raw form is also matched so a v6 CIDR covering it works.
    const effective = ipaddr.process(stripZone(address));
    for (const [net, bits] of this.#allow) {
      if (matches(effective, net, bits) || matches(parsed, net, bits)) return { allowed: true, why: 'allow-listed' };
    }
    const range = effective.range();
    if (range === 'unicast') return { allowed: true, why: 'public unicast' };
    return { allowed: false, why: range };
  }

  /**
   * Whether a datagram to `address` would be a broadcast: the limited broadcast address or the
   * directed broadcast of one of the relay host's IPv4 subnets (IPv4-mapped forms included).
   * Such a destination needs SO_BROADCAST on the socket as well as `check()`'s consent.
   */
  isBroadcast(address: string): boolean {
    let parsed: Address;
    try {
      parsed = ipaddr.process(stripZone(address));
    } catch {
      return false;
    }
    return parsed.kind() === 'ipv4' && this.#broadcasts.has(parsed.toString());
  }

  /**
   * Whether a UDP socket may bind `address`:`port`. Only the wildcard or a loopback address, and
   * port 0 (ephemeral) or an unprivileged one: a page must not squat on the relay host's public
   * interfaces or its well-known ports. (Inbound policy proper is a later issue.)
   */
  checkBind(address: string, port: number): PolicyVerdict {
    let parsed: Address;
    try {
      parsed = ipaddr.process(stripZone(address));
    } catch {
      return { allowed: false, why: 'not an IP address' };
    }
    const range = parsed.range();
    if (range !== 'unspecified' && range !== 'loopback') return { allowed: false, why: `bind to a ${range} address` };
    if (port !== 0 && port < FIRST_UNPRIVILEGED_PORT) return { allowed: false, why: `bind to privileged port ${port}` };
    return { allowed: true, why: range };
  }
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

function matches(addr: Address, net: Address, bits: number): boolean {
  return addr.kind() === net.kind() && addr.match(net, bits);
}

function stripZone(address: string): string {
  const pct = address.indexOf('%');
  return pct < 0 ? address : address.slice(0, pct);
}

/** `10.0.0.0/8`, `::1/128`, or a bare address (meaning /32 or /128). */
function parseAllowEntry(entry: string): [Address, number] {
  const text = entry.trim();
  try {
    if (text.includes('/')) {
      const [addr, bits] = ipaddr.parseCIDR(text);
      return [addr, bits];
    }
    const addr = ipaddr.parse(text);
    return [addr, addr.kind() === 'ipv4' ? 32 : 128];
  } catch {
    throw new TypeError(`ws2web relay: allow entry ${JSON.stringify(entry)} is not a CIDR (e.g. 127.0.0.0/8 or ::1/128)`);
  }
}
