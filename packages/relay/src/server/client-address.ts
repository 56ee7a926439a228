/**
 * Who a WebSocket belongs to, for the per-client limits: the TCP peer's address, or — when that
 * peer is a trusted reverse proxy (`trustProxy`) — the right-most address of `X-Forwarded-For`
 * that is not itself a trusted proxy (the left part of that header is whatever the client wrote).
 * IPv4-mapped forms are unmapped, so one client has one key on a dual-stack listener.
 *
 * Two answers are never given, because each would hand a client the proxy's own identity —
 * usually loopback, which the per-client limits exempt:
 *   - a hop that is not an address (`unknown`, `1.2.3.4:5`, junk) where the walk reaches it:
 *     the upgrade is refused (the proxy is misconfigured or the header forged past it);
 *   - a chain of trusted proxies only (or no header at all): the client is the left-most
 *     proxy address, and it is counted like any client, never exempt.
 */
import type http from 'node:http';
import type ipaddr from 'ipaddr.js';
import { parseStrict, type Address } from '../policy/address-ranges.js';
import { inCidrs } from '../config/options.js';

export type ClientIdentity =
  /** `forwarded`: learnt from X-Forwarded-For. `proxyOnly`: no hop beyond the trusted proxies. */
  { ok: true; address: string; forwarded: boolean; proxyOnly: boolean } | { ok: false; why: string };

export function clientAddress(req: http.IncomingMessage, trustProxy: readonly [Address, number][]): ClientIdentity {
  const peer = canonical(req.socket.remoteAddress) ?? 'unknown';
  if (!inCidrs(peer, trustProxy)) return { ok: true, address: peer, forwarded: false, proxyOnly: false };
  const header = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  let client = peer;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = canonical(hops[i]);
    if (hop === null)
      return { ok: false, why: `X-Forwarded-For hop ${JSON.stringify(hops[i]!.slice(0, 64))} is not an address` };
    client = hop;
    if (!inCidrs(hop, trustProxy)) return { ok: true, address: client, forwarded: true, proxyOnly: false };
  }
  return { ok: true, address: client, forwarded: client !== peer, proxyOnly: true };
}

function canonical(text: string | undefined): string | null {
  if (text === undefined) return null;
  const addr = parseStrict(text);
  if (addr === null) return null;
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress())
    return (addr as ipaddr.IPv6).toIPv4Address().toString();
  return addr.kind() === 'ipv4' ? addr.toString() : (addr as ipaddr.IPv6).toRFC5952String();
}
