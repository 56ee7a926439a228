/*
 * WSAGetOverlappedResult reading OVERLAPPED.Internal, as Windows answers it (Wine's ws2_32
 * test_WSAGetOverlappedResult records it from real Windows): a handle that is no socket →
 * WSAENOTSOCK; then, on a TCP socket without waiting, every status of eight ranges written into
 * Internal: success statuses other than STATUS_PENDING → TRUE, the last error 0 (or left as it
 * was, as Windows before 10 1809); the others → FALSE with Windows' Winsock error for the
 * status (WSAEINVAL for the statuses it has none for); then STATUS_PENDING with a signalled
 * manual-reset event and fWait → TRUE. Prints one line per range and each of the first
 * mismatches. Built with MinGW too.
 *
 *   overlapped-result
 */
#include <winsock2.h>
#include <windows.h>
#include <stdio.h>
#include <string.h>

#define PENDING 0x103u

/* The Winsock error Windows gives for a failed Internal status: rows of error, then its statuses. */
static const unsigned long MAPPED[][12] = {
    {996, PENDING, 0x800703e4u, 0xc00103e4u, 0xc00703e4u},
    {10040, 0x80000005u, 0xc0000206u},
    {10045, 0xc0000002u, 0xc00000bbu},
    {10014, 0xc0000005u, 0xc0000023u, 0xc00002c5u},
    {10055, 0xc0000007u, 0xc0000017u, 0xc0000018u, 0xc0000044u, 0xc0000097u, 0xc000009au, 0xc00000a1u,
     0xc000012du, 0xc000013du, 0xc0000209u},
    {10038, 0xc0000008u, 0xc0000024u},
    {10050, 0xc000000eu, 0xc000000fu, 0xc0000034u, 0xc000003au, 0xc00000bfu, 0xc00000c3u, 0xc00000c4u},
    {10013, 0xc0000022u},
    {10048, 0xc0000043u, 0xc000020au},
    {10035, 0xc00000a3u, 0xc00000d0u},
    {10058, 0xc00000b0u},
    {10060, 0xc00000b5u, 0xc000013fu},
    {10061, 0xc00000bcu, 0xc0000236u},
    {10051, 0xc00000beu, 0xc000023cu, 0xc000023eu},
    {995, 0xc0000120u},
    {10053, 0xc000013bu, 0xc000020fu, 0xc0000241u},
    {10054, 0xc000013cu, 0xc000013eu, 0xc000020cu, 0xc000020du, 0xc000023fu},
    {10057, 0xc0000140u},
    {10049, 0xc0000141u, 0xc0000207u},
    {10101, 0xc0000237u},
    {10056, 0xc000023bu},
    {10065, 0xc000023du},
    {10004, 0xc0000240u},
    {10064, 0xc0000350u},
};

static unsigned long expected_error(unsigned long status) {
    size_t i, j;
    for (i = 0; i < sizeof MAPPED / sizeof MAPPED[0]; i++)
        for (j = 1; j < 12 && MAPPED[i][j]; j++)
            if (MAPPED[i][j] == status) return MAPPED[i][0];
    return WSAEINVAL;
}

int main(void) {
    static const unsigned long ranges[][2] = {
        {0x0, 0x10000},           {0x40000000, 0x40001000}, {0x80000000, 0x80001000},
        {0x80070000, 0x80080000}, {0xc0000000, 0xc0001000}, {0xc0070000, 0xc0080000},
        {0xd0000000, 0xd0001000}, {0xd0070000, 0xd0080000},
    };
    WSADATA wsa;
    WSAOVERLAPPED ov;
    DWORD size, flags;
    SOCKET s;
    BOOL ret;
    size_t i;
    int shown = 0;

    if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0) return 1;

    memset(&ov, 0, sizeof ov);
    WSASetLastError(0xdead);
    ret = WSAGetOverlappedResult((SOCKET)0xdeadbeef, &ov, &size, FALSE, &flags);
    printf("no socket: %d error %d\n", ret, WSAGetLastError());

    s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    for (i = 0; i < sizeof ranges / sizeof ranges[0]; i++) {
        unsigned long status, wrong_result = 0, wrong_error = 0;
        for (status = ranges[i][0]; status < ranges[i][1]; status++) {
            BOOL success = status < 0x80000000u && status != PENDING;
            DWORD error;
            ov.Internal = status;
            WSASetLastError(0xdeadbeef);
            ret = WSAGetOverlappedResult(s, &ov, &size, FALSE, &flags);
            error = (DWORD)WSAGetLastError();
            if (!ret != !success) wrong_result++;
            if (success ? (error != 0 && error != 0xdeadbeef) : error != expected_error(status)) wrong_error++;
            if ((!ret != !success || (!success && error != expected_error(status))) && shown < 8) {
                printf("  status %#lx: %d error %lu\n", status, ret, (unsigned long)error);
                shown++;
            }
        }
        printf("%#lx-%#lx: %lu wrong results, %lu wrong errors\n", ranges[i][0], ranges[i][1], wrong_result,
               wrong_error);
    }

    ov.Internal = PENDING;
    ov.hEvent = CreateEventW(NULL, TRUE, TRUE, NULL);
    WSASetLastError(0xdead);
    ret = WSAGetOverlappedResult(s, &ov, &size, TRUE, &flags);
    printf("pending, event set, wait: %d error %s\n", ret,
           GetLastError() == ERROR_IO_PENDING || !WSAGetLastError() ? "ERROR_IO_PENDING or 0" : "other");

    CloseHandle(ov.hEvent);
    closesocket(s);
    WSACleanup();
    return 0;
}
