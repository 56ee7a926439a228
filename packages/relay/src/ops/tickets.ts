/**
 * Relay tickets: short-lived bearer credentials an application's own server mints with the
 * relay's shared secret, and the page presents in HELLO (`createWinsock({ token })`).
 *
 *   ticket  = base64url(payload JSON) "." base64url(HMAC-SHA256(secret, first part))
 *   payload = { v: 1, exp: unix seconds, iat: unix seconds, sub?: string, n: random nonce,
 *               dst?: ["HOST:PORT", …], lp?: ["20000-20009", "ephemeral", …] }
 *
 * `dst` scopes the ticket to destinations (destination-scope.ts): the page may reach only those,
 * and only where the relay's policy allows them too. `lp` scopes the local ports it may listen
 * on (port-set.ts), within the relay's inbound policy. Every relay sharing the secret verifies
 * a ticket on its own (no shared state), so relays scale out behind any load balancer.
 *
 * A ticket is a bearer token: anyone holding it may use the relay until `exp`. Keep TTLs short
 * (seconds to minutes) and mint one per page load. The relay refuses tickets whose lifetime
 * exceeds its `maxTicketTtlSeconds` (default an hour) or that are dated in the future, and can
 * cap how many WebSockets one ticket opens at once (`maxConnectionsPerTicket`).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { DestinationScope } from '../policy/destination-scope.js';
import { PortSet } from '../policy/port-set.js';

export interface TicketOptions {
  /** The relay's `secret`. */
  secret: string;
  /** Lifetime in seconds (> 0). */
  ttlSeconds: number;
  /** Who the ticket is for (user id, session…); logged by the relay. */
  subject?: string;
  /**
   * Destinations the page may reach (`api.example.com:443`, `*.example.com:*`,
   * `203.0.113.0/24:22`, `[2001:db8::/32]:443`). Omitted = whatever the relay's policy allows.
   */
  destinations?: readonly string[];
  /**
   * Local ports the page may listen on (and bind UDP sockets to): `'20000-20009'`, `7000`,
   * `'ephemeral'` (port 0 → an OS-chosen port). Narrows the relay's `listen.ports`, never
   * widens it; `[]` = no listening at all. Omitted = whatever the relay's inbound policy allows.
   */
  listenPorts?: readonly (number | string)[];
  /** Clock for tests, in milliseconds since the epoch. Default `Date.now()`. */
  now?: number;
}

export type TicketCheck =
  | { ok: true; subject: string | null; expiresAt: number; scope: DestinationScope | null; listenPorts: PortSet | null }
  | {
      ok: false;
      why:
        | 'missing'
        | 'malformed'
        | 'forged'
        | 'expired'
        | 'not yet valid'
        | 'lifetime too long'
        | 'unknown key'
        | 'wrong audience';
    };

/** What the relay accepts of a validly signed ticket's dates. */
export interface TicketRules {
  /** The longest `exp - iat` accepted, in seconds (the relay's `maxTicketTtlSeconds`). 0 = any. */
  maxTtlSeconds?: number;
}

/**
 * How far the issuer's clock may run ahead of the relay's: `iat` and `nbf` up to this far in the
 * future are accepted. Beyond it a ticket is "not yet valid" (a ticket dated a year ahead is a
 * mistake or a stockpile, and it would be usable for its whole life from then on).
 */
export const CLOCK_SKEW_SECONDS = 60;

/** The relay's default `maxTicketTtlSeconds`: an hour. Tickets are meant to live seconds to minutes. */
export const DEFAULT_MAX_TICKET_TTL_SECONDS = 3600;

const TICKET_VERSION = 1;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

function sign(secret: string, payloadPart: string): Buffer {
  return createHmac('sha256', secret).update(payloadPart).digest();
}

/** Mints a ticket. Throws TypeError/RangeError on a missing secret or a bad TTL. */
export function createTicket(options: TicketOptions): string {
  const { secret, ttlSeconds, subject } = options;
  if (typeof secret !== 'string' || secret.length === 0)
    throw new TypeError('createTicket: secret must be a non-empty string');
  if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0)
    throw new RangeError(`createTicket: ttlSeconds must be > 0, got ${ttlSeconds}`);
  if (subject !== undefined && typeof subject !== 'string')
    throw new TypeError('createTicket: subject must be a string');
  const { destinations } = options;
  if (destinations !== undefined) {
    if (!Array.isArray(destinations)) throw new TypeError('createTicket: destinations must be an array of "HOST:PORT"');
    new DestinationScope(destinations); // throws a TypeError naming a bad entry now, not at the relay
  }
  const { listenPorts } = options;
  if (listenPorts !== undefined) {
    if (!Array.isArray(listenPorts))
      throw new TypeError('createTicket: listenPorts must be an array of ports, ranges or "ephemeral"');
    PortSet.parse(listenPorts, 'createTicket: listenPorts'); // throws now, not at the relay
  }
  const nowSeconds = Math.floor((options.now ?? Date.now()) / 1000);
  const payload: Record<string, unknown> = {
    v: TICKET_VERSION,
    iat: nowSeconds,
    exp: nowSeconds + Math.ceil(ttlSeconds),
    n: randomBytes(9).toString('base64url'),
  };
  if (subject !== undefined) payload.sub = subject;
  if (destinations !== undefined) payload.dst = [...destinations];
  if (listenPorts !== undefined) payload.lp = listenPorts.map(String);
  const payloadPart = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${payloadPart}.${sign(secret, payloadPart).toString('base64url')}`;
}

/**
 * Checks a ticket's signature (in constant time), then its dates: `exp` and `iat` finite numbers,
 * `iat` and `nbf` (if any) not more than CLOCK_SKEW_SECONDS ahead, not expired, and `exp - iat`
 * within `rules.maxTtlSeconds` (default an hour). Never throws.
 */
export function verifyTicket(
  ticket: string,
  secret: string,
  now: number = Date.now(),
  rules: TicketRules = {},
): TicketCheck {
  if (ticket.length === 0) return { ok: false, why: 'missing' };
  const parts = ticket.split('.');
  const [payloadPart, signaturePart] = parts;
  if (
    parts.length !== 2 ||
    payloadPart === undefined ||
    signaturePart === undefined ||
    !BASE64URL.test(payloadPart) ||
    !BASE64URL.test(signaturePart)
  ) {
    return { ok: false, why: 'malformed' };
  }
  const expected = sign(secret, payloadPart);
  const given = Buffer.from(signaturePart, 'base64url');
  // Check the signature before looking at the payload: an unsigned payload is never parsed.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, why: 'forged' };
  let payload: TicketClaims & { v?: unknown };
  try {
    payload = JSON.parse(Buffer.from(payloadPart, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, why: 'malformed' };
  }
  if (payload === null || typeof payload !== 'object' || payload.v !== TICKET_VERSION)
    return { ok: false, why: 'malformed' };
  return checkClaims(payload, now, rules);
}

/** What a ticket says, HMAC or JWT (jwt-tickets.ts): dates, subject and scopes. Unchecked. */
export interface TicketClaims {
  exp?: unknown;
  iat?: unknown;
  nbf?: unknown;
  sub?: unknown;
  dst?: unknown;
  lp?: unknown;
}

/**
 * The relay's rules for a validly signed ticket of either kind: `exp` and `iat` finite dates,
 * `iat` and `nbf` (if any) not more than CLOCK_SKEW_SECONDS ahead, not expired, `exp - iat`
 * within `rules.maxTtlSeconds` (default an hour); then its subject and scopes, parsed defensively.
 */
export function checkClaims(payload: TicketClaims, now: number, rules: TicketRules = {}): TicketCheck {
  if (!isSeconds(payload.exp) || !isSeconds(payload.iat)) return { ok: false, why: 'malformed' };
  if (payload.nbf !== undefined && !isSeconds(payload.nbf)) return { ok: false, why: 'malformed' };
  const skewed = now + CLOCK_SKEW_SECONDS * 1000;
  if (payload.iat * 1000 > skewed || (payload.nbf !== undefined && payload.nbf * 1000 > skewed))
    return { ok: false, why: 'not yet valid' };
  if (payload.exp * 1000 <= now) return { ok: false, why: 'expired' };
  const maxTtl = rules.maxTtlSeconds ?? DEFAULT_MAX_TICKET_TTL_SECONDS;
  if (maxTtl > 0 && payload.exp - payload.iat > maxTtl) return { ok: false, why: 'lifetime too long' };
  let scope: DestinationScope | null = null;
  if (payload.dst !== undefined) {
    // Signed by the key's holder, but still parsed defensively: a bad scope is no scope at all.
    if (!Array.isArray(payload.dst) || !payload.dst.every((d) => typeof d === 'string'))
      return { ok: false, why: 'malformed' };
    try {
      scope = new DestinationScope(payload.dst as string[]);
    } catch {
      return { ok: false, why: 'malformed' };
    }
  }
  let listenPorts: PortSet | null = null;
  if (payload.lp !== undefined) {
    if (!Array.isArray(payload.lp) || !payload.lp.every((p) => typeof p === 'string'))
      return { ok: false, why: 'malformed' };
    try {
      listenPorts = PortSet.parse(payload.lp as string[]);
    } catch {
      return { ok: false, why: 'malformed' };
    }
  }
  return {
    ok: true,
    subject: typeof payload.sub === 'string' ? payload.sub : null,
    expiresAt: payload.exp * 1000,
    scope,
    listenPorts,
  };
}

/** A date in seconds since the epoch: finite and within what a Date can hold (`exp=1e308` is not). */
function isSeconds(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= 8.64e12;
}
