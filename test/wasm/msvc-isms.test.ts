/**
 * msvc-isms (test/wasm/programs/msvc-isms.c): Windows C the way MSVC accepts it — include names
 * in other letter cases, the CRT through <windows.h> alone, _cdecl, _tmain, SEH blocks, strsafe,
 * the kernel32 basics (heap, GetLastError, FormatMessage, clocks), the MSVC CRT names and
 * WSAAddressToString/WSAStringToAddress — compiled by ws2web-cc and run in Chromium. MinGW on
 * Linux cannot build it (mixed-case includes, __try), so the expected text is Windows' values,
 * written here.
 */
import { describe, expect, it } from 'vitest';
import type { RunMode } from '../../packages/wasm/src/index.js';
import { runExample } from './run-example.js';

describe.each(['jspi', 'asyncify'] as RunMode[])('msvc-isms with %s', (mode) => {
  it('prints what Windows prints for the same calls', async () => {
    const run = await runExample('msvc-isms', { args: [], mode });
    expect(run.stdout).toBe(
      [
        'atoi 42 tolower q qsort 123 malloc ok',
        // __finally always runs; __leave skips the rest of the __try body; __except is never taken.
        'MAX_PATH 260, seh 1111 / 1101, kbhit 0',
        'HeapAlloc zeroed 1, HeapFree 1',
        'GetLastError 87',
        '_strnicmp 0 _stricmp 0 lstrlen 4 lstrcmpi 1',
        // MSVC's _snprintf: -1 and no NUL when the text does not fit.
        "_snprintf fits 3, too long -1, buffer '01234567'",
        "strcpy_s 0, too long == ERANGE 1 (empty 1), strcat_s 0 'abcd'",
        "strncpy_s truncate (STRUNCATE 80) 80 '0123456'",
        "sprintf_s 3 '7-x'",
        "StringCchCopy too long 0x8007007a '0123456'",
        "StringCchPrintf 0x00000000 'host:80' length 7",
        "StringCbCat 0 'abcd'",
        'QPC frequency 10000000, 20 ms sleep measured >= 19 ms: 1',
        'FILETIME after 2020: 1, GetTickCount64 > 0: 1',
        'FormatMessage(10061) 77: No connection could be made because the target machine actively refused it.\r',
        'FormatMessage(allocate, 10035) 69: A non-blocking socket operation could not be completed immediately.\r',
        'FormatMessage(unknown) 0, error 317',
        "WSAStringToAddress v4 0, back 0 '192.0.2.7:8080' length 15",
        "WSAStringToAddress v6 0, back 0 '[fe80::1%3]:443'",
        'WSAAddressToString small buffer -1, error 10014, needed 15',
        'WSAStringToAddress bad -1, error 10022',
        // One last-error value for kernel32 and Winsock, as on Windows.
        'GetLastError after a Winsock failure 10022',
        '',
      ].join('\n'),
    );
    expect(run.exitCode).toBe(0);
  });
});
