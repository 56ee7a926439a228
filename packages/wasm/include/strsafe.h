/*
 * ws2web: <strsafe.h>, the ANSI string functions (StringCch* counts characters, StringCb*
 * bytes; the same here). As Windows': on a too-small buffer the result is truncated, always
 * NUL-terminated, and STRSAFE_E_INSUFFICIENT_BUFFER is returned; a zero or oversized length is
 * STRSAFE_E_INVALID_PARAMETER. The unsuffixed names are the A ones (no UNICODE builds here).
 */
#ifndef WS2WEB_STRSAFE_H
#define WS2WEB_STRSAFE_H

#include <windows.h>

#ifdef __cplusplus
extern "C" {
#endif

#define STRSAFE_MAX_CCH 2147483647
#define STRSAFE_E_INSUFFICIENT_BUFFER ((HRESULT)0x8007007AL)
#define STRSAFE_E_INVALID_PARAMETER ((HRESULT)0x80070057L)
#define STRSAFE_E_END_OF_FILE ((HRESULT)0x80070026L)
typedef char *STRSAFE_LPSTR;
typedef const char *STRSAFE_LPCSTR;

/** Copies at most `limit` characters of src after dest[at]. */
static __inline HRESULT __ws2web_strsafe_put(char *dest, size_t cch, size_t at, const char *src, size_t limit) {
    size_t n = 0;
    if (cch == 0 || cch > STRSAFE_MAX_CCH) return STRSAFE_E_INVALID_PARAMETER;
    if (at >= cch) return STRSAFE_E_INVALID_PARAMETER;
    while (n < limit && src[n] && at + n < cch - 1) { dest[at + n] = src[n]; n++; }
    dest[at + n] = 0;
    return (n < limit && src[n]) ? STRSAFE_E_INSUFFICIENT_BUFFER : S_OK;
}

static __inline HRESULT StringCchCopyA(STRSAFE_LPSTR pszDest, size_t cchDest, STRSAFE_LPCSTR pszSrc) { return __ws2web_strsafe_put(pszDest, cchDest, 0, pszSrc, STRSAFE_MAX_CCH); }
static __inline HRESULT StringCchCopyNA(STRSAFE_LPSTR pszDest, size_t cchDest, STRSAFE_LPCSTR pszSrc, size_t cchToCopy) { return __ws2web_strsafe_put(pszDest, cchDest, 0, pszSrc, cchToCopy); }
static __inline HRESULT StringCchCatA(STRSAFE_LPSTR pszDest, size_t cchDest, STRSAFE_LPCSTR pszSrc) {
    size_t at = strnlen(pszDest, cchDest);
    return at == cchDest ? STRSAFE_E_INVALID_PARAMETER : __ws2web_strsafe_put(pszDest, cchDest, at, pszSrc, STRSAFE_MAX_CCH);
}
static __inline HRESULT StringCchCatNA(STRSAFE_LPSTR pszDest, size_t cchDest, STRSAFE_LPCSTR pszSrc, size_t cchToAppend) {
    size_t at = strnlen(pszDest, cchDest);
    return at == cchDest ? STRSAFE_E_INVALID_PARAMETER : __ws2web_strsafe_put(pszDest, cchDest, at, pszSrc, cchToAppend);
}
static __inline HRESULT StringCchVPrintfA(STRSAFE_LPSTR pszDest, size_t cchDest, STRSAFE_LPCSTR pszFormat, va_list argList) {
    int n;
    if (cchDest == 0 || cchDest > STRSAFE_MAX_CCH) return STRSAFE_E_INVALID_PARAMETER;
    n = vsnprintf(pszDest, cchDest, pszFormat, argList);
    if (n < 0) { pszDest[0] = 0; return STRSAFE_E_INVALID_PARAMETER; }
    return (size_t)n >= cchDest ? STRSAFE_E_INSUFFICIENT_BUFFER : S_OK;
}
static __inline HRESULT StringCchPrintfA(STRSAFE_LPSTR pszDest, size_t cchDest, STRSAFE_LPCSTR pszFormat, ...) {
    va_list args;
    HRESULT hr;
    va_start(args, pszFormat);
    hr = StringCchVPrintfA(pszDest, cchDest, pszFormat, args);
    va_end(args);
    return hr;
}
static __inline HRESULT StringCchLengthA(STRSAFE_LPCSTR psz, size_t cchMax, size_t *pcchLength) {
    size_t n;
    if (!psz || cchMax > STRSAFE_MAX_CCH) { if (pcchLength) *pcchLength = 0; return STRSAFE_E_INVALID_PARAMETER; }
    n = strnlen(psz, cchMax);
    if (n == cchMax) { if (pcchLength) *pcchLength = 0; return STRSAFE_E_INVALID_PARAMETER; }
    if (pcchLength) *pcchLength = n;
    return S_OK;
}

#define StringCbCopyA StringCchCopyA
#define StringCbCopyNA StringCchCopyNA
#define StringCbCatA StringCchCatA
#define StringCbCatNA StringCchCatNA
#define StringCbPrintfA StringCchPrintfA
#define StringCbVPrintfA StringCchVPrintfA
#define StringCbLengthA StringCchLengthA
#define StringCchCopy StringCchCopyA
#define StringCchCopyN StringCchCopyNA
#define StringCchCat StringCchCatA
#define StringCchCatN StringCchCatNA
#define StringCchPrintf StringCchPrintfA
#define StringCchVPrintf StringCchVPrintfA
#define StringCchLength StringCchLengthA
#define StringCbCopy StringCchCopyA
#define StringCbCopyN StringCchCopyNA
#define StringCbCat StringCchCatA
#define StringCbCatN StringCchCatNA
#define StringCbPrintf StringCchPrintfA
#define StringCbVPrintf StringCchVPrintfA
#define StringCbLength StringCchLengthA

#ifdef __cplusplus
}
#endif

#endif /* WS2WEB_STRSAFE_H */
