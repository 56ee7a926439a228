/*
 * ws2web: the user32 subset that drives sockets through window messages (winuser.h parts), for
 * <windows.h>. Windows are never drawn: they exist to own a window procedure and receive messages.
 *
 *   RegisterClass(Ex)A/W, UnregisterClassA/W   class names compare case-insensitively
 *   CreateWindow(Ex)A/W   message-only (hWndParent = HWND_MESSAGE) or hidden top-level windows;
 *                         sends WM_NCCREATE and WM_CREATE (-1 from WM_CREATE fails the call)
 *   DestroyWindow         sends WM_DESTROY and WM_NCDESTROY; the window's queued messages and
 *                         timers go with it
 *   GetMessageA/W         blocking while the queue has nothing for the filter; 0 for WM_QUIT
 *   PeekMessageA/W        PM_REMOVE / PM_NOREMOVE; never waits, but lets the page run once when
 *                         the queue is empty
 *   PostMessage, PostThreadMessage, PostQuitMessage, SendMessage (calls the procedure directly:
 *                         one thread), DispatchMessage, TranslateMessage (no keyboard: FALSE),
 *                         DefWindowProc (WM_CLOSE destroys the window; the rest returns 0)
 *   SetTimer, KillTimer   WM_TIMER when the queue holds nothing else, one per elapsed timer; a
 *                         TIMERPROC is called by DispatchMessage
 *   WSAAsyncSelect        (winsock2.h) posts (wMsg, socket, WSAMAKESELECTREPLY(event, error))
 *
 * Order, as Windows: posted messages first in, first out; WM_QUIT once none is left; then
 * WM_TIMER.
 */
#ifndef WS2WEB_USER32_H
#define WS2WEB_USER32_H

#include "kernel32-basics.h"

#ifdef __cplusplus
extern "C" {
#endif

#define WS2WEB_USER32(name) __asm__("__ws2web_user32_" #name) __attribute__((import_module("user32"), import_name(#name)))

typedef WORD ATOM;
typedef HANDLE HICON;
typedef HANDLE HCURSOR;
typedef HANDLE HBRUSH;
typedef HANDLE HMENU;
typedef UINT_PTR WS2WEB_TIMER_ID;
typedef LRESULT (CALLBACK *WNDPROC)(HWND, UINT, WPARAM, LPARAM);
typedef void (CALLBACK *TIMERPROC)(HWND, UINT, UINT_PTR, DWORD);

typedef struct tagPOINT {
    LONG x;
    LONG y;
} POINT, *PPOINT, *LPPOINT;

typedef struct tagMSG {
    HWND hwnd;
    UINT message;
    WPARAM wParam;
    LPARAM lParam;
    DWORD time;
    POINT pt;
} MSG, *PMSG, *LPMSG;

typedef struct tagWNDCLASSA {
    UINT style;
    WNDPROC lpfnWndProc;
    int cbClsExtra;
    int cbWndExtra;
    HINSTANCE hInstance;
    HICON hIcon;
    HCURSOR hCursor;
    HBRUSH hbrBackground;
    LPCSTR lpszMenuName;
    LPCSTR lpszClassName;
} WNDCLASSA, *PWNDCLASSA, *LPWNDCLASSA;
typedef struct tagWNDCLASSW {
    UINT style;
    WNDPROC lpfnWndProc;
    int cbClsExtra;
    int cbWndExtra;
    HINSTANCE hInstance;
    HICON hIcon;
    HCURSOR hCursor;
    HBRUSH hbrBackground;
    LPCWSTR lpszMenuName;
    LPCWSTR lpszClassName;
} WNDCLASSW, *PWNDCLASSW, *LPWNDCLASSW;
typedef struct tagWNDCLASSEXA {
    UINT cbSize;
    UINT style;
    WNDPROC lpfnWndProc;
    int cbClsExtra;
    int cbWndExtra;
    HINSTANCE hInstance;
    HICON hIcon;
    HCURSOR hCursor;
    HBRUSH hbrBackground;
    LPCSTR lpszMenuName;
    LPCSTR lpszClassName;
    HICON hIconSm;
} WNDCLASSEXA, *PWNDCLASSEXA, *LPWNDCLASSEXA;
typedef struct tagWNDCLASSEXW {
    UINT cbSize;
    UINT style;
    WNDPROC lpfnWndProc;
    int cbClsExtra;
    int cbWndExtra;
    HINSTANCE hInstance;
    HICON hIcon;
    HCURSOR hCursor;
    HBRUSH hbrBackground;
    LPCWSTR lpszMenuName;
    LPCWSTR lpszClassName;
    HICON hIconSm;
} WNDCLASSEXW, *PWNDCLASSEXW, *LPWNDCLASSEXW;

typedef struct tagCREATESTRUCTA {
    LPVOID lpCreateParams;
    HINSTANCE hInstance;
    HMENU hMenu;
    HWND hwndParent;
    int cy;
    int cx;
    int y;
    int x;
    LONG style;
    LPCSTR lpszName;
    LPCSTR lpszClass;
    DWORD dwExStyle;
} CREATESTRUCTA, *LPCREATESTRUCTA;
typedef struct tagCREATESTRUCTW {
    LPVOID lpCreateParams;
    HINSTANCE hInstance;
    HMENU hMenu;
    HWND hwndParent;
    int cy;
    int cx;
    int y;
    int x;
    LONG style;
    LPCWSTR lpszName;
    LPCWSTR lpszClass;
    DWORD dwExStyle;
} CREATESTRUCTW, *LPCREATESTRUCTW;

/* The glue reads these at fixed offsets. */
WS2WEB_STATIC_ASSERT(sizeof(MSG) == 28 && sizeof(WNDCLASSA) == 40 && sizeof(WNDCLASSEXA) == 48 && sizeof(WNDCLASSEXW) == 48, "user32 layouts");

#define HWND_MESSAGE ((HWND)(LONG_PTR)-3)
#define HWND_DESKTOP ((HWND)0)
#define CW_USEDEFAULT ((int)0x80000000)
#define WS_OVERLAPPED 0x00000000L
#define WS_POPUP 0x80000000L
#define WS_CHILD 0x40000000L
#define WS_VISIBLE 0x10000000L
#define WS_CAPTION 0x00C00000L
#define WS_SYSMENU 0x00080000L
#define WS_THICKFRAME 0x00040000L
#define WS_MINIMIZEBOX 0x00020000L
#define WS_MAXIMIZEBOX 0x00010000L
#define WS_OVERLAPPEDWINDOW (WS_OVERLAPPED | WS_CAPTION | WS_SYSMENU | WS_THICKFRAME | WS_MINIMIZEBOX | WS_MAXIMIZEBOX)
#define CS_VREDRAW 0x0001
#define CS_HREDRAW 0x0002
#define SW_HIDE 0
#define SW_SHOWNORMAL 1
#define SW_SHOW 5
#define PM_NOREMOVE 0x0000
#define PM_REMOVE 0x0001
#define PM_NOYIELD 0x0002
#define MAKEINTATOM(i) ((LPSTR)((ULONG_PTR)((WORD)(i))))

#define WM_NULL 0x0000
#define WM_CREATE 0x0001
#define WM_DESTROY 0x0002
#define WM_CLOSE 0x0010
#define WM_QUIT 0x0012
#define WM_NCCREATE 0x0081
#define WM_NCDESTROY 0x0082
#define WM_TIMER 0x0113
#define WM_USER 0x0400
#define WM_APP 0x8000

ATOM WINAPI RegisterClassA(const WNDCLASSA *lpWndClass) WS2WEB_USER32(RegisterClassA);
ATOM WINAPI RegisterClassW(const WNDCLASSW *lpWndClass) WS2WEB_USER32(RegisterClassW);
ATOM WINAPI RegisterClassExA(const WNDCLASSEXA *lpWndClass) WS2WEB_USER32(RegisterClassExA);
ATOM WINAPI RegisterClassExW(const WNDCLASSEXW *lpWndClass) WS2WEB_USER32(RegisterClassExW);
BOOL WINAPI UnregisterClassA(LPCSTR lpClassName, HINSTANCE hInstance) WS2WEB_USER32(UnregisterClassA);
BOOL WINAPI UnregisterClassW(LPCWSTR lpClassName, HINSTANCE hInstance) WS2WEB_USER32(UnregisterClassW);
BOOL WINAPI IsWindow(HWND hWnd) WS2WEB_USER32(IsWindow);
/** Blocking while the queue holds nothing the filter accepts. */
BOOL WINAPI GetMessageA(LPMSG lpMsg, HWND hWnd, UINT wMsgFilterMin, UINT wMsgFilterMax) WS2WEB_USER32(GetMessageA);
BOOL WINAPI GetMessageW(LPMSG lpMsg, HWND hWnd, UINT wMsgFilterMin, UINT wMsgFilterMax) WS2WEB_USER32(GetMessageW);
BOOL WINAPI PeekMessageA(LPMSG lpMsg, HWND hWnd, UINT wMsgFilterMin, UINT wMsgFilterMax, UINT wRemoveMsg) WS2WEB_USER32(PeekMessageA);
BOOL WINAPI PeekMessageW(LPMSG lpMsg, HWND hWnd, UINT wMsgFilterMin, UINT wMsgFilterMax, UINT wRemoveMsg) WS2WEB_USER32(PeekMessageW);
BOOL WINAPI PostMessageA(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam) WS2WEB_USER32(PostMessageA);
BOOL WINAPI PostMessageW(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam) WS2WEB_USER32(PostMessageW);
BOOL WINAPI PostThreadMessageA(DWORD idThread, UINT Msg, WPARAM wParam, LPARAM lParam) WS2WEB_USER32(PostThreadMessageA);
BOOL WINAPI PostThreadMessageW(DWORD idThread, UINT Msg, WPARAM wParam, LPARAM lParam) WS2WEB_USER32(PostThreadMessageW);
void WINAPI PostQuitMessage(int nExitCode) WS2WEB_USER32(PostQuitMessage);
UINT_PTR WINAPI SetTimer(HWND hWnd, UINT_PTR nIDEvent, UINT uElapse, TIMERPROC lpTimerFunc) WS2WEB_USER32(SetTimer);
BOOL WINAPI KillTimer(HWND hWnd, UINT_PTR uIDEvent) WS2WEB_USER32(KillTimer);

/* The parts that call window procedures are C: only C calls C function pointers. */
WNDPROC WINAPI ws2web_window_proc(HWND hWnd) WS2WEB_USER32(ws2web_window_proc);
HWND WINAPI ws2web_CreateWindowExA(DWORD dwExStyle, LPCSTR lpClassName, LPCSTR lpWindowName, DWORD dwStyle, int X, int Y, int nWidth, int nHeight, HWND hWndParent, HMENU hMenu, HINSTANCE hInstance, LPVOID lpParam) WS2WEB_USER32(CreateWindowExA);
HWND WINAPI ws2web_CreateWindowExW(DWORD dwExStyle, LPCWSTR lpClassName, LPCWSTR lpWindowName, DWORD dwStyle, int X, int Y, int nWidth, int nHeight, HWND hWndParent, HMENU hMenu, HINSTANCE hInstance, LPVOID lpParam) WS2WEB_USER32(CreateWindowExW);
BOOL WINAPI ws2web_DestroyWindow(HWND hWnd) WS2WEB_USER32(DestroyWindow);

static __inline LRESULT SendMessageA(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam) {
    WNDPROC proc = ws2web_window_proc(hWnd);
    return proc ? proc(hWnd, Msg, wParam, lParam) : 0;
}
#define SendMessageW SendMessageA

static __inline BOOL DestroyWindow(HWND hWnd) {
    WNDPROC proc = ws2web_window_proc(hWnd);
    if (!proc) return ws2web_DestroyWindow(hWnd); /* fails with ERROR_INVALID_WINDOW_HANDLE */
    proc(hWnd, WM_DESTROY, 0, 0);
    proc(hWnd, WM_NCDESTROY, 0, 0);
    return ws2web_DestroyWindow(hWnd);
}

static __inline LRESULT DefWindowProcA(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam) {
    (void)wParam;
    (void)lParam;
    switch (Msg) {
    case WM_NCCREATE: return TRUE;
    case WM_CLOSE: DestroyWindow(hWnd); return 0;
    default: return 0;
    }
}
#define DefWindowProcW DefWindowProcA

/** Sends WM_NCCREATE then WM_CREATE, as Windows does before CreateWindowEx returns. */
static __inline HWND ws2web_created(HWND hwnd, LPVOID cs) {
    WNDPROC proc = hwnd ? ws2web_window_proc(hwnd) : 0;
    if (!proc) return hwnd;
    if (!proc(hwnd, WM_NCCREATE, 0, (LPARAM)cs) || proc(hwnd, WM_CREATE, 0, (LPARAM)cs) == -1) {
        DestroyWindow(hwnd);
        return NULL;
    }
    return hwnd;
}

static __inline HWND CreateWindowExA(DWORD dwExStyle, LPCSTR lpClassName, LPCSTR lpWindowName, DWORD dwStyle, int X, int Y, int nWidth, int nHeight, HWND hWndParent, HMENU hMenu, HINSTANCE hInstance, LPVOID lpParam) {
    CREATESTRUCTA cs = { lpParam, hInstance, hMenu, hWndParent, nHeight, nWidth, Y, X, (LONG)dwStyle, lpWindowName, lpClassName, dwExStyle };
    return ws2web_created(ws2web_CreateWindowExA(dwExStyle, lpClassName, lpWindowName, dwStyle, X, Y, nWidth, nHeight, hWndParent, hMenu, hInstance, lpParam), &cs);
}
static __inline HWND CreateWindowExW(DWORD dwExStyle, LPCWSTR lpClassName, LPCWSTR lpWindowName, DWORD dwStyle, int X, int Y, int nWidth, int nHeight, HWND hWndParent, HMENU hMenu, HINSTANCE hInstance, LPVOID lpParam) {
    CREATESTRUCTW cs = { lpParam, hInstance, hMenu, hWndParent, nHeight, nWidth, Y, X, (LONG)dwStyle, lpWindowName, lpClassName, dwExStyle };
    return ws2web_created(ws2web_CreateWindowExW(dwExStyle, lpClassName, lpWindowName, dwStyle, X, Y, nWidth, nHeight, hWndParent, hMenu, hInstance, lpParam), &cs);
}
#define CreateWindowA(c, n, s, x, y, w, h, p, m, i, l) CreateWindowExA(0L, c, n, s, x, y, w, h, p, m, i, l)
#define CreateWindowW(c, n, s, x, y, w, h, p, m, i, l) CreateWindowExW(0L, c, n, s, x, y, w, h, p, m, i, l)

/** Calls the message's window procedure (or the TIMERPROC of a WM_TIMER that has one). */
static __inline LRESULT DispatchMessageA(const MSG *lpMsg) {
    WNDPROC proc;
    if (lpMsg->message == WM_TIMER && lpMsg->lParam != 0) {
        ((TIMERPROC)lpMsg->lParam)(lpMsg->hwnd, WM_TIMER, lpMsg->wParam, lpMsg->time);
        return 0;
    }
    proc = lpMsg->hwnd ? ws2web_window_proc(lpMsg->hwnd) : 0;
    return proc ? proc(lpMsg->hwnd, lpMsg->message, lpMsg->wParam, lpMsg->lParam) : 0;
}
#define DispatchMessageW DispatchMessageA
/** No keyboard: nothing to translate. */
static __inline BOOL TranslateMessage(const MSG *lpMsg) { (void)lpMsg; return FALSE; }
/** Nothing is drawn: the previous visibility (FALSE: hidden) and success. */
static __inline BOOL ShowWindow(HWND hWnd, int nCmdShow) { (void)hWnd; (void)nCmdShow; return FALSE; }
static __inline BOOL UpdateWindow(HWND hWnd) { (void)hWnd; return TRUE; }

/* ANSI builds only (as tchar.h): the plain names are the A functions. */
#define RegisterClass RegisterClassA
#define RegisterClassEx RegisterClassExA
#define UnregisterClass UnregisterClassA
#define CreateWindowEx CreateWindowExA
#define CreateWindow CreateWindowA
#define GetMessage GetMessageA
#define PeekMessage PeekMessageA
#define PostMessage PostMessageA
#define PostThreadMessage PostThreadMessageA
#define SendMessage SendMessageA
#define DispatchMessage DispatchMessageA
#define DefWindowProc DefWindowProcA
#define WNDCLASS WNDCLASSA
#define WNDCLASSEX WNDCLASSEXA

#ifdef __cplusplus
}
#endif

#endif /* WS2WEB_USER32_H */
