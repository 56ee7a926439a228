/** Converting between the wire's `Endpoint` and what Node's sockets report. */
import type { Endpoint } from '@ws2web/protocol';

/**
 * The endpoint of one end of a socket as the page is told it. An IPv4 address is always an
 * `ipv4` endpoint, also when Node reports it in IPv6 form (`::ffff:a.b.c.d`, the IPv4 peer of a
 * dual-stack socket): the page maps it back for an AF_INET6 socket. A `%zone` suffix becomes
 * the scope.
 */
export function socketEndpoint(
  address: string | undefined,
  family: string | undefined,
  port: number | undefined,
  fallbackScope = 0,
): Endpoint | null {
  if (address === undefined || port === undefined) return null;
  if (family === 'IPv4') return { kind: 'ipv4', address: address.replace(/^::ffff:/i, ''), port };
  const mapped = unmapIPv4(address);
  if (mapped !== null) return { kind: 'ipv4', address: mapped, port };
  const pct = address.indexOf('%');
  const bare = pct < 0 ? address : address.slice(0, pct);
  const zone = pct < 0 ? '' : address.slice(pct + 1);
  const scopeId = /^\d+$/.test(zone) ? Number(zone) : fallbackScope;
  return { kind: 'ipv6', address: bare, port, scopeId };
}

/**
 * Node's `localAddress` for a local endpoint; an unspecified address on port 0 means "no bind".
 * When an IPv6-bound socket dials IPv4 (an IPv4-mapped destination), the bind is translated as
 * a dual-stack socket's would be: `::` → `0.0.0.0`, `::ffff:a.b.c.d` → `a.b.c.d`.
 */
export function localBind(
  local: Endpoint | null,
  dialFamily: 4 | 6 = local?.kind === 'ipv4' ? 4 : 6,
): { localAddress?: string; localPort?: number } {
  if (local === null || local.kind === 'name') return {};
  const unspecified = local.address === '0.0.0.0' || local.address === '::';
  if (unspecified && local.port === 0) return {};
  let address = local.kind === 'ipv6' && local.scopeId !== 0 ? `${local.address}%${local.scopeId}` : local.address;
  if (local.kind === 'ipv6' && dialFamily === 4) {
    const mapped = unmapIPv4(local.address);
    if (local.address === '::') address = '0.0.0.0';
    else if (mapped !== null) address = mapped;
  }
  return local.port === 0 ? { localAddress: address } : { localAddress: address, localPort: local.port };
}

/** Text for logs: `1.2.3.4:80`, `[::1]:80`, `example.com:80`. */
export function endpointText(e: Endpoint): string {
  switch (e.kind) {
    case 'ipv4':
      return `${e.address}:${e.port}`;
    case 'ipv6':
      return `[${e.address}${e.scopeId ? `%${e.scopeId}` : ''}]:${e.port}`;
    case 'name':
      return `${e.host}:${e.port}`;
  }
}

/** `a.b.c.d` for `::ffff:a.b.c.d` (any case), else null. */
export function unmapIPv4(address: string): string | null {
  const m = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  return m?.[1] ?? null;
}
