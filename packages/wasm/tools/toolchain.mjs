/**
 * Finds the C/C++-to-wasm toolchain (Debian packages only) and says exactly what is missing.
 *
 *   clang      → Debian `clang-19` (with `lld-19` for wasm-ld); plain `clang` (14) still builds C
 *   wasi-libc  → Debian `wasi-libc` (headers in /usr/include/wasm32-wasi, libc in /usr/lib/wasm32-wasi)
 *   builtins   → Debian `libclang-rt-19-dev-wasm32` (libclang_rt.builtins-wasm32.a of that clang)
 *   libc++     → Debian `libc++-19-dev-wasm32` + `libc++abi-19-dev-wasm32` (only for C++ sources)
 *   wasm-opt   → Debian `binaryen` (only for the Asyncify fallback build)
 *
 * Why clang 19: it is the newest toolchain bookworm ships with a wasm32 C++ library, and it
 * makes calls to undeclared functions an error (clang 14 only warns), so a Win32 function this
 * port lacks stops the build at its call site.
 *
 * CLANG, WASM_OPT and WASI_SYSROOT override the defaults.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** The Debian (bookworm) packages the toolchain comes from. */
export const APT_PACKAGES = Object.freeze([
  'clang-19',
  'lld-19',
  'wasi-libc',
  'libclang-rt-19-dev-wasm32',
  'libc++-19-dev-wasm32',
  'libc++abi-19-dev-wasm32',
  'binaryen',
]);

/** Compilers tried in order when CLANG is not set: the newest first. */
const CLANG_CANDIDATES = ['clang-19', 'clang'];

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

/** Asks clang where a file of its wasm32-wasi toolchain is; null when it does not have one. */
function printFile(clang, root, flag) {
  const r = spawnSync(clang, ['--target=wasm32-wasi', ...(root ? [`--sysroot=${root}`] : []), flag], {
    encoding: 'utf8',
  });
  const path = r.status === 0 ? r.stdout.trim() : '';
  return path.startsWith('/') && existsSync(path) ? path : null;
}

/** The clang's own version suffix (`clang-19` → `19`), to name the matching Debian packages. */
function versionOf(clang) {
  const r = spawnSync(clang, ['-dumpversion'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim().split('.')[0] : '19';
}

/**
 * @returns {{ clang: string, wasmOpt: string, sysroot: string | null, cxx: boolean,
 *             missing: { what: string, apt: string }[], missingCxx: { what: string, apt: string }[] }}
 *   `missing`: what any build needs; `missingCxx`: what C++ sources need on top (then `cxx` is false).
 */
export function findToolchain() {
  const clang = process.env.CLANG ?? CLANG_CANDIDATES.find(onPath) ?? CLANG_CANDIDATES[0];
  const wasmOpt = process.env.WASM_OPT ?? 'wasm-opt';
  const root = sysroot();
  const missing = [];
  const missingCxx = [];
  if (!onPath(clang)) {
    missing.push({ what: `${clang} (C/C++ compiler)`, apt: 'clang-19' }, { what: 'wasm-ld (linker)', apt: 'lld-19' });
  } else {
    const v = versionOf(clang);
    if (!printFile(clang, root, '-print-prog-name=wasm-ld'))
      missing.push({ what: 'wasm-ld (linker)', apt: `lld-${v}` });
    if (!root && !printFile(clang, root, '-print-libgcc-file-name'))
      missing.push({ what: 'libclang_rt.builtins-wasm32.a', apt: `libclang-rt-${v}-dev-wasm32` });
    if (!printFile(clang, root, '-print-file-name=libc++.a'))
      missingCxx.push({ what: 'libc++ for wasm32-wasi', apt: `libc++-${v}-dev-wasm32` });
    if (!printFile(clang, root, '-print-file-name=libc++abi.a'))
      missingCxx.push({ what: 'libc++abi for wasm32-wasi', apt: `libc++abi-${v}-dev-wasm32` });
  }
  if (!hasWasiLibc(root)) missing.push({ what: 'wasi-libc (C library for wasm32-wasi)', apt: 'wasi-libc' });
  if (!onPath(wasmOpt)) missing.push({ what: `${wasmOpt} (Binaryen, for the Asyncify build)`, apt: 'binaryen' });
  return { clang, wasmOpt, sysroot: root, cxx: missingCxx.length === 0, missing, missingCxx };
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
  const all = [...found.missing, ...found.missingCxx];
  if (all.length === 0) return found;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot) {
    aptInstall([...new Set(all.map((m) => m.apt))], log);
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
  const install = () =>
    spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...packages], { env, stdio: 'inherit' })
      .status === 0;
  if (install()) return true;
  spawnSync('apt-get', ['update'], { env, stdio: 'inherit' });
  return install();
}
