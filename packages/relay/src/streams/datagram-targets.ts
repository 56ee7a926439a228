/**
 * Where a UDP socket may send: every destination — a DATAGRAM's address, a PEER's — is judged as
 * the IP literal that will be sent to (no names): the socket's family (an IPv4 destination on an
 * IPv6 socket only when dual-stack), broadcast only with SO_BROADCAST, the policy's port and
 * address rules, and the ticket's destinations. Pure; the stream caches the last answer.
 */
import { Reason, formatIPv6, parseIPv6, type Endpoint } from '@ws2web/protocol';
import { parseStrict } from '../policy/address-ranges.js';
import type { DestinationScope } from '../policy/destination-scope.js';
import type { Policy } from '../policy/policy.js';
import { unmapIPv4 } from './endpoints.js';

/** A destination that passed every check, in the form `socket.send` takes. */
export interface Target {
  host: string;
  port: number;
  /** Comparable with `sourceKey` of an incoming datagram. */
  key: string;
}

export type TargetResult = { ok: true; target: Target } | { ok: false; reason: number; why: string };

/** The socket a destination is judged for. */
export interface SocketShape {
  family: 4 | 6;
  dualStack: boolean;
  /** SO_BROADCAST (DGRAM_OPEN's BROADCAST flag). */
  broadcast: boolean;
}

/** Every check a destination must pass, in the form the socket sends to. */
export function judgeTarget(
  address: Endpoint,
  socket: SocketShape,
  policy: Policy,
  scope: DestinationScope | null,
): TargetResult {
  if (address.kind === 'name')
    return { ok: false, reason: Reason.INVALID_ARGUMENT, why: 'a host name is not a datagram address' };
  if (address.port === 0) return { ok: false, reason: Reason.ADDR_NOT_AVAIL, why: 'port 0' };
  const v4 = address.kind === 'ipv4' ? address.address : unmapIPv4(address.address);
  let host: string;
  if (socket.family === 4) {
    if (v4 === null) return { ok: false, reason: Reason.AF_NOT_SUPPORTED, why: 'IPv6 destination on an IPv4 socket' };
    host = v4;
  } else if (v4 !== null) {
    if (!socket.dualStack)
      return { ok: false, reason: Reason.AF_NOT_SUPPORTED, why: 'IPv4 destination on an IPv6-only socket' };
    host = `::ffff:${v4}`;
  } else {
    const scopeId = address.kind === 'ipv6' ? address.scopeId : 0;
    host = scopeId !== 0 ? `${address.address}%${scopeId}` : address.address;
  }
  const judged = v4 ?? address.address;
  if (policy.isBroadcast(judged) && !socket.broadcast) {
    return { ok: false, reason: Reason.POLICY_DENIED, why: 'broadcast without SO_BROADCAST' };
  }
  const port = policy.checkDatagramPort(address.port);
  if (!port.allowed) return { ok: false, reason: Reason.POLICY_DENIED, why: port.why };
  const decision = policy.checkLiteral(judged);
  if (!decision.allowed) return { ok: false, reason: Reason.POLICY_DENIED, why: decision.why };
  const parsed = parseStrict(judged);
  if (scope && (parsed === null || !scope.permitsAddress(parsed, address.port))) {
    return { ok: false, reason: Reason.POLICY_DENIED, why: "outside the ticket's destinations" };
  }
  const key = v4 !== null ? `${v4}:${address.port}` : `[${normalizeIPv6(address.address)}]:${address.port}`;
  return { ok: true, target: { host, port: address.port, key } };
}

/** The comparable form of a datagram's source (see `Target.key`). */
export function sourceKey(source: Endpoint): string {
  if (source.kind === 'ipv4') return `${source.address}:${source.port}`;
  if (source.kind === 'ipv6') return `[${normalizeIPv6(source.address)}]:${source.port}`;
  return '';
}

/** RFC 5952 text, so that two spellings of one address compare equal. */
function normalizeIPv6(address: string): string {
  const pct = address.indexOf('%');
  const bare = pct < 0 ? address : address.slice(0, pct);
  const bytes = parseIPv6(bare);
  return bytes ? formatIPv6(bytes) : bare.toLowerCase();
}
