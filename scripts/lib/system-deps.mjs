// Programs the test suite runs that npm cannot install: Debian's Chromium (browser tests, never
// a downloaded browser build), dnsmasq (a real DNS server on loopback for the name tests),
// python3 (a listener with a full backlog, for connect time-outs), nginx (the relay behind a TLS
// terminator) and the C toolchain of the wasm project (clang, lld, wasi-libc, Binaryen, MinGW, Wine). Install the missing ones when
// we are root on a Debian-like system; otherwise say exactly what to do.
import { existsSync } from 'node:fs';
import { fail, step } from './log.mjs';
import { run, succeeds } from './run.mjs';

/** Each program: where the tests look for it, the env var that overrides that, its Debian package. */
export const SYSTEM_DEPS = [
  { name: 'Chromium', env: 'CHROMIUM_PATH', paths: ['/usr/bin/chromium'], debian: 'chromium' },
  { name: 'dnsmasq', env: 'DNSMASQ_PATH', paths: ['/usr/sbin/dnsmasq', '/usr/bin/dnsmasq'], debian: 'dnsmasq-base' },
  { name: 'python3', command: 'python3', debian: 'python3' },
  // The relay's scale-out test puts Debian's nginx in front of two relays.
  { name: 'nginx', env: 'NGINX_PATH', paths: ['/usr/sbin/nginx'], debian: 'nginx-light' },
  // The wasm project compiles legacy Winsock C with Debian's toolchain, and its native twin under Wine.
  { name: 'clang', env: 'CLANG_PATH', paths: ['/usr/bin/clang'], debian: 'clang' },
  { name: 'wasm-ld', env: 'WASM_LD_PATH', paths: ['/usr/bin/wasm-ld'], debian: 'lld' },
  { name: 'wasi-libc', env: 'WASI_LIBC_PATH', paths: ['/usr/lib/wasm32-wasi/libc.a'], debian: 'wasi-libc' },
  { name: 'wasm32 compiler-rt', env: 'WASM_RT_PATH', paths: ['/usr/lib/llvm-14/lib/clang/14.0.6/lib/wasi/libclang_rt.builtins-wasm32.a'], debian: 'libclang-rt-14-dev-wasm32' },
  // ws2web-cc prefers clang 19: the newest bookworm toolchain with a wasm32 C++ library.
  { name: 'clang 19', env: 'CLANG19_PATH', paths: ['/usr/bin/clang-19'], debian: 'clang-19' },
  { name: 'wasm-ld 19', env: 'WASM_LD19_PATH', paths: ['/usr/lib/llvm-19/bin/wasm-ld'], debian: 'lld-19' },
  { name: 'wasm32 compiler-rt 19', env: 'WASM_RT19_PATH', paths: ['/usr/lib/llvm-19/lib/clang/19/lib/wasi/libclang_rt.builtins-wasm32.a'], debian: 'libclang-rt-19-dev-wasm32' },
  { name: 'wasm32 libc++', env: 'WASM_LIBCXX_PATH', paths: ['/usr/lib/llvm-19/lib/wasm32-wasi/libc++.a'], debian: 'libc++-19-dev-wasm32' },
  { name: 'wasm32 libc++abi', env: 'WASM_LIBCXXABI_PATH', paths: ['/usr/lib/llvm-19/lib/wasm32-wasi/libc++abi.a'], debian: 'libc++abi-19-dev-wasm32' },
  { name: 'wasm-opt', env: 'WASM_OPT_PATH', paths: ['/usr/bin/wasm-opt'], debian: 'binaryen' },
  { name: 'MinGW-w64', env: 'MINGW_GCC_PATH', paths: ['/usr/bin/x86_64-w64-mingw32-gcc'], debian: 'gcc-mingw-w64-x86-64' },
  { name: 'MinGW-w64 C++', env: 'MINGW_GXX_PATH', paths: ['/usr/bin/x86_64-w64-mingw32-g++'], debian: 'g++-mingw-w64-x86-64' },
  { name: 'Wine', env: 'WINE_PATH', paths: ['/usr/lib/wine/wine64', '/usr/bin/wine64'], debian: 'wine64' },
];

function locate(dep) {
  if (dep.command) return succeeds(dep.command, ['--version']) ? dep.command : null;
  const override = process.env[dep.env];
  if (override) return existsSync(override) ? override : null;
  return dep.paths.find((path) => existsSync(path)) ?? null;
}

function canApt() {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  return isRoot && succeeds('apt-get', ['--version']);
}

/** @returns {Promise<boolean>} whether every program is now available */
export async function ensureSystemDeps() {
  let missing = SYSTEM_DEPS.filter((dep) => {
    const found = locate(dep);
    if (found) step(`${dep.name} found: ${found}`);
    return !found;
  });
  // An explicit *_PATH that does not exist is the user's choice to fix, not apt's.
  const installable = missing.filter((dep) => !(dep.env && process.env[dep.env]));
  if (installable.length > 0 && canApt()) {
    const packages = installable.map((dep) => dep.debian);
    step(`Missing ${installable.map((dep) => dep.name).join(', ')}: apt-get update && apt-get install -y ${packages.join(' ')}`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    if ((await run('apt-get', ['update'], { env })) === 0) {
      await run('apt-get', ['install', '-y', ...packages], { env });
    }
    missing = missing.filter((dep) => !locate(dep));
  }
  if (missing.length === 0) return true;
  fail(
    [
      `The test suite needs ${missing.map((dep) => dep.name).join(', ')}, not found on this machine.`,
      `  Debian/Ubuntu:  sudo apt-get update && sudo apt-get install -y ${missing.map((dep) => dep.debian).join(' ')}`,
      '  Elsewhere:      install them and point CHROMIUM_PATH / DNSMASQ_PATH at the binaries',
      '  (Only the unit tests:  npm test -- --project unit)',
    ].join('\n'),
  );
  return false;
}
