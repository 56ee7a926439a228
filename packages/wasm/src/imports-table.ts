/**
 * Every import a Winsock program may have, by wasm module name. The groups mark which imports
 * block; tools/async-imports.mjs (what the Asyncify build instruments) must list the same ones,
 * and test/imports-table.test.ts checks it does.
 */
import type { GlueContext, ImportGroup } from './context.js';
import { eventImports } from './kernel32-events.js';
import { kernel32Imports } from './kernel32.js';
// ---- threads (scheduler.ts): kernel32-threads.ts, kernel32-critical-sections.ts ----
import { criticalSectionImports } from './kernel32-critical-sections.js';
import { threadImports } from './kernel32-threads.js';
// ---- end threads ----
import { dataImports } from './ws2-data.js';
import { nameImports } from './ws2-names.js';
import { selectImports } from './ws2-select.js';
import { socketImports } from './ws2-sockets.js';

export type ImportTable = Record<'ws2_32' | 'kernel32', ImportGroup>;

function merge(groups: ImportGroup[]): ImportGroup {
  const out: ImportGroup = { sync: {}, blocking: {} };
  for (const g of groups) {
    Object.assign(out.sync, g.sync);
    Object.assign(out.blocking, g.blocking);
  }
  return out;
}

export function winsockImports(ctx: GlueContext): ImportTable {
  return {
    ws2_32: merge([socketImports(ctx), dataImports(ctx), selectImports(ctx), nameImports(ctx)]),
    kernel32: merge([
      kernel32Imports(ctx),
      eventImports(ctx),
      // ---- threads ----
      threadImports(ctx),
      criticalSectionImports(ctx),
      // ---- end threads ----
    ]),
  };
}

/** 'module.name' of every blocking import, sorted. */
export function blockingImportNames(table: ImportTable): string[] {
  return Object.entries(table)
    .flatMap(([module, group]) => Object.keys(group.blocking).map((name) => `${module}.${name}`))
    .sort();
}
