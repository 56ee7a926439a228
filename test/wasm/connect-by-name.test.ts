/**
 * WSAConnectByNameA / WSAConnectByNameW / WSAConnectByList from C, against the line server:
 * test/wasm/programs/connect-by-name.c (the cases of Wine's test_WSAConnectByName; the lines are
 * what its MinGW build prints under Wine, and each run is also compared with a fresh Wine run
 * when Wine is there) and test/wasm/programs/connect-by-list.c (no Wine run: Wine 8's ws2_32
 * does not export WSAConnectByList).
 */
import { describe, expect, inject, it } from 'vitest';
import type { RunMode } from '../../packages/wasm/src/index.js';
import { SCENARIOS, type NativeRun } from './fixtures/examples.js';
import { runExample } from './run-example.js';

const MODES: RunMode[] = ['jspi', 'asyncify'];
const SCENARIO = SCENARIOS.find((sc) => sc.program === 'connect-by-name')!;

function byNameLines(port: number): string {
  return [
    'WSAConnectByNameA(localhost, PORT): TRUE',
    '  local: length 16, family 2, 127.0.0.1 port 0',
    `  remote: length 16, family 2, 127.0.0.1 port ${port}`,
    '  SO_UPDATE_CONNECT_CONTEXT: 0',
    '  getsockname: 0, length 16, same address 1, port set 1',
    '  getpeername: 0, length 16, same as RemoteAddress 1',
    '  send: 14',
    "  reply: 'you said: hello by name'",
    'again on the connected socket: FALSE, error 10056',
    '127.0.0.1, lengths 50: TRUE',
    '  lengths 16 16',
    'addresses, NULL lengths: TRUE',
    '  families 0 0',
    'lengths, NULL addresses: TRUE',
    '  lengths 16 16',
    'no outputs: TRUE',
    'lengths 3: FALSE, error 10014',
    '  lengths 3 3',
    'refused port: FALSE, error 10061',
    'NULL nodename: FALSE, error 10022',
    'Reserved not NULL: FALSE, error 10022',
    'unknown service: FALSE, error 10109',
    'NULL servicename, closed socket: FALSE, error 10022',
    'closed socket: FALSE, error 10038',
    'datagram socket: FALSE, error 10014',
    'WSAConnectByNameW(L"localhost", PORT): TRUE',
    `  remote: length 16, family 2, 127.0.0.1 port ${port}`,
    '  send: 11',
    "  reply: 'you said: hello wide'",
    'WSAConnectByNameW(NULL): FALSE, error 10022',
    '',
  ].join('\n');
}

const nativeRuns = inject('nativeRuns');
const native: NativeRun | null = 'unavailable' in nativeRuns ? null : (nativeRuns[SCENARIO.id] ?? null);
if (!native)
  console.warn(`wasm: connect-by-name's native comparison skipped: ${JSON.stringify(nativeRuns).slice(0, 200)}`);

describe('the native run (MinGW .exe under Wine)', () => {
  it.skipIf(!native)('prints the lines this file expects', () => {
    expect(native!.stdout).toBe(byNameLines(inject('chatPort')));
    expect(native!.exitCode).toBe(0);
  });
});

describe.each(MODES)('WSAConnectByName / WSAConnectByList from C with %s', (mode) => {
  it('connect-by-name: outputs, lengths, errors and the W form, as Windows (and the same as the native run)', async () => {
    const port = inject('chatPort');
    const run = await runExample('connect-by-name', { args: [String(port), String(inject('refusedPort'))], mode });
    expect(run.stdout).toBe(byNameLines(port));
    expect(run.exitCode).toBe(0);
    if (native) expect(run.stdout).toBe(native.stdout);
  });

  it('connect-by-list: the refused first address is skipped, the second connects; every address refused → WSAECONNREFUSED', async () => {
    const run = await runExample('connect-by-list', {
      args: [String(inject('chatPort')), String(inject('refusedPort'))],
      mode,
    });
    expect(run.stdout).toBe(
      [
        'WSAConnectByList(refused, listening): TRUE',
        '  remote: length 16, 127.0.0.1, the listening port 1',
        "  local: length 16, 127.0.0.1, getsockname's port 1",
        '  send: 11',
        "  reply: 'you said: hello list'",
        'WSAConnectByList(refused, refused): FALSE, error 10061',
        'Reserved not NULL: FALSE, error 10022',
        '',
      ].join('\n'),
    );
    expect(run.exitCode).toBe(0);
  });
});
