/*
 * ws2web: the wide-character (UTF-16 WCHAR) name calls of <ws2tcpip.h>: GetAddrInfoW,
 * FreeAddrInfoW, GetNameInfoW and ADDRINFOW, the GetAddrInfoExW family, and the TCHAR names the SDK maps to them under
 * UNICODE (GetAddrInfo, FreeAddrInfo, GetNameInfo, ADDRINFOT, InetPton, InetNtop) or to the
 * ANSI calls without it. Buffer sizes of the W calls count WCHARs.
 */
#ifndef WS2WEB_NAMES_WIDE_H
#define WS2WEB_NAMES_WIDE_H

#ifdef __cplusplus
extern "C" {
#endif

/** ADDRINFOA's layout with the canonical name in WCHARs. */
typedef struct addrinfoW {
    int ai_flags;
    int ai_family;
    int ai_socktype;
    int ai_protocol;
    size_t ai_addrlen;
    PWSTR ai_canonname;
    struct sockaddr *ai_addr;
    struct addrinfoW *ai_next;
} ADDRINFOW, *PADDRINFOW;
WS2WEB_STATIC_ASSERT(sizeof(ADDRINFOW) == 32 && offsetof(ADDRINFOW, ai_canonname) == 20 && offsetof(ADDRINFOW, ai_next) == 28, "ADDRINFOW layout");

/** Blocking: a host name is resolved by the relay. The chain is freed with FreeAddrInfoW. */
INT WSAAPI GetAddrInfoW(PCWSTR pNodeName, PCWSTR pServiceName, const ADDRINFOW *pHints, PADDRINFOW *ppResult) WS2WEB_IMPORT(GetAddrInfoW);
VOID WSAAPI FreeAddrInfoW(PADDRINFOW pAddrInfo) WS2WEB_IMPORT(FreeAddrInfoW);
/** Blocking unless NI_NUMERICHOST (the host name is a reverse lookup at the relay). */
INT WSAAPI GetNameInfoW(const SOCKADDR *pSockaddr, socklen_t SockaddrLength, PWSTR pNodeBuffer, DWORD NodeBufferSize, PWSTR pServiceBuffer, DWORD ServiceBufferSize, INT Flags) WS2WEB_IMPORT(GetNameInfoW);

/* GetAddrInfoExW: ADDRINFOEXW chains, blocking or overlapped (an OVERLAPPED with or without an
 * hEvent: WSA_IO_PENDING, then Internal = the error, Pointer = ppResult, the event set). A
 * completion routine is refused with WSAEOPNOTSUPP; lpNspId must be NULL. */
typedef struct addrinfoexW {
    int ai_flags;
    int ai_family;
    int ai_socktype;
    int ai_protocol;
    size_t ai_addrlen;
    PWSTR ai_canonname;
    struct sockaddr *ai_addr;
    void *ai_blob;
    size_t ai_bloblen;
    GUID *ai_provider;
    struct addrinfoexW *ai_next;
} ADDRINFOEXW, *PADDRINFOEXW, *LPADDRINFOEXW;
WS2WEB_STATIC_ASSERT(sizeof(ADDRINFOEXW) == 44 && offsetof(ADDRINFOEXW, ai_blob) == 28 && offsetof(ADDRINFOEXW, ai_next) == 40, "ADDRINFOEXW layout");
typedef void (CALLBACK *LPLOOKUPSERVICE_COMPLETION_ROUTINE)(DWORD dwError, DWORD dwBytes, LPWSAOVERLAPPED lpOverlapped);

/** Blocking without lpOverlapped; with one, returns WSA_IO_PENDING at once. */
INT WSAAPI GetAddrInfoExW(PCWSTR pName, PCWSTR pServiceName, DWORD dwNameSpace, LPGUID lpNspId, const ADDRINFOEXW *hints, PADDRINFOEXW *ppResult, struct timeval *timeout, LPOVERLAPPED lpOverlapped, LPLOOKUPSERVICE_COMPLETION_ROUTINE lpCompletionRoutine, LPHANDLE lpHandle) WS2WEB_IMPORT(GetAddrInfoExW);
INT WSAAPI GetAddrInfoExOverlappedResult(LPOVERLAPPED lpOverlapped) WS2WEB_IMPORT(GetAddrInfoExOverlappedResult);
INT WSAAPI GetAddrInfoExCancel(LPHANDLE lpHandle) WS2WEB_IMPORT(GetAddrInfoExCancel);
VOID WSAAPI FreeAddrInfoExW(PADDRINFOEXW pAddrInfoEx) WS2WEB_IMPORT(FreeAddrInfoExW);

#define GetAddrInfoA getaddrinfo
#define FreeAddrInfoA freeaddrinfo
#define GetNameInfoA getnameinfo

#ifdef UNICODE
#define GetAddrInfo GetAddrInfoW
#define FreeAddrInfo FreeAddrInfoW
#define GetNameInfo GetNameInfoW
#define GetAddrInfoEx GetAddrInfoExW
#define FreeAddrInfoEx FreeAddrInfoExW
typedef ADDRINFOEXW ADDRINFOEX, *PADDRINFOEX;
#define InetPton InetPtonW
#define InetNtop InetNtopW
typedef ADDRINFOW ADDRINFOT, *PADDRINFOT;
#else
#define GetAddrInfo GetAddrInfoA
#define FreeAddrInfo FreeAddrInfoA
#define GetNameInfo GetNameInfoA
#define InetPton InetPtonA
#define InetNtop InetNtopA
typedef ADDRINFOA ADDRINFOT, *PADDRINFOT;
#endif

#ifdef __cplusplus
}
#endif

#endif /* WS2WEB_NAMES_WIDE_H */
