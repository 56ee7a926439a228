/**
 * Finds the C-to-wasm toolchain (Debian packages only) and says exactly what is missing.
 *
 *   clang      → Debian `clang` (with `lld` for wasm-ld)
 *   wasi-libc  → Debian `wasi-libc` (headers in /usr/include/wasm32-wasi, libc in /usr/lib/wasm32-wasi)
 *   builtins   → Debian `libclang-rt-14-dev-wasm32` (libclang_rt.builtins-wasm32.a)
 *   wasm-opt   → Debian `binaryen` (only for the Asyncify fallback build)
 *
 * CLANG, WASM_OPT and WASI_SYSROOT override the defaults.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

/** The Debian (bookworm) packages the toolchain comes from. */
export const APT_PACKAGES = Object.freeze(['clang', 'lld', 'wasi-libc', 'libclang-rt-14-dev-wasm32', 'binaryen']);

function onPath(command) {
  return spawnSync(command, ['--version'], { stdio: 'ignore' }).status === 0;
}

/** A sysroot to pass to clang, or null when clang finds wasi-libc by itself (Debian's does). */
function sysroot() {
  if (process.env.WASI_SYSROOT) return process.env.WASI_SYSROOT;
  if (existsSync('/usr/share/wasi-sysroot/include')) return '/usr/share/wasi-sysroot';
  return null;
}

function hasWasiLibc(root) {
  if (root) return existsSync(`${root}/lib/wasm32-wasi/libc.a`);
  return existsSync('/usr/lib/wasm32-wasi/libc.a') && existsSync('/usr/include/wasm32-wasi/stdio.h');
}

function hasBuiltins() {
  for (const base of ['/usr/lib/llvm-14/lib/clang', '/usr/lib/llvm-15/lib/clang', '/usr/lib/llvm-16/lib/clang']) {
    if (!existsSync(base)) continue;
    for (const version of readdirSync(base)) {
      if (existsSync(`${base}/${version}/lib/wasi/libclang_rt.builtins-wasm32.a`)) return true;
    }
  }
  return false;
}

/**
 * @returns {{ clang: string, wasmOpt: string, sysroot: string | null,
 *             missing: { what: string, apt: string }[] }}
 */
export function findToolchain() {
  const clang = process.env.CLANG ?? 'clang';
  const wasmOpt = process.env.WASM_OPT ?? 'wasm-opt';
  const root = sysroot();
  const missing = [];
  if (!onPath(clang)) missing.push({ what: `${clang} (C compiler)`, apt: 'clang' });
  if (!onPath('wasm-ld')) missing.push({ what: 'wasm-ld (linker)', apt: 'lld' });
  if (!hasWasiLibc(root)) missing.push({ what: 'wasi-libc (C library for wasm32-wasi)', apt: 'wasi-libc' });
  if (!root && !hasBuiltins()) missing.push({ what: 'libclang_rt.builtins-wasm32.a', apt: 'libclang-rt-14-dev-wasm32' });
  if (!onPath(wasmOpt)) missing.push({ what: `${wasmOpt} (Binaryen, for the Asyncify build)`, apt: 'binaryen' });
  return { clang, wasmOpt, sysroot: root, missing };
}

/** Human-readable instructions for what findToolchain() reported missing. */
export function missingMessage(missing) {
  const apt = [...new Set(missing.map((m) => m.apt))].join(' ');
  return [
    'ws2web-cc: the WebAssembly toolchain is incomplete. Missing:',
    ...missing.map((m) => `  - ${m.what}`),
    `Install (Debian/Ubuntu): apt-get install -y --no-install-recommends ${apt}`,
  ].join('\n');
}

/**
 * Installs missing Debian packages when running as root with apt-get (CI, dev containers), as
 * scripts/lib/chromium.mjs does for Chromium. Returns the toolchain found afterwards.
 */
export function ensureToolchain(log = console.log) {
  let found = findToolchain();
  if (found.missing.length === 0) return found;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot) {
    aptInstall([...new Set(found.missing.map((m) => m.apt))], log);
    found = findToolchain();
  }
  return found;
}

/**
 * `apt-get install -y --no-install-recommends …` when running as root on a Debian-like system;
 * runs `apt-get update` and retries once if the package lists are missing or stale (a fresh
 * CI machine). Returns whether the install succeeded.
 */
export function aptInstall(packages, log = console.log) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !onPath('apt-get') || packages.length === 0) return false;
  log(`ws2web: installing ${packages.join(' ')} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...packages], { env, stdio: 'inherit' }).status === 0;
  if (install()) return true;
  spawnSync('apt-get', ['update'], { env, stdio: 'inherit' });
  return install();
}

