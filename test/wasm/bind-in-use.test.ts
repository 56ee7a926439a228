/**
 * bind-in-use (test/wasm/programs/bind-in-use.c): bind fails with WSAEADDRINUSE at bind, as on
 * Windows, for a port real Node sockets hold (TCP and UDP) and for one another socket of the
 * program bound; in Chromium through the inbound relay, which holds bound TCP addresses (BIND).
 * The same source's MinGW build under Wine is compared in legacy-examples.test.ts ('bind to a
 * port in use').
 */
import { describe, expect, inject, it } from 'vitest';
import type { RunMode } from '../../packages/wasm/src/index.js';
import { runExample } from './run-example.js';

describe.each(['jspi', 'asyncify'] as RunMode[])('bind to a port in use, %s', (mode) => {
  it('fails at bind with WSAEADDRINUSE, then binds elsewhere', async () => {
    const args = [String(inject('heldPort')), String(inject('freePort'))];
    const run = await runExample('bind-in-use', { args, mode, relay: 'inbound' });
    expect(run.stdout).toBe(
      [
        'tcp bind to the held port: -1 error 10048',
        'tcp getsockname after the failed bind: -10022',
        'tcp bind again, to the free port: 0 error 0',
        'tcp listen: 0',
        'tcp getsockname is the free port: yes',
        'udp bind to the held port: -1 error 10048',
        'udp bind again, to the free port: 0 error 0',
        'first socket binds the free port: 0 error 0',
        'second socket binds it too: -1 error 10048',
        'second socket, after the first closed: 0 error 0',
        '',
      ].join('\n'),
    );
    expect(run.exitCode).toBe(0);
  });
});
