/**
 * Runs one of the compiled legacy examples in this page (Chromium) through the suite's real
 * relay, the way an application would: a fresh createWinsock object, runWinsockProgram with
 * argv and stdin, and everything the program prints collected as text.
 */
import { inject } from 'vitest';
import { createWinsock } from '../../packages/browser/src/index.js';
import { runWinsockProgram, type RunMode } from '../../packages/wasm/src/index.js';
import type { ExampleName, ScenarioPorts } from './fixtures/examples.js';

export interface ExampleRun {
  exitCode: number;
  mode: RunMode;
  stdout: string;
  stderr: string;
  ms: number;
}

const modules = new Map<string, Promise<WebAssembly.Module>>();

/** Each .wasm is fetched and compiled once per test file. */
function compiled(path: string): Promise<WebAssembly.Module> {
  let m = modules.get(path);
  if (!m) {
    m = fetch(new URL(path, inject('wasmArtifactsUrl'))).then(async (res) => {
      if (!res.ok) throw new Error(`fetching ${path}: HTTP ${res.status}`);
      return WebAssembly.compile(await res.arrayBuffer());
    });
    modules.set(path, m);
  }
  return m;
}

export async function runExample(
  name: ExampleName,
  options: {
    args: string[];
    stdin?: string;
    mode?: 'auto' | RunMode;
    /** Called with everything printed so far, each time the program writes to stdout. */
    onStdout?: (soFar: string) => void;
    /** 'inbound': the relay whose policy lets pages listen (servers); default the plain one. */
    relay?: 'plain' | 'inbound';
  },
): Promise<ExampleRun> {
  const build = inject('wasmBuilds')[name];
  const winsock = createWinsock({ relay: inject(options.relay === 'inbound' ? 'inboundRelayUrl' : 'relayUrl') });
  let stdout = '';
  let stderr = '';
  const started = performance.now();
  try {
    const result = await runWinsockProgram({
      wasm: await compiled(build.wasmPath),
      asyncifyWasm: await compiled(build.asyncifyPath),
      mode: options.mode ?? 'auto',
      winsock,
      programName: name,
      args: options.args,
      stdin: options.stdin,
      stdout: (text) => {
        stdout += text;
        options.onStdout?.(stdout);
      },
      stderr: (text) => {
        stderr += text;
      },
    });
    return { ...result, stdout, stderr, ms: Math.round(performance.now() - started) };
  } finally {
    // A program that failed half-way may leave sockets open; release them with the object.
    while (winsock.WSACleanup() === 0);
  }
}

/** The loopback servers' ports global-setup.ts provides, as scenarios' args() take them. */
export function scenarioPorts(): ScenarioPorts {
  return {
    httpPagePort: inject('httpPagePort'),
    chatPort: inject('chatPort'),
    refusedPort: inject('refusedPort'),
    udpEchoPort: inject('udpEchoPort'),
    echoPort: inject('echoPort'),
    heldPort: inject('heldPort'),
    freePort: inject('freePort'),
  };
}
