/* A Winsock C program for `npx ws2web-cc hello.c -o src/wasm/hello`: starts Winsock, opens and closes a socket. */
#include <winsock2.h>
#include <stdio.h>

int main(void) {
  WSADATA wsa;
  if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0) return 1;
  SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  if (s == INVALID_SOCKET) return 2;
  closesocket(s);
  WSACleanup();
  printf("winsock ok\n");
  return 0;
}
