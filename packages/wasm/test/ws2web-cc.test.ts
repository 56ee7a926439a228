/**
 * ws2web-cc's command line: source languages by extension in any letter case, mixed C and C++
 * in one command, the exceptions note, and -q. Builds real modules (needs the toolchain).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createWinsock } from '../../browser/src/index.js';
import { runWinsockProgram } from '../src/index.js';
import { clangArgs, explainFailure, sourceLanguage } from '../tools/compile.mjs';
import { findToolchain, missingMessage } from '../tools/toolchain.mjs';
import { NoWebSocket } from './no-websocket.js';

const CC = fileURLToPath(new URL('../bin/ws2web-cc.mjs', import.meta.url));
const tools = findToolchain();
const missing = [...tools.missing, ...tools.missingCxx];
if (missing.length > 0)
  console.warn(`ws2web-cc tests that build: skipped, the toolchain is incomplete:\n${missingMessage(missing)}`);

const dir = mkdtempSync(join(tmpdir(), 'ws2web-cc-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cc(...args: string[]) {
  const r = spawnSync(process.execPath, [CC, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, INIT_CWD: dir },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('source languages', () => {
  it('takes the language from the extension in any letter case', () => {
    expect(['a.c', 'A.C', 'x/y.c'].map(sourceLanguage)).toEqual(['c', 'c', 'c']);
    expect(['a.cpp', 'Main.Cpp', 'B.CPP', 'c.cc', 'D.CC', 'e.cxx', 'F.Cxx', 'g.c++'].map(sourceLanguage)).toEqual(
      Array(8).fill('c++'),
    );
    expect(['a.h', 'a.o', 'a', 'a.cs'].map(sourceLanguage)).toEqual([null, null, null, null]);
  });

  it('gives every source its own -x, and refuses files that are neither C nor C++', () => {
    const args = clangArgs({ sources: ['/s/Main.Cpp', '/s/util.C'], output: '/o.wasm', cxxGuardDir: '/guard' });
    expect(args.slice(args.indexOf('/s/Main.Cpp') - 2, args.indexOf('/s/util.C') + 1)).toEqual([
      '-x',
      'c++',
      '/s/Main.Cpp',
      '-x',
      'c',
      '/s/util.C',
    ]);
    expect(args).toContain('--driver-mode=g++');
    expect(args).toContain('-fno-exceptions');
    expect(args[args.indexOf('-isystem') + 1]).toBe('/guard');
    expect(clangArgs({ sources: ['/s/a.c'], output: '/o.wasm' })).not.toContain('--driver-mode=g++');
    expect(() => clangArgs({ sources: ['/s/a.h'], output: '/o.wasm' })).toThrow(/a\.h: not a C or C\+\+ source/);
  });

  it('names -fno-exceptions when C++ code throws', () => {
    expect(explainFailure("x.cpp:3:5: error: cannot use 'throw' with exceptions disabled").join('\n')).toMatch(
      /-fno-exceptions/,
    );
    expect(explainFailure('wasm-ld: error: undefined symbol: __cxa_throw').join('\n')).toMatch(/-fno-exceptions/);
    expect(explainFailure('error: something else')).toEqual([]);
  });
});

describe.skipIf(missing.length > 0)('ws2web-cc builds', { timeout: 120_000 }, () => {
  it('links a .Cpp and a .C file in one command (C++ calling C), quietly with -q', () => {
    writeFileSync(
      join(dir, 'Main.Cpp'),
      '#include <windows.h>\n#include <string>\nextern "C" int twice(int);\nint main() { std::string s(twice(2), \'x\'); return (int)s.size() - 4; }\n',
    );
    writeFileSync(join(dir, 'util.C'), 'int twice(int v) { return 2 * v; }\n');
    const r = cc('-q', 'Main.Cpp', 'util.C', '-o', 'out/mixed');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('');
    expect(r.status).toBe(0);
    const loud = cc('Main.Cpp', 'util.C', '-o', 'out/mixed', '--no-asyncify');
    expect(loud.status).toBe(0);
    expect(loud.stdout).toMatch(/out\/mixed\.wasm \(\d+\.\d KiB, clang \d+ ms\)/);
  });

  it.each([
    ['C', 'uses-missing.c'],
    ['C++', 'uses-missing.cpp'],
  ])('a Win32 function the port lacks stops the %s build at compile time, by name', (_lang, file) => {
    // CreateMutexA is not declared by our <windows.h>: clang 19 refuses the call (C99 has no
    // implicit declarations; C++ never had them), naming the function; nothing fails at run time.
    writeFileSync(
      join(dir, file),
      '#include <windows.h>\nint main(void) { HANDLE m = CreateMutexA(NULL, FALSE, NULL); return m == NULL; }\n',
    );
    const r = cc('-q', '--no-asyncify', file);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/(call to undeclared function|use of undeclared identifier) 'CreateMutexA'/);
  });

  it('a function declared by the program but defined nowhere stops the link, by name', () => {
    writeFileSync(
      join(dir, 'declared-only.c'),
      '#include <windows.h>\nBOOL WINAPI SetConsoleCtrlHandler(void *handler, BOOL add);\nint main(void) { return !SetConsoleCtrlHandler(NULL, TRUE); }\n',
    );
    const r = cc('-q', '--no-asyncify', 'declared-only.c');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/undefined symbol: SetConsoleCtrlHandler/);
  });

  it.each([
    ['void main(void)', 'void main(void) { printf("void main ran\\n"); }', 0],
    ['int main(void)', 'int main(void) { printf("int main ran\\n"); return 3; }', 3],
    ['int main(argc, argv)', 'int main(int argc, char **argv) { printf("%s %d\\n", argv[1], argc); return 4; }', 4],
  ])('starts %s (MSVC accepts void main), warning-free', async (name, body, code) => {
    const file = `main-${code}.c`;
    writeFileSync(join(dir, file), `#include <windows.h>\n${body}\n`);
    const r = cc('-q', file, '-o', `out/main-${code}`);
    expect(r.stderr, name).toBe('');
    expect(r.status).toBe(0);
    let stdout = '';
    const result = await runWinsockProgram({
      wasm: readFileSync(join(dir, `out/main-${code}.wasm`)),
      asyncifyWasm: readFileSync(join(dir, `out/main-${code}.asyncify.wasm`)),
      mode: 'asyncify', // Node has no JSPI without a flag
      winsock: createWinsock({ relay: 'ws://127.0.0.1:9/', WebSocket: NoWebSocket }),
      args: ['arg'],
      stdout: (t) => {
        stdout += t;
      },
    });
    expect(result.exitCode).toBe(code);
    expect(stdout).toBe(code === 0 ? 'void main ran\n' : code === 3 ? 'int main ran\n' : 'arg 2\n');
  });

  it('stops at a throw with a message naming -fno-exceptions', () => {
    writeFileSync(join(dir, 'throws.cpp'), 'int main() { try { throw 1; } catch (int) { return 1; } }\n');
    const r = cc('-q', '--no-asyncify', 'throws.cpp');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/cannot use 'throw' with exceptions disabled/);
    expect(r.stderr).toMatch(/ws2web-cc: C\+\+ exceptions are not available .* -fno-exceptions/);
  });
});
