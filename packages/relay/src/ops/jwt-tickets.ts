/**
 * JWT tickets, beside the relay's own HMAC tickets (tickets.ts), for operators who already run
 * a JWT issuer. A JWT ticket is a compact JWS (three dot-separated parts) signed with HS256 (a
 * shared secret) or EdDSA (Ed25519; the relay holds only the public key), naming its key in the
 * protected header's `kid`:
 *
 *   header  = { alg: "HS256" | "EdDSA", kid: "2026-05" }
 *   claims  = { aud: <jwtAudience>, iat, exp, nbf?, sub?, dst?: ["HOST:PORT", …], lp?: [ … ] }
 *
 * `jose` checks the signature (only the algorithm the key is for), `kid` → key, and `aud`; then
 * the same rules as every HMAC ticket apply (checkClaims: `iat`/`exp` required and finite,
 * `iat`/`nbf` at most 60 s ahead, not expired, `exp - iat` within maxTicketTtlSeconds), and the
 * same per-ticket caps (maxConnectionsPerTicket, keyed by the signature; maxSocketsPerSubject by
 * `sub`). Rotation: publish the new key beside the old one (`jwtKeys` holds both), let issuers
 * switch, drop the old key once its last tickets expired.
 */
import { errors, importJWK, jwtVerify, type JWK, type JWTHeaderParameters } from 'jose';
import type { JwtKey } from '../config/schema.js';
import { CLOCK_SKEW_SECONDS, checkClaims, type TicketCheck, type TicketRules } from './tickets.js';

export type { JwtKey } from '../config/schema.js';

const ALGORITHMS = ['HS256', 'EdDSA'];

/** Whether `token` has the shape of a compact JWS (three parts) rather than an HMAC ticket (two). */
export function looksLikeJwt(token: string): boolean {
  let dots = 0;
  for (let i = 0; i < token.length; i++) if (token.charCodeAt(i) === 46) dots++;
  return dots === 2;
}

type VerifyKey = Awaited<ReturnType<typeof importJWK>>;

export class JwtTickets {
  readonly #keys: ReadonlyMap<string, JwtKey>;
  /** Imported once, on first use (importJWK is asynchronous). */
  readonly #imported = new Map<string, Promise<VerifyKey>>();
  readonly #audience: string;

  constructor(keys: readonly JwtKey[], audience: string) {
    this.#keys = new Map(keys.map((k) => [k.kid, k]));
    this.#audience = audience;
  }

  /** jose's key lookup: the header's `kid`, and only the algorithm that key was given for. */
  #keyFor = (header: JWTHeaderParameters): Promise<VerifyKey> => {
    const key = header.kid === undefined ? undefined : this.#keys.get(header.kid);
    if (key === undefined) return Promise.reject(new errors.JWKSNoMatchingKey());
    if (header.alg !== key.alg)
      return Promise.reject(new errors.JOSEAlgNotAllowed(`${header.alg} is not ${key.kid}'s algorithm`));
    let imported = this.#imported.get(key.kid);
    if (imported === undefined) {
      imported = importJWK(key as JWK, key.alg); // validated by the option schema
      this.#imported.set(key.kid, imported);
    }
    return imported;
  };

  /** Checks a JWT ticket; never rejects. */
  async verify(token: string, now: number = Date.now(), rules: TicketRules = {}): Promise<TicketCheck> {
    let claims: Record<string, unknown>;
    try {
      const header = JSON.parse(Buffer.from(token.slice(0, token.indexOf('.')), 'base64url').toString('utf8'));
      if (typeof header?.kid !== 'string') return { ok: false, why: 'malformed' };
      if (!this.#keys.has(header.kid)) return { ok: false, why: 'unknown key' };
    } catch {
      return { ok: false, why: 'malformed' };
    }
    try {
      const verified = await jwtVerify(token, this.#keyFor, {
        algorithms: ALGORITHMS,
        audience: this.#audience,
        currentDate: new Date(now),
        // jose's own date checks get the relay's skew; checkClaims then applies the strict rules.
        clockTolerance: CLOCK_SKEW_SECONDS,
        requiredClaims: ['exp', 'iat'],
      });
      claims = verified.payload;
    } catch (err) {
      return { ok: false, why: whyRefused(err) };
    }
    return checkClaims(claims, now, rules);
  }
}

function whyRefused(err: unknown): Extract<TicketCheck, { ok: false }>['why'] {
  if (err instanceof errors.JWTExpired) return 'expired';
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'aud') return 'wrong audience';
    if (err.reason === 'check_failed' && (err.claim === 'nbf' || err.claim === 'iat')) return 'not yet valid';
    return 'malformed'; // a claim missing or of the wrong type
  }
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'forged';
  if (err instanceof errors.JWKSNoMatchingKey) return 'unknown key';
  // JOSEAlgNotAllowed (an algorithm the key is not for, `none`), JWSInvalid, JWTInvalid…
  return 'malformed';
}
