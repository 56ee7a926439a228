/*
 * ws2web: the <windows.h> subset that Winsock programs use, for wasm32-wasi.
 *
 * Base types (ws2web/wintypes.h), the kernel32 calls network programs reach for
 * (ws2web/kernel32-basics.h: heap, GetLastError, FormatMessage, lstr*, clocks, SEH blocks),
 * Sleep (blocks the C code like any other blocking call: it awaits a timer), GetTickCount /
 * GetTickCount64 (the page's monotonic clock), ZeroMemory / CopyMemory, and the MSVC CRT names
 * (ws2web/crt-compat.h). Like MSVC's and MinGW's, it brings <stdlib.h>, <string.h>, <ctype.h>
 * and <stdio.h> along (programs call atoi, malloc, tolower… with only <windows.h> included).
 * As the real one, it brings Winsock declarations along unless WIN32_LEAN_AND_MEAN is defined
 * (Windows gives winsock.h there; here that is winsock2.h, a superset), so <winsock2.h> may
 * come before or after.
 */
#ifndef WS2WEB_WINDOWS_H
#define WS2WEB_WINDOWS_H

#include "ws2web/wintypes.h"
#include "ws2web/crt-compat.h"
#include "ws2web/kernel32-basics.h"
#include "ws2web/kernel32-events.h"
/* ---- threads: CreateThread, TLS, CRITICAL_SECTION, Interlocked* ---- */
#include "ws2web/kernel32-threads.h"
/* ---- end threads ---- */

#ifdef __cplusplus
extern "C" {
#endif

/** Suspends the program for dwMilliseconds (a blocking call: the page keeps running). */
void WINAPI Sleep(DWORD dwMilliseconds) WS2WEB_KERNEL32(Sleep);
/** Milliseconds since the page started, wrapping every 49.7 days as on Windows. */
DWORD WINAPI GetTickCount(void) WS2WEB_KERNEL32(GetTickCount);
ULONGLONG WINAPI GetTickCount64(void) WS2WEB_KERNEL32(GetTickCount64);

#define ZeroMemory(Destination, Length) memset((Destination), 0, (Length))
#define SecureZeroMemory(Destination, Length) memset((Destination), 0, (Length))
#define CopyMemory(Destination, Source, Length) memcpy((Destination), (Source), (Length))
#define MoveMemory(Destination, Source, Length) memmove((Destination), (Source), (Length))
#define FillMemory(Destination, Length, Fill) memset((Destination), (Fill), (Length))

#ifdef __cplusplus
}
#endif

/* ---- overlapped I/O, completion ports, alertable waits; user32 windows and messages ------- */
#include "ws2web/overlapped.h"
#include "ws2web/user32.h"
/* ---- end of overlapped / user32 block ----------------------------------------------------- */

#ifndef WIN32_LEAN_AND_MEAN
#include <winsock.h>
#endif

#endif /* WS2WEB_WINDOWS_H */
