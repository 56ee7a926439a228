/**
 * From an OPEN's destination to the one address the relay will dial.
 *
 * Order: port → (a name that is really an address is treated as that address) → name checks
 * (shape, `denyHosts`/`allowHosts`, ticket scope) → ONE lookup → every answer judged → the
 * FIRST ALLOWED address is returned in canonical text. The dialer gets that literal, never the
 * name, so there is no second lookup that could answer differently (DNS rebinding), and the
 * text dialled is the text judged (`::127.0.0.1` cannot be read one way by the check and
 * another way by the socket).
 *
 * An IPv4-mapped IPv6 destination (::ffff:a.b.c.d) is dialled as the IPv4 address it carries —
 * what a dual-stack socket does on the wire anyway — and judged as that address.
 * `localhost` and `*.localhost` answer loopback without asking any resolver (RFC 6761), so the
 * policy, not a resolver's hosts file, decides about them.
 */
import type ipaddr from 'ipaddr.js';
import { Reason, type Endpoint } from '@ws2web/protocol';
import { dialText, parseLooseIPv4, parseStrict, splitZone, type Address } from './address-ranges.js';
import type { DestinationScope } from './destination-scope.js';
import { hostNameProblem, normalizeHostName } from './host-names.js';
import {
  isLocalhost,
  reasonForLookupError,
  type LookupAddress,
  type LookupOptions,
  type NameService,
} from '../streams/name-service.js';
import { refusalCategory, type Policy } from './policy.js';

export type { Lookup, LookupAddress } from '../streams/name-service.js';

export type Resolution =
  | { ok: true; address: string; family: 4 | 6; scopeId: number; refused: string[] }
  | {
      ok: false;
      reason: number;
      detail: string /** For POLICY_DENIED: the refusal's metrics label. */;
      category?: string;
    };

export interface ResolveContext {
  policy: Policy;
  names: NameService;
  /** The family the page's socket is bound to, when OPEN carried a local address. */
  family: 4 | 6 | null;
  /** The ticket's destination scope, if it has one. */
  scope?: DestinationScope | null;
  /** The stream's cancellation signal and client, passed to the lookup. */
  lookup?: LookupOptions;
}

const denied = (detail: string, why: string): Resolution => ({
  ok: false,
  reason: Reason.POLICY_DENIED,
  detail,
  category: refusalCategory(why),
});

export async function resolveDestination(remote: Endpoint, ctx: ResolveContext): Promise<Resolution> {
  const port = ctx.policy.checkPort(remote.port);
  if (!port.allowed) return denied(port.why, port.why);
  if (remote.kind !== 'name') {
    const scopeId = remote.kind === 'ipv6' ? remote.scopeId : 0;
    return literal(remote.address, scopeId, remote.port, ctx);
  }

  const host = remote.host;
  // A "name" that is an address to every resolver is that address: judged here, never looked up.
  const asAddress = addressInName(host);
  if (asAddress !== null) return literal(asAddress, zoneNumber(asAddress), remote.port, ctx);

  const problem = hostNameProblem(host) ?? numericNameProblem(host);
  if (problem !== null)
    return { ok: false, reason: Reason.INVALID_ARGUMENT, detail: `host ${JSON.stringify(host)}: ${problem}` };
  const name = normalizeHostName(host);
  const byName = ctx.policy.checkName(name);
  if (!byName.allowed) return denied(byName.why, byName.why);
  const scopedByName = ctx.scope ? ctx.scope.permitsName(name, remote.port) : true;

  let answers: LookupAddress[];
  if (isLocalhost(name)) {
    answers = [
      { address: '127.0.0.1', family: 4 },
      { address: '::1', family: 6 },
    ];
  } else {
    try {
      answers = await ctx.names.lookup(host, ctx.family === 4 ? 4 : 0, ctx.lookup);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException)?.code;
      return { ok: false, reason: reasonForLookupError(code), detail: `lookup ${host}: ${code ?? String(err)}` };
    }
  }
  const candidates = forFamily(answers, ctx.family);
  if (candidates.length === 0)
    return { ok: false, reason: Reason.HOST_NOT_FOUND, detail: `lookup ${host}: no usable address` };

  const refused: string[] = [];
  let firstWhy = '';
  for (const candidate of candidates) {
    const addr = parseStrict(candidate.address);
    if (addr === null) {
      refused.push(`${candidate.address} (not an IP address)`);
      continue;
    }
    const decision = ctx.policy.judge(addr);
    if (!decision.allowed) {
      firstWhy ||= decision.why;
      refused.push(`${candidate.address} (${decision.why})`);
      continue;
    }
    if (!scopedByName && !ctx.scope!.permitsAddress(addr, remote.port)) {
      firstWhy ||= 'outside the ticket';
      refused.push(`${candidate.address} (outside the ticket's destinations)`);
      continue;
    }
    return { ok: true, ...dialable(addr, 0), refused };
  }
  return denied(`${host} → ${refused.join(', ')}`, firstWhy || 'not an IP address');
}

/**
 * The address a name spells, if it spells one: a strict literal or an inet_aton form, with one
 * trailing dot allowed (`127.0.0.1.` is `127.0.0.1` to getaddrinfo, and a DNS server asked about
 * it may answer anything). Null for a real name.
 */
export function addressInName(host: string): string | null {
  const text = host.endsWith('.') && !host.endsWith('..') ? host.slice(0, -1) : host;
  if (parseStrict(text) !== null) return text;
  const loose = parseLooseIPv4(text);
  return loose === null ? null : loose.toString();
}

/** One label as inet_aton reads a number: decimal, octal (leading 0) or 0x hex. */
const NUMERIC_LABEL = /^(?:0x[0-9a-f]*|[0-9]+)$/i;

/**
 * Why a name that is not an address but is shaped like one (`127.0.0.1x`, `10.0.0.256`,
 * `1.2.3.4.5`) is refused, or null. No top-level domain is numeric or starts with a digit
 * (RFC 3696 §2), so such a name can only be an address typed wrong — or a probe of how the
 * resolver reads it. Refused before any lookup, instead of being sent upstream.
 */
export function numericNameProblem(host: string): string | null {
  const labels = normalizeHostName(host).split('.');
  const last = labels[labels.length - 1] ?? '';
  if (NUMERIC_LABEL.test(last)) return 'numeric top-level label: not an IP address and not a name';
  if (labels.length > 1 && /^[0-9]/.test(last) && labels.slice(0, -1).every((l) => NUMERIC_LABEL.test(l))) {
    return 'shaped like an IP address but is not one';
  }
  return null;
}

/** An IP literal destination: judged, scoped, and returned in canonical text. */
function literal(text: string, scopeId: number, port: number, ctx: ResolveContext): Resolution {
  const addr = parseStrict(text);
  if (addr === null) return { ok: false, reason: Reason.INVALID_ARGUMENT, detail: `${text}: not an IP address` };
  const decision = ctx.policy.checkLiteral(text);
  if (!decision.allowed) return denied(`${text}: ${decision.why}`, decision.why);
  if (ctx.scope && !ctx.scope.permitsAddress(addr, port))
    return denied(`${text}:${port}: outside the ticket's destinations`, 'outside the ticket');
  return { ok: true, ...dialable(addr, scopeId), refused: [] };
}

function dialable(addr: Address, scopeId: number): { address: string; family: 4 | 6; scopeId: number } {
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) {
    return { address: (addr as ipaddr.IPv6).toIPv4Address().toString(), family: 4, scopeId: 0 };
  }
  return addr.kind() === 'ipv4'
    ? { address: dialText(addr), family: 4, scopeId: 0 }
    : { address: dialText(addr), family: 6, scopeId };
}

/** A numeric `%zone` of a literal given as a name; a named zone (`%eth0`) is not honoured. */
function zoneNumber(text: string): number {
  const { zone } = splitZone(text);
  return /^\d+$/.test(zone) ? Number(zone) : 0;
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
