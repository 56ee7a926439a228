/*
 * ws2web: the MSVC C runtime names Windows network code uses (string.h/stdio.h/stdlib.h
 * extras), over wasi-libc. Inline: pure C library work, no import. Included by <windows.h>.
 *
 * _snprintf/_vsnprintf keep MSVC's contract (no terminating NUL and -1 when the text does not
 * fit), which differs from C99 snprintf; the *_s functions check their arguments and, on
 * failure, return EINVAL/ERANGE (wasi-libc's values of those macros, so `== ERANGE` tests
 * work; the numbers differ from MSVC's 22/34) and leave an empty string, as the CRT does when
 * its invalid-parameter handler returns.
 */
#ifndef WS2WEB_CRT_COMPAT_H
#define WS2WEB_CRT_COMPAT_H

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef _cdecl
#define _cdecl
#endif
#ifndef __cdecl
#define __cdecl
#endif
#ifndef _stdcall
#define _stdcall
#endif
#ifndef __forceinline
#define __forceinline __inline __attribute__((always_inline))
#endif

typedef int errno_t;
#ifndef _RSIZE_T_DEFINED
#define _RSIZE_T_DEFINED
typedef size_t rsize_t;
#endif
#define _TRUNCATE ((size_t)-1)
#ifndef _countof
#define _countof(array) (sizeof(array) / sizeof((array)[0]))
#endif

#define _stricmp strcasecmp
#define _strnicmp strncasecmp
#define stricmp strcasecmp
#define strnicmp strncasecmp
#define _strdup strdup
#define _strlwr __ws2web_strlwr
#define _strupr __ws2web_strupr
#define _vscprintf(format, args) vsnprintf(NULL, 0, (format), (args))
#define _fileno fileno
#define _getpid() 1
#define _atoi64 atoll
#define _strtoi64 strtoll
#define _strtoui64 strtoull

static __inline char *__ws2web_strlwr(char *s) { char *p; for (p = s; *p; p++) *p = (char)tolower((unsigned char)*p); return s; }
static __inline char *__ws2web_strupr(char *s) { char *p; for (p = s; *p; p++) *p = (char)toupper((unsigned char)*p); return s; }

/** MSVC's _vsnprintf: the count written, or -1 (and no NUL) when the text did not fit. */
static __inline int _vsnprintf(char *buffer, size_t count, const char *format, va_list args) {
    va_list measure;
    int n;
    char *whole;
    va_copy(measure, args);
    n = vsnprintf(NULL, 0, format, measure);
    va_end(measure);
    if (n < 0) return -1;
    if ((size_t)n < count) return vsnprintf(buffer, count, format, args);
    if (count > 0) {
        /* Too long: MSVC leaves the first `count` characters, without a NUL. */
        whole = (char *)malloc((size_t)n + 1);
        if (!whole) return -1;
        vsnprintf(whole, (size_t)n + 1, format, args);
        memcpy(buffer, whole, count);
        free(whole);
    }
    return (size_t)n == count ? n : -1;
}

static __inline int _snprintf(char *buffer, size_t count, const char *format, ...) {
    va_list args;
    int n;
    va_start(args, format);
    n = _vsnprintf(buffer, count, format, args);
    va_end(args);
    return n;
}

static __inline errno_t strcpy_s(char *dest, rsize_t size, const char *src) {
    size_t n;
    if (!dest || size == 0) return EINVAL;
    if (!src) { dest[0] = 0; return EINVAL; }
    n = strlen(src);
    if (n >= size) { dest[0] = 0; return ERANGE; }
    memcpy(dest, src, n + 1);
    return 0;
}

static __inline errno_t strcat_s(char *dest, rsize_t size, const char *src) {
    size_t have, n;
    if (!dest || size == 0) return EINVAL;
    if (!src) { dest[0] = 0; return EINVAL; }
    have = strnlen(dest, size);
    if (have == size) { dest[0] = 0; return EINVAL; }
    n = strlen(src);
    if (have + n >= size) { dest[0] = 0; return ERANGE; }
    memcpy(dest + have, src, n + 1);
    return 0;
}

/** count may be _TRUNCATE: copy what fits and return STRUNCATE (80) if that cut the text. */
static __inline errno_t strncpy_s(char *dest, rsize_t size, const char *src, rsize_t count) {
    size_t n;
    if (!dest || size == 0) return EINVAL;
    if (!src) { dest[0] = 0; return count == 0 ? 0 : EINVAL; }
    n = strnlen(src, count == _TRUNCATE ? size : count);
    if (n >= size) {
        if (count != _TRUNCATE) { dest[0] = 0; return ERANGE; }
        memcpy(dest, src, size - 1);
        dest[size - 1] = 0;
        return 80; /* STRUNCATE */
    }
    memcpy(dest, src, n);
    dest[n] = 0;
    return 0;
}

static __inline int vsprintf_s(char *buffer, size_t size, const char *format, va_list args) {
    int n;
    if (!buffer || size == 0 || !format) return -1;
    n = vsnprintf(buffer, size, format, args);
    if (n < 0 || (size_t)n >= size) { buffer[0] = 0; return -1; }
    return n;
}

static __inline int sprintf_s(char *buffer, size_t size, const char *format, ...) {
    va_list args;
    int n;
    va_start(args, format);
    n = vsprintf_s(buffer, size, format, args);
    va_end(args);
    return n;
}

/** count _TRUNCATE: write what fits, return -1 when that cut the text. */
static __inline int _vsnprintf_s(char *buffer, size_t size, size_t count, const char *format, va_list args) {
    size_t limit = count == _TRUNCATE || count >= size ? size : count + 1;
    int n;
    if (!buffer || size == 0 || !format) return -1;
    n = vsnprintf(buffer, limit, format, args);
    if (n < 0) { buffer[0] = 0; return -1; }
    if ((size_t)n >= limit) {
        if (count == _TRUNCATE || count < size) return -1;
        buffer[0] = 0;
        return -1;
    }
    return n;
}

static __inline int _snprintf_s(char *buffer, size_t size, size_t count, const char *format, ...) {
    va_list args;
    int n;
    va_start(args, format);
    n = _vsnprintf_s(buffer, size, count, format, args);
    va_end(args);
    return n;
}

#ifdef __cplusplus
}
#endif

#endif /* WS2WEB_CRT_COMPAT_H */
