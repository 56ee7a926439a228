/**
 * Microsoft's own Winsock samples (Windows-classic-samples, MIT; copied unmodified into
 * test/wasm/samples/, see its README), compiled by ws2web-cc as they are and run in Chromium
 * through the relay, with JSPI and with the Asyncify build. The expected lines are what the
 * sample's MinGW build prints under Wine; when Wine is there, the fresh native run of the same
 * scenario (global-setup) must match too.
 *
 * ms-simple-client (netds/winsock/simple/client/simplec.cpp): getaddrinfo, a connect over every
 * address, send/recv of NUL-terminated messages (40 bytes with the NUL), strsafe's
 * StringCbPrintf, lstrlen, and a connected UDP socket against an echo server.
 */
import { describe, expect, inject, it } from 'vitest';
import type { RunMode } from '../../packages/wasm/src/index.js';
import { SCENARIOS, type NativeRun, type Scenario } from './fixtures/examples.js';
import { runExample, scenarioPorts } from './run-example.js';

const MODES: RunMode[] = ['jspi', 'asyncify'];

function message(n: number): string {
  return `This is a small test message [number ${n}]`;
}

const EXPECTED: Record<string, (port: number) => string[]> = {
  'simple client (Windows sample), TCP echo': (port) => [
    `Client attempting connection to: 127.0.0.1 port: ${port}`,
    'Connection established...',
    ...[0, 1, 2].flatMap((n) => ['wrote 40 bytes', `read 40 bytes, data [${message(n)}] from server`]),
  ],
  // The UDP echo server puts 'echo: ' in front of each datagram.
  'simple client (Windows sample), UDP echo': (port) => [
    `Client attempting connection to: 127.0.0.1 port: ${port}`,
    'Connection established...',
    ...[0, 1].flatMap((n) => ['wrote 40 bytes', `read 46 bytes, data [echo: ${message(n)}] from server`]),
  ],
  'simple client (Windows sample), refused': (port) => [
    `Client attempting connection to: 127.0.0.1 port: ${port}`,
    'Unable to establish connection...',
  ],
};

const PORTS: Record<string, () => number> = {
  'simple client (Windows sample), TCP echo': () => inject('echoPort'),
  'simple client (Windows sample), UDP echo': () => inject('udpEchoPort'),
  'simple client (Windows sample), refused': () => inject('refusedPort'),
};

const scenarios = SCENARIOS.filter((sc) => sc.program === 'ms-simple-client');

const nativeRuns = inject('nativeRuns');
const native = 'unavailable' in nativeRuns ? null : (nativeRuns as Record<string, NativeRun>);
if (!native)
  console.warn(
    `wasm: windows-samples' native comparison skipped: ${(nativeRuns as { unavailable: string }).unavailable}`,
  );

function expectedText(sc: Scenario): string {
  return [...EXPECTED[sc.id]!(PORTS[sc.id]!()), ''].join('\n');
}

describe('the scenarios', () => {
  it('cover the TCP echo, UDP echo and refused runs of simplec', () => {
    expect(scenarios.map((sc) => sc.id).sort()).toEqual(Object.keys(EXPECTED).sort());
  });
});

describe('the native runs (MinGW .exe under Wine)', () => {
  it.skipIf(!native).each(scenarios.map((sc) => [sc.id, sc] as const))(
    '%s prints the lines this file expects',
    (_id, sc) => {
      expect(native![sc.id]!.stdout).toBe(expectedText(sc));
      expect(native![sc.id]!.exitCode).toBe(0);
    },
  );
});

describe.each(MODES)('Windows-classic-samples simplec.cpp, unmodified, with %s', (mode) => {
  it.each(scenarios.map((sc) => [sc.id, sc] as const))('%s', async (_id, sc) => {
    const run = await runExample(sc.program, { args: sc.args(scenarioPorts()), stdin: sc.stdin, mode });
    expect(run.stdout).toBe(expectedText(sc));
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    if (native) expect(run.stdout).toBe(native[sc.id]!.stdout);
  });
});
