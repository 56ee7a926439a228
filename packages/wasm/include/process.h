/*
 * ws2web: <process.h>, the MSVC CRT's thread starters, over CreateThread (ws2web/kernel32-threads.h;
 * cooperative threads, see docs/porting.md "Threads").
 *
 *   _beginthreadex  returns the thread HANDLE as uintptr_t (0 on failure); close it with CloseHandle
 *   _endthreadex    ExitThread
 *   _beginthread    returns (uintptr_t)-1 on failure; its handle is not the caller's to use or close
 *   _endthread      ExitThread(0)
 */
#ifndef WS2WEB_PROCESS_H
#define WS2WEB_PROCESS_H

#include "ws2web/kernel32-threads.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef unsigned (__stdcall *_beginthreadex_proc_type)(void *);
typedef void (__cdecl *_beginthread_proc_type)(void *);

static __inline uintptr_t _beginthreadex(void *_Security, unsigned _StackSize, _beginthreadex_proc_type _StartAddress, void *_ArgList, unsigned _InitFlag, unsigned *_ThrdAddr) {
    /* unsigned(void *) and DWORD(LPVOID) are the same wasm function type: (i32) -> i32. */
    return (uintptr_t)CreateThread((LPSECURITY_ATTRIBUTES)_Security, _StackSize, (LPTHREAD_START_ROUTINE)(void *)_StartAddress, _ArgList, _InitFlag, (LPDWORD)(void *)_ThrdAddr);
}
static __inline __attribute__((noreturn)) void _endthreadex(unsigned _ReturnCode) { ExitThread(_ReturnCode); }
static __inline uintptr_t _beginthread(_beginthread_proc_type _StartAddress, unsigned _StackSize, void *_ArgList) {
    /* The glue calls the start routine itself, so a void(void *) one is fine (exit code 0). */
    HANDLE h = CreateThread(NULL, _StackSize, (LPTHREAD_START_ROUTINE)(void *)_StartAddress, _ArgList, 0, NULL);
    if (h == NULL) return (uintptr_t)-1;
    CloseHandle(h);
    return (uintptr_t)h;
}
static __inline __attribute__((noreturn)) void _endthread(void) { ExitThread(0); }

#ifdef __cplusplus
}
#endif

#endif /* WS2WEB_PROCESS_H */
