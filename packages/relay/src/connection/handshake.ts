/**
 * The handshake: the page's HELLO is checked (protocol version, then the ticket when the relay
 * has a secret or JWT keys) and answered with WELCOME. Pure: the connection sends the frames
 * and closes. An HMAC ticket is checked at once; a JWT ticket (three parts, jwt-tickets.ts)
 * asynchronously (WebCrypto), and the connection handles nothing else of the page meanwhile.
 */
import { Capability, FrameType, PROTOCOL_VERSION, Reason, type Frame, type HelloFrame } from '@ws2web/protocol';
import type { ResolvedOptions } from '../config/options.js';
import { looksLikeJwt } from '../ops/jwt-tickets.js';
import { verifyTicket, type TicketCheck } from '../ops/tickets.js';
import type { DestinationScope } from '../policy/destination-scope.js';
import type { PortSet } from '../policy/port-set.js';

/** A HELLO body can be 4 bytes plus a 64 KiB token, whatever maxFrameBody is. */
export const MAX_HELLO_BODY = 4 + 0xffff;

/** What a valid HELLO gives the connection: who the ticket names and what it may reach. */
export interface Admitted {
  ok: true;
  subject: string | null;
  scope: DestinationScope | null;
  listenScope: PortSet | null;
  /** The ticket's signature: one key per ticket, for `maxConnectionsPerTicket` (null without tickets). */
  ticketKey: string | null;
}

/** A HELLO refused: GOAWAY(reason) and close 1008. */
export interface Refused {
  ok: false;
  reason: number;
  message: string;
}

/** Checks a HELLO against the relay's protocol version and ticket keys (a promise for a JWT ticket). */
export function checkHello(
  hello: HelloFrame,
  options: ResolvedOptions,
): Admitted | Refused | Promise<Admitted | Refused> {
  if (hello.version !== PROTOCOL_VERSION) {
    return {
      ok: false,
      reason: Reason.VERSION_MISMATCH,
      message: `relay speaks protocol ${PROTOCOL_VERSION}, page sent ${hello.version}`,
    };
  }
  if (options.secret === null && options.jwt === null)
    return { ok: true, subject: null, scope: null, listenScope: null, ticketKey: null };
  const rules = { maxTtlSeconds: options.maxTicketTtlSeconds };
  const { token } = hello;
  if (options.jwt !== null && looksLikeJwt(token))
    return options.jwt.verify(token, Date.now(), rules).then((ticket) => admitted(ticket, token));
  // A relay with JWT keys only has no HMAC secret: a two-part ticket cannot be right.
  if (options.secret === null) return admitted({ ok: false, why: token.length === 0 ? 'missing' : 'malformed' }, token);
  return admitted(verifyTicket(token, options.secret, Date.now(), rules), token);
}

/** The HELLO's outcome for a checked ticket; its key for maxConnectionsPerTicket is its signature (the last part). */
function admitted(ticket: TicketCheck, token: string): Admitted | Refused {
  if (!ticket.ok) return { ok: false, reason: Reason.AUTH_FAILED, message: `ticket ${ticket.why}` };
  const ticketKey = token.slice(token.lastIndexOf('.') + 1);
  return { ok: true, subject: ticket.subject, scope: ticket.scope, listenScope: ticket.listenPorts, ticketKey };
}

/**
 * What the relay offers in WELCOME, given its options. INBOUND is always offered, also when the
 * inbound policy allows nothing: the page then asks, and the policy's refusal (POLICY_DENIED →
 * WSAEACCES) is what it reports, with the refusal counted and logged. BIND only with an inbound
 * policy: holding a bound address is a listening socket, which a relay without one never opens
 * (its pages' binds keep the old rule: checked when they dial).
 */
function capabilities(options: ResolvedOptions): number {
  return (
    Capability.TCP |
    Capability.RESOLVE |
    Capability.INBOUND |
    (options.udp ? Capability.UDP : 0) |
    (options.inbound.enabled ? Capability.BIND : 0)
  );
}

/** The WELCOME that answers a valid HELLO. */
export function welcome(options: ResolvedOptions): Frame {
  return {
    type: FrameType.WELCOME,
    version: PROTOCOL_VERSION,
    maxFrameBody: options.maxFrameBody,
    maxStreams: options.maxStreams,
    capabilities: capabilities(options),
  };
}
