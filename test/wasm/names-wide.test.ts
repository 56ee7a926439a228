/**
 * test/wasm/programs/names-wide.c: a UNICODE program's GetAddrInfo / GetNameInfo / InetPton /
 * InetNtop / WSASocket, which the headers map to the W calls (UTF-16 strings in wasm memory).
 * test/wasm/programs/names-ex.c: GetAddrInfoExW blocking and overlapped (event), FreeAddrInfoExW.
 * The native comparisons (MinGW .exe under Wine) are in legacy-examples.test.ts's scenarios.
 */
import { describe, expect, it } from 'vitest';
import type { RunMode } from '../../packages/wasm/src/index.js';
import { runExample } from './run-example.js';

describe.each<RunMode>(['jspi', 'asyncify'])('wide name calls with %s', (mode) => {
  it('GetAddrInfoW chains, GetNameInfoW into WCHAR buffers, InetPtonW/InetNtopW, WSASocketW', async () => {
    const run = await runExample('names-wide', { args: [], mode });
    expect(run.stdout).toBe(
      [
        'GetAddrInfoW(localhost, 80): 0',
        '  family 2, addrlen 16: 127.0.0.1 port 80 (GetNameInfoW 0)',
        '  canonical name localhost',
        'GetAddrInfoW(::1, 443): 0',
        '  family 23, addrlen 28: ::1 port 443 (GetNameInfoW 0)',
        'GetAddrInfoW(192.0.2.1, http): 0',
        '  family 2, addrlen 16: 192.0.2.1 port 80 (GetNameInfoW 0)',
        'GetAddrInfoW(localhost, 80): 11001',
        'GetNameInfoW(127.0.0.1:80, NI_NUMERICHOST): 0, 127.0.0.1, service http',
        'GetNameInfoW(service only, NI_NUMERICSERV): 0, 80',
        'InetPtonW(192.0.2.33): 1, byte 4 = 33',
        'InetNtopW: 192.0.2.33',
        'WSASocketW: a socket',
        '',
      ].join('\n'),
    );
    expect(run.exitCode).toBe(0);
  });
});

describe.each<RunMode>(['jspi', 'asyncify'])('GetAddrInfoExW with %s', (mode) => {
  it('a blocking lookup, an error, and an overlapped one completed through its event', async () => {
    const run = await runExample('names-ex', { args: [], mode });
    expect(run.stdout).toBe(
      [
        'GetAddrInfoExW(localhost, 80): 0',
        '  family 2, socktype 1, addrlen 16: 127.0.0.1:80',
        'GetAddrInfoExW(::1, 443): 0',
        '  family 23, socktype 1, addrlen 28: [::1]:443',
        'GetAddrInfoExW(localhost, AI_NUMERICHOST): 11001, result NULL',
        'overlapped GetAddrInfoExW: WSA_IO_PENDING',
        'event: signalled',
        'GetAddrInfoExOverlappedResult: 0',
        'Pointer is ppResult: 1',
        '  family 2, socktype 1, addrlen 16: 127.0.0.1:8080',
        '',
      ].join('\n'),
    );
    expect(run.exitCode).toBe(0);
  });
});
