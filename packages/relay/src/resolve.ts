/**
 * From an OPEN's destination to the one address the relay will dial.
 *
 * IP literals are checked as they are. Host names are resolved once, every answer is checked,
 * and the FIRST ALLOWED address is returned: the dialer gets that literal, never the name, so
 * there is no second lookup that could answer differently (DNS rebinding).
 *
 * An IPv4-mapped IPv6 destination (::ffff:a.b.c.d) is dialled as the IPv4 address it carries —
 * what a dual-stack socket does on the wire anyway — and judged as that address.
 */
import { Reason, type Endpoint } from '@ws2web/protocol';
import { unmapIPv4 } from './endpoints.js';
import { reasonForLookupError, type LookupAddress, type NameService } from './name-service.js';
import type { Policy } from './policy.js';

export type { Lookup, LookupAddress } from './name-service.js';

export type Resolution =
  | { ok: true; address: string; family: 4 | 6; scopeId: number; refused: string[] }
  | { ok: false; reason: number; detail: string };

export interface ResolveContext {
  policy: Policy;
  names: NameService;
  /** The family the page's socket is bound to, when OPEN carried a local address. */
  family: 4 | 6 | null;
}

export async function resolveDestination(remote: Endpoint, ctx: ResolveContext): Promise<Resolution> {
  if (remote.kind !== 'name') {
    const verdict = ctx.policy.check(remote.address);
    if (!verdict.allowed) return { ok: false, reason: Reason.POLICY_DENIED, detail: `${remote.address}: ${verdict.why}` };
    const mapped = unmapIPv4(remote.address);
    if (mapped !== null) return { ok: true, address: mapped, family: 4, scopeId: 0, refused: [] };
    const family = remote.kind === 'ipv4' ? 4 : 6;
    return { ok: true, address: remote.address, family, scopeId: remote.kind === 'ipv6' ? remote.scopeId : 0, refused: [] };
  }

  let answers: LookupAddress[];
  try {
    answers = await ctx.names.lookup(remote.host, ctx.family === 4 ? 4 : 0);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException)?.code;
    return { ok: false, reason: reasonForLookupError(code), detail: `lookup ${remote.host}: ${code ?? String(err)}` };
  }
  const candidates = forFamily(answers, ctx.family);
  if (candidates.length === 0) return { ok: false, reason: Reason.HOST_NOT_FOUND, detail: `lookup ${remote.host}: no usable address` };

  const refused: string[] = [];
  for (const candidate of candidates) {
    const verdict = ctx.policy.check(candidate.address);
    if (verdict.allowed) {
      const mapped = unmapIPv4(candidate.address);
      if (mapped !== null) return { ok: true, address: mapped, family: 4, scopeId: 0, refused };
      return { ok: true, address: candidate.address, family: candidate.family === 6 ? 6 : 4, scopeId: 0, refused };
    }
    refused.push(`${candidate.address} (${verdict.why})`);
  }
  return { ok: false, reason: Reason.POLICY_DENIED, detail: `${remote.host} → ${refused.join(', ')}` };
}

/**
 * A socket bound to an IPv4 address can only reach IPv4; one bound to IPv6 reaches IPv6 and,
 * dual-stack, IPv4 (preferred last, as Windows orders them).
 */
function forFamily(answers: LookupAddress[], family: 4 | 6 | null): LookupAddress[] {
  if (family === null) return answers;
  if (family === 4) return answers.filter((a) => a.family === 4);
  return [...answers.filter((a) => a.family === 6), ...answers.filter((a) => a.family === 4)];
}
