/*
 * ws2web: overlapped I/O and I/O completion ports for <windows.h> (minwinbase.h, ioapiset.h,
 * synchapi.h parts), and alertable waits that run completion routines.
 *
 *   CreateIoCompletionPort   a new port (FileHandle INVALID_HANDLE_VALUE), or a socket associated
 *                            with a port and a completion key (once per socket)
 *   GetQueuedCompletionStatus(Ex)   blocking up to dwMilliseconds; packets first in, first out;
 *                            FALSE + WAIT_TIMEOUT with *lpOverlapped NULL when nothing came;
 *                            FALSE with *lpOverlapped set and the I/O's error for a failed
 *                            operation (ERROR_NETNAME_DELETED for a reset, ERROR_CONNECTION_REFUSED,
 *                            ERROR_OPERATION_ABORTED); closing the port ends waits with
 *                            ERROR_ABANDONED_WAIT_0
 *   PostQueuedCompletionStatus   any packet, queued behind the others
 *   GetOverlappedResult      as WSAGetOverlappedResult, with Win32 errors
 *   CancelIo, CancelIoEx     pending operations on a socket complete with ERROR_OPERATION_ABORTED
 *                            (a cancelled receive may still take the bytes that arrive next:
 *                            close the socket rather than receive on it again)
 *   SleepEx, WaitForSingleObjectEx, WaitForMultipleObjectsEx and WSAWaitForMultipleEvents with
 *                            bAlertable TRUE run the completion routines of finished WSARecv/WSASend…
 *                            calls and return WAIT_IO_COMPLETION (WaitForMultipleObjectsEx with
 *                            bWaitAll TRUE does not: it waits as a plain wait)
 *
 * Completion routines are called by the C code below, never from JavaScript: an alertable wait
 * also waits on an internal event that is set while completion routines are queued, then runs
 * them all, oldest first, as Windows runs a thread's APCs.
 */
#ifndef WS2WEB_OVERLAPPED_H
#define WS2WEB_OVERLAPPED_H

#include "kernel32-events.h"

/* Included by <windows.h> after its Sleep declaration (SleepEx below calls it). */

#ifdef __cplusplus
extern "C" {
#endif

#define ERROR_NETNAME_DELETED 64L
#define ERROR_SEM_TIMEOUT 121L
#define ERROR_MORE_DATA 234L
#define ERROR_ABANDONED_WAIT_0 735L
#define ERROR_IO_INCOMPLETE 996L
#define ERROR_NOT_FOUND 1168L
#define ERROR_CONNECTION_REFUSED 1225L
#define ERROR_CONNECTION_INVALID 1229L
#define ERROR_NETWORK_UNREACHABLE 1231L
#define ERROR_HOST_UNREACHABLE 1232L
#define ERROR_CONNECTION_ABORTED 1236L
#define STATUS_WAIT_0 ((DWORD)0x00000000L)
#define STATUS_USER_APC ((DWORD)0x000000C0L)
#define STATUS_CANCELLED ((DWORD)0xC0000120L)

/** Internal is STATUS_PENDING (259) until the operation completes. */
#define HasOverlappedIoCompleted(lpOverlapped) (((DWORD)(lpOverlapped)->Internal) != 0x103)

typedef struct _OVERLAPPED_ENTRY {
    ULONG_PTR lpCompletionKey;
    LPOVERLAPPED lpOverlapped;
    ULONG_PTR Internal;
    DWORD dwNumberOfBytesTransferred;
} OVERLAPPED_ENTRY, *LPOVERLAPPED_ENTRY;
WS2WEB_STATIC_ASSERT(sizeof(OVERLAPPED_ENTRY) == 16, "OVERLAPPED_ENTRY layout");

HANDLE WINAPI CreateIoCompletionPort(HANDLE FileHandle, HANDLE ExistingCompletionPort, ULONG_PTR CompletionKey, DWORD NumberOfConcurrentThreads) WS2WEB_KERNEL32(CreateIoCompletionPort);
/** Blocking (up to dwMilliseconds; INFINITE waits forever). */
BOOL WINAPI GetQueuedCompletionStatus(HANDLE CompletionPort, LPDWORD lpNumberOfBytesTransferred, PULONG_PTR lpCompletionKey, LPOVERLAPPED *lpOverlapped, DWORD dwMilliseconds) WS2WEB_KERNEL32(GetQueuedCompletionStatus);
/** Blocking while no packet is queued; then up to ulCount at once. */
BOOL WINAPI GetQueuedCompletionStatusEx(HANDLE CompletionPort, LPOVERLAPPED_ENTRY lpCompletionPortEntries, ULONG ulCount, PULONG ulNumEntriesRemoved, DWORD dwMilliseconds, BOOL fAlertable) WS2WEB_KERNEL32(GetQueuedCompletionStatusEx);
BOOL WINAPI PostQueuedCompletionStatus(HANDLE CompletionPort, DWORD dwNumberOfBytesTransferred, ULONG_PTR dwCompletionKey, LPOVERLAPPED lpOverlapped) WS2WEB_KERNEL32(PostQueuedCompletionStatus);
/** Blocking when bWait and the operation is still pending. */
BOOL WINAPI GetOverlappedResult(HANDLE hFile, LPOVERLAPPED lpOverlapped, LPDWORD lpNumberOfBytesTransferred, BOOL bWait) WS2WEB_KERNEL32(GetOverlappedResult);
BOOL WINAPI CancelIo(HANDLE hFile) WS2WEB_KERNEL32(CancelIo);
BOOL WINAPI CancelIoEx(HANDLE hFile, LPOVERLAPPED lpOverlapped) WS2WEB_KERNEL32(CancelIoEx);

/* ---- alertable waits ---------------------------------------------------------------------- */

/** One queued completion routine call, as ws2web_next_apc hands it over. */
typedef struct {
    void (*routine)(DWORD dwError, DWORD cbTransferred, LPOVERLAPPED lpOverlapped, DWORD dwFlags);
    DWORD dwError;
    DWORD cbTransferred;
    LPOVERLAPPED lpOverlapped;
    DWORD dwFlags;
} WS2WEB_APC;
WS2WEB_STATIC_ASSERT(sizeof(WS2WEB_APC) == 20, "WS2WEB_APC layout");

BOOL WINAPI ws2web_next_apc(WS2WEB_APC *apc) WS2WEB_KERNEL32(ws2web_next_apc);
HANDLE WINAPI ws2web_apc_event(void) WS2WEB_KERNEL32(ws2web_apc_event);

/** Runs every queued completion routine, oldest first (routines may queue more I/O). */
static __inline DWORD ws2web_run_apcs(void) {
    WS2WEB_APC apc;
    while (ws2web_next_apc(&apc)) apc.routine(apc.dwError, apc.cbTransferred, apc.lpOverlapped, apc.dwFlags);
    return WAIT_IO_COMPLETION;
}

/** Waits on the handles plus the APC event; the handles win when both are ready. */
static __inline DWORD ws2web_alertable_wait(DWORD nCount, const HANDLE *lpHandles, DWORD dwMilliseconds) {
    HANDLE list[MAXIMUM_WAIT_OBJECTS + 1];
    DWORD i, rc;
    if (nCount > MAXIMUM_WAIT_OBJECTS || (nCount > 0 && lpHandles == NULL)) return WaitForMultipleObjects(nCount, lpHandles, FALSE, dwMilliseconds);
    for (i = 0; i < nCount; i++) list[i] = lpHandles[i];
    list[nCount] = ws2web_apc_event();
    rc = WaitForMultipleObjects(nCount + 1, list, FALSE, dwMilliseconds);
    return rc == WAIT_OBJECT_0 + nCount ? ws2web_run_apcs() : rc;
}

static __inline DWORD SleepEx(DWORD dwMilliseconds, BOOL bAlertable) {
    if (!bAlertable) {
        Sleep(dwMilliseconds);
        return 0;
    }
    return ws2web_alertable_wait(0, NULL, dwMilliseconds) == WAIT_IO_COMPLETION ? WAIT_IO_COMPLETION : 0;
}
static __inline DWORD WaitForSingleObjectEx(HANDLE hHandle, DWORD dwMilliseconds, BOOL bAlertable) {
    return bAlertable ? ws2web_alertable_wait(1, &hHandle, dwMilliseconds) : WaitForSingleObject(hHandle, dwMilliseconds);
}
static __inline DWORD WaitForMultipleObjectsEx(DWORD nCount, const HANDLE *lpHandles, BOOL bWaitAll, DWORD dwMilliseconds, BOOL bAlertable) {
    return bAlertable && !bWaitAll ? ws2web_alertable_wait(nCount, lpHandles, dwMilliseconds) : WaitForMultipleObjects(nCount, lpHandles, bWaitAll, dwMilliseconds);
}

#ifdef __cplusplus
}
#endif

#endif /* WS2WEB_OVERLAPPED_H */
