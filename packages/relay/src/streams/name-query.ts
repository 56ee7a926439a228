/**
 * One RESOLVE: a one-shot stream. The name is checked, the relay's name service asked once, and
 * the answer is RESOLVED(canonical name, addresses in resolver order) or OPEN_FAILED(reason);
 * the stream id is finished either way. A CLOSE from the page before the answer cancels it.
 *
 * The name rules and the ticket's scope apply before the lookup (policy/resolve-name.ts); the
 * address policy does not filter answers: a page may learn that a permitted name is private; it
 * cannot reach it unless the policy allows the address it dials.
 */
import { FrameType, Reason, ResolveFamily, ResolveFlag, type Endpoint, type ResolveFrame } from '@ws2web/protocol';
import { socketEndpoint } from './endpoints.js';
import { parseStrict } from '../policy/address-ranges.js';
import { normalizeHostName } from '../policy/host-names.js';
import { checkResolveName } from '../policy/resolve-name.js';
import { refusalCategory } from '../policy/policy.js';
import { reasonForLookupError, type LookupAddress, type LookupFamily } from './name-service.js';
import { StreamBase } from './stream-base.js';
import type { TransitionTable } from './state-machine.js';
import type { StreamHost } from './stream-host.js';

/** RFC 1035 §2.3.4: a name is at most 253 characters of text (255 octets on the wire). */
export const MAX_NAME_BYTES = 253;

/** RESOLVED's canonLen is one byte. */
const MAX_CANON_BYTES = 255;

/** ASKING until the answer (or the page's CLOSE, or the connection going); then CLOSED. */
export type NameQueryState = 'ASKING' | 'CLOSED';

const TRANSITIONS: TransitionTable<NameQueryState> = { ASKING: ['CLOSED'], CLOSED: [] };

const SETTLED: Promise<void> = Promise.resolve();

export class NameQuery extends StreamBase<NameQueryState> {
  readonly kind = 'RESOLVE' as const;
  readonly #request: ResolveFrame;

  constructor(host: StreamHost, request: ResolveFrame) {
    super(host, request.stream, 'name query', 'ASKING', TRANSITIONS, 0);
    this.#request = request;
  }

  override get gaugeState(): string {
    return 'resolving_name';
  }

  /** A name query holds no socket. */
  get socketClosed(): Promise<void> {
    return SETTLED;
  }

  protected get opening(): boolean {
    return this.state.is('ASKING');
  }

  /** Asks and answers. Never throws; every failure is an OPEN_FAILED. */
  async start(): Promise<void> {
    const { host: name, family, flags } = this.#request;
    if (flags & ResolveFlag.REVERSE) return this.#reverse();
    const invalid = validateName(name);
    if (invalid !== null) return this.openFailed(Reason.INVALID_ARGUMENT, invalid);
    const wanted: LookupFamily = family === ResolveFamily.IPV4 ? 4 : family === ResolveFamily.IPV6 ? 6 : 0;
    const wantCanon = (flags & ResolveFlag.CANONNAME) !== 0;
    const { names, policy } = this.host.options;
    const check = checkResolveName(name, policy, this.host.scope);
    if (check.kind === 'refused') {
      if (check.reason === Reason.POLICY_DENIED) this.host.metrics.countPolicyRefusal(refusalCategory(check.detail));
      return this.openFailed(check.reason, check.detail);
    }

    let answers: LookupAddress[];
    let canonName = '';
    const literal = check.kind === 'literal' ? { address: check.address, family: check.family } : null;
    if (literal !== null) {
      answers = [literal];
      canonName = wantCanon ? name : '';
    } else {
      try {
        [answers, canonName] = await Promise.all([
          names.lookup(name, wanted, this.lookupOptions),
          wantCanon ? names.canonicalName(name) : Promise.resolve(''),
        ]);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException)?.code;
        return this.openFailed(reasonForLookupError(code), `lookup: ${code ?? String(err)}`);
      }
      if (check.kind === 'lookup') {
        const kept = answers.filter((a) => check.keep(a.address));
        if (answers.length > 0 && kept.length === 0) {
          if (!this.state.is('ASKING')) return;
          this.host.metrics.countPolicyRefusal('ticket_scope');
          return this.openFailed(Reason.POLICY_DENIED, `${name}: no answer inside the ticket's destinations`);
        }
        answers = kept;
      }
    }
    if (!this.state.is('ASKING')) return; // cancelled by the page, or the connection went, meanwhile

    // An injected lookup may ignore the family; a literal of the other family has none either.
    const matching = answers.filter((a) => wanted === 0 || a.family === wanted);
    if (matching.length === 0) {
      return this.openFailed(
        answers.length > 0 && literal === null ? Reason.NO_DATA : Reason.HOST_NOT_FOUND,
        `no IPv${wanted} address`,
      );
    }
    this.#answer(canonName, matching);
  }

  /**
   * A reverse lookup (PTR). The address must pass the destination policy and the ticket's scope
   * before any query, and the name found must pass the name rules: a page learns no name it
   * could not look up or dial (docs/protocol.md, "Reverse lookups").
   */
  async #reverse(): Promise<void> {
    const { host: text, family } = this.#request;
    const parsed = parseStrict(text);
    const kind = parsed?.kind();
    if (parsed === null || text.includes('%') || (kind === 'ipv4' ? 4 : 6) !== family)
      return this.openFailed(
        Reason.INVALID_ARGUMENT,
        'reverse lookup of something that is not an IP literal of the family',
      );
    const { names, policy } = this.host.options;
    const scope = this.host.scope;
    const byAddress = policy.judge(parsed);
    if (!byAddress.allowed || (scope !== null && !scope.permitsAddressOnAnyPort(parsed))) {
      const why = byAddress.allowed ? "outside the ticket's destinations" : byAddress.why;
      this.host.metrics.countPolicyRefusal(refusalCategory(why));
      return this.openFailed(Reason.POLICY_DENIED, `reverse lookup of ${text}: ${why}`);
    }
    if (!names.reverse) return this.openFailed(Reason.NO_RECOVERY, 'the name service has no reverse lookups');
    let found: string[];
    try {
      found = await names.reverse(text);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException)?.code;
      return this.openFailed(reasonForLookupError(code), `reverse lookup: ${code ?? String(err)}`);
    }
    if (!this.state.is('ASKING')) return;
    const [first] = found;
    if (first === undefined || validateName(first) !== null)
      return this.openFailed(Reason.HOST_NOT_FOUND, `no PTR name for ${text}`);
    const normal = normalizeHostName(first);
    const byName = policy.checkName(normal);
    // The address is one the page may reach (checked above), so only the name rules remain.
    if (!byName.allowed) {
      this.host.metrics.countPolicyRefusal(refusalCategory(byName.why));
      return this.openFailed(Reason.POLICY_DENIED, `reverse lookup of ${text}: ${byName.why}`);
    }
    this.#answer(first, [{ address: parsed.toString(), family }]);
  }

  onClose(_reason: number): void {
    if (this.state.is('CLOSED')) return;
    this.finish();
  }

  destroy(): Promise<void> {
    if (!this.state.is('CLOSED')) this.finish();
    return SETTLED;
  }

  // ------------------------------------------------------------------------------------------

  #answer(canonName: string, answers: LookupAddress[]): void {
    const { options, metrics, outbox } = this.host;
    const canon = Buffer.byteLength(canonName) <= MAX_CANON_BYTES ? canonName : this.#request.host;
    // Fit one frame body: canonLen, canon, count, then 7 (IPv4) or 23 (IPv6) bytes per address.
    let room = options.maxFrameBody - (1 + Buffer.byteLength(canon) + 2);
    const addresses: Endpoint[] = [];
    for (const a of answers) {
      const endpoint = socketEndpoint(a.address, a.family === 4 ? 'IPv4' : 'IPv6', 0);
      if (!endpoint) continue;
      const size = endpoint.kind === 'ipv4' ? 7 : 23;
      if (size > room || addresses.length === 0xffff) break;
      room -= size;
      addresses.push(endpoint);
    }
    metrics.countResolve(Reason.OK);
    outbox.frame({ type: FrameType.RESOLVED, stream: this.id, canonName: canon, addresses });
    this.log('debug', 'resolved', { addresses: addresses.length, canonName: canon || undefined });
    this.finish();
  }

  protected cleanUp(): void {
    // Nothing held: an answer still on its way is ignored (start() looks at the state).
  }

  protected logContext(): Record<string, unknown> {
    return { name: this.#request.host, family: this.#request.family, names: this.host.options.names.description };
  }
}

/** Why a name cannot be asked about (→ INVALID_ARGUMENT), or null. */
export function validateName(name: string): string | null {
  if (name.length === 0 || name === '.') return 'empty name';
  const bare = name.endsWith('.') ? name.slice(0, -1) : name;
  const bytes = Buffer.byteLength(bare);
  if (bytes > MAX_NAME_BYTES) return `name of ${bytes} bytes (at most ${MAX_NAME_BYTES})`;
  return null;
}
