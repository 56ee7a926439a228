/*
 * ws2web: the overlapped side of Winsock for <winsock2.h> and <mswsock.h>: WSAGetOverlappedResult,
 * WSAIoctl (with SIO_GET_EXTENSION_FUNCTION_POINTER answered here, in C, since the extension
 * functions are C function pointers), the Microsoft extensions ConnectEx, AcceptEx,
 * GetAcceptExSockaddrs, DisconnectEx, and WSAAsyncSelect (notifications posted to the window's
 * message queue, ws2web/user32.h).
 *
 * AcceptEx and GetAcceptExSockaddrs may be called directly, as mswsock.dll exports them;
 * ConnectEx and DisconnectEx only through WSAIoctl, as on Windows. Every operation reports
 * pending (SOCKET_ERROR/FALSE + WSA_IO_PENDING) and completes later, even when Windows could
 * have completed it at once; a completion is queued either way, so correct programs behave
 * the same.
 */
#ifndef WS2WEB_WINSOCK_OVERLAPPED_H
#define WS2WEB_WINSOCK_OVERLAPPED_H

#ifdef __cplusplus
extern "C" {
#endif

#define WSAID_ACCEPTEX {0xb5367df1, 0xcbac, 0x11cf, {0x95, 0xca, 0x00, 0x80, 0x5f, 0x48, 0xa1, 0x92}}
#define WSAID_GETACCEPTEXSOCKADDRS {0xb5367df2, 0xcbac, 0x11cf, {0x95, 0xca, 0x00, 0x80, 0x5f, 0x48, 0xa1, 0x92}}
#define WSAID_CONNECTEX {0x25a207b9, 0xddf3, 0x4660, {0x8e, 0xe9, 0x76, 0xe5, 0x8c, 0x74, 0x06, 0x3e}}
#define WSAID_DISCONNECTEX {0x7fda2e11, 0x8630, 0x436f, {0xa0, 0x31, 0xf5, 0x36, 0xa6, 0xee, 0xc1, 0x57}}
#define TF_DISCONNECT 0x01
#define TF_REUSE_SOCKET 0x02

typedef BOOL (PASCAL *LPFN_ACCEPTEX)(SOCKET sListenSocket, SOCKET sAcceptSocket, PVOID lpOutputBuffer, DWORD dwReceiveDataLength, DWORD dwLocalAddressLength, DWORD dwRemoteAddressLength, LPDWORD lpdwBytesReceived, LPOVERLAPPED lpOverlapped);
typedef void (PASCAL *LPFN_GETACCEPTEXSOCKADDRS)(PVOID lpOutputBuffer, DWORD dwReceiveDataLength, DWORD dwLocalAddressLength, DWORD dwRemoteAddressLength, struct sockaddr **LocalSockaddr, LPINT LocalSockaddrLength, struct sockaddr **RemoteSockaddr, LPINT RemoteSockaddrLength);
typedef BOOL (PASCAL *LPFN_CONNECTEX)(SOCKET s, const struct sockaddr *name, int namelen, PVOID lpSendBuffer, DWORD dwSendDataLength, LPDWORD lpdwBytesSent, LPOVERLAPPED lpOverlapped);
typedef BOOL (PASCAL *LPFN_DISCONNECTEX)(SOCKET s, LPOVERLAPPED lpOverlapped, DWORD dwFlags, DWORD dwReserved);

/** Blocking when fWait and the operation is still pending; lpdwFlags gets 0. */
BOOL WSAAPI WSAGetOverlappedResult(SOCKET s, LPWSAOVERLAPPED lpOverlapped, LPDWORD lpcbTransfer, BOOL fWait, LPDWORD lpdwFlags) WS2WEB_IMPORT(WSAGetOverlappedResult);

/** The accepted connection's first bytes and the two address blocks land in lpOutputBuffer on completion. */
BOOL PASCAL AcceptEx(SOCKET sListenSocket, SOCKET sAcceptSocket, PVOID lpOutputBuffer, DWORD dwReceiveDataLength, DWORD dwLocalAddressLength, DWORD dwRemoteAddressLength, LPDWORD lpdwBytesReceived, LPOVERLAPPED lpOverlapped) WS2WEB_IMPORT(AcceptEx);
/** s must be bound; the optional first data is sent once connected (InternalHigh: bytes sent). */
BOOL PASCAL ws2web_ConnectEx(SOCKET s, const struct sockaddr *name, int namelen, PVOID lpSendBuffer, DWORD dwSendDataLength, LPDWORD lpdwBytesSent, LPOVERLAPPED lpOverlapped) WS2WEB_IMPORT(ConnectEx);
/** Shuts the sending side; with lpOverlapped the completion is queued at once. */
BOOL PASCAL ws2web_DisconnectEx(SOCKET s, LPOVERLAPPED lpOverlapped, DWORD dwFlags, DWORD dwReserved) WS2WEB_IMPORT(DisconnectEx);

/** Address blocks in AcceptEx's buffer: a 16-bit length, then the sockaddr (after the received data). */
static __inline void PASCAL GetAcceptExSockaddrs(PVOID lpOutputBuffer, DWORD dwReceiveDataLength, DWORD dwLocalAddressLength, DWORD dwRemoteAddressLength, struct sockaddr **LocalSockaddr, LPINT LocalSockaddrLength, struct sockaddr **RemoteSockaddr, LPINT RemoteSockaddrLength) {
    BYTE *local = (BYTE *)lpOutputBuffer + dwReceiveDataLength;
    BYTE *remote = local + dwLocalAddressLength;
    (void)dwRemoteAddressLength;
    *LocalSockaddr = (struct sockaddr *)(local + 2);
    *LocalSockaddrLength = local[0] | (local[1] << 8);
    *RemoteSockaddr = (struct sockaddr *)(remote + 2);
    *RemoteSockaddrLength = remote[0] | (remote[1] << 8);
}

/** FIONBIO, FIONREAD, SIOCATMARK (u_long buffers); they complete at once. */
int WSAAPI ws2web_WSAIoctl(SOCKET s, DWORD dwIoControlCode, LPVOID lpvInBuffer, DWORD cbInBuffer, LPVOID lpvOutBuffer, DWORD cbOutBuffer, LPDWORD lpcbBytesReturned, LPWSAOVERLAPPED lpOverlapped, LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine) WS2WEB_IMPORT(WSAIoctl);

static __inline int ws2web_guid_is(LPVOID in, const GUID *id) { return memcmp(in, id, sizeof(GUID)) == 0; }

/**
 * SIO_GET_EXTENSION_FUNCTION_POINTER: lpvInBuffer a GUID (WSAID_ACCEPTEX, WSAID_CONNECTEX,
 * WSAID_GETACCEPTEXSOCKADDRS, WSAID_DISCONNECTEX, WSAID_WSARECVMSG, WSAID_WSASENDMSG), lpvOutBuffer receives the function pointer;
 * an unknown GUID fails with WSAEINVAL, short buffers with WSAEFAULT. Other codes: the import.
 */
static __inline int WSAIoctl(SOCKET s, DWORD dwIoControlCode, LPVOID lpvInBuffer, DWORD cbInBuffer, LPVOID lpvOutBuffer, DWORD cbOutBuffer, LPDWORD lpcbBytesReturned, LPWSAOVERLAPPED lpOverlapped, LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine) {
    static const GUID acceptEx = WSAID_ACCEPTEX, connectEx = WSAID_CONNECTEX, sockaddrs = WSAID_GETACCEPTEXSOCKADDRS, disconnectEx = WSAID_DISCONNECTEX;
    static const GUID recvMsg = WSAID_WSARECVMSG, sendMsg = WSAID_WSASENDMSG;
    if (dwIoControlCode != SIO_GET_EXTENSION_FUNCTION_POINTER)
        return ws2web_WSAIoctl(s, dwIoControlCode, lpvInBuffer, cbInBuffer, lpvOutBuffer, cbOutBuffer, lpcbBytesReturned, lpOverlapped, lpCompletionRoutine);
    if (!lpvInBuffer || cbInBuffer < sizeof(GUID) || !lpvOutBuffer || cbOutBuffer < sizeof(void *) || !lpcbBytesReturned) {
        WSASetLastError(WSAEFAULT);
        return SOCKET_ERROR;
    }
    if (ws2web_guid_is(lpvInBuffer, &acceptEx)) *(LPFN_ACCEPTEX *)lpvOutBuffer = AcceptEx;
    else if (ws2web_guid_is(lpvInBuffer, &connectEx)) *(LPFN_CONNECTEX *)lpvOutBuffer = ws2web_ConnectEx;
    else if (ws2web_guid_is(lpvInBuffer, &sockaddrs)) *(LPFN_GETACCEPTEXSOCKADDRS *)lpvOutBuffer = GetAcceptExSockaddrs;
    else if (ws2web_guid_is(lpvInBuffer, &disconnectEx)) *(LPFN_DISCONNECTEX *)lpvOutBuffer = ws2web_DisconnectEx;
    else if (ws2web_guid_is(lpvInBuffer, &recvMsg)) *(LPFN_WSARECVMSG *)lpvOutBuffer = ws2web_WSARecvMsg;
    else if (ws2web_guid_is(lpvInBuffer, &sendMsg)) *(LPFN_WSASENDMSG *)lpvOutBuffer = WSASendMsg;
    else {
        WSASetLastError(WSAEINVAL);
        return SOCKET_ERROR;
    }
    *lpcbBytesReturned = sizeof(void *);
    if (lpOverlapped) lpOverlapped->Internal = lpOverlapped->InternalHigh = 0;
    return 0;
}

/**
 * Each selected network event (FD_READ, FD_WRITE, FD_CONNECT, FD_CLOSE, FD_ACCEPT…) is posted to
 * hWnd as (wMsg, socket, WSAMAKESELECTREPLY(event, error)), in the order they happen, and
 * re-enabled by the call that consumes it (recv for FD_READ…), as on Windows. Makes the socket
 * non-blocking; lEvent 0 cancels. A hWnd that is not a window fails with WSAEINVAL.
 */
int WSAAPI WSAAsyncSelect(SOCKET s, HWND hWnd, u_int wMsg, long lEvent) WS2WEB_IMPORT(WSAAsyncSelect);

#ifdef __cplusplus
}
#endif

#endif /* WS2WEB_WINSOCK_OVERLAPPED_H */
