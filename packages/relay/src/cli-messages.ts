/**
 * What the ws2web-relay command prints when it starts: the URLs to open once it listens, and one
 * line saying why it could not start. Pure functions over their inputs (the host's interfaces are
 * passed in), so the wording is tested without binding beyond loopback.
 */
import { isIPv6 } from 'node:net';
import type { NetworkInterfaceInfo } from 'node:os';

/** os.networkInterfaces()'s shape. */
export type Interfaces = NodeJS.Dict<NetworkInterfaceInfo[]>;

export interface ListeningRelay {
  /** The host the relay was bound to (`--host`). */
  host: string;
  port: number;
  tls: boolean;
}

/** 0.0.0.0 and :: (in any spelling) bind every address of a family; no client can dial them. */
export function isWildcardHost(host: string): boolean {
  return host === '0.0.0.0' || (isIPv6(host) && /^[0:]+$/.test(host));
}

function urlFor(address: string, port: number, tls: boolean): string {
  return `${tls ? 'wss' : 'ws'}://${address.includes(':') ? `[${address}]` : address}:${port}/`;
}

/**
 * The addresses a client can reach a relay bound to `host` on: `host` itself, or for a wildcard
 * host loopback first, then every interface address of the families it covers (:: is dual-stack
 * on the platforms Node listens on by default). IPv6 link-local addresses are left out: a URL
 * would need a zone index, which browsers do not accept.
 */
export function reachableAddresses(host: string, interfaces: Interfaces): string[] {
  if (!isWildcardHost(host)) return [host];
  const v6 = host !== '0.0.0.0';
  const addresses = v6 ? ['127.0.0.1', '::1'] : ['127.0.0.1'];
  for (const infos of Object.values(interfaces)) {
    for (const info of infos ?? []) {
      if (info.internal) continue;
      if (info.family === 'IPv6' && (!v6 || /^fe[89ab]/i.test(info.address))) continue;
      if (!addresses.includes(info.address)) addresses.push(info.address);
    }
  }
  return addresses;
}

/**
 * The lines printed once the relay listens. The first is always `ws2web relay listening on URL`
 * with a URL a client can open (scripts wait for it); a wildcard host adds what it is bound to
 * and the other reachable URLs, one a line.
 */
export function listeningLines(relay: ListeningRelay, interfaces: Interfaces): string[] {
  const [first, ...others] = reachableAddresses(relay.host, interfaces).map((a) => urlFor(a, relay.port, relay.tls));
  const lines = [`ws2web relay listening on ${first}`];
  if (isWildcardHost(relay.host)) {
    const what = relay.host === '0.0.0.0' ? 'every IPv4 address' : 'every IPv6 and IPv4 address';
    lines.push(`  bound to ${relay.host} (${what} of this host)${others.length ? ', so also on:' : ''}`);
    for (const url of others) lines.push(`  ${url}`);
  }
  return lines;
}

/** What some listen errors mean for whoever started the command. */
const LISTEN_HINTS: Record<string, string> = {
  EADDRINUSE: 'another process listens there; stop it or pick another --port (0 picks a free one)',
  EACCES: 'ports below 1024 need privileges; pick another --port',
  EADDRNOTAVAIL: 'no interface of this host has that address; check --host',
};

/**
 * One line for a failed start. Node's listen errors repeat the code in the message
 * (`listen EADDRINUSE: address already in use 127.0.0.1:8787`); this says it once, with the
 * address and what to do.
 */
export function startFailureLine(err: unknown): string {
  if (!(err instanceof Error)) return `ws2web-relay: cannot start: ${String(err)}`;
  const e = err as NodeJS.ErrnoException & { address?: string; port?: number };
  if (!e.code) return `ws2web-relay: cannot start: ${e.message}`;
  // Node writes "<syscall> <code>: <description> <address>:<port>"; keep only the description.
  let description = e.message.replace(new RegExp(`^(?:${e.syscall ?? '\\w+'} )?${e.code}:?\\s*`), '');
  let where = '';
  if (e.address !== undefined) {
    const nodeWhere = e.port === undefined ? e.address : `${e.address}:${e.port}`;
    if (description.endsWith(` ${nodeWhere}`)) description = description.slice(0, -nodeWhere.length - 1);
    const address = e.address.includes(':') ? `[${e.address}]` : e.address;
    where = e.port === undefined ? address : `${address}:${e.port}`;
  }
  const hint = LISTEN_HINTS[e.code];
  const what = e.syscall ? `cannot ${e.syscall}${where ? ` on ${where}` : ''}` : 'cannot start';
  return `ws2web-relay: ${what}: ${description} (${e.code})${hint ? `; ${hint}` : ''}`;
}
