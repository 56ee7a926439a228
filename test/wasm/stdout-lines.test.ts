/**
 * stdout is line-buffered, as on a Windows console: a program's lines reach the page as it
 * prints them, not when it exits. (A regression test: the WASI shim once granted fd 1 the
 * seek/tell rights, wasi-libc's isatty(1) said "not a terminal" and stdout became fully
 * buffered after its first line, so a blocked server looked dead.)
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Control } from '../fixtures/control.js';
import type { RunMode } from '../../packages/wasm/src/index.js';
import { runExample, type ExampleRun } from './run-example.js';

const control = new Control();
afterAll(() => control.releaseAll());

const BLOCKED_OUTPUT = 'connected\nwaiting for the peer to close\n';

/** Resolves when `seen` is called, or rejects after `ms` (a deadline, not a pause), or when `exit` settles first. */
function firstOf(seen: Promise<void>, exit: Promise<ExampleRun>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`the printed lines did not reach the page within ${ms} ms while the program was blocked`)),
      ms,
    );
  });
  const exited = exit.then((run) => {
    throw new Error(`the program exited before its lines were seen: ${JSON.stringify(run)}`);
  });
  return Promise.race([seen, deadline, exited]).finally(() => clearTimeout(timer));
}

describe.each(['jspi', 'asyncify'] as RunMode[])('stdout with %s', (mode) => {
  it('delivers each printf line while the program blocks in recv', async () => {
    const sink = await control.sink();
    let seen!: () => void;
    const bothLines = new Promise<void>((resolve) => {
      seen = resolve;
    });
    let soFar = '';
    const running = runExample('line-buffered', {
      args: [String(sink.port)],
      mode,
      onStdout: (text) => {
        soFar = text;
        if (text === BLOCKED_OUTPUT) seen();
      },
    });
    await firstOf(bothLines, running, 10_000);
    // Still blocked in recv: nothing after the two lines yet, and the peer is connected.
    expect(soFar).toBe(BLOCKED_OUTPUT);
    expect((await control.peer(sink.id, 'connected')).connections).toBe(1);
    await control.peerEnd(sink.id);
    const run = await running;
    expect(run.stdout).toBe(`${BLOCKED_OUTPUT}recv returned 0\n`);
    expect(run.exitCode).toBe(0);
  });
});
