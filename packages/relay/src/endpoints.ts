/** Converting between the wire's `Endpoint` and what Node's sockets report. */
import type { Endpoint } from '@ws2web/protocol';

/**
 * The endpoint of one end of a connected socket, in the family the socket really uses.
 * Node reports an IPv4 socket's addresses as dotted quads and an IPv6 socket's as IPv6 text
 * (an IPv4 peer of a dual-stack socket as `::ffff:a.b.c.d`); a `%zone` suffix becomes the scope.
 */
export function socketEndpoint(
  address: string | undefined,
  family: string | undefined,
  port: number | undefined,
  fallbackScope = 0,
): Endpoint | null {
  if (address === undefined || port === undefined) return null;
  if (family === 'IPv4') return { kind: 'ipv4', address: address.replace(/^::ffff:/i, ''), port };
  const pct = address.indexOf('%');
  const bare = pct < 0 ? address : address.slice(0, pct);
  const zone = pct < 0 ? '' : address.slice(pct + 1);
  const scopeId = /^\d+$/.test(zone) ? Number(zone) : fallbackScope;
  return { kind: 'ipv6', address: bare, port, scopeId };
}

/** Node's `localAddress` for a local endpoint; an unspecified address on port 0 means "no bind". */
export function localBind(local: Endpoint | null): { localAddress?: string; localPort?: number } {
  if (local === null || local.kind === 'name') return {};
  const unspecified = local.address === '0.0.0.0' || local.address === '::';
  if (unspecified && local.port === 0) return {};
  const address = local.kind === 'ipv6' && local.scopeId !== 0 ? `${local.address}%${local.scopeId}` : local.address;
  return local.port === 0 ? { localAddress: address } : { localAddress: address, localPort: local.port };
}

/** Text for logs: `1.2.3.4:80`, `[::1]:80`, `example.com:80`. */
export function endpointText(e: Endpoint): string {
  switch (e.kind) {
    case 'ipv4': return `${e.address}:${e.port}`;
    case 'ipv6': return `[${e.address}${e.scopeId ? `%${e.scopeId}` : ''}]:${e.port}`;
    case 'name': return `${e.host}:${e.port}`;
  }
}
