/*
 * ws2web: the kernel32 basics network programs reach for beside Winsock, for <windows.h>.
 *
 *   heap          HeapAlloc/HeapReAlloc/HeapFree on GetProcessHeap() (no HeapSize: malloc keeps no size), LocalAlloc/LocalFree,
 *                 GlobalAlloc/GlobalFree: all the C heap (malloc), so memory from FormatMessage
 *                 or getaddrinfo is freed the same way
 *   errors        GetLastError/SetLastError: the same per-program value as WSAGetLastError, as on
 *                 Windows (imports); FormatMessageA for Winsock and common system codes (import)
 *   strings       lstrlenA/lstrcpyA/lstrcpynA/lstrcatA/lstrcmpA/lstrcmpiA
 *   time          QueryPerformanceCounter/Frequency (10 MHz, the page's monotonic clock),
 *                 GetSystemTimeAsFileTime (100 ns since 1601), GetCurrentProcessId
 *   modules       LoadLibrary(Ex)A/W, GetModuleHandleA/W, GetProcAddress, FreeLibrary over ws2_32.dll
 *                 and mswsock.dll only (runtime/dll.c: no DLL files, a table of what ws2web has)
 *   SEH           __try/__except/__finally/__leave as plain blocks (see below)
 */
#ifndef WS2WEB_KERNEL32_BASICS_H
#define WS2WEB_KERNEL32_BASICS_H

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "wintypes.h"

#ifdef __cplusplus
extern "C" {
#endif

#define WS2WEB_KERNEL32(name) __asm__("__ws2web_kernel32_" #name) __attribute__((import_module("kernel32"), import_name(#name)))

#define MAX_PATH 260
#define ERROR_SUCCESS 0L
#define NO_ERROR 0L
#define ERROR_INVALID_FUNCTION 1L
#define ERROR_FILE_NOT_FOUND 2L
#define ERROR_ACCESS_DENIED 5L
#define ERROR_INVALID_HANDLE 6L
#define ERROR_NOT_ENOUGH_MEMORY 8L
#define ERROR_OUTOFMEMORY 14L
#define ERROR_INVALID_PARAMETER 87L
#define ERROR_INSUFFICIENT_BUFFER 122L
#define ERROR_MOD_NOT_FOUND 126L
#define ERROR_PROC_NOT_FOUND 127L
#define ERROR_MR_MID_NOT_FOUND 317L
#define ERROR_IO_PENDING 997L
#define ERROR_OPERATION_ABORTED 995L
#define INVALID_HANDLE_VALUE ((HANDLE)(LONG_PTR)-1)

typedef HANDLE HLOCAL;
typedef HANDLE HGLOBAL;

typedef union _LARGE_INTEGER {
    __extension__ struct { DWORD LowPart; LONG HighPart; };
    struct { DWORD LowPart; LONG HighPart; } u;
    LONGLONG QuadPart;
} LARGE_INTEGER, *PLARGE_INTEGER;

typedef union _ULARGE_INTEGER {
    __extension__ struct { DWORD LowPart; DWORD HighPart; };
    struct { DWORD LowPart; DWORD HighPart; } u;
    ULONGLONG QuadPart;
} ULARGE_INTEGER, *PULARGE_INTEGER;

typedef struct _FILETIME {
    DWORD dwLowDateTime;
    DWORD dwHighDateTime;
} FILETIME, *PFILETIME, *LPFILETIME;

/* ---- modules (runtime/dll.c) ----------------------------------------------------------------- */

/* As Windows' (): in C any function pointer is assigned from it without a cast. */
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wstrict-prototypes"
typedef INT_PTR (WINAPI *FARPROC)();
#pragma clang diagnostic pop
/**
 * ws2_32.dll and mswsock.dll, in any letter case, with or without ".dll"; others: NULL with
 * ERROR_MOD_NOT_FOUND. GetModuleHandle(NULL) is the program itself (a window class's hInstance).
 */
HMODULE WINAPI LoadLibraryA(LPCSTR lpLibFileName);
HMODULE WINAPI LoadLibraryW(LPCWSTR lpLibFileName);
HMODULE WINAPI LoadLibraryExA(LPCSTR lpLibFileName, HANDLE hFile, DWORD dwFlags);
HMODULE WINAPI LoadLibraryExW(LPCWSTR lpLibFileName, HANDLE hFile, DWORD dwFlags);
HMODULE WINAPI GetModuleHandleA(LPCSTR lpModuleName);
HMODULE WINAPI GetModuleHandleW(LPCWSTR lpModuleName);
/** A function ws2web has, by its exported name; else NULL with ERROR_PROC_NOT_FOUND (as Windows). */
FARPROC WINAPI GetProcAddress(HMODULE hModule, LPCSTR lpProcName);
BOOL WINAPI FreeLibrary(HMODULE hLibModule);
#ifdef UNICODE
#define LoadLibrary LoadLibraryW
#define LoadLibraryEx LoadLibraryExW
#define GetModuleHandle GetModuleHandleW
#else
#define LoadLibrary LoadLibraryA
#define LoadLibraryEx LoadLibraryExA
#define GetModuleHandle GetModuleHandleA
#endif

/* ---- errors ------------------------------------------------------------------------------- */

/** The thread's last error: on Windows the same value WSAGetLastError reads. */
DWORD WINAPI GetLastError(void) WS2WEB_KERNEL32(GetLastError);
void WINAPI SetLastError(DWORD dwErrCode) WS2WEB_KERNEL32(SetLastError);

#define FORMAT_MESSAGE_ALLOCATE_BUFFER 0x00000100
#define FORMAT_MESSAGE_IGNORE_INSERTS 0x00000200
#define FORMAT_MESSAGE_FROM_STRING 0x00000400
#define FORMAT_MESSAGE_FROM_HMODULE 0x00000800
#define FORMAT_MESSAGE_FROM_SYSTEM 0x00001000
#define FORMAT_MESSAGE_ARGUMENT_ARRAY 0x00002000
#define FORMAT_MESSAGE_MAX_WIDTH_MASK 0x000000FF
#define LANG_NEUTRAL 0x00
#define SUBLANG_DEFAULT 0x01
#define MAKELANGID(p, s) ((((WORD)(s)) << 10) | (WORD)(p))

/**
 * FORMAT_MESSAGE_FROM_SYSTEM only: Windows' English text for Winsock errors (10004–11004) and
 * a few common system errors, ending in "\r\n" as Windows' does. Other message ids fail with
 * ERROR_MR_MID_NOT_FOUND; other sources (FROM_STRING, FROM_HMODULE) with ERROR_INVALID_PARAMETER.
 * With FORMAT_MESSAGE_ALLOCATE_BUFFER, lpBuffer is an LPSTR* that receives a LocalAlloc'ed copy.
 */
DWORD WINAPI FormatMessageA(DWORD dwFlags, LPCVOID lpSource, DWORD dwMessageId, DWORD dwLanguageId, LPSTR lpBuffer, DWORD nSize, va_list *Arguments) WS2WEB_KERNEL32(FormatMessageA);
#define FormatMessage FormatMessageA

/* ---- heap --------------------------------------------------------------------------------- */

#define HEAP_NO_SERIALIZE 0x00000001
#define HEAP_GENERATE_EXCEPTIONS 0x00000004
#define HEAP_ZERO_MEMORY 0x00000008
#define LMEM_FIXED 0x0000
#define LMEM_ZEROINIT 0x0040
#define LPTR (LMEM_FIXED | LMEM_ZEROINIT)
#define GMEM_FIXED 0x0000
#define GMEM_ZEROINIT 0x0040
#define GPTR (GMEM_FIXED | GMEM_ZEROINIT)

/** The one heap: any non-NULL handle names it. */
static __inline HANDLE GetProcessHeap(void) { return (HANDLE)1; }
static __inline LPVOID HeapAlloc(HANDLE hHeap, DWORD dwFlags, SIZE_T dwBytes) {
    (void)hHeap;
    return (dwFlags & HEAP_ZERO_MEMORY) ? calloc(1, dwBytes ? dwBytes : 1) : malloc(dwBytes ? dwBytes : 1);
}
static __inline LPVOID HeapReAlloc(HANDLE hHeap, DWORD dwFlags, LPVOID lpMem, SIZE_T dwBytes) {
    (void)hHeap; (void)dwFlags;
    return realloc(lpMem, dwBytes ? dwBytes : 1);
}
static __inline BOOL HeapFree(HANDLE hHeap, DWORD dwFlags, LPVOID lpMem) { (void)hHeap; (void)dwFlags; free(lpMem); return TRUE; }
static __inline HLOCAL LocalAlloc(UINT uFlags, SIZE_T uBytes) { return (uFlags & LMEM_ZEROINIT) ? calloc(1, uBytes ? uBytes : 1) : malloc(uBytes ? uBytes : 1); }
static __inline HLOCAL LocalFree(HLOCAL hMem) { free(hMem); return NULL; }
static __inline HGLOBAL GlobalAlloc(UINT uFlags, SIZE_T dwBytes) { return LocalAlloc(uFlags, dwBytes); }
static __inline HGLOBAL GlobalFree(HGLOBAL hMem) { free(hMem); return NULL; }

/* ---- strings ------------------------------------------------------------------------------ */

static __inline int lstrlenA(LPCSTR s) { return s ? (int)strlen(s) : 0; }
static __inline LPSTR lstrcpyA(LPSTR d, LPCSTR s) { return strcpy(d, s); }
static __inline LPSTR lstrcpynA(LPSTR d, LPCSTR s, int n) {
    if (n <= 0) return d;
    strncpy(d, s, (size_t)n - 1);
    d[n - 1] = 0;
    return d;
}
static __inline LPSTR lstrcatA(LPSTR d, LPCSTR s) { return strcat(d, s); }
static __inline int lstrcmpA(LPCSTR a, LPCSTR b) { int r = strcmp(a, b); return r < 0 ? -1 : r > 0; }
static __inline int lstrcmpiA(LPCSTR a, LPCSTR b) { int r = strcasecmp(a, b); return r < 0 ? -1 : r > 0; }
#define lstrlen lstrlenA
#define lstrcpy lstrcpyA
#define lstrcpyn lstrcpynA
#define lstrcat lstrcatA
#define lstrcmp lstrcmpA
#define lstrcmpi lstrcmpiA

/* ---- time --------------------------------------------------------------------------------- */

/** 10 MHz, as on current Windows. */
static __inline BOOL QueryPerformanceFrequency(LARGE_INTEGER *lpFrequency) { lpFrequency->QuadPart = 10000000; return TRUE; }
static __inline BOOL QueryPerformanceCounter(LARGE_INTEGER *lpPerformanceCount) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    lpPerformanceCount->QuadPart = (LONGLONG)ts.tv_sec * 10000000 + ts.tv_nsec / 100;
    return TRUE;
}
/** 100-nanosecond intervals since 1601-01-01 UTC. */
static __inline void GetSystemTimeAsFileTime(LPFILETIME lpSystemTimeAsFileTime) {
    struct timespec ts;
    ULONGLONG t;
    clock_gettime(CLOCK_REALTIME, &ts);
    t = (ULONGLONG)ts.tv_sec * 10000000ULL + (ULONGLONG)ts.tv_nsec / 100 + 116444736000000000ULL;
    lpSystemTimeAsFileTime->dwLowDateTime = (DWORD)t;
    lpSystemTimeAsFileTime->dwHighDateTime = (DWORD)(t >> 32);
}
/** One process: a fixed id (non-zero, as Windows' are). GetCurrentThreadId: ws2web/kernel32-threads.h. */
static __inline DWORD GetCurrentProcessId(void) { return 4; }

/* ---- structured exception handling -------------------------------------------------------- */
/*
 * There are no hardware exceptions to catch in wasm (a trap ends the program), so SEH blocks
 * compile as plain blocks: the __try body runs, an __except handler is never taken (its filter
 * is not evaluated), a __finally body always runs after the __try body, and __leave jumps to the
 * end of the __try body. Limits: `return`/`goto` out of a __try skips its __finally; __leave
 * inside a loop or switch within the __try leaves that loop instead; `if (c) __try {…}
 * __finally {…}` needs braces around the whole statement.
 */
#define __try do
#define __except(filter) while (0); if (0)
#define __finally while (0);
#define __leave break
#define _try __try
#define _except __except
#define _finally __finally
#define _leave __leave
#define GetExceptionCode() ((DWORD)0)
#define GetExceptionInformation() ((void *)0)
#define EXCEPTION_EXECUTE_HANDLER 1
#define EXCEPTION_CONTINUE_SEARCH 0
#define EXCEPTION_CONTINUE_EXECUTION (-1)

#ifdef __cplusplus
}
#endif

#endif /* WS2WEB_KERNEL32_BASICS_H */
