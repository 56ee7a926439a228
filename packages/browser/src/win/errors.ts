/**
 * Wire reason → Winsock error, through the one table in @ws2web/protocol, and Winsock error →
 * name for messages and logs.
 */
import { reasonRow } from '@ws2web/protocol';
import * as codes from './error-codes.js';

const codeByName = codes as unknown as Record<string, number>;
const nameByCode = new Map<number, string>();
for (const [name, value] of Object.entries(codeByName)) {
  // Prefer the WSA* name over its EAI_* alias.
  if (!nameByCode.has(value) || name.startsWith('WSA')) nameByCode.set(value, name);
}

/** The Winsock error a relay reason becomes (Reason.REFUSED → WSAECONNREFUSED). */
export function wsaErrorForReason(reason: number): number {
  return codeByName[reasonRow(reason).wsa] ?? codes.WSAENETDOWN;
}

/** The Windows name of an error code: `errorName(10061) === 'WSAECONNREFUSED'`. */
export function errorName(code: number): string {
  return nameByCode.get(code) ?? `error ${code}`;
}
