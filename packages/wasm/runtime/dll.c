/*
 * ws2web runtime: LoadLibrary / GetModuleHandle / GetProcAddress / FreeLibrary for the DLLs a
 * network program looks itself up in, ws2_32.dll and mswsock.dll (programs that find
 * WSAConnectByNameW or WSAPoll at run time, to run on Windows versions without them). There are
 * no DLL files: each name maps to a table of the functions ws2web has, so GetProcAddress answers
 * as Windows does, NULL with ERROR_PROC_NOT_FOUND for a function not there, and any other module
 * is ERROR_MOD_NOT_FOUND. ws2web-cc links this file as a lazy member: only programs that call one
 * of these get it. The ws2_32 table lists the functions <winsock2.h>, <ws2tcpip.h> and
 * <mswsock.h> declare that ws2_32.dll exports (not the extension functions WSAIoctl hands out);
 * test/wasm/dynamic-lookup.test.ts checks it against the headers.
 */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <mswsock.h>
#include <windows.h>

struct ws2web_export {
    const char *name;
    FARPROC proc;
};

static const struct ws2web_export ws2_32_exports[] = {
    {"FreeAddrInfoExW", (FARPROC)FreeAddrInfoExW},
    {"FreeAddrInfoW", (FARPROC)FreeAddrInfoW},
    {"GetAddrInfoExCancel", (FARPROC)GetAddrInfoExCancel},
    {"GetAddrInfoExOverlappedResult", (FARPROC)GetAddrInfoExOverlappedResult},
    {"GetAddrInfoExW", (FARPROC)GetAddrInfoExW},
    {"GetAddrInfoW", (FARPROC)GetAddrInfoW},
    {"GetNameInfoW", (FARPROC)GetNameInfoW},
    {"InetNtopW", (FARPROC)InetNtopW},
    {"InetPtonW", (FARPROC)InetPtonW},
    {"WSAAddressToStringA", (FARPROC)WSAAddressToStringA},
    {"WSAAddressToStringW", (FARPROC)WSAAddressToStringW},
    {"WSAAsyncGetHostByAddr", (FARPROC)WSAAsyncGetHostByAddr},
    {"WSAAsyncGetHostByName", (FARPROC)WSAAsyncGetHostByName},
    {"WSAAsyncGetProtoByName", (FARPROC)WSAAsyncGetProtoByName},
    {"WSAAsyncGetProtoByNumber", (FARPROC)WSAAsyncGetProtoByNumber},
    {"WSAAsyncGetServByName", (FARPROC)WSAAsyncGetServByName},
    {"WSAAsyncGetServByPort", (FARPROC)WSAAsyncGetServByPort},
    {"WSAAsyncSelect", (FARPROC)WSAAsyncSelect},
    {"WSACancelAsyncRequest", (FARPROC)WSACancelAsyncRequest},
    {"WSACleanup", (FARPROC)WSACleanup},
    {"WSACloseEvent", (FARPROC)WSACloseEvent},
    {"WSAConnect", (FARPROC)WSAConnect},
    {"WSAConnectByList", (FARPROC)WSAConnectByList},
    {"WSAConnectByNameA", (FARPROC)WSAConnectByNameA},
    {"WSAConnectByNameW", (FARPROC)WSAConnectByNameW},
    {"WSACreateEvent", (FARPROC)WSACreateEvent},
    {"WSAEnumNetworkEvents", (FARPROC)WSAEnumNetworkEvents},
    {"WSAEnumProtocolsA", (FARPROC)WSAEnumProtocolsA},
    {"WSAEnumProtocolsW", (FARPROC)WSAEnumProtocolsW},
    {"WSAEventSelect", (FARPROC)WSAEventSelect},
    {"WSAGetLastError", (FARPROC)WSAGetLastError},
    {"WSAGetOverlappedResult", (FARPROC)WSAGetOverlappedResult},
    {"WSAIoctl", (FARPROC)WSAIoctl},
    {"WSAPoll", (FARPROC)WSAPoll},
    {"WSARecv", (FARPROC)WSARecv},
    {"WSARecvFrom", (FARPROC)WSARecvFrom},
    {"WSAResetEvent", (FARPROC)WSAResetEvent},
    {"WSASend", (FARPROC)WSASend},
    {"WSASendMsg", (FARPROC)WSASendMsg},
    {"WSASendTo", (FARPROC)WSASendTo},
    {"WSASetEvent", (FARPROC)WSASetEvent},
    {"WSASetLastError", (FARPROC)WSASetLastError},
    {"WSASocketA", (FARPROC)WSASocketA},
    {"WSASocketW", (FARPROC)WSASocketW},
    {"WSAStartup", (FARPROC)WSAStartup},
    {"WSAStringToAddressA", (FARPROC)WSAStringToAddressA},
    {"WSAStringToAddressW", (FARPROC)WSAStringToAddressW},
    {"WSAWaitForMultipleEvents", (FARPROC)WSAWaitForMultipleEvents},
    {"accept", (FARPROC)accept},
    {"bind", (FARPROC)bind},
    {"closesocket", (FARPROC)closesocket},
    {"connect", (FARPROC)connect},
    {"freeaddrinfo", (FARPROC)freeaddrinfo},
    {"getaddrinfo", (FARPROC)getaddrinfo},
    {"gethostbyname", (FARPROC)gethostbyname},
    {"gethostname", (FARPROC)gethostname},
    {"getnameinfo", (FARPROC)getnameinfo},
    {"getpeername", (FARPROC)getpeername},
    {"getprotobyname", (FARPROC)getprotobyname},
    {"getprotobynumber", (FARPROC)getprotobynumber},
    {"getservbyname", (FARPROC)getservbyname},
    {"getservbyport", (FARPROC)getservbyport},
    {"getsockname", (FARPROC)getsockname},
    {"getsockopt", (FARPROC)getsockopt},
    {"htonl", (FARPROC)htonl},
    {"htons", (FARPROC)htons},
    {"inet_addr", (FARPROC)inet_addr},
    {"inet_ntoa", (FARPROC)inet_ntoa},
    {"inet_ntop", (FARPROC)inet_ntop},
    {"inet_pton", (FARPROC)inet_pton},
    {"ioctlsocket", (FARPROC)ioctlsocket},
    {"listen", (FARPROC)listen},
    {"ntohl", (FARPROC)ntohl},
    {"ntohs", (FARPROC)ntohs},
    {"recv", (FARPROC)recv},
    {"recvfrom", (FARPROC)recvfrom},
    {"select", (FARPROC)select},
    {"send", (FARPROC)send},
    {"sendto", (FARPROC)sendto},
    {"setsockopt", (FARPROC)setsockopt},
    {"shutdown", (FARPROC)shutdown},
    {"socket", (FARPROC)socket},
    {0, 0},
};

static const struct ws2web_export mswsock_exports[] = {
    {"AcceptEx", (FARPROC)AcceptEx},
    {"GetAcceptExSockaddrs", (FARPROC)GetAcceptExSockaddrs},
    {0, 0},
};

struct ws2web_module {
    const char *name; /* lower case, without ".dll" */
    const struct ws2web_export *exports;
};

static const struct ws2web_export no_exports[] = {{0, 0}};

static const struct ws2web_module modules[] = {
    {"ws2_32", ws2_32_exports},
    {"mswsock", mswsock_exports},
};
/* The program itself: GetModuleHandle(NULL), e.g. for a window class's hInstance. */
static const struct ws2web_module program = {"", no_exports};

/* The module a file name names: any letter case, with or without ".dll", with any directory. */
static const struct ws2web_module *find_module(const char *path) {
    const char *name = path;
    for (const char *p = path; *p; p++)
        if (*p == '\\' || *p == '/') name = p + 1;
    for (unsigned i = 0; i < sizeof modules / sizeof modules[0]; i++) {
        size_t n = strlen(modules[i].name);
        if (strncasecmp(name, modules[i].name, n) == 0 && (name[n] == 0 || strcasecmp(name + n, ".dll") == 0))
            return &modules[i];
    }
    return NULL;
}

/* A wide name as narrow text (module names are ASCII); NULL if it does not fit. */
static const char *narrow(LPCWSTR wide, char *out, size_t size) {
    size_t i = 0;
    for (; wide[i]; i++) {
        if (i + 1 >= size) return NULL;
        out[i] = wide[i] < 0x80 ? (char)wide[i] : '?';
    }
    out[i] = 0;
    return out;
}

static HMODULE module_handle(LPCSTR name) {
    if (!name) {
        SetLastError(ERROR_MOD_NOT_FOUND);
        return NULL;
    }
    const struct ws2web_module *m = find_module(name);
    if (!m) SetLastError(ERROR_MOD_NOT_FOUND);
    return (HMODULE)m;
}

HMODULE WINAPI LoadLibraryA(LPCSTR lpLibFileName) { return module_handle(lpLibFileName); }
HMODULE WINAPI LoadLibraryExA(LPCSTR lpLibFileName, HANDLE hFile, DWORD dwFlags) {
    (void)hFile;
    (void)dwFlags;
    return module_handle(lpLibFileName);
}
HMODULE WINAPI GetModuleHandleA(LPCSTR lpModuleName) {
    return lpModuleName ? module_handle(lpModuleName) : (HMODULE)&program;
}

static HMODULE module_handle_w(LPCWSTR name) {
    char text[MAX_PATH];
    return module_handle(name ? narrow(name, text, sizeof text) : NULL);
}
HMODULE WINAPI LoadLibraryW(LPCWSTR lpLibFileName) { return module_handle_w(lpLibFileName); }
HMODULE WINAPI LoadLibraryExW(LPCWSTR lpLibFileName, HANDLE hFile, DWORD dwFlags) {
    (void)hFile;
    (void)dwFlags;
    return module_handle_w(lpLibFileName);
}
HMODULE WINAPI GetModuleHandleW(LPCWSTR lpModuleName) {
    return lpModuleName ? module_handle_w(lpModuleName) : (HMODULE)&program;
}

FARPROC WINAPI GetProcAddress(HMODULE hModule, LPCSTR lpProcName) {
    const struct ws2web_module *m = (const struct ws2web_module *)hModule;
    int known = m == &program;
    for (unsigned i = 0; i < sizeof modules / sizeof modules[0]; i++) known |= m == &modules[i];
    if (!known) {
        SetLastError(ERROR_MOD_NOT_FOUND);
        return NULL;
    }
    /*
     * An ordinal instead of a name (none are known). Windows tells them apart by a zero high
     * word; here static data starts at wasm-ld's global base, 1024, so only values below that
     * cannot be names.
     */
    if ((ULONG_PTR)lpProcName < 1024) {
        SetLastError(ERROR_PROC_NOT_FOUND);
        return NULL;
    }
    for (const struct ws2web_export *e = m->exports; e->name; e++)
        if (strcmp(e->name, lpProcName) == 0) return e->proc;
    SetLastError(ERROR_PROC_NOT_FOUND);
    return NULL;
}

BOOL WINAPI FreeLibrary(HMODULE hLibModule) {
    (void)hLibModule;
    return TRUE;
}
