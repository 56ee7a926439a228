/*
 * A program that finds Winsock functions at run time, as code written for Windows versions
 * without them does: LoadLibrary / GetModuleHandle / GetProcAddress on ws2_32.dll and
 * mswsock.dll, unknown modules and functions (ERROR_MOD_NOT_FOUND, ERROR_PROC_NOT_FOUND), and a
 * blocking call (WSAConnectByNameA to the line server at argv[1]) and WSAPoll made through the
 * pointers. Built with MinGW too; its Wine run is the reference.
 */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <mswsock.h>
#include <windows.h>
#include <stdio.h>
#include <string.h>

typedef BOOL(WSAAPI *connect_by_name_fn)(SOCKET, LPSTR, LPSTR, LPDWORD, LPSOCKADDR, LPDWORD, LPSOCKADDR,
                                          const struct timeval *, LPWSAOVERLAPPED);
typedef int(WSAAPI *poll_fn)(LPWSAPOLLFD, ULONG, INT);

int main(int argc, char **argv) {
    WSADATA wsa;
    if (argc < 2 || WSAStartup(MAKEWORD(2, 2), &wsa)) return 1;

    HMODULE ws2 = LoadLibraryA("WS2_32.DLL");
    printf("LoadLibraryA(WS2_32.DLL): %s\n", ws2 ? "a module" : "NULL");
    printf("GetModuleHandleA(ws2_32): %s\n", GetModuleHandleA("ws2_32") == ws2 ? "the same module" : "another");
    printf("GetModuleHandleA(NULL): %s\n", GetModuleHandleA(NULL) ? "the program" : "NULL");
    SetLastError(0);
    HMODULE none = LoadLibraryA("no-such-library.dll");
    printf("LoadLibraryA(no-such-library.dll): %s, error %lu\n", none ? "a module" : "NULL", (unsigned long)GetLastError());

    SetLastError(0);
    FARPROC missing = GetProcAddress(ws2, "NoSuchFunction");
    printf("GetProcAddress(NoSuchFunction): %s, error %lu\n", missing ? "found" : "NULL", (unsigned long)GetLastError());
    HMODULE mswsock = LoadLibraryA("mswsock.dll");
    printf("mswsock AcceptEx: %s\n", mswsock && GetProcAddress(mswsock, "AcceptEx") ? "found" : "NULL");

    connect_by_name_fn by_name = (connect_by_name_fn)(void *)GetProcAddress(ws2, "WSAConnectByNameA");
    poll_fn poll = (poll_fn)(void *)GetProcAddress(ws2, "WSAPoll");
    printf("WSAConnectByNameA: %s, WSAPoll: %s\n", by_name ? "found" : "NULL", poll ? "found" : "NULL");
    if (!by_name || !poll) return 2;

    SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    BOOL ok = by_name(s, "localhost", argv[1], NULL, NULL, NULL, NULL, NULL, NULL);
    printf("connected through the pointer: %s\n", ok ? "TRUE" : "FALSE");
    if (!ok) return 3;
    setsockopt(s, SOL_SOCKET, SO_UPDATE_CONNECT_CONTEXT, NULL, 0);
    send(s, "found at run time\n", 18, 0);
    WSAPOLLFD fd = {s, POLLRDNORM, 0};
    int ready = poll(&fd, 1, 5000);
    printf("WSAPoll through the pointer: %d, revents %#x\n", ready, fd.revents);
    char reply[128];
    int n = recv(s, reply, sizeof reply - 1, 0);
    reply[n > 0 ? n : 0] = 0;
    printf("reply: %s", reply);
    closesocket(s);
    printf("FreeLibrary: %d\n", FreeLibrary(ws2));
    WSACleanup();
    return 0;
}
