export const INCLUDE_DIR: string;
export const CXX_FLAGS: readonly string[];
export function sourceLanguage(path: string): 'c' | 'c++' | null;
export function explainFailure(stderr: string): string[];
export function clangArgs(options: {
  sources: string[];
  output: string;
  optimize?: string;
  sysroot?: string | null;
  extra?: string[];
  cxxGuardDir?: string | null;
  overlay?: string;
  runtime?: string[];
}): string[];
export function runtimeObjects(tools: import('./toolchain.mjs').Toolchain): string[];
export function includeOverlay(): string;
export function asyncifyArgs(options: { input: string; output: string; optimize?: string }): string[];
export function cxxGuardDirFor(tools: import('./toolchain.mjs').Toolchain): string;
export function loaderSource(name: string, options?: { asyncify?: boolean }): string;
export function loaderTypes(name: string): string;
export interface CompileResult {
  wasm: string;
  asyncifyWasm: string | null;
  loader: string;
  /** The loader's declarations (`.d.ts`), beside it. */
  types: string;
  warnings: string;
  ms: { clang: number; asyncify: number };
  bytes: { wasm: number; asyncifyWasm: number };
}
export function compileWinsockProgram(options: {
  sources: string[];
  out?: string;
  asyncify?: boolean;
  optimize?: string;
  extra?: string[];
  log?: (line: string) => void;
}): CompileResult;
