#!/usr/bin/env node
/**
 * ws2web-cc: Winsock C and C++ → WebAssembly for @ws2web/wasm, in one command.
 *
 *   ws2web-cc main.c [more.cpp …] [-o out/prog] [-O0|-O1|-O2|-O3|-Os] [--no-asyncify] [-q] [-- clang flags…]
 *
 * Writes out/prog.wasm (JSPI), out/prog.asyncify.wasm (fallback), out/prog.js (loader) and
 * out/prog.d.ts (the loader's types), and prints their paths and sizes; -q prints nothing but errors.
 * Relative paths are taken from the directory the command was started in (INIT_CWD under
 * `pnpm --filter @ws2web/wasm build:c …`).
 */
import { resolve } from 'node:path';
import { compileWinsockProgram } from '../tools/compile.mjs';

const USAGE =
  'usage: ws2web-cc FILE.c|FILE.cpp [more sources …] [-o OUT] [-O0|-O1|-O2|-O3|-Os] [--no-asyncify] [-q] [-- clang flags…]';

function parse(argv) {
  const options = { sources: [], out: undefined, asyncify: true, optimize: '-O2', extra: [], quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      options.extra.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '-o') options.out = argv[++i];
    else if (/^-O[0-3s]$/.test(arg)) options.optimize = arg;
    else if (arg === '--no-asyncify') options.asyncify = false;
    else if (arg === '-q') options.quiet = true;
    else if (arg === '-h' || arg === '--help') {
      console.log(USAGE);
      process.exit(0);
    } else if (arg.startsWith('-')) throw new Error(`unknown option ${arg}\n${USAGE}`);
    else options.sources.push(arg);
  }
  if (options.sources.length === 0) throw new Error(USAGE);
  return options;
}

try {
  const cwd = process.env.INIT_CWD ?? process.cwd();
  const o = parse(process.argv.slice(2));
  const result = compileWinsockProgram({
    sources: o.sources.map((s) => resolve(cwd, s)),
    out: o.out === undefined ? undefined : resolve(cwd, o.out),
    asyncify: o.asyncify,
    optimize: o.optimize,
    extra: o.extra,
    log: o.quiet ? () => {} : (line) => console.error(line),
  });
  const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
  if (o.quiet) {
    if (result.warnings) console.error(result.warnings.trimEnd());
    process.exit(0);
  }
  console.log(`${result.wasm} (${kb(result.bytes.wasm)}, clang ${result.ms.clang} ms)`);
  if (result.asyncifyWasm)
    console.log(`${result.asyncifyWasm} (${kb(result.bytes.asyncifyWasm)}, wasm-opt ${result.ms.asyncify} ms)`);
  console.log(result.loader);
  console.log(result.types);
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}
