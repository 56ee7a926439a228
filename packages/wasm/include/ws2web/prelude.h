/*
 * ws2web: must come before any wasi-libc header. wasi-libc defines struct timeval, fd_set,
 * sockaddr… with POSIX layouts, and almost every libc header (stdio.h, string.h…) pulls in its
 * struct timeval. Defining wasi-libc's include guards first makes those headers skip their
 * versions, so winsock2.h can define the Windows layouts.
 *
 * ws2web-cc force-includes this file (-include ws2web/prelude.h), so `#include <stdio.h>`
 * before `<winsock2.h>` works as it does on Windows. <windows.h> and <winsock2.h> include it
 * too, and stop with a clear message if a libc header came first without it.
 */
#ifndef WS2WEB_PRELUDE_H
#define WS2WEB_PRELUDE_H

#if defined(__wasilibc___struct_timeval_h)
#error "ws2web: a libc header was included before <windows.h>/<winsock2.h>. Build with ws2web-cc, or pass -include ws2web/prelude.h to clang."
#endif

/* The POSIX/BSD names the MSVC CRT equivalents are built on (strnlen, strcasecmp, strdup,
 * clock_gettime) stay declared under -std=c11/c17 too: MSVC has no strict-ISO mode that hides
 * them. */
#if !defined(_DEFAULT_SOURCE) && !defined(_GNU_SOURCE)
#define _DEFAULT_SOURCE 1
#endif

#define __wasilibc___struct_timeval_h
#define __wasilibc___typedef_fd_set_h
#define __wasilibc___fd_set_h
#define __wasilibc___struct_sockaddr_h
#define __wasilibc___struct_sockaddr_in_h
#define __wasilibc___struct_sockaddr_in6_h
#define __wasilibc___struct_sockaddr_storage_h
#define __wasilibc___struct_in_addr_h
#define __wasilibc___struct_in6_addr_h
#define __wasilibc___typedef_sa_family_t_h

#endif /* WS2WEB_PRELUDE_H */
