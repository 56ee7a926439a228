/*
 * legacy-asyncgethost: how GUI-era programs looked names up without blocking their message loop.
 * WSAAsyncGetProtoByName, WSAAsyncGetServByName and WSAAsyncGetHostByName return a task handle at
 * once; the answer comes later as a window message (wParam: the handle, lParam:
 * WSAMAKEASYNCREPLY(buflen, error)) with the entry written into the program's buffer, pointers
 * included. Each lookup is started by the previous one's message, so the order is the same on
 * every system. Then the resolved address is connected to with WSAAsyncSelect, a line is sent
 * and the reply read, all in the one GetMessage/DispatchMessage loop.
 *
 *   usage: legacy-asyncgethost <host-name> <port> <line>
 */
#include <winsock2.h>
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#pragma comment(lib, "ws2_32.lib")
#pragma comment(lib, "user32.lib")

#define WM_PROTO (WM_USER + 1)
#define WM_SERV (WM_USER + 2)
#define WM_HOST_SMALL (WM_USER + 3)
#define WM_HOST (WM_USER + 4)
#define WM_SOCKET (WM_USER + 5)
#define TIMER_WATCHDOG 1

static char protoBuf[MAXGETHOSTSTRUCT], servBuf[MAXGETHOSTSTRUCT], hostBuf[MAXGETHOSTSTRUCT], tinyBuf[8];
static HANDLE task;
static const char *hostName;
static u_short port;
static SOCKET sock = INVALID_SOCKET;
static char message[512], received[8192];
static int messageLen, receivedLen, exitCode;

static int inside(const void *p, const char *buf)
{
    return (const char *)p >= buf && (const char *)p < buf + MAXGETHOSTSTRUCT;
}

static void quit(HWND hwnd, int code)
{
    exitCode = code;
    DestroyWindow(hwnd);
}

/* The reply's handle must be the one the call returned; then the error, or 0. */
static int reply(const char *what, WPARAM wParam, LPARAM lParam)
{
    printf("%s: handle %s, error %d\n", what, (HANDLE)wParam == task ? "matches" : "differs", WSAGETASYNCERROR(lParam));
    return WSAGETASYNCERROR(lParam);
}

static void start(HWND hwnd, const char *what, HANDLE h)
{
    task = h;
    if (!h) {
        printf("%s failed at once: %d\n", what, WSAGetLastError());
        quit(hwnd, 1);
    }
}

static void connectTo(HWND hwnd, const struct hostent *h)
{
    SOCKADDR_IN server;
    sock = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    if (WSAAsyncSelect(sock, hwnd, WM_SOCKET, FD_CONNECT | FD_READ | FD_WRITE | FD_CLOSE) == SOCKET_ERROR) {
        printf("WSAAsyncSelect failed: %d\n", WSAGetLastError());
        quit(hwnd, 1);
        return;
    }
    ZeroMemory(&server, sizeof(server));
    server.sin_family = AF_INET;
    server.sin_port = htons(port);
    memcpy(&server.sin_addr, h->h_addr_list[0], sizeof(server.sin_addr));
    if (connect(sock, (SOCKADDR *)&server, sizeof(server)) == SOCKET_ERROR && WSAGetLastError() != WSAEWOULDBLOCK) {
        printf("connect failed at once: %d\n", WSAGetLastError());
        quit(hwnd, 1);
        return;
    }
    printf("connecting to %s port %u\n", inet_ntoa(server.sin_addr), (unsigned)port);
}

static void drain(void)
{
    int n;
    while ((n = recv(sock, received + receivedLen, (int)sizeof(received) - 1 - receivedLen, 0)) > 0) receivedLen += n;
}

static void onSocket(HWND hwnd, LPARAM lParam)
{
    int error = WSAGETSELECTERROR(lParam);
    switch (WSAGETSELECTEVENT(lParam)) {
    case FD_CONNECT:
        printf("FD_CONNECT, error %d\n", error);
        if (error != 0) quit(hwnd, 2);
        break;
    case FD_WRITE:
        if (messageLen > 0 && send(sock, message, messageLen, 0) == messageLen) {
            printf("FD_WRITE: sent %d bytes\n", messageLen);
            messageLen = 0;
            shutdown(sock, SD_SEND);
        }
        break;
    case FD_READ:
        drain();
        break;
    case FD_CLOSE:
        drain();
        printf("FD_CLOSE, error %d\n", error);
        quit(hwnd, 0);
        break;
    }
}

static LRESULT CALLBACK WndProc(HWND hwnd, UINT msg, WPARAM wParam, LPARAM lParam)
{
    switch (msg) {
    case WM_PROTO: {
        const struct protoent *p = (const struct protoent *)protoBuf;
        if (reply("WSAAsyncGetProtoByName(\"tcp\")", wParam, lParam) == 0)
            printf("  p_name %s, p_proto %d, inside the buffer: %d\n", p->p_name, p->p_proto, inside(p->p_name, protoBuf));
        start(hwnd, "WSAAsyncGetServByName", WSAAsyncGetServByName(hwnd, WM_SERV, "http", "tcp", servBuf, sizeof(servBuf)));
        return 0;
    }
    case WM_SERV: {
        const struct servent *s = (const struct servent *)servBuf;
        if (reply("WSAAsyncGetServByName(\"http\", \"tcp\")", wParam, lParam) == 0)
            printf("  s_name %s, port %u, s_proto %s, first alias %s\n", s->s_name, (unsigned)ntohs(s->s_port), s->s_proto,
                   s->s_aliases[0] ? s->s_aliases[0] : "(none)");
        /* 8 bytes hold no hostent: the reply says WSAENOBUFS (and the size it needs). */
        start(hwnd, "WSAAsyncGetHostByName", WSAAsyncGetHostByName(hwnd, WM_HOST_SMALL, hostName, tinyBuf, sizeof(tinyBuf)));
        return 0;
    }
    case WM_HOST_SMALL:
        reply("WSAAsyncGetHostByName with an 8-byte buffer", wParam, lParam);
        printf("  needs more than 8 bytes: %d\n", WSAGETASYNCBUFLEN(lParam) > 8);
        start(hwnd, "WSAAsyncGetHostByName", WSAAsyncGetHostByName(hwnd, WM_HOST, hostName, hostBuf, sizeof(hostBuf)));
        return 0;
    case WM_HOST: {
        const struct hostent *h = (const struct hostent *)hostBuf;
        if (reply("WSAAsyncGetHostByName", wParam, lParam) != 0) {
            quit(hwnd, 2);
            return 0;
        }
        printf("  h_name %s, h_addrtype %d, h_length %d, first address %s\n", h->h_name, h->h_addrtype, h->h_length,
               inet_ntoa(*(struct in_addr *)h->h_addr_list[0]));
        printf("  pointers inside the buffer: %d\n",
               inside(h->h_name, hostBuf) && inside(h->h_addr_list, hostBuf) && inside(h->h_addr_list[0], hostBuf));
        connectTo(hwnd, h);
        return 0;
    }
    case WM_SOCKET:
        onSocket(hwnd, lParam);
        return 0;
    case WM_TIMER:
        printf("no reply in time\n");
        quit(hwnd, 3);
        return 0;
    case WM_DESTROY:
        KillTimer(hwnd, TIMER_WATCHDOG);
        PostQuitMessage(exitCode);
        return 0;
    }
    return DefWindowProc(hwnd, msg, wParam, lParam);
}

int main(int argc, char **argv)
{
    WSADATA wsaData;
    WNDCLASSEXA wc;
    HWND hwnd;
    MSG msg;

    if (argc != 4) {
        printf("usage: %s host-name port line\n", argv[0]);
        return 1;
    }
    hostName = argv[1];
    port = (u_short)atoi(argv[2]);
    messageLen = sprintf(message, "%.500s\n", argv[3]);
    if (WSAStartup(MAKEWORD(2, 2), &wsaData) != 0) {
        printf("WSAStartup failed\n");
        return 1;
    }
    ZeroMemory(&wc, sizeof(wc));
    wc.cbSize = sizeof(wc);
    wc.lpfnWndProc = WndProc;
    wc.hInstance = GetModuleHandle(NULL);
    wc.lpszClassName = "Ws2webAsyncGetHost";
    if (!RegisterClassExA(&wc)) {
        printf("RegisterClassEx failed: %lu\n", GetLastError());
        return 1;
    }
    hwnd = CreateWindowExA(0, wc.lpszClassName, "", 0, 0, 0, 0, 0, HWND_MESSAGE, NULL, wc.hInstance, NULL);
    if (!hwnd) {
        printf("CreateWindowEx failed: %lu\n", GetLastError());
        return 1;
    }
    start(hwnd, "WSAAsyncGetProtoByName", WSAAsyncGetProtoByName(hwnd, WM_PROTO, "tcp", protoBuf, sizeof(protoBuf)));
    printf("lookup started: handle is %s\n", task ? "nonzero" : "NULL");
    SetTimer(hwnd, TIMER_WATCHDOG, 5000, NULL);

    while (GetMessage(&msg, NULL, 0, 0) > 0) {
        TranslateMessage(&msg);
        DispatchMessage(&msg);
    }
    received[receivedLen] = '\0';
    printf("received %d bytes:\n%s", receivedLen, received);
    if (sock != INVALID_SOCKET) closesocket(sock);
    WSACleanup();
    return (int)msg.wParam;
}
