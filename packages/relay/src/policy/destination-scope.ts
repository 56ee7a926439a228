/**
 * A ticket's destination scope (`createTicket({ destinations })`): the only destinations the
 * page holding it may reach. It narrows the relay's policy, never widens it: a destination must
 * pass both.
 *
 * Entries are `HOST:PORT`:
 *   - HOST: a name (`api.example.com`), `*.example.com`, `*` (any name), an IPv4 CIDR or address
 *     (`203.0.113.0/24`, `198.51.100.7`), or an IPv6 one in brackets (`[2001:db8::/32]`);
 *   - PORT: a number, a range `8000-8999`, or `*`.
 * A name entry matches the name the page asked for (then any address it resolves to may be
 * dialled, if the policy allows it); an address entry matches the address actually dialled.
 */
import type ipaddr from 'ipaddr.js';
import { matches, parseStrict, type Address } from './address-ranges.js';
import { HostPattern } from './host-names.js';

interface ScopeEntry {
  text: string;
  host: HostPattern | null;
  cidr: [Address, number] | null;
  ports: [number, number];
}

export class DestinationScope {
  readonly #entries: readonly ScopeEntry[];

  /** @throws TypeError naming the first entry that does not parse. */
  constructor(entries: readonly string[]) {
    this.#entries = entries.map(parseEntry);
  }

  get entries(): string[] {
    return this.#entries.map((e) => e.text);
  }

  /** Whether a name entry covers `name`:`port`. */
  permitsName(name: string, port: number): boolean {
    return this.#entries.some((e) => e.host?.matches(name) && inPorts(e, port));
  }

  /** Whether a name entry covers `name` on some port (RESOLVE carries no port). */
  permitsNameOnAnyPort(name: string): boolean {
    return this.#entries.some((e) => e.host?.matches(name) === true);
  }

  /** Whether an address entry covers `address` on some port. */
  permitsAddressOnAnyPort(address: Address): boolean {
    return this.#entries.some((e) => e.cidr !== null && this.permitsAddress(address, e.ports[0]));
  }

  /** Whether any entry is an address or CIDR (so a name outside the name entries may still resolve into one). */
  get hasAddresses(): boolean {
    return this.#entries.some((e) => e.cidr !== null);
  }

  /** Whether an address entry covers `address`:`port`. */
  permitsAddress(address: Address, port: number): boolean {
    const effective =
      address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()
        ? (address as ipaddr.IPv6).toIPv4Address()
        : address;
    return this.#entries.some(
      (e) => e.cidr !== null && (matches(address, ...e.cidr) || matches(effective, ...e.cidr)) && inPorts(e, port),
    );
  }
}

function inPorts(e: ScopeEntry, port: number): boolean {
  return port >= e.ports[0] && port <= e.ports[1];
}

function parseEntry(text: string): ScopeEntry {
  const bad = (why: string): never => {
    throw new TypeError(
      `destination ${JSON.stringify(text)}: ${why} (expected HOST:PORT, e.g. api.example.com:443, *.example.com:*, 203.0.113.0/24:22, [2001:db8::/32]:443)`,
    );
  };
  if (typeof text !== 'string') bad('not a string');
  const colon = text.lastIndexOf(':');
  if (colon <= 0) bad('no port');
  const hostPart = text.slice(0, colon).trim();
  const portPart = text.slice(colon + 1).trim();
  let ports: [number, number];
  if (portPart === '*') ports = [1, 65535];
  else {
    const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(portPart);
    const lo = m ? Number(m[1]) : NaN;
    const hi = m ? Number(m[2] ?? m[1]) : NaN;
    if (!(lo >= 1 && hi <= 65535 && lo <= hi)) bad(`port ${JSON.stringify(portPart)}`);
    ports = [lo, hi];
  }
  const bracketed = hostPart.startsWith('[') && hostPart.endsWith(']');
  const bare = bracketed ? hostPart.slice(1, -1) : hostPart;
  const slash = bare.indexOf('/');
  const addressText = slash < 0 ? bare : bare.slice(0, slash);
  const address = parseStrict(addressText);
  if (address !== null) {
    if (address.kind() === 'ipv6' && !bracketed) bad('put an IPv6 address in brackets');
    const max = address.kind() === 'ipv4' ? 32 : 128;
    const bits = slash < 0 ? max : Number(bare.slice(slash + 1));
    if (
      !Number.isInteger(bits) ||
      bits < 0 ||
      bits > max ||
      !/^\d+$/.test(slash < 0 ? String(max) : bare.slice(slash + 1))
    )
      bad('bad prefix length');
    return { text, host: null, cidr: [address, bits], ports };
  }
  if (bracketed || slash >= 0) bad('not an address or CIDR');
  let host: HostPattern;
  try {
    host = new HostPattern(bare);
  } catch (err) {
    return bad((err as Error).message);
  }
  return { text, host, cidr: null, ports };
}
