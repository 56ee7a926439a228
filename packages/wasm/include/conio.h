/*
 * ws2web: <conio.h>, only what works without a console window. A page has no keyboard to poll:
 * _kbhit() is always 0 (no key waiting), so "press a key to stop" loops run until their other
 * exit; _getch()/_getche() read the next byte of stdin (EOF when it is used up), as a
 * redirected console does; _putch() writes to stdout.
 */
#ifndef WS2WEB_CONIO_H
#define WS2WEB_CONIO_H

#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

static __inline int _kbhit(void) { return 0; }
static __inline int _getch(void) { return getchar(); }
static __inline int _getche(void) { int c = getchar(); if (c != EOF) putchar(c); return c; }
static __inline int _putch(int c) { return putchar(c); }
#define kbhit _kbhit
#define getch _getch
#define getche _getche
#define putch _putch
#define _cputs(s) fputs((s), stdout)
#define _cprintf printf

#ifdef __cplusplus
}
#endif

#endif /* WS2WEB_CONIO_H */
