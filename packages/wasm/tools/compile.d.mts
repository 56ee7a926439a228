export const INCLUDE_DIR: string;
export function clangArgs(options: { sources: string[]; output: string; optimize?: string; sysroot?: string | null; extra?: string[] }): string[];
export function asyncifyArgs(options: { input: string; output: string; optimize?: string }): string[];
export function loaderSource(name: string): string;
export interface CompileResult {
  wasm: string;
  asyncifyWasm: string | null;
  loader: string;
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
