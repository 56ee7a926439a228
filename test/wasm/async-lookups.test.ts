/**
 * examples/legacy-asyncgethost: WSAAsyncGetProtoByName, WSAAsyncGetServByName and
 * WSAAsyncGetHostByName answered as window messages into the program's buffers, then a
 * WSAAsyncSelect connect to the address found, in one GetMessage/DispatchMessage loop. The
 * native comparison (MinGW .exe under Wine) is in legacy-examples.test.ts's scenarios.
 */
import { afterAll, describe, expect, inject, it } from 'vitest';
import { Control } from '../fixtures/control.js';
import type { RunMode } from '../../packages/wasm/src/index.js';
import { runExample } from './run-example.js';

const control = new Control();
afterAll(() => control.releaseAll());

const LOOKUPS = [
  'lookup started: handle is nonzero',
  'WSAAsyncGetProtoByName("tcp"): handle matches, error 0',
  '  p_name tcp, p_proto 6, inside the buffer: 1',
  'WSAAsyncGetServByName("http", "tcp"): handle matches, error 0',
  '  s_name http, port 80, s_proto tcp, first alias www',
  'WSAAsyncGetHostByName with an 8-byte buffer: handle matches, error 10055',
  '  needs more than 8 bytes: 1',
  'WSAAsyncGetHostByName: handle matches, error 0',
  '  h_name localhost, h_addrtype 2, h_length 4, first address 127.0.0.1',
  '  pointers inside the buffer: 1',
];

describe.each<RunMode>(['jspi', 'asyncify'])('legacy-asyncgethost with %s', (mode) => {
  it('resolves "localhost" through window messages, then connects to it with WSAAsyncSelect', async () => {
    const port = inject('chatPort');
    const line = 'hello from a lookup';
    const run = await runExample('legacy-asyncgethost', { args: ['localhost', String(port), line], mode });
    expect(run.stdout).toBe(
      [
        ...LOOKUPS,
        `connecting to 127.0.0.1 port ${port}`,
        'FD_CONNECT, error 0',
        `FD_WRITE: sent ${line.length + 1} bytes`,
        'FD_CLOSE, error 0',
        `received ${`you said: ${line}\nbye\n`.length} bytes:`,
        `you said: ${line}`,
        'bye',
        '',
      ].join('\n'),
    );
    expect(run.exitCode).toBe(0);
  });

  it('a refused connect after the lookups: FD_CONNECT with WSAECONNREFUSED', async () => {
    const port = await control.refusedPort();
    const run = await runExample('legacy-asyncgethost', { args: ['localhost', String(port), 'x'], mode });
    expect(run.stdout).toBe(
      [...LOOKUPS, `connecting to 127.0.0.1 port ${port}`, 'FD_CONNECT, error 10061', 'received 0 bytes:', ''].join(
        '\n',
      ),
    );
    expect(run.exitCode).toBe(2);
  });
});
