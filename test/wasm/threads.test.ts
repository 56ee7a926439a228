/**
 * threads (test/wasm/programs/threads.c): CreateThread/_beginthreadex/ExitThread/_endthreadex,
 * exit codes, CREATE_SUSPENDED, waits on thread handles and on auto/manual-reset events (one
 * SetEvent releases one waiter of an auto-reset event), timeouts, WAIT_OBJECT_0 + n, bWaitAll,
 * CRITICAL_SECTION contention (a holder that blocks keeps the others out), TLS, per-thread
 * stacks and last errors, Interlocked*, and process exit while a thread sleeps. The same
 * source's MinGW build under Wine is compared in legacy-examples.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { runExample } from './run-example.js';

/** What the MinGW build prints under Wine (the comparison test checks it stays so). */
const EXPECTED = [
  'CreateThread: handle, id non-zero: yes',
  'while running: exit code 259 (STILL_ACTIVE 259)',
  'wait 0 ms on the running thread: 258',
  'wait for it: 0',
  'exit code: 42',
  'wait again (a thread stays signalled): 0',
  'GetThreadId matches: yes',
  'CloseHandle: 1',
  "the thread's own id matches: yes; differs from main's: yes",
  'ExitThread(7): 7',
  '_endthreadex(9): 9',
  'CREATE_SUSPENDED: ran before ResumeThread: no',
  'ResumeThread: 1',
  'after ResumeThread: ran yes, exit code 3',
  'auto-reset, one SetEvent: a waiter woke: yes',
  '  and only one: 1 released, the other still waits: 258',
  'second SetEvent: both threads ended: 0, released 2',
  'the gate was consumed: 258',
  'manual reset, one SetEvent: 0, released 2, still set: 0',
  'timeout: 258 after at least 40 ms: yes',
  '0 ms on an unset event: 258',
  'any of three, the third set: 2',
  'it was consumed: 258',
  'all of three, two set: 258',
  'the two stayed set: 0 0',
  'all of three, all set: 0',
  'all consumed: 258',
  'closed handle: 4294967295, error 6',
  '4 threads x 500 increments: 2000, overlaps 0',
  'recursive: RecursionCount 2, owner is me: yes',
  'TryEnter from another thread while owned: 0',
  'after one Leave, still mine: yes',
  'a blocked Enter got the section after Leave, saw flag 1',
  'TryEnter when free: 1',
  'InitializeCriticalSectionAndSpinCount: 1',
  'TlsAlloc: an index',
  'each thread kept its TLS value, its stack and its last error: yes',
  "main's value is still 100: yes",
  'TlsFree: 1',
  'Increment 6, Decrement 5, Exchange 5->9, ExchangeAdd 9->12, CompareExchange miss 12->12, hit 12->1',
  '64-bit: Increment 4294967297, Decrement 4294967296, ExchangeAdd64 4294967296->4294967295, Exchange64 4294967295->7, CompareExchange64 7->8',
  'ExchangePointer was NULL: yes, CompareExchangePointer: yes',
  'main returns 3 with a thread still asleep',
  '',
].join('\n');

describe('cooperative threads (JSPI)', () => {
  it('behave as Windows threads do', async () => {
    const run = await runExample('threads', { args: [], mode: 'jspi' });
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(EXPECTED);
    // main's return ends the process although a thread still sleeps (ExitProcess).
    expect(run.exitCode).toBe(3);
  });

  it('measures a thread switch: two threads ping-ponging auto-reset events', async () => {
    const rounds = 20_000;
    const started = performance.now();
    const run = await runExample('threads', { args: ['bench', String(rounds)], mode: 'jspi' });
    const pageMs = performance.now() - started;
    expect(run.exitCode).toBe(0);
    const m = /^bench: (\d+) round trips, (\d+) us, (\d+) ns per switch\n$/.exec(run.stdout);
    expect(m, run.stdout).not.toBeNull();
    expect(Number(m![1])).toBe(rounds);
    const ns = Number(m![3]);
    expect(ns).toBeGreaterThan(0);
    // Loose bound (a loaded CI machine): a switch is a microtask turn, far below a timer tick.
    expect(ns).toBeLessThan(1_000_000);
    console.log(`thread switch: ${ns} ns (${rounds} round trips in ${m![2]} us; whole run ${Math.round(pageMs)} ms)`);
  });
});

describe('the Asyncify build', () => {
  it('refuses a threaded program at start-up, naming the reason', async () => {
    await expect(runExample('threads', { args: [], mode: 'asyncify' })).rejects.toThrow(
      /creates threads \(it imports kernel32\.CreateThread\), and threads need JSPI/,
    );
  });
});
