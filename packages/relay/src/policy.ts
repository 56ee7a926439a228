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
import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

export interface PolicyVerdict {
  allowed: boolean;
  /** Why: `'allow-listed'`, `'public unicast'`, or the refused range (`'loopback'`, `'private'`…). */
  why: string;
}

export class Policy {
  readonly #allow: ReadonlyArray<[Address, number]>;

  /** @throws TypeError when a CIDR does not parse. */
  constructor(allow: readonly string[]) {
    this.#allow = allow.map(parseAllowEntry);
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
