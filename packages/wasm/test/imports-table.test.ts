/**
 * The import table the glue gives a program, checked against the headers and the build:
 *  - the blocking imports are exactly the ones the Asyncify build instruments (tools/async-imports.mjs);
 *  - every function any header declares as an import is provided (so a declared function never
 *    fails at run time), and the glue provides nothing undeclared.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createWinsock } from '../../browser/src/index.js';
import { GlueContext } from '../src/context.js';
import { blockingImportNames, winsockImports } from '../src/imports-table.js';
import type { WasmMemory } from '../src/memory.js';
import { BLOCKING_IMPORTS } from '../tools/async-imports.mjs';
import { NoWebSocket } from './no-websocket.js';

function table() {
  const w = createWinsock({ relay: 'ws://127.0.0.1:9/', WebSocket: NoWebSocket });
  return winsockImports(
    new GlueContext(w as never, () => {
      throw new Error('no memory in this test');
    }) as GlueContext,
  );
}

/** `import_module("m"), import_name(#name)` declarations: WS2WEB_IMPORT(x), WS2WEB_KERNEL32(x), WS2WEB_USER32(x). */
function declaredImports(): string[] {
  const names: string[] = [];
  const include = new URL('../include/', import.meta.url);
  const files = readdirSync(include, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.h'));
  expect(files).toEqual(expect.arrayContaining(['winsock2.h', 'ws2tcpip.h', 'windows.h', 'ws2web/kernel32-basics.h']));
  for (const file of files) {
    const text = readFileSync(new URL(file, include), 'utf8');
    for (const m of text.matchAll(/\bWS2WEB_IMPORT\((\w+)\);/g)) names.push(`ws2_32.${m[1]}`);
    for (const m of text.matchAll(/\bWS2WEB_KERNEL32\((\w+)\);/g)) names.push(`kernel32.${m[1]}`);
    for (const m of text.matchAll(/\bWS2WEB_USER32\((\w+)\);/g)) names.push(`user32.${m[1]}`);
  }
  return names.sort();
}

describe('import table', () => {
  it('blocks on exactly the imports the Asyncify build instruments', () => {
    expect(blockingImportNames(table())).toEqual([...BLOCKING_IMPORTS].sort());
  });

  it('provides every function the headers declare as an import, and nothing undeclared', () => {
    const t = table();
    const provided = Object.entries(t)
      .flatMap(([mod, g]) => [...Object.keys(g.sync), ...Object.keys(g.blocking)].map((n) => `${mod}.${n}`))
      .sort();
    const declared = declaredImports();
    expect(declared.length).toBeGreaterThanOrEqual(50);
    expect(provided).toEqual(declared);
  });

  it('the context hands out event handles that are never NULL and map back to the objects', () => {
    const w = createWinsock({ relay: 'ws://127.0.0.1:9/', WebSocket: NoWebSocket });
    const ctx = new GlueContext(w as never, () => ({}) as WasmMemory);
    const ev = w.WSACreateEvent();
    const h = ctx.events.add(ev as never);
    expect(h).toBeGreaterThan(0);
    expect(ctx.event(h)).toBe(ev);
    expect(ctx.event(0)).toBeNull();
    expect(ctx.event(h + 4)).not.toBe(ev);
  });
});
