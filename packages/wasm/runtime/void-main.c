/*
 * ws2web runtime: `void main(void)`, which MSVC accepts. wasi-libc starts a program through
 * __main_argc_argv, and clang names a program's `int main(int, char **)` that; `int main(void)`
 * gets its own __main_void. A `void main(void)` is neither: it stays `main`, with a type that
 * libc's fallback (calling main(argc, argv) for an int) does not match, and wasm-ld would make
 * that call a trap. ws2web-cc links this file as a lazy member (--start-lib): it is used only
 * when nothing else defines __main_argc_argv, i.e. exactly for `void main(void)` programs, and
 * calls main with the type it has. The exit code is 0, as MSVC's is.
 */
extern void __ws2web_void_main(void) __asm__("main");

int __main_argc_argv(int argc, char **argv) {
    (void)argc;
    (void)argv;
    __ws2web_void_main();
    return 0;
}
