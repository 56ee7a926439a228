export const APT_PACKAGES: readonly string[];
export interface Toolchain {
  clang: string;
  wasmOpt: string;
  sysroot: string | null;
  /** Whether C++ sources can be built (libc++ and libc++abi for wasm32-wasi are there). */
  cxx: boolean;
  missing: { what: string; apt: string }[];
  missingCxx: { what: string; apt: string }[];
}
export function findToolchain(): Toolchain;
export function missingMessage(missing: { what: string; apt: string }[]): string;
export function ensureToolchain(log?: (line: string) => void): Toolchain;
export function aptInstall(packages: string[], log?: (line: string) => void): boolean;
