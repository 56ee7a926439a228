/*
 * Completion-port semantics without a network: packets come back first in, first out;
 * GetQueuedCompletionStatusEx takes several at once; a timeout is FALSE + WAIT_TIMEOUT with
 * lpOverlapped NULL; bad handles fail. With "bench N" it instead times N post → dequeue round
 * trips (QueryPerformanceCounter) and prints the cost of one.
 */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void dequeue(HANDLE port, DWORD ms)
{
    DWORD bytes = 0;
    ULONG_PTR key = 0;
    LPOVERLAPPED ov = (LPOVERLAPPED)1;
    BOOL ok = GetQueuedCompletionStatus(port, &bytes, &key, &ov, ms);
    if (ok)
        printf("GQCS: TRUE, key %lu, %lu bytes, lpOverlapped %s\n", (unsigned long)key, bytes, ov ? "set" : "NULL");
    else
        printf("GQCS: FALSE, error %lu, lpOverlapped %s\n", GetLastError(), ov ? "set" : "NULL");
}

static int bench(int n)
{
    HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
    LARGE_INTEGER f, t0, t1;
    DWORD bytes;
    ULONG_PTR key;
    LPOVERLAPPED ov;
    int i;
    QueryPerformanceFrequency(&f);
    QueryPerformanceCounter(&t0);
    for (i = 0; i < n; i++) {
        PostQueuedCompletionStatus(port, (DWORD)i, 1, NULL);
        if (!GetQueuedCompletionStatus(port, &bytes, &key, &ov, INFINITE) || bytes != (DWORD)i) {
            printf("round trip %d failed\n", i);
            return 1;
        }
    }
    QueryPerformanceCounter(&t1);
    printf("%d round trips, %.3f us each\n", n, (double)(t1.QuadPart - t0.QuadPart) * 1e6 / (double)f.QuadPart / n);
    CloseHandle(port);
    return 0;
}

int main(int argc, char **argv)
{
    HANDLE port;
    OVERLAPPED a, b;
    OVERLAPPED_ENTRY entries[4];
    ULONG removed = 99, i;

    if (argc == 3 && strcmp(argv[1], "bench") == 0) return bench(atoi(argv[2]));

    port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
    printf("port created: %s\n", port ? "yes" : "no");
    printf("existing port with INVALID_HANDLE_VALUE: %s\n", CreateIoCompletionPort(INVALID_HANDLE_VALUE, port, 0, 0) ? "handle" : "NULL");

    dequeue(port, 0);
    dequeue(port, 30);

    PostQueuedCompletionStatus(port, 1, 10, NULL);
    PostQueuedCompletionStatus(port, 2, 20, &a);
    PostQueuedCompletionStatus(port, 3, 30, &b);
    dequeue(port, 0);

    if (GetQueuedCompletionStatusEx(port, entries, 4, &removed, 0, FALSE)) {
        printf("GQCSEx: TRUE, %lu removed\n", removed);
        for (i = 0; i < removed; i++)
            printf("  entry %lu: key %lu, %lu bytes, Internal %lu, lpOverlapped is %s\n", i, (unsigned long)entries[i].lpCompletionKey,
                   entries[i].dwNumberOfBytesTransferred, (unsigned long)entries[i].Internal,
                   entries[i].lpOverlapped == &a ? "a" : entries[i].lpOverlapped == &b ? "b" : "other");
    }
    removed = 99;
    if (!GetQueuedCompletionStatusEx(port, entries, 4, &removed, 20, FALSE))
        printf("GQCSEx on an empty port: FALSE, error %lu\n", GetLastError());

    printf("PostQueuedCompletionStatus(NULL): %s\n", PostQueuedCompletionStatus(NULL, 0, 0, NULL) ? "TRUE" : "FALSE");
    printf("CloseHandle(port): %s\n", CloseHandle(port) ? "TRUE" : "FALSE");
    return 0;
}
