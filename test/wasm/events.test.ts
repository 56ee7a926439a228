/**
 * events (test/wasm/programs/events.c): CreateEvent (auto/manual reset), SetEvent, ResetEvent,
 * WaitForSingleObject, WaitForMultipleObjects (any/all, timeouts), CloseHandle, and a
 * CreateEvent handle driving WSAEventSelect, in Chromium through the relay. The same source's
 * MinGW build under Wine is compared in legacy-examples.test.ts ('kernel32 events and waits').
 */
import { describe, expect, inject, it } from 'vitest';
import type { RunMode } from '../../packages/wasm/src/index.js';
import { runExample } from './run-example.js';

describe.each(['jspi', 'asyncify'] as RunMode[])('kernel32 events with %s', (mode) => {
  it('waits as Windows does', async () => {
    const run = await runExample('events', { args: [String(inject('chatPort'))], mode });
    expect(run.stdout).toBe(
      [
        'created: 1 1',
        // An auto-reset event is reset by the wait it satisfies; a manual-reset one is not.
        'auto, initially set: 0, then 258',
        'manual, set: 0, still 0',
        'any of two: 1',
        'all of two (auto not set): 258',
        'timed wait: 258 after >= 90 ms: 1',
        'CloseHandle 1 1, again 0 error 6',
        'connect: 10035',
        'wait 0: FD_CONNECT 1 error 0, FD_CLOSE slot kept 1',
        'wait 0: FD_READ 1, recv 15: you said: ping',
        '',
      ].join('\n'),
    );
    expect(run.exitCode).toBe(0);
  });
});
