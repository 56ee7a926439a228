/*
 * kernel32 events and waits as Winsock programs use them: auto- and manual-reset events,
 * WaitForSingleObject / WaitForMultipleObjects with timeouts, and a CreateEvent handle given to
 * WSAEventSelect. Built with MinGW too; its Wine run is the reference.
 *
 *   events PORT   (a line server on 127.0.0.1 that answers "you said: <line>")
 */
#include <winsock2.h>
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    HANDLE autoEv, manualEv, both[2];
    DWORD t0, rc, rc2, err;
    BOOL c1, c2, c3;
    WSADATA wsa;
    SOCKET s;
    struct sockaddr_in addr;
    WSANETWORKEVENTS ne;
    char buf[64];
    int n;

    if (argc < 2) return 1;
    autoEv = CreateEvent(NULL, FALSE, TRUE, NULL);
    manualEv = CreateEventA(NULL, TRUE, FALSE, NULL);
    printf("created: %d %d\n", autoEv != NULL, manualEv != NULL);
    /* One call per statement: argument evaluation order differs between compilers. */
    rc = WaitForSingleObject(autoEv, 0);
    rc2 = WaitForSingleObject(autoEv, 0);
    printf("auto, initially set: %lu, then %lu\n", rc, rc2);
    SetEvent(manualEv);
    rc = WaitForSingleObject(manualEv, 0);
    rc2 = WaitForSingleObject(manualEv, 0);
    printf("manual, set: %lu, still %lu\n", rc, rc2);
    ResetEvent(manualEv);
    both[0] = autoEv;
    both[1] = manualEv;
    SetEvent(manualEv);
    printf("any of two: %lu\n", WaitForMultipleObjects(2, both, FALSE, 0));
    printf("all of two (auto not set): %lu\n", WaitForMultipleObjects(2, both, TRUE, 0));
    ResetEvent(manualEv);
    t0 = GetTickCount();
    rc = WaitForSingleObject(autoEv, 100);
    printf("timed wait: %lu after >= 90 ms: %d\n", rc, GetTickCount() - t0 >= 90);
    c1 = CloseHandle(autoEv);
    c2 = CloseHandle(manualEv);
    c3 = CloseHandle(autoEv);
    err = GetLastError();
    printf("CloseHandle %d %d, again %d error %lu\n", c1, c2, c3, err);

    WSAStartup(MAKEWORD(2, 2), &wsa);
    s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    autoEv = CreateEvent(NULL, FALSE, FALSE, NULL);
    WSAEventSelect(s, autoEv, FD_CONNECT | FD_READ | FD_CLOSE);
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((u_short)atoi(argv[1]));
    addr.sin_addr.s_addr = inet_addr("127.0.0.1");
    if (connect(s, (struct sockaddr *)&addr, sizeof addr) == SOCKET_ERROR) printf("connect: %d\n", WSAGetLastError());
    rc = WaitForSingleObject(autoEv, 5000);
    memset(&ne, 0xAB, sizeof ne); /* the slots of events not reported keep this */
    WSAEnumNetworkEvents(s, autoEv, &ne);
    printf("wait %lu: FD_CONNECT %d error %d, FD_CLOSE slot kept %d\n", rc, (ne.lNetworkEvents & FD_CONNECT) != 0,
           ne.iErrorCode[FD_CONNECT_BIT], ne.iErrorCode[FD_CLOSE_BIT] == (int)0xABABABAB);
    send(s, "ping\n", 5, 0);
    rc = WaitForSingleObject(autoEv, 5000);
    WSAEnumNetworkEvents(s, autoEv, &ne);
    n = recv(s, buf, sizeof buf - 1, 0);
    buf[n > 0 ? n : 0] = 0;
    printf("wait %lu: FD_READ %d, recv %d: %s", rc, (ne.lNetworkEvents & FD_READ) != 0, n, buf);
    closesocket(s);
    CloseHandle(autoEv);
    WSACleanup();
    return 0;
}
