/*
 * ws2web: <tchar.h> for ANSI builds (there are no UNICODE builds here): TCHAR is char and each
 * _t name is its char function, so `int _tmain(int argc, _TCHAR *argv[])` is main.
 */
#ifndef WS2WEB_TCHAR_H
#define WS2WEB_TCHAR_H

#include <windows.h>

typedef char _TCHAR;
typedef char _TSCHAR;
typedef unsigned char _TUCHAR;
typedef int _TINT;
#ifndef _TEOF
#define _TEOF EOF
#endif

#define _tmain main
#define _tprintf printf
#define _ftprintf fprintf
#define _stprintf sprintf
#define _sntprintf _snprintf
#define _stprintf_s sprintf_s
#define _vtprintf vprintf
#define _tcslen strlen
#define _tcscpy strcpy
#define _tcscpy_s strcpy_s
#define _tcsncpy strncpy
#define _tcscat strcat
#define _tcscat_s strcat_s
#define _tcscmp strcmp
#define _tcsicmp _stricmp
#define _tcsncmp strncmp
#define _tcsnicmp _strnicmp
#define _tcschr strchr
#define _tcsrchr strrchr
#define _tcsstr strstr
#define _tcstok strtok
#define _tcsdup _strdup
#define _tstoi atoi
#define _ttoi atoi
#define _tstol atol
#define _ttol atol
#define _tcstol strtol
#define _tcstoul strtoul
#define _fgetts fgets
#define _fputts fputs
#define _puttchar putchar
#define _gettchar getchar
#define _istdigit isdigit
#define _istspace isspace
#define _istalpha isalpha
#define _totlower tolower
#define _totupper toupper

#endif /* WS2WEB_TCHAR_H */
