/*
 * legacy-threaded-server: the classic thread-per-client Winsock server. The main thread
 * accepts; each client gets a thread (_beginthreadex) that greets it, echoes its lines with a
 * serial number, and says bye on QUIT. A CRITICAL_SECTION guards the shared counters (clients
 * connected now, lines served in total). After the expected number of clients the main thread
 * waits for every client thread and prints what each one served.
 *
 *   legacy-threaded-server PORT CLIENTS
 *
 * Listens on 127.0.0.1 (a test server: loopback only).
 */
#define WIN32_LEAN_AND_MEAN
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <process.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CLIENTS 16

typedef struct {
    SOCKET s;
    int number;
} CLIENT;

static CRITICAL_SECTION lock;
static int active;
static long total_lines;

static int send_text(SOCKET s, const char *text) {
    int len = (int)strlen(text), sent = 0;
    while (sent < len) {
        int n = send(s, text + sent, len - sent, 0);
        if (n == SOCKET_ERROR) return SOCKET_ERROR;
        sent += n;
    }
    return sent;
}

static unsigned __stdcall serve_client(void *arg) {
    CLIENT *c = (CLIENT *)arg;
    char buf[512], line[512], reply[640];
    int used = 0, lines = 0, now;

    EnterCriticalSection(&lock);
    now = ++active;
    LeaveCriticalSection(&lock);
    snprintf(reply, sizeof reply, "welcome, client %d (%d connected)\n", c->number, now);
    send_text(c->s, reply);

    for (;;) {
        char *nl;
        int n = recv(c->s, buf + used, (int)sizeof buf - 1 - used, 0);
        if (n == 0 || n == SOCKET_ERROR) {
            printf("client %d: connection ended (%d)\n", c->number, n == 0 ? 0 : WSAGetLastError());
            break;
        }
        used += n;
        buf[used] = 0;
        while ((nl = strchr(buf, '\n')) != NULL) {
            size_t len = (size_t)(nl - buf);
            memcpy(line, buf, len);
            line[len] = 0;
            if (len > 0 && line[len - 1] == '\r') line[len - 1] = 0;
            memmove(buf, nl + 1, (size_t)used - len);
            used -= (int)len + 1;
            if (strcmp(line, "QUIT") == 0) {
                EnterCriticalSection(&lock);
                now = --active;
                LeaveCriticalSection(&lock);
                printf("client %d: quit after %d lines, %d still connected\n", c->number, lines, now);
                snprintf(reply, sizeof reply, "bye, client %d\n", c->number);
                send_text(c->s, reply);
                shutdown(c->s, SD_SEND);
                closesocket(c->s);
                return (unsigned)lines;
            } else {
                long serial;
                EnterCriticalSection(&lock);
                serial = ++total_lines;
                LeaveCriticalSection(&lock);
                lines++;
                printf("client %d: line %ld: %s\n", c->number, serial, line);
                snprintf(reply, sizeof reply, "#%ld %s\n", serial, line);
                send_text(c->s, reply);
            }
        }
    }
    EnterCriticalSection(&lock);
    --active;
    LeaveCriticalSection(&lock);
    closesocket(c->s);
    return (unsigned)lines;
}

int main(int argc, char **argv) {
    WSADATA wsa;
    SOCKET ls;
    struct sockaddr_in addr;
    CLIENT clients[MAX_CLIENTS];
    HANDLE threads[MAX_CLIENTS];
    int count, i;

    if (argc < 3) {
        fprintf(stderr, "usage: %s PORT CLIENTS\n", argv[0]);
        return 2;
    }
    count = atoi(argv[2]);
    if (count < 1 || count > MAX_CLIENTS) {
        fprintf(stderr, "CLIENTS must be 1..%d\n", MAX_CLIENTS);
        return 2;
    }
    if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0) return 1;
    InitializeCriticalSection(&lock);

    ls = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((u_short)atoi(argv[1]));
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    if (bind(ls, (struct sockaddr *)&addr, sizeof addr) == SOCKET_ERROR || listen(ls, SOMAXCONN) == SOCKET_ERROR) {
        printf("bind/listen failed: %d\n", WSAGetLastError());
        return 1;
    }
    printf("listening, serving %d clients\n", count);

    for (i = 0; i < count; i++) {
        SOCKET s = accept(ls, NULL, NULL);
        if (s == INVALID_SOCKET) {
            printf("accept failed: %d\n", WSAGetLastError());
            return 1;
        }
        clients[i].s = s;
        clients[i].number = i + 1;
        /* Printed before the thread exists, so it precedes everything the thread prints. */
        printf("accepted client %d\n", i + 1);
        threads[i] = (HANDLE)_beginthreadex(NULL, 0, serve_client, &clients[i], 0, NULL);
        if (threads[i] == 0) {
            printf("_beginthreadex failed\n");
            return 1;
        }
    }
    closesocket(ls);

    WaitForMultipleObjects((DWORD)count, threads, TRUE, INFINITE);
    for (i = 0; i < count; i++) {
        DWORD lines = 0;
        GetExitCodeThread(threads[i], &lines);
        CloseHandle(threads[i]);
        printf("client %d served %lu lines\n", i + 1, lines);
    }
    EnterCriticalSection(&lock);
    printf("total lines %ld, %d connected\n", total_lines, active);
    LeaveCriticalSection(&lock);
    DeleteCriticalSection(&lock);
    WSACleanup();
    return 0;
}
