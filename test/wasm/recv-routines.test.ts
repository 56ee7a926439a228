/**
 * recv-routines (test/wasm/programs/recv-routines.c): an overlapped WSARecv with a completion
 * routine from C, as Windows runs it (Wine's ws2_32 test_WSARecv): the routine runs once in an
 * alertable SleepEx (WAIT_IO_COMPLETION) and the OVERLAPPED's hEvent is left alone; on a socket
 * associated with a completion port the call fails with WSAEINVAL and no routine runs.
 */
import { describe, expect, inject, it } from 'vitest';
import type { RunMode } from '../../packages/wasm/src/index.js';
import { runExample } from './run-example.js';

describe.each(['jspi', 'asyncify'] as RunMode[])('WSARecv completion routines with %s', (mode) => {
  it('run in SleepEx, leave hEvent alone, and are refused on a completion port’s socket', async () => {
    const run = await runExample('recv-routines', { args: [String(inject('chatPort'))], mode });
    expect(run.stdout).toBe(
      [
        'connect 0',
        'WSARecv with a routine: -1, error 997',
        'SleepEx WAIT_IO_COMPLETION, routine calls 1, error 0, 15 bytes: you said: ping',
        'event left alone: yes',
        'associated with a port: yes',
        'WSARecv with a routine on it: -1, error 10022',
        'routine calls 0',
        '',
      ].join('\n'),
    );
    expect(run.exitCode).toBe(0);
  });
});
