/**
 * overlapped-result (test/wasm/programs/overlapped-result.c): WSAGetOverlappedResult reads
 * OVERLAPPED.Internal as Windows does (Wine's ws2_32 test_WSAGetOverlappedResult records it from
 * real Windows): a handle that is no socket → WSAENOTSOCK; for every status of Windows' eight
 * ranges, success statuses other than STATUS_PENDING → TRUE and the others → FALSE with Windows'
 * Winsock error for the status; STATUS_PENDING with a signalled event and fWait → TRUE.
 */
import { describe, expect, it } from 'vitest';
import type { RunMode } from '../../packages/wasm/src/index.js';
import { runExample } from './run-example.js';

describe.each(['jspi', 'asyncify'] as RunMode[])('WSAGetOverlappedResult and Internal, %s', (mode) => {
  it("answers every status of Windows' ranges as Windows", async () => {
    const run = await runExample('overlapped-result', { args: [], mode });
    expect(run.stdout).toBe(
      [
        'no socket: 0 error 10038',
        '0-0x10000: 0 wrong results, 0 wrong errors',
        '0x40000000-0x40001000: 0 wrong results, 0 wrong errors',
        // STATUS_HANDLES_CLOSED, ws2web's status for an operation whose socket was closed under
        // it, reports WSA_OPERATION_ABORTED (Windows: WSAEINVAL).
        '  status 0x8000000a: 0 error 995',
        '0x80000000-0x80001000: 0 wrong results, 1 wrong errors',
        '0x80070000-0x80080000: 0 wrong results, 0 wrong errors',
        '0xc0000000-0xc0001000: 0 wrong results, 0 wrong errors',
        '0xc0070000-0xc0080000: 0 wrong results, 0 wrong errors',
        '0xd0000000-0xd0001000: 0 wrong results, 0 wrong errors',
        '0xd0070000-0xd0080000: 0 wrong results, 0 wrong errors',
        'pending, event set, wait: 1 error ERROR_IO_PENDING or 0',
        '',
      ].join('\n'),
    );
    expect(run.exitCode).toBe(0);
  });
});
