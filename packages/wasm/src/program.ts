/**
 * runWinsockProgram: loads a module built by ws2web-cc and runs its main() against a Winsock
 * object from @ws2web/browser. Blocking calls suspend the program through JSPI when the engine
 * has it, else through the Asyncify build; the page keeps running either way.
 */
import type { Winsock } from '@ws2web/browser';
import { AsyncifyDriver } from './asyncify.js';
import { GlueContext, type ImportGroup } from './context.js';
import { winsockImports, type ImportTable } from './imports-table.js';
import { jspiSupported, promising, suspending } from './jspi.js';
import { WasmMemory } from './memory.js';
import type { SchedulerHost } from './scheduler.js';
import { ProgramExit, createWasi } from './wasi.js';

/** A module: its URL, its bytes, or an already compiled WebAssembly.Module. */
export type WasmSource = URL | string | ArrayBuffer | ArrayBufferView | WebAssembly.Module;
export type RunMode = 'jspi' | 'asyncify';

export interface ProgramOptions {
  /** The plain build (`prog.wasm`), run with JSPI. */
  wasm: WasmSource;
  /** The `wasm-opt --asyncify` build (`prog.asyncify.wasm`), for engines without JSPI. */
  asyncifyWasm?: WasmSource;
  /** 'auto' (default): JSPI when WebAssembly.Suspending exists, else Asyncify. */
  mode?: 'auto' | RunMode;
  /** The Winsock object the program's ws2_32 calls go to (createWinsock({ relay })). */
  winsock: Winsock;
  /** argv[1…]; argv[0] is `programName`. */
  args?: string[];
  programName?: string;
  env?: Record<string, string>;
  /** What the program reads from stdin (then end-of-file). */
  stdin?: string | Uint8Array;
  /** Program output, as it is written (stdout is line-buffered, like a console). */
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
  /** Bytes for Asyncify's saved stack (default 64 KiB). */
  asyncifyStackSize?: number;
}

export interface ProgramResult {
  /** main()'s return value, or the code given to exit(). */
  exitCode: number;
  mode: RunMode;
}

interface ProgramExports {
  memory: WebAssembly.Memory;
  malloc(size: number): number;
  free(ptr: number): void;
  _start(): void;
  /**
   * Static constructors / destructors (C++ globals, atexit, stdio's exit flush). ws2web-cc
   * exports them so that wasm-ld does not wrap malloc/free in them; the glue then calls them
   * around _start, as wasm-ld would have. Modules built without them have neither.
   */
  __wasm_call_ctors?(): void;
  __wasm_call_dtors?(): void;
  /** The shadow-stack pointer and the function table: what threads need (ws2web-cc exports both). */
  __stack_pointer?: WebAssembly.Global;
  __indirect_function_table?: WebAssembly.Table;
}

/**
 * Threads need JSPI: each is a suspended wasm stack of its own. The Asyncify build has one
 * stack, unwound into one buffer and rewound by calling its entry again, so it cannot hold a
 * second thread's frames; a threaded program is refused before it starts instead of failing at
 * its first CreateThread.
 */
function refuseThreadsWithoutJspi(module: WebAssembly.Module): void {
  const creates = WebAssembly.Module.imports(module).find((i) => i.module === 'kernel32' && i.name === 'CreateThread');
  if (creates) {
    throw new Error(
      'ws2web: this program creates threads (it imports kernel32.CreateThread), and threads need JSPI: each thread is a suspended wasm stack, and the Asyncify build can suspend only one. Run it where WebAssembly.Suspending exists (Chromium 137+), in mode "jspi".',
    );
  }
}

/** A JSPI program that creates threads must export what the scheduler switches (ws2web-cc does). */
function threadExports(
  module: WebAssembly.Module,
  exports: ProgramExports,
): Pick<SchedulerHost, 'stackPointer' | 'table'> {
  const threaded = WebAssembly.Module.imports(module).some((i) => i.module === 'kernel32' && i.name === 'CreateThread');
  if (threaded && (!exports.__stack_pointer || !exports.__indirect_function_table)) {
    throw new Error(
      'ws2web: this program creates threads but does not export __stack_pointer and __indirect_function_table; build it with ws2web-cc',
    );
  }
  return {
    // One thread never switches, so a module without the export needs no real one.
    stackPointer: exports.__stack_pointer ?? new WebAssembly.Global({ value: 'i32', mutable: true }, 0),
    table: exports.__indirect_function_table ?? new WebAssembly.Table({ element: 'anyfunc', initial: 0 }),
  };
}

/** Picks the mode: JSPI when available (and not overridden), else the Asyncify build. */
export function chooseMode(options: Pick<ProgramOptions, 'mode' | 'asyncifyWasm'>): RunMode {
  const wanted = options.mode ?? 'auto';
  if (wanted !== 'auto') return wanted;
  if (jspiSupported()) return 'jspi';
  if (options.asyncifyWasm === undefined)
    throw new Error('ws2web: no JSPI in this engine and no asyncifyWasm build given');
  return 'asyncify';
}

async function compile(source: WasmSource): Promise<WebAssembly.Module> {
  if (source instanceof WebAssembly.Module) return source;
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) return WebAssembly.compile(source as BufferSource);
  const response = await fetch(source);
  if (!response.ok) throw new Error(`ws2web: fetching ${String(source)} failed: HTTP ${response.status}`);
  return WebAssembly.compile(await response.arrayBuffer());
}

/** Imports the module declares that the glue does not provide: a clear error if called. */
function fillMissing(module: WebAssembly.Module, imports: Record<string, Record<string, unknown>>): void {
  for (const { module: mod, name, kind } of WebAssembly.Module.imports(module)) {
    if (kind !== 'function' || imports[mod]?.[name] !== undefined) continue;
    imports[mod] ??= {};
    imports[mod][name] =
      mod === 'wasi_snapshot_preview1'
        ? () => 52 // ENOSYS
        : () => {
            throw new Error(`ws2web: ${mod}.${name} is not available to C programs (see docs/porting.md)`);
          };
  }
}

function bind(
  group: ImportGroup,
  wrapBlocking: (fn: (...args: never[]) => unknown) => unknown,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...group.sync };
  for (const [name, fn] of Object.entries(group.blocking)) out[name] = wrapBlocking(fn);
  return out;
}

export async function runWinsockProgram(options: ProgramOptions): Promise<ProgramResult> {
  const mode = chooseMode(options);
  const source = mode === 'jspi' ? options.wasm : options.asyncifyWasm;
  if (source === undefined) throw new Error('ws2web: mode asyncify needs the asyncifyWasm build');
  const module = await compile(source);
  if (mode === 'asyncify') refuseThreadsWithoutJspi(module);

  let memory: WasmMemory | null = null;
  const currentMemory = (): WasmMemory => memory!;
  const encoder = new TextEncoder();
  const stdin =
    typeof options.stdin === 'string' ? encoder.encode(options.stdin) : (options.stdin ?? new Uint8Array(0));
  const wasi = createWasi(
    {
      args: [options.programName ?? 'program', ...(options.args ?? [])],
      env: options.env ?? {},
      stdout: options.stdout ?? ((t) => console.log(t.replace(/\n$/, ''))),
      stderr: options.stderr ?? ((t) => console.error(t.replace(/\n$/, ''))),
      stdin,
    },
    currentMemory,
  );

  const ctx = new GlueContext(options.winsock, currentMemory);
  const table: ImportTable = winsockImports(ctx);
  const { scheduler } = ctx;
  let exportsRef: ProgramExports | null = null;
  const driver = new AsyncifyDriver(() => new DataView(exportsRef!.memory.buffer), options.asyncifyStackSize);
  // Under JSPI every blocking import goes through the scheduler, which saves the caller's stack
  // pointer and last error and lets other threads run while the Promise is pending.
  const wrapBlocking =
    mode === 'jspi'
      ? (fn: (...args: never[]) => unknown) =>
          suspending((...args: never[]) => scheduler.blockCurrentThread(fn(...args)) as Promise<unknown>)
      : (fn: (...args: never[]) => unknown) => driver.wrap(fn);
  const imports: Record<string, Record<string, unknown>> = {
    wasi_snapshot_preview1: wasi,
    ...Object.fromEntries(Object.entries(table).map(([module, group]) => [module, bind(group, wrapBlocking)])),
  };
  fillMissing(module, imports);

  const instance = await WebAssembly.instantiate(module, imports as WebAssembly.Imports);
  const exports = instance.exports as unknown as ProgramExports;
  if (typeof exports.malloc !== 'function' || typeof exports.free !== 'function') {
    throw new Error('ws2web: the module must export malloc and free (build it with ws2web-cc)');
  }
  exportsRef = exports;
  memory = new WasmMemory(exports.memory, exports);
  const w = options.winsock;
  scheduler.attach({
    ...threadExports(module, exports),
    malloc: (size) => exports.malloc(size),
    free: (ptr) => exports.free(ptr),
    promising,
    getLastError: () => w.WSAGetLastError(),
    setLastError: (code) => w.WSASetLastError(code),
    createEvent: () => w.WSACreateEvent(),
  });

  try {
    exports.__wasm_call_ctors?.();
    if (mode === 'jspi') {
      const end = await scheduler.runMain(promising(exports._start));
      if (!end.ok) throw end.error;
      // main returned 0, or the last thread ended after main's ExitThread: the exit flush.
      exports.__wasm_call_dtors?.();
      return { exitCode: end.mainReturned ? 0 : end.exitCode, mode };
    } else {
      driver.attach(instance.exports, (size) => exports.malloc(size));
      await driver.run(() => exports._start());
    }
    // main() returned 0 (a non-zero return or exit() leaves through ProgramExit, after its own flush).
    exports.__wasm_call_dtors?.();
    return { exitCode: 0, mode };
  } catch (err) {
    if (err instanceof ProgramExit) return { exitCode: err.code, mode };
    throw err;
  }
}
