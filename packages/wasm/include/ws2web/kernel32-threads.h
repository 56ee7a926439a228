/*
 * ws2web: threads for <windows.h> — cooperative threads on the page's one JavaScript thread
 * (see docs/porting.md, "Threads"). Each thread is a suspended WebAssembly stack (JSPI) with a
 * shadow stack of its own; a thread runs until it blocks (a Winsock call that waits, Sleep,
 * WaitForSingleObject/MultipleObjects, EnterCriticalSection on a section another thread owns,
 * SwitchToThread), then the next ready thread runs. One limit: a thread that loops without a
 * blocking call keeps every other thread (and the page) waiting.
 *
 *   CreateThread (dwStackSize 0 → 256 KiB; CREATE_SUSPENDED + ResumeThread), ExitThread,
 *   GetExitCodeThread (STILL_ACTIVE while running), GetCurrentThread (pseudo-handle),
 *   GetCurrentThreadId, GetThreadId, SwitchToThread; a thread handle is signalled when the
 *   thread ends (WaitForSingleObject) and CloseHandle releases the handle, not the thread.
 *   When main returns (or any thread calls exit), the process ends and other threads vanish,
 *   as with ExitProcess.
 *   TlsAlloc/TlsFree/TlsGetValue/TlsSetValue: per-thread values. (`__declspec(thread)` /
 *   `_Thread_local` variables are NOT per thread: wasm32 without shared memory has one copy.)
 *   CRITICAL_SECTION: Initialize(AndSpinCount/Ex), Enter (recursive; blocks while another
 *   thread owns it), TryEnter, Leave, Delete, SetCriticalSectionSpinCount.
 *   Interlocked*: inline; with cooperative threads a plain read-modify-write cannot be torn.
 */
#ifndef WS2WEB_KERNEL32_THREADS_H
#define WS2WEB_KERNEL32_THREADS_H

#include "kernel32-events.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- threads ------------------------------------------------------------------------------ */

typedef DWORD (WINAPI *PTHREAD_START_ROUTINE)(LPVOID lpThreadParameter);
typedef PTHREAD_START_ROUTINE LPTHREAD_START_ROUTINE;

#define CREATE_SUSPENDED 0x00000004
#define STACK_SIZE_PARAM_IS_A_RESERVATION 0x00010000
#define STILL_ACTIVE 259L
#define ERROR_NO_MORE_ITEMS 259L

HANDLE WINAPI CreateThread(LPSECURITY_ATTRIBUTES lpThreadAttributes, SIZE_T dwStackSize, LPTHREAD_START_ROUTINE lpStartAddress, LPVOID lpParameter, DWORD dwCreationFlags, LPDWORD lpThreadId) WS2WEB_KERNEL32(CreateThread);
/** Ends the calling thread (its handle is signalled); other threads run on. */
__attribute__((noreturn)) void WINAPI ExitThread(DWORD dwExitCode) WS2WEB_KERNEL32(ExitThread);
BOOL WINAPI GetExitCodeThread(HANDLE hThread, LPDWORD lpExitCode) WS2WEB_KERNEL32(GetExitCodeThread);
DWORD WINAPI GetCurrentThreadId(void) WS2WEB_KERNEL32(GetCurrentThreadId);
DWORD WINAPI GetThreadId(HANDLE Thread) WS2WEB_KERNEL32(GetThreadId);
DWORD WINAPI ResumeThread(HANDLE hThread) WS2WEB_KERNEL32(ResumeThread);
/** Blocking: lets every other ready thread run first; nonzero when there was one. */
BOOL WINAPI SwitchToThread(void) WS2WEB_KERNEL32(SwitchToThread);
/** The pseudo-handle (HANDLE)-2, as Windows': valid in the calling thread only, CloseHandle ignores it. */
static __inline HANDLE GetCurrentThread(void) { return (HANDLE)(LONG_PTR)-2; }

/* ---- thread-local storage ----------------------------------------------------------------- */

#define TLS_OUT_OF_INDEXES ((DWORD)0xFFFFFFFF)
#define TLS_MINIMUM_AVAILABLE 64

DWORD WINAPI TlsAlloc(void) WS2WEB_KERNEL32(TlsAlloc);
BOOL WINAPI TlsFree(DWORD dwTlsIndex) WS2WEB_KERNEL32(TlsFree);
/** The calling thread's value (NULL until set); sets the last error to ERROR_SUCCESS, as Windows. */
LPVOID WINAPI TlsGetValue(DWORD dwTlsIndex) WS2WEB_KERNEL32(TlsGetValue);
BOOL WINAPI TlsSetValue(DWORD dwTlsIndex, LPVOID lpTlsValue) WS2WEB_KERNEL32(TlsSetValue);

/* ---- critical sections -------------------------------------------------------------------- */

/** Windows' 32-bit layout (24 bytes); the glue keeps OwningThread/RecursionCount/LockCount current. */
typedef struct _RTL_CRITICAL_SECTION_DEBUG *PRTL_CRITICAL_SECTION_DEBUG;
typedef struct _RTL_CRITICAL_SECTION {
    PRTL_CRITICAL_SECTION_DEBUG DebugInfo;
    LONG LockCount;
    LONG RecursionCount;
    HANDLE OwningThread;
    HANDLE LockSemaphore;
    ULONG_PTR SpinCount;
} RTL_CRITICAL_SECTION, *PRTL_CRITICAL_SECTION;
typedef RTL_CRITICAL_SECTION CRITICAL_SECTION;
typedef PRTL_CRITICAL_SECTION PCRITICAL_SECTION;
typedef PRTL_CRITICAL_SECTION LPCRITICAL_SECTION;
WS2WEB_STATIC_ASSERT(sizeof(CRITICAL_SECTION) == 24, "CRITICAL_SECTION has Windows' 32-bit size");

void WINAPI InitializeCriticalSection(LPCRITICAL_SECTION lpCriticalSection) WS2WEB_KERNEL32(InitializeCriticalSection);
BOOL WINAPI InitializeCriticalSectionAndSpinCount(LPCRITICAL_SECTION lpCriticalSection, DWORD dwSpinCount) WS2WEB_KERNEL32(InitializeCriticalSectionAndSpinCount);
BOOL WINAPI InitializeCriticalSectionEx(LPCRITICAL_SECTION lpCriticalSection, DWORD dwSpinCount, DWORD Flags) WS2WEB_KERNEL32(InitializeCriticalSectionEx);
DWORD WINAPI SetCriticalSectionSpinCount(LPCRITICAL_SECTION lpCriticalSection, DWORD dwSpinCount) WS2WEB_KERNEL32(SetCriticalSectionSpinCount);
/** Blocking while another thread owns the section; recursive for the owner. */
void WINAPI EnterCriticalSection(LPCRITICAL_SECTION lpCriticalSection) WS2WEB_KERNEL32(EnterCriticalSection);
BOOL WINAPI TryEnterCriticalSection(LPCRITICAL_SECTION lpCriticalSection) WS2WEB_KERNEL32(TryEnterCriticalSection);
void WINAPI LeaveCriticalSection(LPCRITICAL_SECTION lpCriticalSection) WS2WEB_KERNEL32(LeaveCriticalSection);
void WINAPI DeleteCriticalSection(LPCRITICAL_SECTION lpCriticalSection) WS2WEB_KERNEL32(DeleteCriticalSection);

/* ---- interlocked ---------------------------------------------------------------------------- */
/* No thread can run between the read and the write (threads switch only in blocking calls), so
 * these are plain C. Return values are Windows': Increment/Decrement the new value, Exchange,
 * ExchangeAdd, CompareExchange, And/Or/Xor the old one. */

static __inline LONG InterlockedIncrement(LONG volatile *Addend) { LONG v = *Addend + 1; *Addend = v; return v; }
static __inline LONG InterlockedDecrement(LONG volatile *Addend) { LONG v = *Addend - 1; *Addend = v; return v; }
static __inline LONG InterlockedExchange(LONG volatile *Target, LONG Value) { LONG old = *Target; *Target = Value; return old; }
static __inline LONG InterlockedExchangeAdd(LONG volatile *Addend, LONG Value) { LONG old = *Addend; *Addend = old + Value; return old; }
static __inline LONG InterlockedCompareExchange(LONG volatile *Destination, LONG Exchange, LONG Comparand) {
    LONG old = *Destination;
    if (old == Comparand) *Destination = Exchange;
    return old;
}
static __inline LONG InterlockedAnd(LONG volatile *Destination, LONG Value) { LONG old = *Destination; *Destination = old & Value; return old; }
static __inline LONG InterlockedOr(LONG volatile *Destination, LONG Value) { LONG old = *Destination; *Destination = old | Value; return old; }
static __inline LONG InterlockedXor(LONG volatile *Destination, LONG Value) { LONG old = *Destination; *Destination = old ^ Value; return old; }
static __inline LONGLONG InterlockedIncrement64(LONGLONG volatile *Addend) { LONGLONG v = *Addend + 1; *Addend = v; return v; }
static __inline LONGLONG InterlockedDecrement64(LONGLONG volatile *Addend) { LONGLONG v = *Addend - 1; *Addend = v; return v; }
static __inline LONGLONG InterlockedExchange64(LONGLONG volatile *Target, LONGLONG Value) { LONGLONG old = *Target; *Target = Value; return old; }
static __inline LONGLONG InterlockedExchangeAdd64(LONGLONG volatile *Addend, LONGLONG Value) { LONGLONG old = *Addend; *Addend = old + Value; return old; }
static __inline LONGLONG InterlockedCompareExchange64(LONGLONG volatile *Destination, LONGLONG Exchange, LONGLONG Comparand) {
    LONGLONG old = *Destination;
    if (old == Comparand) *Destination = Exchange;
    return old;
}
static __inline LONGLONG InterlockedAnd64(LONGLONG volatile *Destination, LONGLONG Value) { LONGLONG old = *Destination; *Destination = old & Value; return old; }
static __inline LONGLONG InterlockedOr64(LONGLONG volatile *Destination, LONGLONG Value) { LONGLONG old = *Destination; *Destination = old | Value; return old; }
static __inline LONGLONG InterlockedXor64(LONGLONG volatile *Destination, LONGLONG Value) { LONGLONG old = *Destination; *Destination = old ^ Value; return old; }
static __inline PVOID InterlockedExchangePointer(PVOID volatile *Target, PVOID Value) { PVOID old = *Target; *Target = Value; return old; }
static __inline PVOID InterlockedCompareExchangePointer(PVOID volatile *Destination, PVOID Exchange, PVOID Comparand) {
    PVOID old = *Destination;
    if (old == Comparand) *Destination = Exchange;
    return old;
}
/* MSVC's intrinsic spellings. */
#define _InterlockedIncrement InterlockedIncrement
#define _InterlockedDecrement InterlockedDecrement
#define _InterlockedExchange InterlockedExchange
#define _InterlockedExchangeAdd InterlockedExchangeAdd
#define _InterlockedCompareExchange InterlockedCompareExchange
#define _InterlockedAnd InterlockedAnd
#define _InterlockedOr InterlockedOr
#define _InterlockedXor InterlockedXor
#define _InterlockedIncrement64 InterlockedIncrement64
#define _InterlockedDecrement64 InterlockedDecrement64
#define _InterlockedExchange64 InterlockedExchange64
#define _InterlockedExchangeAdd64 InterlockedExchangeAdd64
#define _InterlockedCompareExchange64 InterlockedCompareExchange64
#define MemoryBarrier() ((void)0)
#define YieldProcessor() ((void)0)

#ifdef __cplusplus
}
#endif

#endif /* WS2WEB_KERNEL32_THREADS_H */
