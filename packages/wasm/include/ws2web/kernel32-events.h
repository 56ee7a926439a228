/*
 * ws2web: kernel32 event objects and waits for <windows.h>, over the same event objects as
 * WSACreateEvent, so a CreateEvent handle works with WSAEventSelect and WSAWaitForMultipleEvents
 * and a WSAEVENT with WaitForSingleObject, as on Windows. One thread: a wait blocks the program
 * (the page keeps running) until a network event, a timeout, or an event the program set itself.
 *
 *   CreateEventA/W   manual- or auto-reset, initially set or not; the name is ignored (one
 *                    process: a named event is simply a new event)
 *   SetEvent, ResetEvent, CloseHandle (event handles)
 *   WaitForSingleObject(Ex), WaitForMultipleObjects(Ex)   WAIT_OBJECT_0 + i, WAIT_TIMEOUT,
 *                    WAIT_FAILED; an auto-reset event is reset by the wait it satisfies.
 *                    The Ex forms (alertable: completion routines run) are in ws2web/overlapped.h.
 */
#ifndef WS2WEB_KERNEL32_EVENTS_H
#define WS2WEB_KERNEL32_EVENTS_H

#include "kernel32-basics.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct _SECURITY_ATTRIBUTES {
    DWORD nLength;
    LPVOID lpSecurityDescriptor;
    BOOL bInheritHandle;
} SECURITY_ATTRIBUTES, *PSECURITY_ATTRIBUTES, *LPSECURITY_ATTRIBUTES;

#define WAIT_OBJECT_0 0x00000000L
#define WAIT_ABANDONED 0x00000080L
#define WAIT_ABANDONED_0 0x00000080L
#define WAIT_IO_COMPLETION 0x000000C0L
#define WAIT_TIMEOUT 258L
#define WAIT_FAILED ((DWORD)0xFFFFFFFF)
#define MAXIMUM_WAIT_OBJECTS 64

HANDLE WINAPI CreateEventA(LPSECURITY_ATTRIBUTES lpEventAttributes, BOOL bManualReset, BOOL bInitialState, LPCSTR lpName) WS2WEB_KERNEL32(CreateEventA);
HANDLE WINAPI CreateEventW(LPSECURITY_ATTRIBUTES lpEventAttributes, BOOL bManualReset, BOOL bInitialState, LPCWSTR lpName) WS2WEB_KERNEL32(CreateEventW);
#define CreateEvent CreateEventA
BOOL WINAPI SetEvent(HANDLE hEvent) WS2WEB_KERNEL32(SetEvent);
BOOL WINAPI ResetEvent(HANDLE hEvent) WS2WEB_KERNEL32(ResetEvent);
BOOL WINAPI CloseHandle(HANDLE hObject) WS2WEB_KERNEL32(CloseHandle);
/** Blocking (up to dwMilliseconds; INFINITE waits forever). */
DWORD WINAPI WaitForSingleObject(HANDLE hHandle, DWORD dwMilliseconds) WS2WEB_KERNEL32(WaitForSingleObject);
/** Blocking. */
DWORD WINAPI WaitForMultipleObjects(DWORD nCount, const HANDLE *lpHandles, BOOL bWaitAll, DWORD dwMilliseconds) WS2WEB_KERNEL32(WaitForMultipleObjects);
/* WaitForSingleObjectEx / WaitForMultipleObjectsEx (alertable): ws2web/overlapped.h. */

#ifdef __cplusplus
}
#endif

#endif /* WS2WEB_KERNEL32_EVENTS_H */
