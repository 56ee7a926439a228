/**
 * The handshake: the page's HELLO is checked (protocol version, then the ticket when the relay
 * has a secret) and answered with WELCOME. Pure: the connection sends the frames and closes.
 */
import { Capability, FrameType, PROTOCOL_VERSION, Reason, type Frame, type HelloFrame } from '@ws2web/protocol';
import type { ResolvedOptions } from '../config/options.js';
import { verifyTicket } from '../ops/tickets.js';
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
  /** The ticket's signature: one key per ticket, for `maxConnectionsPerTicket` (null without a secret). */
  ticketKey: string | null;
}

/** A HELLO refused: GOAWAY(reason) and close 1008. */
export interface Refused {
  ok: false;
  reason: number;
  message: string;
}

/** Checks a HELLO against the relay's protocol version and secret. */
export function checkHello(hello: HelloFrame, options: ResolvedOptions): Admitted | Refused {
  if (hello.version !== PROTOCOL_VERSION) {
    return {
      ok: false,
      reason: Reason.VERSION_MISMATCH,
      message: `relay speaks protocol ${PROTOCOL_VERSION}, page sent ${hello.version}`,
    };
  }
  if (options.secret === null) return { ok: true, subject: null, scope: null, listenScope: null, ticketKey: null };
  const ticket = verifyTicket(hello.token, options.secret, Date.now(), { maxTtlSeconds: options.maxTicketTtlSeconds });
  if (!ticket.ok) return { ok: false, reason: Reason.AUTH_FAILED, message: `ticket ${ticket.why}` };
  const ticketKey = hello.token.slice(hello.token.indexOf('.') + 1);
  return { ok: true, subject: ticket.subject, scope: ticket.scope, listenScope: ticket.listenPorts, ticketKey };
}

/**
 * What the relay offers in WELCOME, given its options. INBOUND is always offered, also when the
 * inbound policy allows nothing: the page then asks, and the policy's refusal (POLICY_DENIED →
 * WSAEACCES) is what it reports, with the refusal counted and logged.
 */
function capabilities(options: ResolvedOptions): number {
  return Capability.TCP | Capability.RESOLVE | Capability.INBOUND | (options.udp ? Capability.UDP : 0);
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
