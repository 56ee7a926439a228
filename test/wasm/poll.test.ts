/**
 * poll (test/wasm/programs/poll.c): WSAPoll from C — the WSAPOLLFD array read before the wait and
 * each revents written back after it — in Chromium through the relay. The same source's MinGW
 * build under Wine is compared in legacy-examples.test.ts ('WSAPoll loop').
 */
import { describe, expect, inject, it } from 'vitest';
import type { RunMode } from '../../packages/wasm/src/index.js';
import { runExample } from './run-example.js';

describe.each(['jspi', 'asyncify'] as RunMode[])('WSAPoll from C with %s', (mode) => {
  it('reports what Windows reports', async () => {
    const run = await runExample('poll', { args: [String(inject('chatPort')), String(inject('refusedPort'))], mode });
    expect(run.stdout).toBe(
      [
        'connect: -1, error 10035',
        'connected: 1, revents 0x10', // POLLWRNORM
        'nothing to read yet: 0, revents 0x0',
        'readable: 1, revents 0x100', // POLLRDNORM
        'recv 15: you said: ping',
        'readable: 1, recv 4: bye',
        'closed by the peer: 1, revents 0x2', // POLLHUP alone once the data is read
        'connect: -1, error 10035',
        'refused: 1, POLLERR 1',
        '',
      ].join('\n'),
    );
    expect(run.exitCode).toBe(0);
  });
});
