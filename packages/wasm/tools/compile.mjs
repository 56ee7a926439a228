/**
 * Compiles Winsock C to the two artifacts @ws2web/wasm loads, plus a small ES module loader:
 *
 *   <out>.wasm           wasm32-wasi, for engines with JSPI (blocking imports suspend the stack)
 *   <out>.asyncify.wasm  the same module after `wasm-opt --asyncify`, for engines without JSPI
 *   <out>.js             `export function run(options)`: picks one and runs it
 *
 * The Windows headers come from ../include; ws2web/prelude.h is force-included so that libc
 * headers included before <winsock2.h> do not bring their POSIX struct timeval/fd_set.
 *
 * C and C++ sources may be mixed; the language comes from the extension in any letter case
 * (`.c` is C; `.cpp`, `.cc`, `.cxx`, `.c++`, `.cp` are C++), as Windows file names ignore case.
 * With any C++ source the link adds libc++ and libc++abi; libc++ is read without _WIN32
 * (tools/libcxx-guard.mjs) and C++ is compiled without exceptions (see CXX_FLAGS).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BLOCKING_IMPORTS } from './async-imports.mjs';
import { generatedDir, stagingPath } from './generated-dir.mjs';
import { overlaySource } from './include-overlay.mjs';
import { guardFiles, libcxxIncludeDir } from './libcxx-guard.mjs';
import { findToolchain, missingMessage } from './toolchain.mjs';

export const INCLUDE_DIR = fileURLToPath(new URL('../include', import.meta.url));
/** C the port links into every program, each as a lazy member (see the files). */
const RUNTIME_SOURCES = ['void-main.c', 'dll.c'].map((f) => fileURLToPath(new URL(`../runtime/${f}`, import.meta.url)));

const CXX_EXTENSIONS = new Set(['.cpp', '.cc', '.cxx', '.c++', '.cp']);

/**
 * Debian's libc++abi for wasm32 is built without exception support (no __cxa_throw), so C++ is
 * compiled with -fno-exceptions: a `throw`/`try` is a compile error, which explainFailure()
 * turns into a message naming the flag, instead of a link error about __cxa_* symbols.
 */
export const CXX_FLAGS = Object.freeze(['-fno-exceptions']);

/** 'c', 'c++', or null for a file ws2web-cc does not compile. */
export function sourceLanguage(path) {
  const ext = extname(path).toLowerCase();
  if (ext === '.c') return 'c';
  return CXX_EXTENSIONS.has(ext) ? 'c++' : null;
}

/**
 * The clang command line for `sources` → `output` (exported for docs and tests). Each source is
 * preceded by its `-x` language, so `.Cpp` and `.C` files are compiled, never handed to the
 * linker as unknown files. `cxxGuardDir` (required with C++ sources) is the libc++ wrapper
 * directory from tools/libcxx-guard.mjs.
 */
export function clangArgs({
  sources,
  output,
  optimize = '-O2',
  sysroot = null,
  extra = [],
  cxxGuardDir = null,
  overlay = includeOverlay(),
  runtime = [],
}) {
  const languages = sources.map((s) => {
    const language = sourceLanguage(s);
    if (!language)
      throw new Error(`ws2web-cc: ${s}: not a C or C++ source (expected .c, .cpp, .cc or .cxx in any letter case)`);
    return language;
  });
  const cxx = languages.includes('c++');
  if (cxx && !cxxGuardDir) throw new Error('ws2web-cc: C++ sources need the libc++ guard directory');
  return [
    // The C++ driver links libc++ and libc++abi; every file still gets its own -x below.
    ...(cxx ? ['--driver-mode=g++'] : []),
    '--target=wasm32-wasi',
    ...(sysroot ? [`--sysroot=${sysroot}`] : []),
    optimize,
    // Any letter case finds our headers (<Windows.h>, "WinSock2.h"), as on Windows.
    '-ivfsoverlay',
    overlay,
    '-Wno-nonportable-include-path',
    `-I${INCLUDE_DIR}`,
    ...(cxx ? ['-isystem', cxxGuardDir, ...CXX_FLAGS] : []),
    '-include',
    'ws2web/prelude.h',
    '-D_WIN32',
    '-DWIN32',
    '-fdeclspec',
    '-Wall',
    // MSVC accepts `void main(void)`; runtime/void-main.c starts such a program.
    '-Wno-main-return-type',
    ...extra,
    '-o',
    output,
    ...sources.flatMap((s, i) => ['-x', languages[i], s]),
    // Runtime objects are archive-like: linked only if they resolve something still undefined.
    ...(runtime.length ? ['-x', 'none', '-Wl,--start-lib', ...runtime, '-Wl,--end-lib'] : []),
    // The glue writes getaddrinfo results and hostents into malloc'ed memory.
    '-Wl,--export=malloc',
    '-Wl,--export=free',
    // The glue runs constructors and destructors itself. Otherwise wasm-ld wraps every other
    // export of a command module (malloc, free) in "constructors; call; destructors", so each
    // malloc the glue makes would re-run C++ static constructors, atexit handlers and stdio's
    // exit flush.
    '-Wl,--export=__wasm_call_ctors',
    '-Wl,--export=__wasm_call_dtors',
    // Threads (src/scheduler.ts): each thread's shadow stack pointer is saved and restored at
    // every switch, and CreateThread's start routine is a function pointer the glue calls.
    '-Wl,--export=__stack_pointer',
    '-Wl,--export-table',
    '-Wl,--strip-debug',
  ];
}

/** The wasm-opt command line that makes the Asyncify build. */
export function asyncifyArgs({ input, output, optimize = '-O2' }) {
  return [input, '--asyncify', `--pass-arg=asyncify-imports@${BLOCKING_IMPORTS.join(',')}`, optimize, '-o', output];
}

/**
 * The loader module next to the artifacts. `run({ relay })` makes a Winsock object for the
 * program (or uses `winsock` when given) and resolves with { exitCode, mode }. Its types are in
 * loaderTypes(name), written beside it. Without an Asyncify build the loader offers none (an
 * engine without JSPI then gets runWinsockProgram's clear error instead of a 404).
 */
export function loaderSource(name, { asyncify = true } = {}) {
  const fallback = asyncify ? `\n    asyncifyWasm: new URL('./${name}.asyncify.wasm', import.meta.url),` : '';
  return `// Generated by ws2web-cc. Runs ${name}.wasm (JSPI)${asyncify ? ` or ${name}.asyncify.wasm (fallback)` : ''}.
import { createWinsock } from '@ws2web/browser';
import { runWinsockProgram } from '@ws2web/wasm';

/** Runs the program; the options and the result are described in ${name}.d.ts, beside this file. */
export function run({ relay, token, winsock, ...options }) {
  return runWinsockProgram({
    programName: ${JSON.stringify(name)},
    ...options,
    winsock: winsock ?? createWinsock({ relay, token }),
    wasm: new URL('./${name}.wasm', import.meta.url),${fallback}
  });
}
`;
}

/**
 * The declarations of loaderSource(name)'s module (`name.d.ts`), in @ws2web/wasm's public types,
 * so that strict TypeScript can import the loader. Either `relay` (run makes the Winsock object)
 * or `winsock` (yours), not both.
 */
export function loaderTypes(name) {
  return `// Generated by ws2web-cc: the types of ${name}.js.
import type { ProgramOptions, ProgramResult } from '@ws2web/wasm';

/** The Winsock object the program's ws2_32 calls go to. */
type Winsock = ProgramOptions['winsock'];

/** runWinsockProgram's options, less the builds (the loader knows them) and the Winsock object. */
export type RunOptions = Omit<ProgramOptions, 'wasm' | 'asyncifyWasm' | 'winsock'> &
  (
    | {
        /** The relay URL, e.g. 'ws://127.0.0.1:8787/': run() makes a Winsock object for it. */
        relay: string;
        /** The ticket, for a relay that requires one. */
        token?: string;
        winsock?: undefined;
      }
    | {
        /** Your Winsock object (createWinsock({ … })); the program owns its WSAStartup/WSACleanup. */
        winsock: Winsock;
        relay?: undefined;
        token?: undefined;
      }
  );

/**
 * Runs ${name}.wasm with JSPI, or ${name}.asyncify.wasm where the engine has none. Resolves with
 * main()'s return value (or exit()'s code) and the mode once the program ends; rejects on a trap.
 */
export function run(options: RunOptions): Promise<ProgramResult>;
`;
}

/** The case-insensitive overlay of INCLUDE_DIR (tools/include-overlay.mjs), written once per content. */
export function includeOverlay() {
  return join(generatedDir('include-overlay', new Map([['overlay.yaml', overlaySource(INCLUDE_DIR)]])), 'overlay.yaml');
}

/** Every header under `dir` with its text, in a stable order: a cache key for what includes them. */
function headerContents(dir) {
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.push(`${relative(dir, path)}\n${readFileSync(path, 'utf8')}`);
    }
  };
  walk(dir);
  return out.join('\n');
}

/**
 * runtime/*.c compiled once per content and toolchain into the generated-file cache, with fixed
 * flags (a program's own flags, such as -std=c++20, must not apply to them).
 */
export function runtimeObjects(tools) {
  const files = new Map(RUNTIME_SOURCES.map((p) => [basename(p), readFileSync(p, 'utf8')]));
  files.set('toolchain', `${tools.clang}\n`);
  // The runtime includes the Windows headers: a change to them recompiles it.
  files.set('headers', headerContents(INCLUDE_DIR));
  const dir = generatedDir('runtime', files);
  return RUNTIME_SOURCES.map((source) => {
    const object = join(dir, basename(source).replace(/\.c$/, '.o'));
    if (existsSync(object)) return object;
    const staging = stagingPath(object);
    const r = spawnSync(
      tools.clang,
      [
        '--target=wasm32-wasi',
        ...(tools.sysroot ? [`--sysroot=${tools.sysroot}`] : []),
        '-O2',
        '-Wall',
        '-Werror',
        '-I',
        INCLUDE_DIR,
        '-include',
        join(INCLUDE_DIR, 'ws2web/prelude.h'),
        '-D_WIN32',
        '-DWIN32',
        '-fdeclspec',
        '-c',
        '-x',
        'c',
        join(dir, basename(source)),
        '-o',
        staging,
      ],
      { encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(`ws2web-cc: compiling its runtime ${basename(source)} failed:\n${r.stderr}`);
    renameSync(staging, object);
    return object;
  });
}

/** The libc++ wrapper directory (tools/libcxx-guard.mjs) for a toolchain from findToolchain(). */
export function cxxGuardDirFor(tools) {
  const libcxx = libcxxIncludeDir(tools.clang, tools.sysroot ? [`--sysroot=${tools.sysroot}`] : []);
  if (!libcxx) {
    const missing = tools.missingCxx.length
      ? tools.missingCxx
      : [{ what: 'libc++ headers for wasm32-wasi', apt: 'libc++-19-dev-wasm32' }];
    throw new Error(`ws2web-cc: ${tools.clang} has no libc++ headers for wasm32-wasi\n${missingMessage(missing)}`);
  }
  return generatedDir('libcxx-guard', guardFiles(libcxx));
}

/** Notes ws2web-cc adds to a failed build's compiler output, for failures that have one cause here. */
export function explainFailure(stderr) {
  const notes = [];
  if (/with exceptions disabled|undefined symbol: __cxa_(throw|allocate_exception|begin_catch)/.test(stderr)) {
    notes.push(
      "ws2web-cc: C++ exceptions are not available for wasm32-wasi here (Debian's libc++abi for wasm32 is built without them), so C++ is compiled with -fno-exceptions: remove try/catch/throw (std::* failures then abort the program with a message).",
    );
  }
  return notes;
}

function runTool(command, args, log) {
  log(`$ ${command} ${args.join(' ')}`);
  const r = spawnSync(command, args, { encoding: 'utf8' });
  if (r.error) throw new Error(`${command}: ${r.error.message}`);
  if (r.stderr) log(r.stderr.trimEnd());
  if (r.status !== 0) {
    const notes = explainFailure(r.stderr);
    const err = new Error(`${command} failed (exit ${r.status}):\n${r.stderr}${notes.map((n) => `${n}\n`).join('')}`);
    err.stderr = r.stderr;
    throw err;
  }
  return r.stderr;
}

/**
 * @param {{ sources: string[], out?: string, asyncify?: boolean, optimize?: string,
 *           extra?: string[], log?: (line: string) => void }} options
 *   `out` is the output path without extension (default: the first source's, minus its extension).
 * @returns {{ wasm: string, asyncifyWasm: string | null, loader: string, types: string, warnings: string,
 *             ms: { clang: number, asyncify: number }, bytes: { wasm: number, asyncifyWasm: number } }}
 */
export function compileWinsockProgram({ sources, out, asyncify = true, optimize = '-O2', extra = [], log = () => {} }) {
  if (!sources?.length) throw new Error('ws2web-cc: no source file given');
  const cxx = sources.some((s) => sourceLanguage(s) === 'c++');
  const tools = findToolchain();
  const needed = [...tools.missing, ...(cxx ? tools.missingCxx : [])].filter((m) => asyncify || m.apt !== 'binaryen');
  if (needed.length > 0) throw new Error(missingMessage(needed));
  const cxxGuardDir = cxx ? cxxGuardDirFor(tools) : null;

  const base = resolve(out ?? sources[0].slice(0, sources[0].length - extname(sources[0]).length));
  mkdirSync(dirname(base), { recursive: true });
  const name = basename(base);
  const wasm = `${base}.wasm`;
  const asyncifyWasm = asyncify ? `${base}.asyncify.wasm` : null;
  const loader = `${base}.js`;
  const types = `${base}.d.ts`;

  let t = performance.now();
  const warnings = runTool(
    tools.clang,
    clangArgs({
      sources: sources.map((s) => resolve(s)),
      output: wasm,
      optimize,
      sysroot: tools.sysroot,
      extra,
      cxxGuardDir,
      runtime: runtimeObjects(tools),
    }),
    log,
  );
  const clangMs = performance.now() - t;
  t = performance.now();
  if (asyncifyWasm) runTool(tools.wasmOpt, asyncifyArgs({ input: wasm, output: asyncifyWasm, optimize }), log);
  const asyncifyMs = performance.now() - t;
  writeFileSync(loader, loaderSource(name, { asyncify }));
  writeFileSync(types, loaderTypes(name));
  log(
    `wrote ${[wasm, asyncifyWasm, loader, types]
      .filter(Boolean)
      .map((p) => relative(process.cwd(), p) || p)
      .join(', ')}`,
  );
  return {
    wasm,
    asyncifyWasm,
    loader,
    types,
    warnings,
    ms: { clang: Math.round(clangMs), asyncify: Math.round(asyncifyMs) },
    bytes: { wasm: statSync(wasm).size, asyncifyWasm: asyncifyWasm ? statSync(asyncifyWasm).size : 0 },
  };
}
