/*
 * ws2web: <rpc.h>. Winsock samples include it for nothing in particular (it came with old
 * project templates); no RPC function exists here, so it gives only the base headers.
 */
#ifndef WS2WEB_RPC_H
#define WS2WEB_RPC_H
#include <windows.h>
#endif /* WS2WEB_RPC_H */
