/*
 * ws2web: <winsock2.h> for wasm32-wasi. Windows' type names, struct layouts (32-bit Windows,
 * which wasm32 matches), macros and constants, so Winsock C compiles unmodified; the functions
 * are imports from the "ws2_32" module that @ws2web/wasm binds to @ws2web/browser.
 *
 * Why the asm labels: wasi-libc ships its own send/recv/select/accept/htons…; an undefined
 * `recv` would be satisfied from libc.a instead of becoming an import. Each declaration below
 * renames its link symbol to __ws2web_<name> and keeps the import name Windows uses.
 *
 * Why ws2web/prelude.h: wasi-libc defines struct timeval, fd_set, sockaddr… in its own
 * (incompatible) layouts; the prelude makes libc skip them so the Windows layouts below win.
 *
 * Constants come from ws2web/constants.h, generated from @ws2web/browser's constants so the two
 * cannot drift (tools/gen-constants-header.mjs; a unit test checks it is current).
 */
#ifndef _WINSOCK2API_
#define _WINSOCK2API_
#define _WINSOCKAPI_ /* what real winsock2.h defines so winsock.h is skipped */

#include "ws2web/prelude.h"
#include <windows.h>

#include "ws2web/constants.h"

#ifdef __cplusplus
extern "C" {
#endif

/* `#pragma comment(lib, "ws2_32.lib")` is how MSVC programs link Winsock; it means nothing on
 * this target (the imports are bound at load time), so clang's warning about it is silenced. */
#pragma clang diagnostic ignored "-Wignored-pragmas"
#pragma clang diagnostic ignored "-Wunknown-pragmas"

/** Declares a ws2_32 function: imported as ws2_32.<name>, linked as __ws2web_<name>. */
#define WS2WEB_IMPORT(name) __asm__("__ws2web_" #name) __attribute__((import_module("ws2_32"), import_name(#name)))
#define WINSOCK_API_LINKAGE

/* ------------------------------------------------------------------------------------------ */
/* Basic types (winsock2.h, ws2def.h)                                                          */

typedef unsigned char u_char;
typedef unsigned short u_short;
typedef unsigned int u_int;
typedef unsigned long u_long;
typedef unsigned long long u_int64;

/** SOCKET is UINT_PTR: 32 bits on wasm32, as on 32-bit Windows. */
typedef UINT_PTR SOCKET;
typedef USHORT ADDRESS_FAMILY;
typedef int socklen_t;
typedef HANDLE WSAEVENT;
typedef LPHANDLE LPWSAEVENT;
typedef unsigned int GROUP;
typedef OVERLAPPED WSAOVERLAPPED;
typedef LPOVERLAPPED LPWSAOVERLAPPED;

#define WSA_INVALID_EVENT ((WSAEVENT)NULL)

/* ------------------------------------------------------------------------------------------ */
/* Addresses (inaddr.h, in6addr.h, ws2def.h, ws2ipdef.h)                                       */

typedef struct in_addr {
    union {
        struct { UCHAR s_b1, s_b2, s_b3, s_b4; } S_un_b;
        struct { USHORT s_w1, s_w2; } S_un_w;
        ULONG S_addr;
    } S_un;
} IN_ADDR, *PIN_ADDR, *LPIN_ADDR;
#define s_addr S_un.S_addr
#define s_host S_un.S_un_b.s_b2
#define s_net S_un.S_un_b.s_b1
#define s_imp S_un.S_un_w.s_w2
#define s_impno S_un.S_un_b.s_b4
#define s_lh S_un.S_un_b.s_b3

typedef struct in6_addr {
    union {
        UCHAR Byte[16];
        USHORT Word[8];
    } u;
} IN6_ADDR, *PIN6_ADDR, *LPIN6_ADDR;
#define in_addr6 in6_addr
#define _S6_un u
#define _S6_u8 Byte
#define s6_addr _S6_un._S6_u8
#define s6_bytes u.Byte
#define s6_words u.Word

typedef struct sockaddr {
    ADDRESS_FAMILY sa_family;
    CHAR sa_data[14];
} SOCKADDR, *PSOCKADDR, *LPSOCKADDR;

typedef struct sockaddr_in {
    short sin_family;
    USHORT sin_port;
    IN_ADDR sin_addr;
    CHAR sin_zero[8];
} SOCKADDR_IN, *PSOCKADDR_IN, *LPSOCKADDR_IN;

typedef struct {
    __extension__ union {
        __extension__ struct { ULONG Zone : 28; ULONG Level : 4; };
        ULONG Value;
    };
} SCOPE_ID, *PSCOPE_ID;

typedef struct sockaddr_in6 {
    ADDRESS_FAMILY sin6_family;
    USHORT sin6_port;
    ULONG sin6_flowinfo;
    IN6_ADDR sin6_addr;
    union {
        ULONG sin6_scope_id;
        SCOPE_ID sin6_scope_struct;
    };
} SOCKADDR_IN6, *PSOCKADDR_IN6, *LPSOCKADDR_IN6;
typedef SOCKADDR_IN6 SOCKADDR_IN6_LH, *PSOCKADDR_IN6_LH;

#define _SS_MAXSIZE 128
#define _SS_ALIGNSIZE (sizeof(long long))
#define _SS_PAD1SIZE (_SS_ALIGNSIZE - sizeof(USHORT))
#define _SS_PAD2SIZE (_SS_MAXSIZE - (sizeof(USHORT) + _SS_PAD1SIZE + _SS_ALIGNSIZE))
typedef struct sockaddr_storage {
    ADDRESS_FAMILY ss_family;
    CHAR __ss_pad1[_SS_PAD1SIZE];
    long long __ss_align;
    CHAR __ss_pad2[_SS_PAD2SIZE];
} SOCKADDR_STORAGE, *PSOCKADDR_STORAGE, *LPSOCKADDR_STORAGE;

typedef struct _SOCKET_ADDRESS {
    LPSOCKADDR lpSockaddr;
    INT iSockaddrLength;
} SOCKET_ADDRESS, *PSOCKET_ADDRESS, *LPSOCKET_ADDRESS;

typedef struct _SOCKET_ADDRESS_LIST {
    INT iAddressCount;
    SOCKET_ADDRESS Address[1];
} SOCKET_ADDRESS_LIST, *PSOCKET_ADDRESS_LIST, *LPSOCKET_ADDRESS_LIST;

/* ------------------------------------------------------------------------------------------ */
/* WSAStartup, buffers, select, events                                                         */

/** 32-bit Windows' WSADATA layout (the 64-bit one moves iMaxSockets first). */
typedef struct WSAData {
    WORD wVersion;
    WORD wHighVersion;
    char szDescription[WSADESCRIPTION_LEN + 1];
    char szSystemStatus[WSASYS_STATUS_LEN + 1];
    unsigned short iMaxSockets;
    unsigned short iMaxUdpDg;
    char *lpVendorInfo;
} WSADATA, *LPWSADATA;

typedef struct _WSABUF {
    ULONG len;
    CHAR *buf;
} WSABUF, *LPWSABUF;

typedef struct timeval {
    long tv_sec;
    long tv_usec;
} TIMEVAL, *PTIMEVAL, *LPTIMEVAL;

typedef struct fd_set {
    u_int fd_count;
    SOCKET fd_array[FD_SETSIZE];
} fd_set, FD_SET, *PFD_SET, *LPFD_SET;

/** Windows exports __WSAFDIsSet from ws2_32; FD_ISSET only needs it to scan the array. */
static __inline int __WSAFDIsSet(SOCKET fd, fd_set *set) {
    u_int i;
    for (i = 0; i < set->fd_count; i++) {
        if (set->fd_array[i] == fd) return 1;
    }
    return 0;
}

#define FD_CLR(fd, set) do { \
    u_int __i; \
    for (__i = 0; __i < ((fd_set *)(set))->fd_count; __i++) { \
        if (((fd_set *)(set))->fd_array[__i] == (fd)) { \
            while (__i < ((fd_set *)(set))->fd_count - 1) { \
                ((fd_set *)(set))->fd_array[__i] = ((fd_set *)(set))->fd_array[__i + 1]; \
                __i++; \
            } \
            ((fd_set *)(set))->fd_count--; \
            break; \
        } \
    } \
} while (0)

#define FD_SET(fd, set) do { \
    u_int __i; \
    for (__i = 0; __i < ((fd_set *)(set))->fd_count; __i++) { \
        if (((fd_set *)(set))->fd_array[__i] == (fd)) break; \
    } \
    if (__i == ((fd_set *)(set))->fd_count) { \
        if (((fd_set *)(set))->fd_count < FD_SETSIZE) { \
            ((fd_set *)(set))->fd_array[__i] = (fd); \
            ((fd_set *)(set))->fd_count++; \
        } \
    } \
} while (0)

#define FD_ZERO(set) (((fd_set *)(set))->fd_count = 0)
#define FD_ISSET(fd, set) __WSAFDIsSet((SOCKET)(fd), (fd_set *)(set))

#define timerisset(tvp) ((tvp)->tv_sec || (tvp)->tv_usec)
#define timerclear(tvp) (tvp)->tv_sec = (tvp)->tv_usec = 0

typedef struct _WSANETWORKEVENTS {
    long lNetworkEvents;
    int iErrorCode[FD_MAX_EVENTS];
} WSANETWORKEVENTS, *LPWSANETWORKEVENTS;

struct linger {
    u_short l_onoff;
    u_short l_linger;
};
typedef struct linger LINGER, *PLINGER, *LPLINGER;

#define WSAMAKEASYNCREPLY(buflen, error) MAKELONG(buflen, error)
#define WSAMAKESELECTREPLY(event, error) MAKELONG(event, error)
#define WSAGETASYNCBUFLEN(lParam) LOWORD(lParam)
#define WSAGETASYNCERROR(lParam) HIWORD(lParam)
#define WSAGETSELECTEVENT(lParam) LOWORD(lParam)
#define WSAGETSELECTERROR(lParam) HIWORD(lParam)

/* ------------------------------------------------------------------------------------------ */
/* Database entries (32-bit Windows layouts)                                                   */

struct hostent {
    char *h_name;
    char **h_aliases;
    short h_addrtype;
    short h_length;
    char **h_addr_list;
};
#define h_addr h_addr_list[0]
typedef struct hostent HOSTENT, *PHOSTENT, *LPHOSTENT;

struct servent {
    char *s_name;
    char **s_aliases;
    short s_port;
    char *s_proto;
};
typedef struct servent SERVENT, *PSERVENT, *LPSERVENT;

struct protoent {
    char *p_name;
    char **p_aliases;
    short p_proto;
};
typedef struct protoent PROTOENT, *PPROTOENT, *LPPROTOENT;

typedef void (CALLBACK *LPWSAOVERLAPPED_COMPLETION_ROUTINE)(DWORD dwError, DWORD cbTransferred, LPWSAOVERLAPPED lpOverlapped, DWORD dwFlags);
typedef struct _QualityOfService QOS, *LPQOS;

#define MAX_PROTOCOL_CHAIN 7
#define LAYERED_PROTOCOL 0
#define WSAPROTOCOL_LEN 255
typedef struct _WSAPROTOCOLCHAIN {
    int ChainLen;
    DWORD ChainEntries[MAX_PROTOCOL_CHAIN];
} WSAPROTOCOLCHAIN, *LPWSAPROTOCOLCHAIN;

/* WSAEnumProtocols, getsockopt(SO_PROTOCOL_INFO) and WSASocket's lpProtocolInfo. */
typedef struct _WSAPROTOCOL_INFOA {
    DWORD dwServiceFlags1;
    DWORD dwServiceFlags2;
    DWORD dwServiceFlags3;
    DWORD dwServiceFlags4;
    DWORD dwProviderFlags;
    GUID ProviderId;
    DWORD dwCatalogEntryId;
    WSAPROTOCOLCHAIN ProtocolChain;
    int iVersion;
    int iAddressFamily;
    int iMaxSockAddr;
    int iMinSockAddr;
    int iSocketType;
    int iProtocol;
    int iProtocolMaxOffset;
    int iNetworkByteOrder;
    int iSecurityScheme;
    DWORD dwMessageSize;
    DWORD dwProviderReserved;
    CHAR szProtocol[WSAPROTOCOL_LEN + 1];
} WSAPROTOCOL_INFOA, *LPWSAPROTOCOL_INFOA;

typedef struct _WSAPROTOCOL_INFOW {
    DWORD dwServiceFlags1;
    DWORD dwServiceFlags2;
    DWORD dwServiceFlags3;
    DWORD dwServiceFlags4;
    DWORD dwProviderFlags;
    GUID ProviderId;
    DWORD dwCatalogEntryId;
    WSAPROTOCOLCHAIN ProtocolChain;
    int iVersion;
    int iAddressFamily;
    int iMaxSockAddr;
    int iMinSockAddr;
    int iSocketType;
    int iProtocol;
    int iProtocolMaxOffset;
    int iNetworkByteOrder;
    int iSecurityScheme;
    DWORD dwMessageSize;
    DWORD dwProviderReserved;
    WCHAR szProtocol[WSAPROTOCOL_LEN + 1];
} WSAPROTOCOL_INFOW, *LPWSAPROTOCOL_INFOW;

#ifdef UNICODE
typedef WSAPROTOCOL_INFOW WSAPROTOCOL_INFO;
typedef LPWSAPROTOCOL_INFOW LPWSAPROTOCOL_INFO;
#else
typedef WSAPROTOCOL_INFOA WSAPROTOCOL_INFO;
typedef LPWSAPROTOCOL_INFOA LPWSAPROTOCOL_INFO;
#endif

/* The glue reads and writes these structs at fixed offsets: fail the build if they move. */
WS2WEB_STATIC_ASSERT(sizeof(SOCKET) == 4 && sizeof(long) == 4 && sizeof(void *) == 4, "ws2web: wasm32 layouts expected");
WS2WEB_STATIC_ASSERT(offsetof(WSADATA, szSystemStatus) == 261 && offsetof(WSADATA, iMaxSockets) == 390 && offsetof(WSADATA, lpVendorInfo) == 396 && sizeof(WSADATA) == 400, "WSADATA layout");
WS2WEB_STATIC_ASSERT(sizeof(struct sockaddr_in) == 16 && sizeof(struct sockaddr_in6) == 28 && sizeof(SOCKADDR_STORAGE) == 128, "sockaddr layout");
WS2WEB_STATIC_ASSERT(sizeof(WSANETWORKEVENTS) == 44 && sizeof(WSABUF) == 8 && sizeof(struct timeval) == 8, "event/buffer layout");
WS2WEB_STATIC_ASSERT(sizeof(struct hostent) == 16 && offsetof(struct servent, s_port) == 8 && offsetof(struct servent, s_proto) == 12 && offsetof(struct protoent, p_proto) == 8, "database entry layout");
WS2WEB_STATIC_ASSERT(sizeof(WSAOVERLAPPED) == 20 && offsetof(WSAOVERLAPPED, hEvent) == 16, "WSAOVERLAPPED layout");
WS2WEB_STATIC_ASSERT(offsetof(WSAPROTOCOL_INFOA, iAddressFamily) == 76 && offsetof(WSAPROTOCOL_INFOA, iProtocol) == 92 && offsetof(WSAPROTOCOL_INFOA, szProtocol) == 116 && sizeof(WSAPROTOCOL_INFOA) == 372 && sizeof(WSAPROTOCOL_INFOW) == 628, "WSAPROTOCOL_INFO layout");
WS2WEB_STATIC_ASSERT(sizeof(SOCKET_ADDRESS) == 8 && offsetof(SOCKET_ADDRESS_LIST, Address) == 4 && sizeof(SOCKET_ADDRESS_LIST) == 12, "SOCKET_ADDRESS_LIST layout");

/* ------------------------------------------------------------------------------------------ */
/* Functions. Blocking ones suspend the C program until @ws2web/browser's Promise settles.     */

int WSAAPI WSAStartup(WORD wVersionRequested, LPWSADATA lpWSAData) WS2WEB_IMPORT(WSAStartup);
int WSAAPI WSACleanup(void) WS2WEB_IMPORT(WSACleanup);
int WSAAPI WSAGetLastError(void) WS2WEB_IMPORT(WSAGetLastError);
void WSAAPI WSASetLastError(int iError) WS2WEB_IMPORT(WSASetLastError);

SOCKET WSAAPI socket(int af, int type, int protocol) WS2WEB_IMPORT(socket);
SOCKET WSAAPI WSASocketA(int af, int type, int protocol, LPWSAPROTOCOL_INFOA lpProtocolInfo, GROUP g, DWORD dwFlags) WS2WEB_IMPORT(WSASocketA);
SOCKET WSAAPI WSASocketW(int af, int type, int protocol, LPWSAPROTOCOL_INFOW lpProtocolInfo, GROUP g, DWORD dwFlags) WS2WEB_IMPORT(WSASocketW);
#ifdef UNICODE
#define WSASocket WSASocketW
#else
#define WSASocket WSASocketA
#endif
int WSAAPI WSAEnumProtocolsA(LPINT lpiProtocols, LPWSAPROTOCOL_INFOA lpProtocolBuffer, LPDWORD lpdwBufferLength) WS2WEB_IMPORT(WSAEnumProtocolsA);
int WSAAPI WSAEnumProtocolsW(LPINT lpiProtocols, LPWSAPROTOCOL_INFOW lpProtocolBuffer, LPDWORD lpdwBufferLength) WS2WEB_IMPORT(WSAEnumProtocolsW);
#ifdef UNICODE
#define WSAEnumProtocols WSAEnumProtocolsW
#else
#define WSAEnumProtocols WSAEnumProtocolsA
#endif
int WSAAPI closesocket(SOCKET s) WS2WEB_IMPORT(closesocket);
int WSAAPI bind(SOCKET s, const struct sockaddr *name, int namelen) WS2WEB_IMPORT(bind);
int WSAAPI listen(SOCKET s, int backlog) WS2WEB_IMPORT(listen);
/** Blocking (unless the socket is non-blocking). */
SOCKET WSAAPI accept(SOCKET s, struct sockaddr *addr, int *addrlen) WS2WEB_IMPORT(accept);
/** Blocking (unless the socket is non-blocking). */
int WSAAPI connect(SOCKET s, const struct sockaddr *name, int namelen) WS2WEB_IMPORT(connect);
/** Blocking. lpSQOS and lpGQOS must be NULL; lpCallerData/lpCalleeData are WSABUFs. */
int WSAAPI WSAConnect(SOCKET s, const struct sockaddr *name, int namelen, LPWSABUF lpCallerData, LPWSABUF lpCalleeData, LPQOS lpSQOS, LPQOS lpGQOS) WS2WEB_IMPORT(WSAConnect);
/**
 * Blocking, whatever the socket's mode: resolves nodename/servicename (ByName) or takes the list
 * (ByList), tries each address in order within timeout (NULL: no limit). TRUE: connected, and
 * the lengths and addresses given are filled (ByName's local address with port 0, as Windows);
 * FALSE with the last error set. Reserved must be NULL (WSAEINVAL).
 */
BOOL WSAAPI WSAConnectByNameA(SOCKET s, LPCSTR nodename, LPCSTR servicename, LPDWORD LocalAddressLength, LPSOCKADDR LocalAddress, LPDWORD RemoteAddressLength, LPSOCKADDR RemoteAddress, const struct timeval *timeout, LPWSAOVERLAPPED Reserved) WS2WEB_IMPORT(WSAConnectByNameA);
/** nodename and servicename in UTF-16 WCHARs. */
BOOL WSAAPI WSAConnectByNameW(SOCKET s, LPWSTR nodename, LPWSTR servicename, LPDWORD LocalAddressLength, LPSOCKADDR LocalAddress, LPDWORD RemoteAddressLength, LPSOCKADDR RemoteAddress, const struct timeval *timeout, LPWSAOVERLAPPED Reserved) WS2WEB_IMPORT(WSAConnectByNameW);
#ifdef UNICODE
#define WSAConnectByName WSAConnectByNameW
#else
#define WSAConnectByName WSAConnectByNameA
#endif
BOOL WSAAPI WSAConnectByList(SOCKET s, PSOCKET_ADDRESS_LIST SocketAddress, LPDWORD LocalAddressLength, LPSOCKADDR LocalAddress, LPDWORD RemoteAddressLength, LPSOCKADDR RemoteAddress, const struct timeval *timeout, LPWSAOVERLAPPED Reserved) WS2WEB_IMPORT(WSAConnectByList);
int WSAAPI shutdown(SOCKET s, int how) WS2WEB_IMPORT(shutdown);
int WSAAPI ioctlsocket(SOCKET s, long cmd, u_long *argp) WS2WEB_IMPORT(ioctlsocket);
int WSAAPI setsockopt(SOCKET s, int level, int optname, const char *optval, int optlen) WS2WEB_IMPORT(setsockopt);
int WSAAPI getsockopt(SOCKET s, int level, int optname, char *optval, int *optlen) WS2WEB_IMPORT(getsockopt);
int WSAAPI getsockname(SOCKET s, struct sockaddr *name, int *namelen) WS2WEB_IMPORT(getsockname);
int WSAAPI getpeername(SOCKET s, struct sockaddr *name, int *namelen) WS2WEB_IMPORT(getpeername);

/** Blocking data calls. */
int WSAAPI send(SOCKET s, const char *buf, int len, int flags) WS2WEB_IMPORT(send);
int WSAAPI recv(SOCKET s, char *buf, int len, int flags) WS2WEB_IMPORT(recv);
int WSAAPI sendto(SOCKET s, const char *buf, int len, int flags, const struct sockaddr *to, int tolen) WS2WEB_IMPORT(sendto);
int WSAAPI recvfrom(SOCKET s, char *buf, int len, int flags, struct sockaddr *from, int *fromlen) WS2WEB_IMPORT(recvfrom);
/**
 * Blocking without lpOverlapped. With one: SOCKET_ERROR + WSA_IO_PENDING, then the completion
 * through the OVERLAPPED (its hEvent, WSAGetOverlappedResult, a completion port) or the
 * completion routine, run by an alertable wait (ws2web/overlapped.h). Received bytes are written
 * into the buffers when the operation completes.
 */
int WSAAPI WSASend(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount, LPDWORD lpNumberOfBytesSent, DWORD dwFlags, LPWSAOVERLAPPED lpOverlapped, LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine) WS2WEB_IMPORT(WSASend);
int WSAAPI WSARecv(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount, LPDWORD lpNumberOfBytesRecvd, LPDWORD lpFlags, LPWSAOVERLAPPED lpOverlapped, LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine) WS2WEB_IMPORT(WSARecv);
int WSAAPI WSASendTo(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount, LPDWORD lpNumberOfBytesSent, DWORD dwFlags, const struct sockaddr *lpTo, int iTolen, LPWSAOVERLAPPED lpOverlapped, LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine) WS2WEB_IMPORT(WSASendTo);
int WSAAPI WSARecvFrom(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount, LPDWORD lpNumberOfBytesRecvd, LPDWORD lpFlags, struct sockaddr *lpFrom, LPINT lpFromlen, LPWSAOVERLAPPED lpOverlapped, LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine) WS2WEB_IMPORT(WSARecvFrom);

/** Blocking (up to timeout; NULL waits forever). nfds is ignored, as on Windows. */
int WSAAPI select(int nfds, fd_set *readfds, fd_set *writefds, fd_set *exceptfds, const struct timeval *timeout) WS2WEB_IMPORT(select);

/* WSAPoll (Windows Vista and later). The values are Windows', not wasi-libc's <poll.h>: a program
 * includes one or the other. */
#define POLLRDNORM 0x0100
#define POLLRDBAND 0x0200
#define POLLIN (POLLRDNORM | POLLRDBAND)
#define POLLPRI 0x0400
#define POLLWRNORM 0x0010
#define POLLOUT POLLWRNORM
#define POLLWRBAND 0x0020
#define POLLERR 0x0001
#define POLLHUP 0x0002
#define POLLNVAL 0x0004
typedef struct pollfd {
    SOCKET fd;
    SHORT events;
    SHORT revents;
} WSAPOLLFD, *PWSAPOLLFD, *LPWSAPOLLFD;
WS2WEB_STATIC_ASSERT(sizeof(WSAPOLLFD) == 8, "WSAPOLLFD layout (SOCKET is 32 bits on wasm32)");
/** Blocking up to timeout ms (negative: forever, 0: just look); revents written in place. */
int WSAAPI WSAPoll(LPWSAPOLLFD fdArray, ULONG fds, INT timeout) WS2WEB_IMPORT(WSAPoll);

WSAEVENT WSAAPI WSACreateEvent(void) WS2WEB_IMPORT(WSACreateEvent);
BOOL WSAAPI WSACloseEvent(WSAEVENT hEvent) WS2WEB_IMPORT(WSACloseEvent);
BOOL WSAAPI WSASetEvent(WSAEVENT hEvent) WS2WEB_IMPORT(WSASetEvent);
BOOL WSAAPI WSAResetEvent(WSAEVENT hEvent) WS2WEB_IMPORT(WSAResetEvent);
int WSAAPI WSAEventSelect(SOCKET s, WSAEVENT hEventObject, long lNetworkEvents) WS2WEB_IMPORT(WSAEventSelect);
int WSAAPI WSAEnumNetworkEvents(SOCKET s, WSAEVENT hEventObject, LPWSANETWORKEVENTS lpNetworkEvents) WS2WEB_IMPORT(WSAEnumNetworkEvents);
/** Blocking (up to dwTimeout ms). fAlertable (with fWaitAll FALSE) runs completion routines: WSA_WAIT_IO_COMPLETION. */
DWORD WSAAPI ws2web_WSAWaitForMultipleEvents(DWORD cEvents, const WSAEVENT *lphEvents, BOOL fWaitAll, DWORD dwTimeout, BOOL fAlertable) WS2WEB_IMPORT(WSAWaitForMultipleEvents);
static __inline DWORD WSAWaitForMultipleEvents(DWORD cEvents, const WSAEVENT *lphEvents, BOOL fWaitAll, DWORD dwTimeout, BOOL fAlertable) {
    if (fAlertable && !fWaitAll && cEvents > 0 && cEvents <= WSA_MAXIMUM_WAIT_EVENTS && lphEvents) return ws2web_alertable_wait(cEvents, lphEvents, dwTimeout);
    return ws2web_WSAWaitForMultipleEvents(cEvents, lphEvents, fWaitAll, dwTimeout, FALSE);
}

/** Blocking: names are resolved by the relay. The hostent lives until the next call. */
struct hostent *WSAAPI gethostbyname(const char *name) WS2WEB_IMPORT(gethostbyname);
int WSAAPI gethostname(char *name, int namelen) WS2WEB_IMPORT(gethostname);
struct servent *WSAAPI getservbyname(const char *name, const char *proto) WS2WEB_IMPORT(getservbyname);
struct servent *WSAAPI getservbyport(int port, const char *proto) WS2WEB_IMPORT(getservbyport);
struct protoent *WSAAPI getprotobyname(const char *name) WS2WEB_IMPORT(getprotobyname);
struct protoent *WSAAPI getprotobynumber(int number) WS2WEB_IMPORT(getprotobynumber);
unsigned long WSAAPI inet_addr(const char *cp) WS2WEB_IMPORT(inet_addr);
char *WSAAPI __ws2web_inet_ntoa_value(ULONG in) WS2WEB_IMPORT(inet_ntoa);
/** inet_ntoa takes in_addr by value; the import takes its S_addr (a plain i32 on wasm). */
static __inline char *inet_ntoa(struct in_addr in) { return __ws2web_inet_ntoa_value(in.S_un.S_addr); }

/* Byte order: Windows (and wasm) are little-endian. Inline: pure arithmetic, no import. */
static __inline u_short htons(u_short v) { return (u_short)((v << 8) | (v >> 8)); }
static __inline u_short ntohs(u_short v) { return (u_short)((v << 8) | (v >> 8)); }
static __inline u_long htonl(u_long v) { return ((v & 0xffUL) << 24) | ((v & 0xff00UL) << 8) | ((v >> 8) & 0xff00UL) | (v >> 24); }
static __inline u_long ntohl(u_long v) { return htonl(v); }

#ifdef __cplusplus
}
#endif

#include "ws2web/address-string.h"
#include "ws2web/async-lookups.h"

/* ---- WSASendMsg / WSARecvMsg and their control data ------------------------------------- */
#include "ws2web/messages.h"

/* ---- overlapped results, WSAIoctl, extension functions, WSAAsyncSelect --------------------- */
#include "ws2web/winsock-overlapped.h"
/* ---- end of overlapped block -------------------------------------------------------------- */

#endif /* _WINSOCK2API_ */
