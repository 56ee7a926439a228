// Finding pnpm on a machine that may only have Node + npm. We never use corepack (it wants a
// `packageManager` field and network access of its own); npx fetches pnpm from the npm registry.
import { step } from './log.mjs';
import { succeeds } from './run.mjs';

/** @returns {{ command: string, prefix: string[] }} how to invoke pnpm */
export function findPnpm() {
  if (succeeds('pnpm', ['--version'])) {
    return { command: 'pnpm', prefix: [] };
  }
  step('pnpm is not on PATH; using it through `npx -y pnpm@10`');
  return { command: 'npx', prefix: ['-y', 'pnpm@10'] };
}
