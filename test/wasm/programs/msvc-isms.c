/*
 * Windows C as MSVC accepts it and MinGW on Linux does not: include names in other letter
 * cases, <windows.h> alone for the CRT, _cdecl, SEH blocks, strsafe/tchar/conio/mstcpip/
 * wspiapi/iphlpapi/rpc headers, the kernel32 basics and the MSVC CRT names. Each line prints
 * what Windows gives for the same call.
 */
#include <Windows.h>
#include <WinSock2.h>
#include <Ws2tcpip.h>
#include <WS2TCPIP.H>
#include <MSTcpIP.h>
#include <wspiapi.h>
#include <IPHlpApi.h>
#include <Rpc.h>
#include <StrSafe.h>
#include <tchar.h>
#include <conio.h>

static int _cdecl compare(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }

static int seh(int leave) {
    int steps = 0;
    __try {
        steps += 1;
        if (leave) __leave;
        steps += 10;
    } __finally {
        steps += 100;
    }
    __try {
        steps += 1000;
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        steps = -1;
    }
    return steps;
}

int _tmain(int argc, _TCHAR *argv[]) {
    char buf[MAX_PATH];
    char small[8];
    char *message = NULL;
    int values[] = {3, 1, 2};
    int r1, r2, r3, r4;
    HANDLE heap = GetProcessHeap();
    char *block;
    LARGE_INTEGER freq, t0, t1;
    FILETIME ft;
    ULARGE_INTEGER ft64;
    WSADATA wsa;
    SOCKADDR_IN in;
    SOCKADDR_IN6 in6;
    DWORD len;
    INT alen;
    HRESULT hr;
    size_t cch;
    (void)argc; (void)argv;

    /* CRT through <windows.h> alone: atoi, tolower, malloc, qsort. */
    qsort(values, 3, sizeof values[0], compare);
    block = (char *)malloc(4);
    printf("atoi %d tolower %c qsort %d%d%d malloc %s\n", atoi("42"), tolower('Q'), values[0], values[1], values[2], block ? "ok" : "NULL");
    free(block);
    printf("MAX_PATH %d, seh %d / %d, kbhit %d\n", MAX_PATH, seh(0), seh(1), _kbhit());

    block = (char *)HeapAlloc(heap, HEAP_ZERO_MEMORY, 16);
    r1 = block[0] == 0 && block[15] == 0;
    printf("HeapAlloc zeroed %d, HeapFree %d\n", r1, HeapFree(heap, 0, block));

    SetLastError(ERROR_INVALID_PARAMETER);
    printf("GetLastError %lu\n", GetLastError());
    printf("_strnicmp %d _stricmp %d lstrlen %d lstrcmpi %d\n", _strnicmp("HELLO", "help", 3), _stricmp("Abc", "aBC"), lstrlen("four"), lstrcmpi("b", "A"));

    /* One call per statement where the printed values depend on order (argument evaluation
     * order differs between compilers). */
    r1 = _snprintf(buf, sizeof buf, "%s", "abc");
    r2 = _snprintf(small, sizeof small, "%s", "0123456789");
    printf("_snprintf fits %d, too long %d, buffer '%.8s'\n", r1, r2, small);
    r1 = strcpy_s(small, sizeof small, "ab");
    r2 = strcpy_s(buf, 3, "abc") == ERANGE;
    r3 = buf[0] == 0;
    r4 = strcat_s(small, sizeof small, "cd");
    printf("strcpy_s %d, too long == ERANGE %d (empty %d), strcat_s %d '%s'\n", r1, r2, r3, r4, small);
    r1 = strncpy_s(small, sizeof small, "0123456789", _TRUNCATE);
    printf("strncpy_s truncate (STRUNCATE 80) %d '%s'\n", r1, small);
    r1 = sprintf_s(buf, sizeof buf, "%d-%s", 7, "x");
    printf("sprintf_s %d '%s'\n", r1, buf);

    hr = StringCchCopyA(small, sizeof small, "0123456789");
    printf("StringCchCopy too long 0x%08lx '%s'\n", (unsigned long)hr, small);
    hr = StringCchPrintf(buf, _countof(buf), "%s:%d", "host", 80);
    StringCchLength(buf, _countof(buf), &cch);
    printf("StringCchPrintf 0x%08lx '%s' length %d\n", (unsigned long)hr, buf, (int)cch);
    StringCbCopy(buf, sizeof buf, "ab");
    hr = StringCbCat(buf, sizeof buf, "cd");
    printf("StringCbCat %ld '%s'\n", (long)hr, buf);

    QueryPerformanceFrequency(&freq);
    QueryPerformanceCounter(&t0);
    Sleep(20);
    QueryPerformanceCounter(&t1);
    printf("QPC frequency %lld, 20 ms sleep measured >= 19 ms: %d\n", freq.QuadPart, (t1.QuadPart - t0.QuadPart) * 1000 / freq.QuadPart >= 19);
    GetSystemTimeAsFileTime(&ft);
    ft64.LowPart = ft.dwLowDateTime;
    ft64.HighPart = ft.dwHighDateTime;
    /* 2020-01-01 is 132223104000000000 in FILETIME units. */
    printf("FILETIME after 2020: %d, GetTickCount64 > 0: %d\n", ft64.QuadPart > 132223104000000000ULL, GetTickCount64() > 0);

    len = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, WSAECONNREFUSED, MAKELANGID(LANG_NEUTRAL, SUBLANG_DEFAULT), buf, sizeof buf, NULL);
    printf("FormatMessage(10061) %lu: %s", len, buf);
    len = FormatMessageA(FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, WSAEWOULDBLOCK, 0, (LPSTR)&message, 0, NULL);
    printf("FormatMessage(allocate, 10035) %lu: %s", len, message);
    LocalFree(message);
    len = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM, NULL, 0x12345, 0, buf, sizeof buf, NULL);
    printf("FormatMessage(unknown) %lu, error %lu\n", len, GetLastError());

    WSAStartup(MAKEWORD(2, 2), &wsa);
    alen = sizeof in;
    r1 = WSAStringToAddressA((LPSTR) "192.0.2.7:8080", AF_INET, NULL, (LPSOCKADDR)&in, &alen);
    len = sizeof buf;
    r2 = WSAAddressToStringA((LPSOCKADDR)&in, sizeof in, NULL, buf, &len);
    printf("WSAStringToAddress v4 %d, back %d '%s' length %lu\n", r1, r2, buf, len);
    alen = sizeof in6;
    r1 = WSAStringToAddressA((LPSTR) "[fe80::1%3]:443", AF_INET6, NULL, (LPSOCKADDR)&in6, &alen);
    len = sizeof buf;
    r2 = WSAAddressToStringA((LPSOCKADDR)&in6, sizeof in6, NULL, buf, &len);
    printf("WSAStringToAddress v6 %d, back %d '%s'\n", r1, r2, buf);
    len = 4;
    r1 = WSAAddressToStringA((LPSOCKADDR)&in, sizeof in, NULL, buf, &len);
    r2 = WSAGetLastError();
    printf("WSAAddressToString small buffer %d, error %d, needed %lu\n", r1, r2, len);
    alen = sizeof in;
    r1 = WSAStringToAddressA((LPSTR) "not-an-address", AF_INET, NULL, (LPSOCKADDR)&in, &alen);
    r2 = WSAGetLastError();
    printf("WSAStringToAddress bad %d, error %d\n", r1, r2);
    printf("GetLastError after a Winsock failure %lu\n", GetLastError());
    WSACleanup();
    return 0;
}
