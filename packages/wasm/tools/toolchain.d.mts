export const APT_PACKAGES: readonly string[];
export interface Toolchain { clang: string; wasmOpt: string; sysroot: string | null; missing: { what: string; apt: string }[] }
export function findToolchain(): Toolchain;
export function missingMessage(missing: { what: string; apt: string }[]): string;
export function ensureToolchain(log?: (line: string) => void): Toolchain;
export function aptInstall(packages: string[], log?: (line: string) => void): boolean;
