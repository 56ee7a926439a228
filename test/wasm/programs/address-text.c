/*
 * Address text as Windows programs convert it: WSAAddressToStringA/W and WSAStringToAddressA/W
 * (Windows' "[v6%scope]:port" forms, the loose IPv4 forms, WSAEFAULT with the needed length,
 * WSAEINVAL for bad text), InetPtonW and InetNtopW. No network. Built with MinGW too; its Wine
 * run is the reference (the finer points are checked from JavaScript in
 * test/e2e/address-strings.test.ts).
 */
#define _WIN32_WINNT 0x0600
#include <winsock2.h>
#include <ws2tcpip.h>
#include <stdio.h>
#include <string.h>

/* WCHAR is 16 bits on Windows; wchar_t literals are not on every compiler, so widen by hand. */
static void widen(const char *s, WCHAR *out) {
    while ((*out++ = (WCHAR)(unsigned char)*s++) != 0) {}
}
static void narrow(const WCHAR *s, char *out) {
    while ((*out++ = (char)*s++) != 0) {}
}

static void to_string(const char *what, struct sockaddr *sa, int salen) {
    char text[64];
    WCHAR wide[64];
    char back[64];
    DWORD len = sizeof text, wlen = 64;
    int rc = WSAAddressToStringA(sa, (DWORD)salen, NULL, text, &len);
    int wrc = WSAAddressToStringW(sa, (DWORD)salen, NULL, wide, &wlen);
    narrow(wide, back);
    printf("%s: A %d '%s' %lu, W %d '%s' %lu\n", what, rc, rc ? "" : text, (unsigned long)len, wrc, wrc ? "" : back,
           (unsigned long)wlen);
}

static void from_string(const char *text, int family) {
    SOCKADDR_STORAGE ss;
    WCHAR wide[64];
    int len = (family == AF_INET ? (int)sizeof(SOCKADDR_IN) : (int)sizeof(SOCKADDR_IN6)) + 10;
    int wlen = len;
    int rc, err, wrc;
    char shown[64];
    memset(&ss, 0xab, sizeof ss);
    WSASetLastError(0);
    rc = WSAStringToAddressA((LPSTR)text, family, NULL, (LPSOCKADDR)&ss, &len);
    err = WSAGetLastError();
    if (rc == 0) {
        DWORD n = sizeof shown;
        WSAAddressToStringA((LPSOCKADDR)&ss, (DWORD)len, NULL, shown, &n);
    } else {
        strcpy(shown, "-");
    }
    printf("'%s' %s: %d, error %d, family %d, len %d, %s", text, family == AF_INET ? "v4" : "v6", rc, err,
           ((SOCKADDR *)&ss)->sa_family, len, shown);
    widen(text, wide);
    memset(&ss, 0xab, sizeof ss);
    WSASetLastError(0);
    wrc = WSAStringToAddressW(wide, family, NULL, (LPSOCKADDR)&ss, &wlen);
    printf(" / W %d, error %d\n", wrc, WSAGetLastError());
}

int main(void) {
    WSADATA wsa;
    SOCKADDR_IN in;
    SOCKADDR_IN6 in6;
    char small[4];
    DWORD len;
    int rc, alen;
    WCHAR wide[64];
    char back[64];
    unsigned char bytes[16];
    static const unsigned char v6bytes[16] = {0x20, 0xab, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x20, 0x01};

    WSAStartup(MAKEWORD(2, 2), &wsa);

    memset(&in, 0, sizeof in);
    in.sin_family = AF_INET;
    to_string("0.0.0.0", (struct sockaddr *)&in, sizeof in);
    in.sin_addr.s_addr = 0xffffffff;
    in.sin_port = 0xffff;
    to_string("broadcast:65535", (struct sockaddr *)&in, sizeof in);
    memset(&in6, 0, sizeof in6);
    in6.sin6_family = AF_INET6;
    memcpy(&in6.sin6_addr, v6bytes, 16);
    to_string("20ab::2001", (struct sockaddr *)&in6, sizeof in6);
    in6.sin6_port = htons(33274);
    in6.sin6_scope_id = 4660;
    to_string("with port and scope", (struct sockaddr *)&in6, sizeof in6);
    in6.sin6_port = 0;
    to_string("scope only", (struct sockaddr *)&in6, sizeof in6);

    len = 0;
    rc = WSAAddressToStringA((struct sockaddr *)&in, sizeof in, NULL, small, &len);
    printf("length 0: %d, error %d, needed %lu\n", rc, WSAGetLastError(), (unsigned long)len);
    len = sizeof small;
    rc = WSAAddressToStringA((struct sockaddr *)&in6, sizeof in6, NULL, small, &len);
    printf("too small: %d, error %d, needed %lu\n", rc, WSAGetLastError(), (unsigned long)len);
    in.sin_family = 1;
    len = 64;
    rc = WSAAddressToStringA((struct sockaddr *)&in, sizeof in, NULL, back, &len);
    printf("family 1: %d, error %d\n", rc, WSAGetLastError());
    alen = 0;
    rc = WSAStringToAddressA((LPSTR) "1.1.1.1", AF_INET, NULL, (LPSOCKADDR)&in, &alen);
    printf("string to address, length 0: %d, error %d, needed %d\n", rc, WSAGetLastError(), alen);

    from_string("127.127.127.127:123", AF_INET);
    from_string("127.127.127.127:0", AF_INET);
    from_string("127.127.127.127:0xAbCd", AF_INET);
    from_string("127.127.127.127:010", AF_INET);
    from_string("127.127.127.127:08", AF_INET);
    from_string("1.2", AF_INET);
    from_string("1.2.3:1", AF_INET);
    from_string("0x00010203", AF_INET);
    from_string("017700000001", AF_INET);
    from_string("3.4.65536", AF_INET);
    from_string("255.255.255.256", AF_INET);
    from_string(" 3.4.5.6", AF_INET);
    from_string("::1", AF_INET);
    from_string("::1", AF_INET6);
    from_string("[::1]:65535", AF_INET6);
    from_string("001::1", AF_INET6);
    from_string("::1]:65535", AF_INET6);
    from_string("1.2.3.4", AF_INET6);
    from_string("1:2:3:", AF_INET6);

    widen("20ab::2001", wide);
    rc = InetPtonW(AF_INET6, wide, bytes);
    printf("InetPtonW v6: %d, first bytes %02x%02x, last %02x%02x\n", rc, bytes[0], bytes[1], bytes[14], bytes[15]);
    widen("1.2.3", wide);
    printf("InetPtonW '1.2.3': %d\n", InetPtonW(AF_INET, wide, bytes));
    widen("192.0.2.1", wide);
    rc = InetPtonW(AF_INET, wide, bytes);
    printf("InetPtonW v4: %d, %u.%u.%u.%u\n", rc, bytes[0], bytes[1], bytes[2], bytes[3]);
    if (InetNtopW(AF_INET, bytes, wide, 64)) {
        narrow(wide, back);
        printf("InetNtopW v4: %s\n", back);
    }
    if (InetNtopW(AF_INET6, v6bytes, wide, 64)) {
        narrow(wide, back);
        printf("InetNtopW v6: %s\n", back);
    }
    WSASetLastError(0);
    rc = InetNtopW(9999, bytes, wide, 64) != NULL;
    printf("InetNtopW family 9999: %s, error %d\n", rc ? "text" : "NULL", WSAGetLastError());

    WSACleanup();
    return 0;
}
