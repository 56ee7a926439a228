/*
 * GetAddrInfoExW from C: a blocking lookup, an overlapped one completed through its event
 * (WSA_IO_PENDING, then GetAddrInfoExOverlappedResult and the OVERLAPPED's Pointer), an error,
 * and FreeAddrInfoExW. Compared with the same source built by MinGW under Wine. Every name is
 * "localhost" or numeric: no outside DNS.
 */
#define _WIN32_WINNT 0x0A00
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <stdio.h>

#pragma comment(lib, "ws2_32.lib")

#ifdef __MINGW32__
/* MinGW-w64's ws2tcpip.h lacks this declaration (ws2_32.dll exports it), and spells ai_next's
 * struct tag differently from the ADDRINFOEXW typedef. */
INT WSAAPI GetAddrInfoExOverlappedResult(LPOVERLAPPED lpOverlapped);
#define NEXT_EX(ai) ((PADDRINFOEXW)(ai)->ai_next)
#else
#define NEXT_EX(ai) ((ai)->ai_next)
#endif

static void widen(const char *s, WCHAR *out)
{
    while ((*out++ = (WCHAR)(unsigned char)*s++) != 0) {}
}

static void show(PADDRINFOEXW ai)
{
    char text[64];
    for (; ai; ai = NEXT_EX(ai)) {
        DWORD len = sizeof(text);
        if (WSAAddressToStringA(ai->ai_addr, (DWORD)ai->ai_addrlen, NULL, text, &len) != 0) strcpy(text, "?");
        printf("  family %d, socktype %d, addrlen %d: %s\n", ai->ai_family, ai->ai_socktype, (int)ai->ai_addrlen, text);
    }
}

static int lookup(const char *host, const char *service, int family, int flags, PADDRINFOEXW *result)
{
    WCHAR wHost[256], wService[64];
    ADDRINFOEXW hints;
    ZeroMemory(&hints, sizeof(hints));
    hints.ai_family = family;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = flags;
    widen(host, wHost);
    widen(service, wService);
    *result = NULL;
    return GetAddrInfoExW(wHost, wService, NS_ALL, NULL, &hints, result, NULL, NULL, NULL, NULL);
}

int main(void)
{
    WSADATA wsaData;
    PADDRINFOEXW result = NULL, pending = NULL;
    ADDRINFOEXW hints;
    OVERLAPPED ov;
    HANDLE cancel = NULL;
    WCHAR host[64], service[16];
    DWORD wait;
    int rc;

    if (WSAStartup(MAKEWORD(2, 2), &wsaData) != 0) return 1;

    rc = lookup("localhost", "80", AF_INET, 0, &result);
    printf("GetAddrInfoExW(localhost, 80): %d\n", rc);
    show(result);
    FreeAddrInfoExW(result);

    rc = lookup("::1", "443", AF_UNSPEC, AI_NUMERICHOST, &result);
    printf("GetAddrInfoExW(::1, 443): %d\n", rc);
    show(result);
    FreeAddrInfoExW(result);

    rc = lookup("localhost", "80", AF_INET, AI_NUMERICHOST, &result);
    printf("GetAddrInfoExW(localhost, AI_NUMERICHOST): %d, result %s\n", rc, result ? "set" : "NULL");

    ZeroMemory(&ov, sizeof(ov));
    ov.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
    ZeroMemory(&hints, sizeof(hints));
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    widen("127.0.0.1", host);
    widen("8080", service);
    rc = GetAddrInfoExW(host, service, NS_ALL, NULL, &hints, &pending, NULL, &ov, NULL, &cancel);
    printf("overlapped GetAddrInfoExW: %s\n", rc == WSA_IO_PENDING ? "WSA_IO_PENDING" : "completed at once");
    wait = WaitForSingleObject(ov.hEvent, 5000);
    printf("event: %s\n", wait == WAIT_OBJECT_0 ? "signalled" : "not signalled");
    printf("GetAddrInfoExOverlappedResult: %d\n", GetAddrInfoExOverlappedResult(&ov));
    printf("Pointer is ppResult: %d\n", ov.Pointer == (PVOID)&pending);
    show(pending);
    FreeAddrInfoExW(pending);
    CloseHandle(ov.hEvent);

    WSACleanup();
    return 0;
}
