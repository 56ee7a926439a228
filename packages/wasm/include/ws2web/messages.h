/*
 * ws2web: WSASendMsg and WSARecvMsg with their structs, as the Windows SDK spreads them: WSAMSG,
 * WSACMSGHDR and the WSA_CMSG_* macros (ws2def.h), IN_PKTINFO / IN6_PKTINFO (ws2ipdef.h),
 * LPFN_WSARECVMSG / LPFN_WSASENDMSG and their WSAID_* GUIDs (mswsock.h). Included by <winsock2.h>.
 *
 * WSASendMsg is a plain call; WSARecvMsg only comes from WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER,
 * WSAID_WSARECVMSG), as on Windows. The control data is in the 32-bit Windows layout (SIZE_T is
 * 4 bytes): a 12-byte header, messages on 4-byte boundaries.
 */
#ifndef WS2WEB_MESSAGES_H
#define WS2WEB_MESSAGES_H

#ifdef __cplusplus
extern "C" {
#endif

typedef struct _WSAMSG {
    LPSOCKADDR name;
    INT namelen;
    LPWSABUF lpBuffers;
    ULONG dwBufferCount;
    WSABUF Control;
    ULONG dwFlags;
} WSAMSG, *PWSAMSG, *LPWSAMSG;

typedef struct _WSACMSGHDR {
    SIZE_T cmsg_len;
    INT cmsg_level;
    INT cmsg_type;
    /* followed by the data, from WSA_CMSG_DATA */
} WSACMSGHDR, *PWSACMSGHDR, *LPWSACMSGHDR;
typedef WSACMSGHDR CMSGHDR, *PCMSGHDR;

typedef struct in_pktinfo {
    IN_ADDR ipi_addr;
    ULONG ipi_ifindex;
} IN_PKTINFO, *PIN_PKTINFO;

typedef struct in6_pktinfo {
    IN6_ADDR ipi6_addr;
    ULONG ipi6_ifindex;
} IN6_PKTINFO, *PIN6_PKTINFO;

WS2WEB_STATIC_ASSERT(sizeof(WSAMSG) == 28 && offsetof(WSAMSG, Control) == 16 && offsetof(WSAMSG, dwFlags) == 24, "WSAMSG layout");
WS2WEB_STATIC_ASSERT(sizeof(WSACMSGHDR) == 12 && sizeof(IN_PKTINFO) == 8 && sizeof(IN6_PKTINFO) == 20, "control data layout");

/* Both alignments are 4 on wasm32: the header's and the largest natural one (a pointer). */
#define WSA_CMSGHDR_ALIGN(length) (((length) + 3) & ~(SIZE_T)3)
#define WSA_CMSGDATA_ALIGN(length) (((length) + 3) & ~(SIZE_T)3)
#define WSA_CMSG_DATA(cmsg) ((PUCHAR)(cmsg) + WSA_CMSGDATA_ALIGN(sizeof(WSACMSGHDR)))
#define WSA_CMSG_SPACE(length) (WSA_CMSGDATA_ALIGN(sizeof(WSACMSGHDR) + WSA_CMSGHDR_ALIGN(length)))
#define WSA_CMSG_LEN(length) (WSA_CMSGDATA_ALIGN(sizeof(WSACMSGHDR)) + (length))
#define WSA_CMSG_FIRSTHDR(msg) \
    ((msg)->Control.len >= sizeof(WSACMSGHDR) ? (LPWSACMSGHDR)(msg)->Control.buf : (LPWSACMSGHDR)NULL)
/* The next header if a whole one still lies inside Control, else NULL (the first for NULL). */
#define WSA_CMSG_NXTHDR(msg, cmsg) \
    ((cmsg) == NULL ? WSA_CMSG_FIRSTHDR(msg) \
     : ((PUCHAR)(cmsg) + WSA_CMSGHDR_ALIGN((cmsg)->cmsg_len) + sizeof(WSACMSGHDR) > (PUCHAR)(msg)->Control.buf + (msg)->Control.len) \
         ? (LPWSACMSGHDR)NULL \
         : (LPWSACMSGHDR)((PUCHAR)(cmsg) + WSA_CMSGHDR_ALIGN((cmsg)->cmsg_len)))
#define CMSGHDR_ALIGN WSA_CMSGHDR_ALIGN
#define CMSGDATA_ALIGN WSA_CMSGDATA_ALIGN
#define CMSG_FIRSTHDR WSA_CMSG_FIRSTHDR
#define CMSG_NXTHDR WSA_CMSG_NXTHDR
#define CMSG_SPACE WSA_CMSG_SPACE
#define CMSG_LEN WSA_CMSG_LEN

#define WSAID_WSARECVMSG {0xf689d7c8, 0x6f1f, 0x436b, {0x8a, 0x53, 0xe5, 0x4f, 0xe3, 0x51, 0xc3, 0x22}}
#define WSAID_WSASENDMSG {0xa441e712, 0x754f, 0x43ca, {0x84, 0xa7, 0x0d, 0xee, 0x44, 0xcf, 0x60, 0x6d}}
typedef INT (PASCAL *LPFN_WSARECVMSG)(SOCKET s, LPWSAMSG lpMsg, LPDWORD lpdwNumberOfBytesRecvd, LPWSAOVERLAPPED lpOverlapped, LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);
typedef INT (PASCAL *LPFN_WSASENDMSG)(SOCKET s, LPWSAMSG lpMsg, DWORD dwFlags, LPDWORD lpNumberOfBytesSent, LPWSAOVERLAPPED lpOverlapped, LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);

/**
 * Blocking without lpOverlapped; with one, overlapped as WSASendTo. lpMsg->name is a datagram's
 * destination (ignored on TCP); control data is accepted and not applied.
 */
int WSAAPI WSASendMsg(SOCKET Handle, LPWSAMSG lpMsg, DWORD dwFlags, LPDWORD lpNumberOfBytesSent, LPWSAOVERLAPPED lpOverlapped, LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine) WS2WEB_IMPORT(WSASendMsg);
/**
 * What WSAIoctl hands out for WSAID_WSARECVMSG. IN_PKTINFO / IN6_PKTINFO (IP_PKTINFO /
 * IPV6_PKTINFO set) carry the socket's own address (unspecified when bound to the wildcard) and
 * interface 1 for a loopback source; Control.len, namelen and dwFlags (MSG_TRUNC, MSG_CTRUNC)
 * are written back. Data, address and control data land on completion when overlapped.
 */
INT PASCAL ws2web_WSARecvMsg(SOCKET s, LPWSAMSG lpMsg, LPDWORD lpdwNumberOfBytesRecvd, LPWSAOVERLAPPED lpOverlapped, LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine) WS2WEB_IMPORT(WSARecvMsg);

#ifdef __cplusplus
}
#endif

#endif /* WS2WEB_MESSAGES_H */
