/*
 * legacy-event-client: one socket driven by event objects, the Winsock 2 way of writing a
 * single-threaded client without select(): WSAEventSelect + WSAWaitForMultipleEvents +
 * WSAEnumNetworkEvents. WSAEventSelect makes the socket non-blocking, so connect() returns
 * WSAEWOULDBLOCK and its outcome arrives as FD_CONNECT; FD_WRITE says the message may be sent,
 * FD_READ that data arrived, FD_CLOSE that the server closed the connection.
 *
 *   usage: legacy-event-client <ipv4-address> <port> <message>
 */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#pragma comment(lib, "ws2_32.lib")

#define WAIT_MS 5000

int main(int argc, char **argv)
{
    WSADATA wsaData;
    SOCKET s;
    WSAEVENT hEvent;
    WSANETWORKEVENTS ne;
    SOCKADDR_IN server;
    char message[512];
    char received[4096];
    int receivedLen = 0, sent = 0, messageLen, done = 0, exitCode = 0;

    if (argc != 4) {
        printf("usage: %s ipv4-address port message\n", argv[0]);
        return 1;
    }
    if (WSAStartup(MAKEWORD(2, 2), &wsaData) != 0) {
        printf("WSAStartup failed\n");
        return 1;
    }
    messageLen = sprintf(message, "%.500s\n", argv[3]);

    s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    hEvent = WSACreateEvent();
    if (s == INVALID_SOCKET || hEvent == WSA_INVALID_EVENT) {
        printf("socket/WSACreateEvent failed: %d\n", WSAGetLastError());
        WSACleanup();
        return 1;
    }
    if (WSAEventSelect(s, hEvent, FD_CONNECT | FD_READ | FD_WRITE | FD_CLOSE) == SOCKET_ERROR) {
        printf("WSAEventSelect failed: %d\n", WSAGetLastError());
        WSACleanup();
        return 1;
    }

    ZeroMemory(&server, sizeof(server));
    server.sin_family = AF_INET;
    server.sin_port = htons((u_short)atoi(argv[2]));
    server.sin_addr.s_addr = inet_addr(argv[1]);
    if (connect(s, (SOCKADDR *)&server, sizeof(server)) == SOCKET_ERROR && WSAGetLastError() != WSAEWOULDBLOCK) {
        printf("connect failed at once: %d\n", WSAGetLastError());
        WSACleanup();
        return 1;
    }
    printf("connect: WSAEWOULDBLOCK, waiting for FD_CONNECT\n");

    while (!done) {
        DWORD rc = WSAWaitForMultipleEvents(1, &hEvent, FALSE, WAIT_MS, FALSE);
        if (rc == WSA_WAIT_TIMEOUT) {
            printf("no network event for %d ms\n", WAIT_MS);
            exitCode = 3;
            break;
        }
        if (rc == WSA_WAIT_FAILED) {
            printf("WSAWaitForMultipleEvents failed: %d\n", WSAGetLastError());
            exitCode = 1;
            break;
        }
        if (WSAEnumNetworkEvents(s, hEvent, &ne) == SOCKET_ERROR) {
            printf("WSAEnumNetworkEvents failed: %d\n", WSAGetLastError());
            exitCode = 1;
            break;
        }
        if (ne.lNetworkEvents & FD_CONNECT) {
            printf("FD_CONNECT, error %d\n", ne.iErrorCode[FD_CONNECT_BIT]);
            if (ne.iErrorCode[FD_CONNECT_BIT] != 0) {
                exitCode = 2;
                break;
            }
        }
        if ((ne.lNetworkEvents & FD_WRITE) && sent < messageLen) {
            int n = send(s, message + sent, messageLen - sent, 0);
            if (n == SOCKET_ERROR && WSAGetLastError() != WSAEWOULDBLOCK) {
                printf("send failed: %d\n", WSAGetLastError());
                exitCode = 1;
                break;
            }
            if (n > 0) sent += n;
            if (sent == messageLen) {
                printf("sent %d bytes, shutting down the sending side\n", sent);
                shutdown(s, SD_SEND);
            }
        }
        if (ne.lNetworkEvents & FD_READ) {
            int n = recv(s, received + receivedLen, (int)sizeof(received) - 1 - receivedLen, 0);
            if (n > 0) receivedLen += n;
        }
        if (ne.lNetworkEvents & FD_CLOSE) {
            int n;
            /* Data may still be queued ahead of the FIN: read it before leaving. */
            while ((n = recv(s, received + receivedLen, (int)sizeof(received) - 1 - receivedLen, 0)) > 0) receivedLen += n;
            printf("FD_CLOSE, error %d\n", ne.iErrorCode[FD_CLOSE_BIT]);
            done = 1;
        }
    }

    received[receivedLen] = '\0';
    printf("received %d bytes:\n%s", receivedLen, received);

    WSACloseEvent(hEvent);
    closesocket(s);
    WSACleanup();
    return exitCode;
}
