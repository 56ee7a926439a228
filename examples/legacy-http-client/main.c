/*
 * legacy-http-client: fetch one page over HTTP/1.0 with classic blocking Winsock calls
 * (WSAStartup, getaddrinfo, socket, connect, send, a recv loop, closesocket, WSACleanup).
 * Plain Windows C: it builds unmodified with MSVC or MinGW-w64 (`-lws2_32`) and, through
 * @ws2web/wasm, runs in a web page.
 *
 *   usage: legacy-http-client <host> <port> <path>
 */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <winsock2.h>
#include <ws2tcpip.h>
#include <stdio.h>
#include <string.h>

#pragma comment(lib, "ws2_32.lib")

#define DEFAULT_BUFLEN 512

int __cdecl main(int argc, char **argv)
{
    WSADATA wsaData;
    SOCKET ConnectSocket = INVALID_SOCKET;
    struct addrinfo *result = NULL, *ptr = NULL, hints;
    char request[512];
    char recvbuf[DEFAULT_BUFLEN];
    char host[NI_MAXHOST];
    int iResult;
    int recvbuflen = DEFAULT_BUFLEN;
    int total = 0;

    if (argc != 4) {
        printf("usage: %s host port path\n", argv[0]);
        return 1;
    }

    // Initialize Winsock
    iResult = WSAStartup(MAKEWORD(2, 2), &wsaData);
    if (iResult != 0) {
        printf("WSAStartup failed with error: %d\n", iResult);
        return 1;
    }
    printf("Winsock %d.%d ready\n", LOBYTE(wsaData.wVersion), HIBYTE(wsaData.wVersion));

    ZeroMemory(&hints, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_protocol = IPPROTO_TCP;

    // Resolve the server address and port
    iResult = getaddrinfo(argv[1], argv[2], &hints, &result);
    if (iResult != 0) {
        printf("getaddrinfo failed with error: %d\n", iResult);
        WSACleanup();
        return 1;
    }

    // Attempt to connect to an address until one succeeds
    for (ptr = result; ptr != NULL; ptr = ptr->ai_next) {
        ConnectSocket = socket(ptr->ai_family, ptr->ai_socktype, ptr->ai_protocol);
        if (ConnectSocket == INVALID_SOCKET) {
            printf("socket failed with error: %d\n", WSAGetLastError());
            freeaddrinfo(result);
            WSACleanup();
            return 1;
        }
        iResult = connect(ConnectSocket, ptr->ai_addr, (int)ptr->ai_addrlen);
        if (iResult == SOCKET_ERROR) {
            closesocket(ConnectSocket);
            ConnectSocket = INVALID_SOCKET;
            continue;
        }
        getnameinfo(ptr->ai_addr, (socklen_t)ptr->ai_addrlen, host, sizeof(host), NULL, 0, NI_NUMERICHOST);
        printf("Connected to %s port %s\n", host, argv[2]);
        break;
    }

    freeaddrinfo(result);

    if (ConnectSocket == INVALID_SOCKET) {
        printf("Unable to connect to server!\n");
        WSACleanup();
        return 1;
    }

    // Send the request
    sprintf(request, "GET %s HTTP/1.0\r\nHost: %s\r\nUser-Agent: legacy-http-client\r\n\r\n", argv[3], argv[1]);
    iResult = send(ConnectSocket, request, (int)strlen(request), 0);
    if (iResult == SOCKET_ERROR) {
        printf("send failed with error: %d\n", WSAGetLastError());
        closesocket(ConnectSocket);
        WSACleanup();
        return 1;
    }
    printf("Bytes Sent: %d\n", iResult);

    // No more data to send: the server sees FIN, as HTTP/1.0 allows
    iResult = shutdown(ConnectSocket, SD_SEND);
    if (iResult == SOCKET_ERROR) {
        printf("shutdown failed with error: %d\n", WSAGetLastError());
        closesocket(ConnectSocket);
        WSACleanup();
        return 1;
    }

    // Receive until the peer closes the connection
    printf("----- response -----\n");
    do {
        iResult = recv(ConnectSocket, recvbuf, recvbuflen, 0);
        if (iResult > 0) {
            fwrite(recvbuf, 1, iResult, stdout);
            total += iResult;
        } else if (iResult == 0) {
            printf("\n----- end -----\n");
            printf("Connection closed after %d bytes\n", total);
        } else {
            printf("recv failed with error: %d\n", WSAGetLastError());
        }
    } while (iResult > 0);

    // cleanup
    closesocket(ConnectSocket);
    WSACleanup();

    return 0;
}
