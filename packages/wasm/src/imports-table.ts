/**
 * Every import a Winsock program may have, by wasm module name. The groups mark which imports
 * block; tools/async-imports.mjs (what the Asyncify build instruments) must list the same ones,
 * and test/imports-table.test.ts checks it does.
 */
import type { GlueContext, ImportGroup } from './context.js';
import { iocpImports } from './iocp.js';
import { addressStringImports } from './ws2-address-strings.js';
import { eventImports } from './kernel32-events.js';
import { kernel32Imports } from './kernel32.js';
import { criticalSectionImports } from './kernel32-critical-sections.js';
import { threadImports } from './kernel32-threads.js';
import { connectByImports } from './ws2-connect-by.js';
import { protocolImports } from './ws2-protocols.js';
import { dataImports } from './ws2-data.js';
import { nameImports } from './ws2-names.js';
import { wideNameImports } from './ws2-names-wide.js';
import { addrInfoExImports } from './ws2-names-ex.js';
import { selectImports } from './ws2-select.js';
import { socketImports } from './ws2-sockets.js';
import { user32Imports } from './user32.js';
import { ioctlImports } from './ws2-overlapped-ioctl.js';
import { overlappedImports } from './ws2-overlapped.js';
import { messageImports } from './ws2-messages.js';

export type ImportTable = Record<'ws2_32' | 'kernel32' | 'user32', ImportGroup>;

function merge(groups: ImportGroup[]): ImportGroup {
  const out: ImportGroup = { sync: {}, blocking: {} };
  for (const g of groups) {
    Object.assign(out.sync, g.sync);
    Object.assign(out.blocking, g.blocking);
  }
  return out;
}

export function winsockImports(ctx: GlueContext): ImportTable {
  const data = dataImports(ctx);
  // The overlapped group comes after the data group: its WSASend/WSARecv… take the calls with an
  // OVERLAPPED and hand the others to the data group's.
  const overlapped = overlappedImports(ctx, data);
  const iocp = iocpImports(ctx);
  const user32 = user32Imports(ctx);
  const kernel32 = merge([
    kernel32Imports(ctx),
    eventImports(ctx),
    threadImports(ctx),
    criticalSectionImports(ctx),
    overlapped.kernel32,
    iocp.group,
  ]);
  kernel32.sync.CloseHandle = iocp.closeHandle(kernel32.sync.CloseHandle!);
  return {
    ws2_32: merge([
      socketImports(ctx),
      protocolImports(ctx),
      connectByImports(ctx),
      data,
      selectImports(ctx),
      nameImports(ctx),
      wideNameImports(ctx),
      addrInfoExImports(ctx),
      addressStringImports(ctx),
      overlapped.ws2_32,
      ioctlImports(ctx),
      messageImports(ctx),
      user32.ws2_32,
    ]),
    kernel32,
    user32: user32.user32,
  };
}

/** 'module.name' of every blocking import, sorted. */
export function blockingImportNames(table: ImportTable): string[] {
  return Object.entries(table)
    .flatMap(([module, group]) => Object.keys(group.blocking).map((name) => `${module}.${name}`))
    .sort();
}
