// Programs the test suite runs that npm cannot install, each with the reason it is needed. This
// list is the only one: `npm test` (scripts/bootstrap.mjs) and CI (.ci/run, through
// `node scripts/bootstrap.mjs deps`) both use it. Missing ones are installed with apt-get when we
// are root on a Debian-like system; otherwise the exact command is printed.
import { existsSync } from 'node:fs';
import { fail, step } from './log.mjs';
import { run, succeeds } from './run.mjs';

/**
 * Each program: where the tests look for it, the env var that overrides that, its Debian
 * package and why the tests need it.
 */
export const SYSTEM_DEPS = [
  {
    name: 'Chromium',
    env: 'CHROMIUM_PATH',
    paths: ['/usr/bin/chromium'],
    debian: 'chromium',
    why: 'the browser tests, the demo check and the packaging test run in headless Debian Chromium (never a downloaded build)',
  },
  {
    name: 'dnsmasq',
    env: 'DNSMASQ_PATH',
    paths: ['/usr/sbin/dnsmasq', '/usr/bin/dnsmasq'],
    debian: 'dnsmasq-base',
    why: 'a real DNS server on loopback for the getaddrinfo tests',
  },
  {
    name: 'python3',
    command: 'python3',
    debian: 'python3',
    why: 'a listener with a full backlog, for connect time-outs',
  },
  {
    name: 'nginx',
    env: 'NGINX_PATH',
    paths: ['/usr/sbin/nginx'],
    debian: 'nginx-light',
    why: 'the relay scale-out test puts nginx in front of two relays',
  },
  {
    name: 'redis-server',
    env: 'REDIS_SERVER_PATH',
    paths: ['/usr/bin/redis-server'],
    debian: 'redis-server',
    why: 'the fleet-limit tests share per-client and per-subject counts between two relays in a real Redis',
  },
  {
    name: 'clang',
    env: 'CLANG_PATH',
    paths: ['/usr/bin/clang'],
    debian: 'clang',
    why: 'ws2web-cc compiles Winsock C to wasm32-wasi (wasm tests, packaging test)',
  },
  {
    name: 'wasm-ld',
    env: 'WASM_LD_PATH',
    paths: ['/usr/bin/wasm-ld'],
    debian: 'lld',
    why: 'the WebAssembly linker clang calls',
  },
  {
    name: 'wasi-libc',
    env: 'WASI_LIBC_PATH',
    paths: ['/usr/lib/wasm32-wasi/libc.a'],
    debian: 'wasi-libc',
    why: 'the C library the wasm programs link',
  },
  {
    name: 'wasm32 compiler-rt',
    env: 'WASM_RT_PATH',
    paths: ['/usr/lib/llvm-14/lib/clang/14.0.6/lib/wasi/libclang_rt.builtins-wasm32.a'],
    debian: 'libclang-rt-14-dev-wasm32',
    why: "clang's builtins for wasm32",
  },
  {
    name: 'clang 19',
    env: 'CLANG19_PATH',
    paths: ['/usr/bin/clang-19'],
    debian: 'clang-19',
    why: 'ws2web-cc prefers clang 19: the newest bookworm toolchain with a wasm32 C++ library',
  },
  {
    name: 'wasm-ld 19',
    env: 'WASM_LD19_PATH',
    paths: ['/usr/lib/llvm-19/bin/wasm-ld'],
    debian: 'lld-19',
    why: "clang 19's WebAssembly linker",
  },
  {
    name: 'wasm32 compiler-rt 19',
    env: 'WASM_RT19_PATH',
    paths: ['/usr/lib/llvm-19/lib/clang/19/lib/wasi/libclang_rt.builtins-wasm32.a'],
    debian: 'libclang-rt-19-dev-wasm32',
    why: "clang 19's builtins for wasm32",
  },
  {
    name: 'wasm32 libc++',
    env: 'WASM_LIBCXX_PATH',
    paths: ['/usr/lib/llvm-19/lib/wasm32-wasi/libc++.a'],
    debian: 'libc++-19-dev-wasm32',
    why: 'the C++ standard library for C++ programs built by ws2web-cc',
  },
  {
    name: 'wasm32 libc++abi',
    env: 'WASM_LIBCXXABI_PATH',
    paths: ['/usr/lib/llvm-19/lib/wasm32-wasi/libc++abi.a'],
    debian: 'libc++abi-19-dev-wasm32',
    why: "libc++'s ABI library",
  },
  {
    name: 'wasm-opt',
    env: 'WASM_OPT_PATH',
    paths: ['/usr/bin/wasm-opt'],
    debian: 'binaryen',
    why: 'the Asyncify build, for engines without JSPI',
  },
  {
    name: 'MinGW-w64',
    env: 'MINGW_GCC_PATH',
    paths: ['/usr/bin/x86_64-w64-mingw32-gcc'],
    debian: 'gcc-mingw-w64-x86-64',
    why: 'builds the same C examples as native Windows programs, the reference the wasm builds are compared with',
  },
  {
    name: 'MinGW-w64 C++',
    env: 'MINGW_GXX_PATH',
    paths: ['/usr/bin/x86_64-w64-mingw32-g++'],
    debian: 'g++-mingw-w64-x86-64',
    why: 'builds the C++ examples as native Windows programs',
  },
  {
    name: 'Wine',
    env: 'WINE_PATH',
    paths: ['/usr/lib/wine/wine64', '/usr/bin/wine64'],
    debian: 'wine64',
    why: 'runs the MinGW builds of the C examples',
  },
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

function describe(deps) {
  return deps.map((dep) => `    ${dep.debian.padEnd(26)} ${dep.name}: ${dep.why}`).join('\n');
}

/** @returns {Promise<boolean>} whether every program is now available */
export async function ensureSystemDeps() {
  let missing = SYSTEM_DEPS.filter((dep) => !locate(dep));
  const found = SYSTEM_DEPS.length - missing.length;
  if (missing.length === 0) {
    step(`System programs: all ${found} found (Chromium, dnsmasq, python3, nginx, the wasm C toolchain, MinGW, Wine)`);
    return true;
  }
  // An explicit *_PATH that does not exist is the user's choice to fix, not apt's.
  const installable = missing.filter((dep) => !(dep.env && process.env[dep.env]));
  if (installable.length > 0 && canApt()) {
    const packages = installable.map((dep) => dep.debian);
    step(
      `The tests need ${installable.length} more system package${installable.length === 1 ? '' : 's'} (${found} found); ` +
        `installing as root: apt-get update && apt-get install -y ${packages.join(' ')}\n${describe(installable)}`,
    );
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    if ((await run('apt-get', ['update'], { env })) === 0) {
      await run('apt-get', ['install', '-y', ...packages], { env });
    }
    missing = missing.filter((dep) => !locate(dep));
  }
  if (missing.length === 0) return true;
  fail(
    [
      `The test suite needs these programs, not found on this machine:`,
      describe(missing),
      `  Debian/Ubuntu:  sudo apt-get update && sudo apt-get install -y ${missing.map((dep) => dep.debian).join(' ')}`,
      `  Elsewhere:      install them and point ${
        missing
          .filter((dep) => dep.env)
          .map((dep) => dep.env)
          .join(' / ') || 'PATH'
      } at them`,
    ].join('\n'),
  );
  return false;
}
