/**
 * Inbound policy: which relay addresses and ports a page may listen on (LISTEN) or bind a UDP
 * socket to with a fixed port, which peers may connect to those listeners, and how many
 * listeners and pending connections one page may hold. Pure; no I/O. docs/inbound.md.
 *
 * Default: no inbound at all. Every LISTEN is refused (POLICY_DENIED → WSAEACCES at accept /
 * FD_ACCEPT in the page), and fixed-port UDP binds keep the outbound-era rule of policy.ts
 * (`checkBind`: wildcard or loopback, port ≥ 1024).
 *
 * Addresses (`addresses`) are IP literals of the relay host; `0.0.0.0` means every IPv4
 * interface, `::` every interface (IPv6, and IPv4 too for a dual-stack socket). A page that
 * asks for the wildcard while the wildcard is not listed gets the first listed address of its
 * family instead — the real address, which LISTENING reports and getsockname then returns.
 * (An AF_INET6 dual-stack socket may be narrowed to a listed IPv4 address, as ::ffff:a.b.c.d.)
 * A specific address must be listed itself.
 *
 * Ports (`ports`, a PortSet): a fixed port must be in the set; port 0 becomes an OS-chosen
 * ephemeral port when the set says `ephemeral`, else a free port the relay picks from the
 * set's ranges. A ticket's `listenPorts` narrows the set (intersection).
 */
import type ipaddr from 'ipaddr.js';
import { Reason } from '@ws2web/protocol';
import { matches, parseStrict, splitZone, type Address } from './address-ranges.js';
import { LISTEN_OPTIONS, listenSchema, validate, type ListenOptions } from '../config/schema.js';
import { PortSet } from './port-set.js';

export type { ListenOptions };

/** The inbound defaults, as the option schema defines them. */
export const INBOUND_DEFAULTS = {
  ports: LISTEN_OPTIONS.ports.default,
  maxListeners: LISTEN_OPTIONS.maxListeners.default,
  maxPending: LISTEN_OPTIONS.maxPending.default,
} as const;

/** How many fixed ports of the range a port-0 LISTEN tries before ADDR_IN_USE. */
export const PICK_ATTEMPTS = 32;

/** What a page asked for: LISTEN's (or DGRAM_OPEN's) family, flags and local endpoint. */
export interface BindRequest {
  family: 4 | 6;
  /** The address text (an IPv6 one without its zone). */
  address: string;
  scopeId: number;
  port: number;
  dualStack: boolean;
}

/** Where to listen, or why not. `ports` are tried in order; `[0]` lets the OS pick. */
export type BindPlan =
  | { ok: true; host: string; ipv6Only: boolean; ports: number[] }
  | { ok: false; reason: number; why: string; category: string };

interface Listed {
  text: string;
  addr: Address;
}

export class InboundPolicy {
  /** False when no `listen` option was given: nothing may listen. */
  readonly enabled: boolean;
  readonly ports: PortSet;
  readonly maxListeners: number;
  readonly maxPending: number;
  readonly #addresses: readonly Listed[];
  readonly #remotes: readonly [Address, number][] | null;

  /** @throws TypeError / RangeError for an address, port or CIDR that does not parse. */
  constructor(options?: ListenOptions) {
    if (options === undefined) {
      this.enabled = false;
      this.ports = PortSet.NONE;
      this.maxListeners = 0;
      this.maxPending = 0;
      this.#addresses = [];
      this.#remotes = null;
      return;
    }
    const o = validate(listenSchema, options, 'listen');
    this.enabled = true;
    this.#addresses = o.addresses.map(parseListed);
    this.ports = PortSet.parse(o.ports ?? INBOUND_DEFAULTS.ports, 'listen.ports');
    this.#remotes = o.remotes && o.remotes.length > 0 ? o.remotes.map(parseRemote) : null;
    this.maxListeners = o.maxListeners ?? INBOUND_DEFAULTS.maxListeners;
    this.maxPending = o.maxPending ?? INBOUND_DEFAULTS.maxPending;
  }

  /** For the start-up log (`listening …`). */
  describe(): Record<string, string | number> {
    if (!this.enabled) return { inbound: 'off' };
    return {
      inbound: 'on',
      listenAddresses: this.#addresses.map((a) => a.text).join(','),
      listenPorts: this.ports.toString(),
      listenRemotes: this.#remotes ? this.#remotes.map(([a, b]) => `${a.toString()}/${b}`).join(',') : '(any)',
      maxListeners: this.maxListeners,
      maxPending: this.maxPending,
    };
  }

  /**
   * Where a listener (or fixed-port UDP socket) for `request` may be bound. `scope` is the
   * ticket's `listenPorts`, when it has one.
   */
  plan(request: BindRequest, scope: PortSet | null = null): BindPlan {
    if (!this.enabled) return deny('inbound connections are off on this relay', 'inbound_off');
    const parsed = parseStrict(request.address);
    if (parsed === null)
      return {
        ok: false,
        reason: Reason.INVALID_ARGUMENT,
        why: `${request.address} is not an IP address`,
        category: 'not_an_address',
      };
    const address = this.#address(request, parsed);
    if (!address.ok) return address;
    const ports = this.#ports(request.port, scope);
    if (!ports.ok) return ports;
    return { ok: true, host: address.host, ipv6Only: address.ipv6Only, ports: ports.ports };
  }

  /** Whether a peer at `address` may connect to a page's listener. */
  permitsRemote(address: string): boolean {
    if (this.#remotes === null) return true;
    const parsed = parseStrict(address);
    if (parsed === null) return false;
    const v4 = unmapped(parsed);
    return this.#remotes.some(([net, bits]) => matches(parsed, net, bits) || matches(v4, net, bits));
  }

  #address(
    request: BindRequest,
    parsed: Address,
  ): { ok: true; host: string; ipv6Only: boolean } | Extract<BindPlan, { ok: false }> {
    const v4 = unmapped(parsed);
    if (request.family === 4 && parsed.kind() !== 'ipv4') {
      return {
        ok: false,
        reason: Reason.INVALID_ARGUMENT,
        why: `${request.address} is not an IPv4 address`,
        category: 'not_an_address',
      };
    }
    if (request.family === 6 && parsed.kind() !== 'ipv6') {
      return {
        ok: false,
        reason: Reason.INVALID_ARGUMENT,
        why: `${request.address} is not an IPv6 address`,
        category: 'not_an_address',
      };
    }
    const mapped = parsed !== v4;
    // An AF_INET6 socket bound to ::ffff:a.b.c.d serves IPv4 only, and only with IPV6_V6ONLY off.
    if (mapped && !request.dualStack) {
      return {
        ok: false,
        reason: Reason.ADDR_NOT_AVAIL,
        why: `${request.address} needs IPV6_V6ONLY off`,
        category: 'listen_address',
      };
    }
    const wantFamily = v4.kind() === 'ipv4' ? 4 : 6;
    if (v4.range() !== 'unspecified') {
      const hit = this.#addresses.find(
        (a) => a.addr.kind() === v4.kind() && a.addr.toNormalizedString() === v4.toNormalizedString(),
      );
      if (!hit) return deny(`${request.address} is not a listen address`, 'listen_address');
      if (mapped) return { ok: true, host: `::ffff:${v4.toString()}`, ipv6Only: false };
      // A specific address: only its own family is served, whatever the dual-stack flag says.
      return {
        ok: true,
        host: request.scopeId !== 0 ? `${splitZone(hit.text).bare}%${request.scopeId}` : hit.text,
        ipv6Only: true,
      };
    }
    // The wildcard: itself when listed, else narrowed to the first listed address of the family.
    const wildcard = wantFamily === 4 ? '0.0.0.0' : '::';
    if (this.#addresses.some((a) => a.addr.range() === 'unspecified' && a.addr.kind() === v4.kind())) {
      return { ok: true, host: wildcard, ipv6Only: !request.dualStack };
    }
    const sameFamily = this.#addresses.find((a) => a.addr.kind() === v4.kind() && a.addr.range() !== 'unspecified');
    if (sameFamily) return { ok: true, host: sameFamily.text, ipv6Only: true };
    if (request.family === 6 && request.dualStack) {
      const ipv4 = this.#addresses.find((a) => a.addr.kind() === 'ipv4' && a.addr.range() !== 'unspecified');
      if (ipv4) return { ok: true, host: `::ffff:${ipv4.addr.toString()}`, ipv6Only: false };
    }
    return deny(`no listen address for an IPv${request.family} wildcard`, 'listen_address');
  }

  #ports(port: number, scope: PortSet | null): { ok: true; ports: number[] } | Extract<BindPlan, { ok: false }> {
    const effective = scope ? this.ports.intersect(scope) : this.ports;
    const blame = (inPolicy: boolean) => (inPolicy && scope ? 'ticket_scope' : 'listen_port');
    if (port !== 0) {
      if (effective.has(port)) return { ok: true, ports: [port] };
      const inPolicy = this.ports.has(port);
      return deny(
        inPolicy ? `port ${port} is outside the ticket's listenPorts` : `port ${port} is not a listen port`,
        blame(inPolicy),
      );
    }
    if (effective.ephemeral) return { ok: true, ports: [0] };
    const ports = effective.candidates(PICK_ATTEMPTS);
    if (ports.length > 0) return { ok: true, ports };
    return deny(
      this.ports.empty ? 'no listen ports' : "no listen port left in the ticket's listenPorts",
      blame(!this.ports.empty),
    );
  }
}

function deny(why: string, category: string): Extract<BindPlan, { ok: false }> {
  return { ok: false, reason: Reason.POLICY_DENIED, why, category };
}

function unmapped(addr: Address): Address {
  return addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()
    ? (addr as ipaddr.IPv6).toIPv4Address()
    : addr;
}

function parseListed(entry: string): Listed {
  const text = String(entry).trim();
  const addr = parseStrict(text);
  if (addr === null)
    throw new TypeError(
      `startRelay: listen.addresses entry ${JSON.stringify(entry)} is not an IP address (e.g. 127.0.0.1, ::1, 0.0.0.0)`,
    );
  const v4 = unmapped(addr);
  return { text: v4 === addr ? text : v4.toString(), addr: v4 };
}

function parseRemote(entry: string): [Address, number] {
  const text = String(entry).trim();
  const slash = text.indexOf('/');
  const addr = parseStrict(slash < 0 ? text : text.slice(0, slash));
  const max = addr?.kind() === 'ipv4' ? 32 : 128;
  const bitsText = slash < 0 ? String(max) : text.slice(slash + 1);
  const bits = Number(bitsText);
  if (addr === null || !/^\d+$/.test(bitsText) || bits > max) {
    throw new TypeError(`startRelay: listen.remotes entry ${JSON.stringify(entry)} is not a CIDR (e.g. 127.0.0.0/8)`);
  }
  return [addr, bits];
}
