/**
 * Every public header compiles on its own, warning-free, as C (C11, C17) and as C++ (C++17,
 * C++20), with ws2web-cc's own flags plus -Wall -Wextra -pedantic -Werror; in C++ also after and
 * before the C++ standard library (libc++ must be read without _WIN32 in both orders). Needs the
 * wasm toolchain (clang-19, wasi-libc, libc++ for wasm32): CI installs it.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { INCLUDE_DIR, clangArgs, cxxGuardDirFor } from '../tools/compile.mjs';
import { findToolchain, missingMessage } from '../tools/toolchain.mjs';

const tools = findToolchain();
const missing = [...tools.missing, ...tools.missingCxx].filter((m) => m.apt !== 'binaryen');
if (missing.length > 0)
  console.warn(`headers-compile: skipped, the toolchain is incomplete:\n${missingMessage(missing)}`);

const HEADERS = readdirSync(INCLUDE_DIR)
  .filter((f) => f.endsWith('.h'))
  .sort();
const STRICT = ['-fsyntax-only', '-Wextra', '-pedantic', '-Werror', '-Wno-unused-command-line-argument'];
const dir = mkdtempSync(join(tmpdir(), 'ws2web-headers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs clang on `text` as `file`; resolves with its exit code and diagnostics. */
function compile(file: string, text: string, std: string): Promise<{ status: number | null; stderr: string }> {
  const path = join(dir, file);
  writeFileSync(path, text);
  const cxxGuardDir = file.endsWith('.cpp') ? guardDirFor(tools) : null;
  const args = clangArgs({
    sources: [path],
    output: '/dev/null',
    sysroot: tools.sysroot,
    extra: [`-std=${std}`, ...STRICT],
    cxxGuardDir,
  });
  return new Promise((resolve, reject) => {
    const child = spawn(tools.clang, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (t: string) => {
      stderr += t;
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

let guardDir: string | null = null;
/** The C++ guard directory, made once for every C++ compile of this file. */
function guardDirFor(t: typeof tools): string {
  guardDir ??= cxxGuardDirFor(t);
  return guardDir;
}
const safe = (h: string) => h.replace(/\W/g, '_');

// Dozens of compiler runs on a shared 2-core machine.
describe.skipIf(missing.length > 0)('headers compile warning-free', { timeout: 120_000 }, () => {
  it('finds the headers a Windows program includes', () => {
    expect(HEADERS).toEqual(expect.arrayContaining(['windows.h', 'winsock2.h', 'ws2tcpip.h', 'mswsock.h']));
  });

  it.each(['c11', 'c17'])('each header alone as C (%s)', async (std) => {
    for (const h of HEADERS) {
      const r = await compile(`${safe(h)}_${std}.c`, `#include <${h}>\nint main(void) { return 0; }\n`, std);
      expect(r.stderr, `${h} as ${std}`).toBe('');
      expect(r.status, `${h} as ${std}`).toBe(0);
    }
  });

  it.each(['c++17', 'c++20'])(
    'each header alone as C++ (%s), and around <string>/<vector>/<map>/<iostream>',
    async (std) => {
      for (const h of HEADERS) {
        const r = await compile(
          `${safe(h)}_${std.replace(/\+/g, 'x')}.cpp`,
          `#include <${h}>\nint main() { return 0; }\n`,
          std,
        );
        expect(r.stderr, `${h} as ${std}`).toBe('');
        expect(r.status, `${h} as ${std}`).toBe(0);
      }
      const stl =
        '#include <string>\n#include <vector>\n#include <map>\n#include <iostream>\n#include <fstream>\n#include <filesystem>\n';
      const windows = HEADERS.map((h) => `#include <${h}>\n`).join('');
      // _WIN32 is still defined for the program after the standard headers, and libc++ did not pick
      // its Windows configuration (it would not compile against wasi-libc if it had).
      const body =
        '#ifndef _WIN32\n#error "_WIN32 lost"\n#endif\nint main() { std::string s("x"); std::vector<int> v{1}; std::map<int, int> m; std::cout << s << v[0] << m.size(); return 0; }\n';
      const orders: [string, string][] = [
        ['windows-first', windows + stl + body],
        ['stl-first', stl + windows + body],
      ];
      for (const [name, text] of orders) {
        const r = await compile(`${name}_${std.replace(/\+/g, 'x')}.cpp`, text, std);
        expect(r.stderr, `${name} as ${std}`).toBe('');
        expect(r.status, `${name} as ${std}`).toBe(0);
      }
    },
  );
});
