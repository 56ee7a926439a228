/*
 * ws2web: <mswsock.h>. The Microsoft extensions AcceptEx, GetAcceptExSockaddrs, ConnectEx and
 * DisconnectEx (the last two through WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER), as on
 * Windows), their WSAID_* GUIDs and LPFN_* types: declared with the rest of the overlapped
 * Winsock calls (ws2web/winsock-overlapped.h, included by <winsock2.h>). TransmitFile and
 * TransmitPackets are not available. WSARecvMsg (WSAID_WSARECVMSG, LPFN_WSARECVMSG) and
 * WSASendMsg: ws2web/messages.h.
 */
#ifndef _MSWSOCK_
#define _MSWSOCK_
#include <winsock2.h>
#endif
