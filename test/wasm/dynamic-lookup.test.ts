/**
 * dynamic-lookup (test/wasm/programs/dynamic-lookup.c): LoadLibrary / GetModuleHandle /
 * GetProcAddress over ws2_32.dll and mswsock.dll (runtime/dll.c), and a blocking WSAConnectByNameA
 * and a WSAPoll called through the pointers, in both builds. The lines are what the program's
 * MinGW build printed under Wine; legacy-examples.test.ts also compares against a fresh native run
 * ('functions found at run time') when Wine is there.
 */
import { describe, expect, inject, it } from 'vitest';
import type { RunMode } from '../../packages/wasm/src/index.js';
import { runExample } from './run-example.js';

describe.each(['jspi', 'asyncify'] as RunMode[])('functions found at run time with %s', (mode) => {
  it('prints what the native Windows build prints', async () => {
    const run = await runExample('dynamic-lookup', { args: [String(inject('chatPort'))], mode });
    expect(run.stdout).toBe(
      [
        'LoadLibraryA(WS2_32.DLL): a module',
        'GetModuleHandleA(ws2_32): the same module',
        'GetModuleHandleA(NULL): the program',
        'LoadLibraryA(no-such-library.dll): NULL, error 126',
        'GetProcAddress(NoSuchFunction): NULL, error 127',
        'mswsock AcceptEx: found',
        'WSAConnectByNameA: found, WSAPoll: found',
        'connected through the pointer: TRUE',
        'WSAPoll through the pointer: 1, revents 0x100',
        'reply: you said: found at run time',
        'FreeLibrary: 1',
        '',
      ].join('\n'),
    );
    expect(run.exitCode).toBe(0);
  });
});
