/**
 * The overlapped-I/O, completion-port and window-message examples (examples/legacy-iocp-client,
 * legacy-overlapped-client, legacy-asyncselect-client), compiled unmodified by ws2web-cc and run
 * in Chromium through the real relay against the loopback line server, with JSPI and with the
 * Asyncify build. The expected texts are what the same sources print natively (MinGW build under
 * Wine); legacy-examples.test.ts also compares each run with that native run directly.
 */
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { RunMode } from '../../packages/wasm/src/index.js';
import { Control } from '../fixtures/control.js';
import { runExample } from './run-example.js';

const control = new Control();
afterAll(() => control.releaseAll());

const MODES: RunMode[] = ['jspi', 'asyncify'];

const IOCP_PROBE = [
  'port created: yes',
  'existing port with INVALID_HANDLE_VALUE: NULL',
  'GQCS: FALSE, error 258, lpOverlapped NULL',
  'GQCS: FALSE, error 258, lpOverlapped NULL',
  'GQCS: TRUE, key 10, 1 bytes, lpOverlapped NULL',
  'GQCSEx: TRUE, 2 removed',
  '  entry 0: key 20, 2 bytes, Internal 0, lpOverlapped is a',
  '  entry 1: key 30, 3 bytes, Internal 0, lpOverlapped is b',
  'GQCSEx on an empty port: FALSE, error 258',
  'PostQueuedCompletionStatus(NULL): FALSE',
  'CloseHandle(port): TRUE',
  '',
].join('\n');

describe.each(MODES)('overlapped I/O, IOCP and window messages with %s', (mode) => {
  it('completion ports: FIFO packets, GetQueuedCompletionStatusEx, WAIT_TIMEOUT with lpOverlapped NULL', async () => {
    const run = await runExample('iocp', { args: [], mode });
    expect(run.stdout).toBe(IOCP_PROBE);
    expect(run.exitCode).toBe(0);
  });

  it('measures a PostQueuedCompletionStatus → GetQueuedCompletionStatus round trip', async () => {
    const n = 20_000;
    const run = await runExample('iocp', { args: ['bench', String(n)], mode });
    const m = /^(\d+) round trips, ([\d.]+) us each\n$/.exec(run.stdout);
    expect(m, run.stdout).not.toBeNull();
    expect(Number(m![1])).toBe(n);
    const us = Number(m![2]);
    expect(us).toBeGreaterThan(0);
    console.log(`IOCP round trip (${mode}): ${us} us (${n} post → dequeue pairs, QueryPerformanceCounter in the page)`);
  });

  it('legacy-iocp-client: overlapped WSARecv/WSASend through GetQueuedCompletionStatus, cancelled and closed-under receives', async () => {
    const port = inject('chatPort');
    const run = await runExample('legacy-iocp-client', {
      args: ['127.0.0.1', String(port), 'pear', 'apple', 'fig'],
      mode,
    });
    expect(run.stdout).toBe(
      [
        'second association refused: error 87',
        'empty port: FALSE, lpOverlapped NULL, error 258',
        'posted packet: key 2, 5 bytes, lpOverlapped NULL',
        'WSASend completed: 15 bytes, shutting down the sending side',
        'server closed the connection (WSAGetOverlappedResult: TRUE, 0 bytes, completed 1)',
        'received 49 bytes:',
        'you said: pear',
        'you said: apple',
        'you said: fig',
        'bye',
        'CancelIoEx: TRUE',
        'cancelled WSARecv: FALSE, key 3, 0 bytes, lpOverlapped set, error 995',
        'cancelled WSARecv: Internal 0xc0000120',
        'CancelIoEx again: FALSE, error 1168',
        'WSARecv on a closed socket: FALSE, key 4, 0 bytes, lpOverlapped set, error 676',
        'WSARecv on a closed socket: Internal 0x8000000a',
        '',
      ].join('\n'),
    );
    expect(run.exitCode).toBe(0);
  });

  it('legacy-iocp-client reports a refused connection', async () => {
    const port = await control.refusedPort();
    const run = await runExample('legacy-iocp-client', { args: ['127.0.0.1', String(port), 'x'], mode });
    expect(run.stdout).toBe('connect failed: 10061\n');
    expect(run.exitCode).toBe(2);
  });

  it('legacy-overlapped-client: ConnectEx with first data, then WSASend/WSARecv completion routines run by SleepEx', async () => {
    const port = inject('chatPort');
    const run = await runExample('legacy-overlapped-client', {
      args: ['127.0.0.1', String(port), 'hello', 'second line', 'third'],
      mode,
    });
    expect(run.stdout).toBe(
      [
        'WSAIoctl: ConnectEx found (one function pointer returned)',
        'SleepEx(10, TRUE) with nothing queued: 0',
        'ConnectEx on an unbound socket: error 10022',
        'ConnectEx completed: 6 bytes sent with the connection',
        'send routine: error 0, 18 bytes; shutting down the sending side',
        'receive routine: the server closed the connection',
        'SleepEx returned WAIT_IO_COMPLETION (192): yes',
        'received 58 bytes:',
        'you said: hello',
        'you said: second line',
        'you said: third',
        'bye',
        'completion routines ran: send, receives',
        '',
      ].join('\n'),
    );
    expect(run.exitCode).toBe(0);
  });

  it('legacy-overlapped-client: a refused ConnectEx is WSAECONNREFUSED, ERROR_CONNECTION_REFUSED and STATUS_CONNECTION_REFUSED', async () => {
    const port = await control.refusedPort();
    const run = await runExample('legacy-overlapped-client', { args: ['127.0.0.1', String(port), 'hello'], mode });
    expect(run.stdout).toBe(
      [
        'WSAIoctl: ConnectEx found (one function pointer returned)',
        'SleepEx(10, TRUE) with nothing queued: 0',
        'ConnectEx on an unbound socket: error 10022',
        'ConnectEx failed: WSAGetOverlappedResult error 10061, GetOverlappedResult error 1225, Internal 0xc0000236',
        '',
      ].join('\n'),
    );
    expect(run.exitCode).toBe(2);
  });

  it('legacy-asyncselect-client: WSAAsyncSelect messages in a GetMessage loop, a posted message first, WM_TIMER last', async () => {
    const port = inject('chatPort');
    const run = await runExample('legacy-asyncselect-client', {
      args: ['127.0.0.1', String(port), 'hello from a window'],
      mode,
    });
    expect(run.stdout).toBe(
      [
        'RegisterClassEx again: error 1410',
        'WM_CREATE',
        'SendMessage(WM_APP, 40, 2) returned 42',
        'connect: WSAEWOULDBLOCK, waiting for FD_CONNECT in the message loop',
        'posted WM_APP+7: wParam 5, lParam -1',
        'FD_CONNECT, error 0',
        'FD_WRITE: sent 20 bytes, shutting down the sending side',
        'FD_CLOSE, error 0',
        'WM_TIMER 2: destroying the window',
        'WM_DESTROY',
        'GetMessage returned 0: WM_QUIT, exit code 0',
        'IsWindow after DestroyWindow: 0',
        'received 34 bytes:',
        'you said: hello from a window',
        'bye',
        '',
      ].join('\n'),
    );
    expect(run.exitCode).toBe(0);
  });

  it('legacy-asyncselect-client: a refused connect arrives as FD_CONNECT with error 10061', async () => {
    const port = await control.refusedPort();
    const run = await runExample('legacy-asyncselect-client', { args: ['127.0.0.1', String(port), 'x'], mode });
    expect(run.stdout).toBe(
      [
        'RegisterClassEx again: error 1410',
        'WM_CREATE',
        'SendMessage(WM_APP, 40, 2) returned 42',
        'connect: WSAEWOULDBLOCK, waiting for FD_CONNECT in the message loop',
        'posted WM_APP+7: wParam 5, lParam -1',
        'FD_CONNECT, error 10061',
        'WM_TIMER 2: destroying the window',
        'WM_DESTROY',
        'GetMessage returned 0: WM_QUIT, exit code 2',
        'IsWindow after DestroyWindow: 0',
        'received 0 bytes:',
        '',
      ].join('\n'),
    );
    expect(run.exitCode).toBe(2);
  });
});
