/*
 * Win32 threads and their primitives, each result printed so the run can be compared with the
 * same source built by MinGW and run under Wine. Every line is the same whatever order a
 * preemptive scheduler picks: threads meet at events, and only decided facts are printed.
 *
 *   threads          the checks
 *   threads bench N  (wasm only) N event ping-pongs between two threads, timed
 */
#include <windows.h>
#include <process.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static HANDLE go;
static volatile LONG seen;

static DWORD WINAPI returns_arg(LPVOID arg) {
    WaitForSingleObject(go, INFINITE);
    return 40 + (DWORD)(ULONG_PTR)arg;
}

static DWORD WINAPI exits_early(LPVOID arg) {
    (void)arg;
    ExitThread(7);
}

static unsigned __stdcall ends_with_endthreadex(void *arg) {
    (void)arg;
    _endthreadex(9);
    return 0;
}

static DWORD WINAPI reports_id(LPVOID arg) {
    *(DWORD *)arg = GetCurrentThreadId();
    return 0;
}

static void basics(void) {
    DWORD id = 0, code = 0, seen_id = 0;
    HANDLE h;
    go = CreateEvent(NULL, TRUE, FALSE, NULL);
    h = CreateThread(NULL, 0, returns_arg, (LPVOID)2, 0, &id);
    printf("CreateThread: %s, id non-zero: %s\n", h ? "handle" : "NULL", id ? "yes" : "no");
    GetExitCodeThread(h, &code);
    printf("while running: exit code %lu (STILL_ACTIVE %ld)\n", code, STILL_ACTIVE);
    printf("wait 0 ms on the running thread: %lu\n", WaitForSingleObject(h, 0));
    SetEvent(go);
    printf("wait for it: %lu\n", WaitForSingleObject(h, INFINITE));
    GetExitCodeThread(h, &code);
    printf("exit code: %lu\n", code);
    printf("wait again (a thread stays signalled): %lu\n", WaitForSingleObject(h, 0));
    printf("GetThreadId matches: %s\n", GetThreadId(h) == id ? "yes" : "no");
    printf("CloseHandle: %d\n", CloseHandle(h));

    h = CreateThread(NULL, 0, reports_id, &seen_id, 0, &id);
    WaitForSingleObject(h, INFINITE);
    printf("the thread's own id matches: %s; differs from main's: %s\n", seen_id == id ? "yes" : "no",
           seen_id != GetCurrentThreadId() ? "yes" : "no");
    CloseHandle(h);

    h = CreateThread(NULL, 0, exits_early, NULL, 0, NULL);
    WaitForSingleObject(h, INFINITE);
    GetExitCodeThread(h, &code);
    printf("ExitThread(7): %lu\n", code);
    CloseHandle(h);

    h = (HANDLE)_beginthreadex(NULL, 0, ends_with_endthreadex, NULL, 0, NULL);
    WaitForSingleObject(h, INFINITE);
    GetExitCodeThread(h, &code);
    printf("_endthreadex(9): %lu\n", code);
    CloseHandle(h);
    CloseHandle(go);
}

static volatile LONG resumed_ran;
static DWORD WINAPI marks(LPVOID arg) {
    (void)arg;
    resumed_ran = 1;
    return 3;
}

static void suspended(void) {
    DWORD code = 0;
    HANDLE h = CreateThread(NULL, 0, marks, NULL, CREATE_SUSPENDED, NULL);
    Sleep(30);
    printf("CREATE_SUSPENDED: ran before ResumeThread: %s\n", resumed_ran ? "yes" : "no");
    printf("ResumeThread: %lu\n", ResumeThread(h));
    WaitForSingleObject(h, INFINITE);
    GetExitCodeThread(h, &code);
    printf("after ResumeThread: ran %s, exit code %lu\n", resumed_ran ? "yes" : "no", code);
    CloseHandle(h);
}

/* ---- events --------------------------------------------------------------------------------- */

static HANDLE gate, done[2];
static volatile LONG released;

static DWORD WINAPI waits_on_gate(LPVOID arg) {
    WaitForSingleObject(gate, INFINITE);
    InterlockedIncrement(&released);
    SetEvent(done[(ULONG_PTR)arg]);
    return 0;
}

static void events(void) {
    HANDLE t[2], ev[3];
    DWORD rc, start;
    int i;

    gate = CreateEvent(NULL, FALSE, FALSE, NULL); /* auto-reset */
    for (i = 0; i < 2; i++) done[i] = CreateEvent(NULL, FALSE, FALSE, NULL);
    for (i = 0; i < 2; i++) t[i] = CreateThread(NULL, 0, waits_on_gate, (LPVOID)(ULONG_PTR)i, 0, NULL);
    Sleep(30); /* both are waiting now (a wait on an unset event only ends by SetEvent) */
    SetEvent(gate);
    rc = WaitForMultipleObjects(2, done, FALSE, INFINITE);
    printf("auto-reset, one SetEvent: a waiter woke: %s\n", rc < 2 ? "yes" : "no");
    printf("  and only one: %lu released, the other still waits: %lu\n", released,
           WaitForMultipleObjects(2, done, FALSE, 50));
    SetEvent(gate);
    rc = WaitForMultipleObjects(2, t, TRUE, INFINITE);
    printf("second SetEvent: both threads ended: %lu, released %lu\n", rc, released);
    printf("the gate was consumed: %lu\n", WaitForSingleObject(gate, 0));
    for (i = 0; i < 2; i++) {
        CloseHandle(t[i]);
        CloseHandle(done[i]);
    }
    CloseHandle(gate);

    gate = CreateEvent(NULL, TRUE, FALSE, NULL); /* manual reset */
    released = 0;
    for (i = 0; i < 2; i++) done[i] = CreateEvent(NULL, TRUE, FALSE, NULL);
    for (i = 0; i < 2; i++) t[i] = CreateThread(NULL, 0, waits_on_gate, (LPVOID)(ULONG_PTR)i, 0, NULL);
    Sleep(30);
    SetEvent(gate);
    rc = WaitForMultipleObjects(2, t, TRUE, INFINITE);
    printf("manual reset, one SetEvent: %lu, released %lu, still set: %lu\n", rc, released,
           WaitForSingleObject(gate, 0));
    for (i = 0; i < 2; i++) {
        CloseHandle(t[i]);
        CloseHandle(done[i]);
    }
    CloseHandle(gate);

    for (i = 0; i < 3; i++) ev[i] = CreateEvent(NULL, FALSE, FALSE, NULL);
    start = GetTickCount();
    rc = WaitForSingleObject(ev[0], 60);
    printf("timeout: %lu after at least 40 ms: %s\n", rc, GetTickCount() - start >= 40 ? "yes" : "no");
    printf("0 ms on an unset event: %lu\n", WaitForSingleObject(ev[0], 0));
    SetEvent(ev[2]);
    printf("any of three, the third set: %lu\n", WaitForMultipleObjects(3, ev, FALSE, 0));
    printf("it was consumed: %lu\n", WaitForMultipleObjects(3, ev, FALSE, 0));
    SetEvent(ev[0]);
    SetEvent(ev[1]);
    printf("all of three, two set: %lu\n", WaitForMultipleObjects(3, ev, TRUE, 30));
    printf("the two stayed set: %lu %lu\n", WaitForSingleObject(ev[0], 0), WaitForSingleObject(ev[1], 0));
    SetEvent(ev[0]);
    SetEvent(ev[1]);
    SetEvent(ev[2]);
    printf("all of three, all set: %lu\n", WaitForMultipleObjects(3, ev, TRUE, 30));
    printf("all consumed: %lu\n", WaitForMultipleObjects(3, ev, FALSE, 0));
    for (i = 0; i < 3; i++) CloseHandle(ev[i]);
    SetLastError(0);
    rc = WaitForSingleObject(ev[0], 0);
    printf("closed handle: %lu, error %lu\n", rc, GetLastError());
}

/* ---- critical sections ---------------------------------------------------------------------- */

static CRITICAL_SECTION cs;
static LONG counter, inside, overlaps;
static volatile LONG flag;

static DWORD WINAPI adds(LPVOID arg) {
    int i;
    (void)arg;
    for (i = 0; i < 500; i++) {
        LONG v;
        EnterCriticalSection(&cs);
        if (inside++) overlaps++;
        v = counter;
        if (i % 50 == 0) Sleep(1); /* switch while holding it: the others must wait */
        counter = v + 1;
        inside--;
        LeaveCriticalSection(&cs);
        if (i % 7 == 0) SwitchToThread();
    }
    return 0;
}

static DWORD WINAPI tries(LPVOID arg) {
    (void)arg;
    if (!TryEnterCriticalSection(&cs)) return 0;
    LeaveCriticalSection(&cs);
    return 1;
}

static DWORD WINAPI enters_and_reads_flag(LPVOID arg) {
    LONG f;
    (void)arg;
    EnterCriticalSection(&cs);
    f = flag;
    LeaveCriticalSection(&cs);
    return (DWORD)f;
}

static void critical_sections(void) {
    HANDLE t[4];
    DWORD code;
    int i;
    InitializeCriticalSection(&cs);
    for (i = 0; i < 4; i++) t[i] = CreateThread(NULL, 0, adds, NULL, 0, NULL);
    WaitForMultipleObjects(4, t, TRUE, INFINITE);
    printf("4 threads x 500 increments: %ld, overlaps %ld\n", counter, overlaps);
    for (i = 0; i < 4; i++) CloseHandle(t[i]);

    EnterCriticalSection(&cs);
    EnterCriticalSection(&cs);
    printf("recursive: RecursionCount %ld, owner is me: %s\n", cs.RecursionCount,
           (DWORD)(ULONG_PTR)cs.OwningThread == GetCurrentThreadId() ? "yes" : "no");
    t[0] = CreateThread(NULL, 0, tries, NULL, 0, NULL);
    WaitForSingleObject(t[0], INFINITE);
    GetExitCodeThread(t[0], &code);
    printf("TryEnter from another thread while owned: %lu\n", code);
    CloseHandle(t[0]);
    LeaveCriticalSection(&cs);
    printf("after one Leave, still mine: %s\n",
           (DWORD)(ULONG_PTR)cs.OwningThread == GetCurrentThreadId() ? "yes" : "no");
    t[0] = CreateThread(NULL, 0, enters_and_reads_flag, NULL, 0, NULL);
    Sleep(30); /* it blocks in EnterCriticalSection meanwhile */
    flag = 1;
    LeaveCriticalSection(&cs);
    WaitForSingleObject(t[0], INFINITE);
    GetExitCodeThread(t[0], &code);
    printf("a blocked Enter got the section after Leave, saw flag %lu\n", code);
    CloseHandle(t[0]);
    t[0] = CreateThread(NULL, 0, tries, NULL, 0, NULL);
    WaitForSingleObject(t[0], INFINITE);
    GetExitCodeThread(t[0], &code);
    printf("TryEnter when free: %lu\n", code);
    CloseHandle(t[0]);
    printf("InitializeCriticalSectionAndSpinCount: %d\n", InitializeCriticalSectionAndSpinCount(&cs, 4000));
    DeleteCriticalSection(&cs);
}

/* ---- TLS, own stacks, own last error ---------------------------------------------------------- */

static DWORD slot;

static DWORD WINAPI uses_tls(LPVOID arg) {
    DWORD me = (DWORD)(ULONG_PTR)arg;
    char big[32 * 1024];
    DWORD ok = 1;
    size_t i;
    SetLastError(0xdead);
    if (TlsGetValue(slot) != NULL || GetLastError() != 0) ok = 0; /* a new thread's slot is NULL */
    memset(big, (int)me, sizeof big);
    TlsSetValue(slot, (LPVOID)(ULONG_PTR)(me * 10));
    SetLastError(1000 + me);
    Sleep(20);       /* the other threads run, with their own stacks and errors */
    SwitchToThread();
    if (GetLastError() != 1000 + me) ok = 0;
    if (TlsGetValue(slot) != (LPVOID)(ULONG_PTR)(me * 10)) ok = 0;
    for (i = 0; i < sizeof big; i++)
        if (big[i] != (char)me) ok = 0;
    return ok;
}

static void tls(void) {
    HANDLE t[3];
    DWORD code, all = 1;
    int i;
    slot = TlsAlloc();
    printf("TlsAlloc: %s\n", slot != TLS_OUT_OF_INDEXES ? "an index" : "TLS_OUT_OF_INDEXES");
    TlsSetValue(slot, (LPVOID)100);
    for (i = 0; i < 3; i++) t[i] = CreateThread(NULL, 0, uses_tls, (LPVOID)(ULONG_PTR)(i + 1), 0, NULL);
    WaitForMultipleObjects(3, t, TRUE, INFINITE);
    for (i = 0; i < 3; i++) {
        GetExitCodeThread(t[i], &code);
        all &= code;
        CloseHandle(t[i]);
    }
    printf("each thread kept its TLS value, its stack and its last error: %s\n", all ? "yes" : "no");
    printf("main's value is still 100: %s\n", TlsGetValue(slot) == (LPVOID)100 ? "yes" : "no");
    printf("TlsFree: %d\n", TlsFree(slot));
}

/* ---- interlocked ------------------------------------------------------------------------------ */

static void interlocked(void) {
    LONG v = 5;
    LONGLONG w = 0x100000000LL;
    PVOID p = NULL;
    printf("Increment %ld, ", InterlockedIncrement(&v));
    printf("Decrement %ld, ", InterlockedDecrement(&v));
    printf("Exchange %ld->", InterlockedExchange(&v, 9));
    printf("%ld, ", v);
    printf("ExchangeAdd %ld->", InterlockedExchangeAdd(&v, 3));
    printf("%ld, ", v);
    printf("CompareExchange miss %ld->", InterlockedCompareExchange(&v, 1, 2));
    printf("%ld, ", v);
    printf("hit %ld->", InterlockedCompareExchange(&v, 1, 12));
    printf("%ld\n", v);
    printf("64-bit: Increment %lld, ", InterlockedIncrement64(&w));
    printf("Decrement %lld, ", InterlockedDecrement64(&w));
    printf("ExchangeAdd64 %lld->", InterlockedExchangeAdd64(&w, -1));
    printf("%lld, ", w);
    printf("Exchange64 %lld->", InterlockedExchange64(&w, 7));
    printf("%lld, ", w);
    printf("CompareExchange64 %lld->", InterlockedCompareExchange64(&w, 8, 7));
    printf("%lld\n", w);
    printf("ExchangePointer was NULL: %s, ", InterlockedExchangePointer(&p, &v) == NULL ? "yes" : "no");
    printf("CompareExchangePointer: %s\n", InterlockedCompareExchangePointer(&p, NULL, &v) == &v && p == NULL ? "yes" : "no");
}

/* ---- the cost of a switch (wasm only) ------------------------------------------------------- */

static HANDLE ping, pong;
static long rounds;

static DWORD WINAPI ponger(LPVOID arg) {
    long i;
    (void)arg;
    for (i = 0; i < rounds; i++) {
        WaitForSingleObject(ping, INFINITE);
        SetEvent(pong);
    }
    return 0;
}

static void bench(long n) {
    LARGE_INTEGER f, a, b;
    HANDLE t;
    long i;
    rounds = n;
    ping = CreateEvent(NULL, FALSE, FALSE, NULL);
    pong = CreateEvent(NULL, FALSE, FALSE, NULL);
    t = CreateThread(NULL, 0, ponger, NULL, 0, NULL);
    QueryPerformanceFrequency(&f);
    QueryPerformanceCounter(&a);
    for (i = 0; i < n; i++) {
        SetEvent(ping);
        WaitForSingleObject(pong, INFINITE);
    }
    QueryPerformanceCounter(&b);
    WaitForSingleObject(t, INFINITE);
    /* Each round trip is two switches (main -> ponger -> main). */
    printf("bench: %ld round trips, %lld us, %lld ns per switch\n", n,
           (b.QuadPart - a.QuadPart) * 1000000 / f.QuadPart,
           (b.QuadPart - a.QuadPart) * 1000000000 / f.QuadPart / (2 * n));
}

static DWORD WINAPI sleeps_forever(LPVOID arg) {
    (void)arg;
    Sleep(INFINITE);
    return 0;
}

int main(int argc, char **argv) {
    if (argc > 2 && strcmp(argv[1], "bench") == 0) {
        bench(atol(argv[2]));
        return 0;
    }
    basics();
    suspended();
    events();
    critical_sections();
    tls();
    interlocked();
    /* Returning from main ends the process, and this thread with it (ExitProcess). */
    CloseHandle(CreateThread(NULL, 0, sleeps_forever, NULL, 0, NULL));
    Sleep(10);
    printf("main returns 3 with a thread still asleep\n");
    return 3;
}
