/*
 * ws2web: the WSAAsyncGet*By* lookups for <winsock2.h> / <winsock.h>: WSAAsyncGetHostByName,
 * WSAAsyncGetHostByAddr, WSAAsyncGetServByName, WSAAsyncGetServByPort, WSAAsyncGetProtoByName,
 * WSAAsyncGetProtoByNumber and WSACancelAsyncRequest. Each returns a task handle at once (NULL
 * and WSAGetLastError on failure) and later posts (wMsg, handle, WSAMAKEASYNCREPLY(buflen,
 * error)) to hWnd's message queue (ws2web/user32.h); on success the entry is in buf, its
 * pointers pointing inside buf (MAXGETHOSTSTRUCT bytes hold any one entry). A buflen too small
 * gives WSAENOBUFS with the size needed. A cancelled task posts nothing.
 */
#ifndef WS2WEB_ASYNC_LOOKUPS_H
#define WS2WEB_ASYNC_LOOKUPS_H

#ifdef __cplusplus
extern "C" {
#endif

/* struct protoent / PROTOENT: winsock2.h, before this header. */
WS2WEB_STATIC_ASSERT(sizeof(struct protoent) == 12 && offsetof(struct protoent, p_proto) == 8, "protoent layout");

HANDLE WSAAPI WSAAsyncGetHostByName(HWND hWnd, u_int wMsg, const char *name, char *buf, int buflen) WS2WEB_IMPORT(WSAAsyncGetHostByName);
HANDLE WSAAPI WSAAsyncGetHostByAddr(HWND hWnd, u_int wMsg, const char *addr, int len, int type, char *buf, int buflen) WS2WEB_IMPORT(WSAAsyncGetHostByAddr);
HANDLE WSAAPI WSAAsyncGetServByName(HWND hWnd, u_int wMsg, const char *name, const char *proto, char *buf, int buflen) WS2WEB_IMPORT(WSAAsyncGetServByName);
HANDLE WSAAPI WSAAsyncGetServByPort(HWND hWnd, u_int wMsg, int port, const char *proto, char *buf, int buflen) WS2WEB_IMPORT(WSAAsyncGetServByPort);
HANDLE WSAAPI WSAAsyncGetProtoByName(HWND hWnd, u_int wMsg, const char *name, char *buf, int buflen) WS2WEB_IMPORT(WSAAsyncGetProtoByName);
HANDLE WSAAPI WSAAsyncGetProtoByNumber(HWND hWnd, u_int wMsg, int number, char *buf, int buflen) WS2WEB_IMPORT(WSAAsyncGetProtoByNumber);
int WSAAPI WSACancelAsyncRequest(HANDLE hAsyncTaskHandle) WS2WEB_IMPORT(WSACancelAsyncRequest);

#ifdef __cplusplus
}
#endif

#endif /* WS2WEB_ASYNC_LOOKUPS_H */
