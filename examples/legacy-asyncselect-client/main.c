/*
 * legacy-asyncselect-client: the GUI-era way of driving a socket. WSAAsyncSelect sends the
 * socket's network events as window messages to a message-only window; the classic
 * GetMessage/TranslateMessage/DispatchMessage loop hands them to the window procedure, which
 * reads WSAGETSELECTEVENT/WSAGETSELECTERROR from lParam. FD_CONNECT reports the connect,
 * FD_WRITE says the line may be sent, FD_READ that data arrived, FD_CLOSE that the server closed;
 * then a timer (WM_TIMER) ends the program by destroying the window (WM_DESTROY →
 * PostQuitMessage → GetMessage returns 0).
 *
 *   usage: legacy-asyncselect-client <ipv4-address> <port> <line>
 */
#include <winsock2.h>
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#pragma comment(lib, "ws2_32.lib")
#pragma comment(lib, "user32.lib")

#define WM_SOCKET (WM_USER + 1)
#define WM_HELLO (WM_APP + 7)
#define TIMER_WATCHDOG 1
#define TIMER_FINISH 2

static SOCKET sock = INVALID_SOCKET;
static char message[512], received[8192];
static int messageLen, sent, receivedLen, exitCode;

static void drain(void)
{
    int n;
    while ((n = recv(sock, received + receivedLen, (int)sizeof(received) - 1 - receivedLen, 0)) > 0) receivedLen += n;
}

static void finish(HWND hwnd, int code)
{
    exitCode = code;
    KillTimer(hwnd, TIMER_WATCHDOG);
    /* A short timer, so that the end comes through WM_TIMER. */
    SetTimer(hwnd, TIMER_FINISH, 20, NULL);
}

static void onSocket(HWND hwnd, WPARAM wParam, LPARAM lParam)
{
    int event = WSAGETSELECTEVENT(lParam), error = WSAGETSELECTERROR(lParam);
    if ((SOCKET)wParam != sock) {
        printf("message for another socket\n");
        return;
    }
    switch (event) {
    case FD_CONNECT:
        printf("FD_CONNECT, error %d\n", error);
        if (error != 0) finish(hwnd, 2);
        break;
    case FD_WRITE:
        if (sent < messageLen) {
            int n = send(sock, message + sent, messageLen - sent, 0);
            if (n > 0) sent += n;
            if (sent == messageLen) {
                printf("FD_WRITE: sent %d bytes, shutting down the sending side\n", sent);
                shutdown(sock, SD_SEND);
            }
        }
        break;
    case FD_READ:
        /* How many FD_READs come depends on how the bytes arrive: counted, not printed. */
        drain();
        break;
    case FD_CLOSE:
        drain();
        printf("FD_CLOSE, error %d\n", error);
        finish(hwnd, 0);
        break;
    default:
        printf("unexpected network event %d\n", event);
    }
}

static LRESULT CALLBACK WndProc(HWND hwnd, UINT msg, WPARAM wParam, LPARAM lParam)
{
    switch (msg) {
    case WM_CREATE:
        printf("WM_CREATE\n");
        return 0;
    case WM_HELLO:
        printf("posted WM_APP+7: wParam %u, lParam %ld\n", (unsigned)wParam, (long)lParam);
        return 0;
    case WM_APP:
        return (LRESULT)(wParam + lParam);
    case WM_SOCKET:
        onSocket(hwnd, wParam, lParam);
        return 0;
    case WM_TIMER:
        if (wParam == TIMER_WATCHDOG) {
            printf("no network event in time\n");
            exitCode = 3;
        } else {
            printf("WM_TIMER %u: destroying the window\n", (unsigned)wParam);
        }
        KillTimer(hwnd, wParam);
        DestroyWindow(hwnd);
        return 0;
    case WM_DESTROY:
        printf("WM_DESTROY\n");
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
    SOCKADDR_IN server;
    BOOL got;

    if (argc != 4) {
        printf("usage: %s ipv4-address port line\n", argv[0]);
        return 1;
    }
    if (WSAStartup(MAKEWORD(2, 2), &wsaData) != 0) {
        printf("WSAStartup failed\n");
        return 1;
    }
    messageLen = sprintf(message, "%.500s\n", argv[3]);

    ZeroMemory(&wc, sizeof(wc));
    wc.cbSize = sizeof(wc);
    wc.lpfnWndProc = WndProc;
    wc.hInstance = GetModuleHandle(NULL);
    wc.lpszClassName = "Ws2webAsyncSelectClient";
    if (!RegisterClassExA(&wc)) {
        printf("RegisterClassEx failed: %lu\n", GetLastError());
        return 1;
    }
    if (!RegisterClassExA(&wc)) printf("RegisterClassEx again: error %lu\n", GetLastError());
    hwnd = CreateWindowExA(0, "ws2webasyncselectclient", "", 0, 0, 0, 0, 0, HWND_MESSAGE, NULL, wc.hInstance, NULL);
    if (!hwnd) {
        printf("CreateWindowEx failed: %lu\n", GetLastError());
        return 1;
    }
    printf("SendMessage(WM_APP, 40, 2) returned %ld\n", (long)SendMessage(hwnd, WM_APP, 40, 2));
    /* Posted before the connect: it is delivered before the network events. */
    PostMessage(hwnd, WM_HELLO, 5, -1);

    sock = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    if (WSAAsyncSelect(sock, hwnd, WM_SOCKET, FD_CONNECT | FD_READ | FD_WRITE | FD_CLOSE) == SOCKET_ERROR) {
        printf("WSAAsyncSelect failed: %d\n", WSAGetLastError());
        return 1;
    }
    ZeroMemory(&server, sizeof(server));
    server.sin_family = AF_INET;
    server.sin_port = htons((u_short)atoi(argv[2]));
    server.sin_addr.s_addr = inet_addr(argv[1]);
    if (connect(sock, (SOCKADDR *)&server, sizeof(server)) == SOCKET_ERROR && WSAGetLastError() != WSAEWOULDBLOCK) {
        printf("connect failed at once: %d\n", WSAGetLastError());
        return 1;
    }
    printf("connect: WSAEWOULDBLOCK, waiting for FD_CONNECT in the message loop\n");
    SetTimer(hwnd, TIMER_WATCHDOG, 5000, NULL);

    while ((got = GetMessage(&msg, NULL, 0, 0)) != 0) {
        if (got == -1) {
            printf("GetMessage failed: %lu\n", GetLastError());
            return 1;
        }
        TranslateMessage(&msg);
        DispatchMessage(&msg);
    }
    printf("GetMessage returned 0: WM_QUIT, exit code %d\n", (int)msg.wParam);
    printf("IsWindow after DestroyWindow: %d\n", IsWindow(hwnd) ? 1 : 0);
    received[receivedLen] = '\0';
    printf("received %d bytes:\n%s", receivedLen, received);

    closesocket(sock);
    WSACleanup();
    return (int)msg.wParam;
}
