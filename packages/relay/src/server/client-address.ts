/**
 * Who a WebSocket belongs to, for the per-client limits: the TCP peer's address, or — when that
 * peer is a trusted reverse proxy (`trustProxy`) — the right-most address of `X-Forwarded-For`
 * that is not itself a trusted proxy (the left part of that header is whatever the client wrote).
 * IPv4-mapped forms are unmapped, so one client has one key on a dual-stack listener.
 */
import type http from 'node:http';
import type ipaddr from 'ipaddr.js';
import { parseStrict, type Address } from '../policy/address-ranges.js';
import { inCidrs } from '../config/options.js';

export function clientAddress(req: http.IncomingMessage, trustProxy: readonly [Address, number][]): string {
  const peer = canonical(req.socket.remoteAddress) ?? 'unknown';
  if (!inCidrs(peer, trustProxy)) return peer;
  const header = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : header ?? '').split(',').map((h) => h.trim()).filter(Boolean);
  let client = peer;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = canonical(hops[i]);
    if (hop === null) break; // garbage: stop at the last address we could trust
    client = hop;
    if (!inCidrs(hop, trustProxy)) break;
  }
  return client;
}

function canonical(text: string | undefined): string | null {
  if (text === undefined) return null;
  const addr = parseStrict(text);
  if (addr === null) return null;
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) return (addr as ipaddr.IPv6).toIPv4Address().toString();
  return addr.kind() === 'ipv4' ? addr.toString() : (addr as ipaddr.IPv6).toRFC5952String();
}
