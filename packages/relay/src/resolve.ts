/**
 * From an OPEN's destination to the one address the relay will dial.
 *
 * IP literals are checked as they are. Host names are resolved once, every answer is checked,
 * and the FIRST ALLOWED address is returned: the dialer gets that literal, never the name, so
 * there is no second lookup that could answer differently (DNS rebinding).
 */
import dns from 'node:dns';
import { Reason, reasonForErrno, type Endpoint } from '@ws2web/protocol';
import type { Policy } from './policy.js';

export interface LookupAddress { address: string; family: number }

/** Resolves a host name to every address it has, in resolver order. Rejects with an `err.code`. */
export type Lookup = (host: string) => Promise<LookupAddress[]>;

export const defaultLookup: Lookup = function dnsLookupAll(host) {
  return dns.promises.lookup(host, { all: true, verbatim: true });
};

export type Resolution =
  | { ok: true; address: string; family: 4 | 6; scopeId: number; refused: string[] }
  | { ok: false; reason: number; detail: string };

export interface ResolveContext {
  policy: Policy;
  lookup: Lookup;
  /** The family the page's socket is bound to, when OPEN carried a local address. */
  family: 4 | 6 | null;
}

export async function resolveDestination(remote: Endpoint, ctx: ResolveContext): Promise<Resolution> {
  if (remote.kind !== 'name') {
    const verdict = ctx.policy.check(remote.address);
    if (!verdict.allowed) return { ok: false, reason: Reason.POLICY_DENIED, detail: `${remote.address}: ${verdict.why}` };
    const family = remote.kind === 'ipv4' ? 4 : 6;
    return { ok: true, address: remote.address, family, scopeId: remote.kind === 'ipv6' ? remote.scopeId : 0, refused: [] };
  }

  let answers: LookupAddress[];
  try {
    answers = await ctx.lookup(remote.host);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException)?.code;
    return { ok: false, reason: reasonForErrno(code), detail: `lookup ${remote.host}: ${code ?? String(err)}` };
  }
  const candidates = forFamily(answers, ctx.family);
  if (candidates.length === 0) return { ok: false, reason: Reason.HOST_NOT_FOUND, detail: `lookup ${remote.host}: no usable address` };

  const refused: string[] = [];
  for (const candidate of candidates) {
    const verdict = ctx.policy.check(candidate.address);
    if (verdict.allowed) {
      return { ok: true, address: candidate.address, family: candidate.family === 6 ? 6 : 4, scopeId: 0, refused };
    }
    refused.push(`${candidate.address} (${verdict.why})`);
  }
  return { ok: false, reason: Reason.POLICY_DENIED, detail: `${remote.host} → ${refused.join(', ')}` };
}

/**
 * A socket bound to an IPv4 address can only reach IPv4; one bound to IPv6 reaches IPv6 and,
 * dual-stack, IPv4 as ::ffff:a.b.c.d (preferred last, as Windows orders them).
 */
function forFamily(answers: LookupAddress[], family: 4 | 6 | null): LookupAddress[] {
  if (family === null) return answers;
  if (family === 4) return answers.filter((a) => a.family === 4);
  return [
    ...answers.filter((a) => a.family === 6),
    ...answers.filter((a) => a.family === 4).map((a) => ({ address: `::ffff:${a.address}`, family: 6 })),
  ];
}
