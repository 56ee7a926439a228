/**
 * What a RESOLVE may ask about and learn. The name rules and the ticket's scope apply to a
 * lookup as they do to an OPEN by name: a name the policy would refuse to dial is not looked up
 * either (the lookup itself reaches the operator's resolver and tells the page which internal
 * addresses a name has), and a scoped page learns only answers its scope covers.
 *
 * Answers are otherwise not filtered by the address policy: a page may learn that a permitted
 * name is private; it cannot reach it unless the policy allows the address it dials.
 */
import { Reason } from '@ws2web/protocol';
import { parseStrict } from './address-ranges.js';
import type { DestinationScope } from './destination-scope.js';
import { normalizeHostName } from './host-names.js';
import type { Policy } from './policy.js';
import { addressInName, numericNameProblem } from './resolve.js';

export type ResolveNameCheck =
  /** An address spelled as a name: answer it, no lookup. */
  | { kind: 'literal'; address: string; family: 4 | 6 }
  /** Look `name` up; keep only the answers `keep` accepts. */
  | { kind: 'lookup'; keep: (address: string) => boolean }
  | { kind: 'refused'; reason: number; detail: string };

const KEEP_ALL = (): boolean => true;

/** Checks a RESOLVE's name (already length-checked) before any resolver sees it. */
export function checkResolveName(name: string, policy: Policy, scope: DestinationScope | null): ResolveNameCheck {
  const address = addressInName(name);
  if (address !== null) return { kind: 'literal', address, family: address.includes(':') ? 6 : 4 };
  const numeric = numericNameProblem(name);
  if (numeric !== null) return { kind: 'refused', reason: Reason.HOST_NOT_FOUND, detail: `${name}: ${numeric}` };
  const normal = normalizeHostName(name);
  const byName = policy.checkName(normal);
  if (!byName.allowed) return { kind: 'refused', reason: Reason.POLICY_DENIED, detail: byName.why };
  if (scope === null || scope.permitsNameOnAnyPort(normal)) return { kind: 'lookup', keep: KEEP_ALL };
  if (!scope.hasAddresses)
    return { kind: 'refused', reason: Reason.POLICY_DENIED, detail: `outside the ticket's destinations: ${normal}` };
  return {
    kind: 'lookup',
    keep: (text) => {
      const parsed = parseStrict(text);
      return parsed !== null && scope.permitsAddressOnAnyPort(parsed);
    },
  };
}
