/**
 * Which local address and port a page may give its socket: a TCP OPEN's local endpoint (the
 * page called bind before connect) and a UDP socket's bind without an inbound policy.
 *
 *   address: the wildcard, loopback, or (TCP only) one of the relay host's own interface
 *            addresses — a source address the host does not have is never honoured;
 *   port:    0 (ephemeral) always; a fixed port only inside `localPorts` (default 1024-65535
 *            on a relay listening on loopback only, none on one listening beyond it) — or, on a
 *            relay with an inbound policy, inside `listen.ports`; the ticket's `listenPorts`
 *            narrow either; never below 1024, whatever the lists say.
 *
 * A fixed source port is a port peers can be told to send to, and a privileged one lets a page
 * pose as a system service of the relay host (the relay may run as root).
 */
import type ipaddr from 'ipaddr.js';
import { Reason } from '@ws2web/protocol';
import { parseStrict, type Address } from './address-ranges.js';
import type { InboundPolicy } from './inbound-policy.js';
import { PortSet } from './port-set.js';

/** The lowest fixed local port a page may ever bind. */
export const FIRST_UNPRIVILEGED_PORT = 1024;

/** `localPorts` on a relay listening on loopback only: any unprivileged port. */
export const LOOPBACK_LOCAL_PORTS = '1024-65535';
/** `localPorts` on a relay listening beyond loopback: port 0 only. */
export const PUBLIC_LOCAL_PORTS = 'ephemeral';

export type LocalBindDecision = { ok: true } | { ok: false; reason: number; why: string; category: string };

export interface LocalBindContext {
  localPorts: PortSet;
  inbound: InboundPolicy;
  /** The ticket's listenPorts, when it has them. */
  listenScope: PortSet | null;
  /** The relay host's interface addresses (TCP source addresses it may use): Policy.ownAddresses. */
  own: readonly Address[];
}

const refused = (why: string, category = 'bind'): LocalBindDecision => ({
  ok: false,
  reason: Reason.POLICY_DENIED,
  why,
  category,
});

/** `localPorts` as given, or the default for where the relay listens. @throws TypeError for a port below 1024 */
export function compileLocalPorts(
  spec: number | string | readonly (number | string)[] | undefined,
  loopbackOnly: boolean,
): PortSet {
  const set = PortSet.parse(spec ?? (loopbackOnly ? LOOPBACK_LOCAL_PORTS : PUBLIC_LOCAL_PORTS), 'localPorts');
  if (lowest(set) < FIRST_UNPRIVILEGED_PORT) {
    throw new TypeError(`startRelay: localPorts: ports below ${FIRST_UNPRIVILEGED_PORT} are never bindable by a page`);
  }
  return set;
}

function lowest(set: PortSet): number {
  for (let p = 1; p < FIRST_UNPRIVILEGED_PORT; p++) if (set.has(p)) return p;
  return FIRST_UNPRIVILEGED_PORT;
}

/** The fixed-port rule shared by TCP and UDP. */
export function checkLocalPort(port: number, ctx: LocalBindContext): LocalBindDecision {
  if (port === 0) return { ok: true };
  if (port < FIRST_UNPRIVILEGED_PORT) return refused(`bind to privileged port ${port}`);
  const allowed = ctx.inbound.enabled ? ctx.inbound.ports : ctx.localPorts;
  if (!allowed.has(port))
    return refused(`bind to fixed port ${port}: not in ${ctx.inbound.enabled ? 'listen.ports' : 'localPorts'}`);
  if (ctx.listenScope !== null && !ctx.listenScope.has(port))
    return refused(`port ${port} is outside the ticket's listenPorts`, 'ticket_scope');
  return { ok: true };
}

/** A TCP OPEN's local endpoint. */
export function checkTcpLocal(address: string, port: number, ctx: LocalBindContext): LocalBindDecision {
  const parsed = parseStrict(address);
  if (parsed === null)
    return {
      ok: false,
      reason: Reason.INVALID_ARGUMENT,
      why: `${address} is not an IP address`,
      category: 'not_an_address',
    };
  const v4 =
    parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()
      ? (parsed as ipaddr.IPv6).toIPv4Address()
      : parsed;
  const range = v4.range();
  const own = ctx.own.some((a) => a.kind() === v4.kind() && a.toNormalizedString() === v4.toNormalizedString());
  if (range !== 'unspecified' && range !== 'loopback' && !own)
    return refused(`bind to ${address}: not an address of the relay host`);
  return checkLocalPort(port, ctx);
}
