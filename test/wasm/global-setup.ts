/**
 * vitest globalSetup for the `wasm` project (runs once, in Node):
 *  1. compiles examples/legacy-* (and test/wasm/programs/*.c) with ws2web-cc's compile step (JSPI + Asyncify builds) and with
 *     MinGW-w64 (native Windows .exe, compile only), into test-results/wasm/;
 *  2. starts the e2e suite's relay, dnsmasq and control server (test/fixtures/global-setup.ts);
 *  3. starts the servers the examples talk to (fixtures/servers.ts) and one that serves the
 *     .wasm files to the Chromium page.
 * The build is the "C compile step in CI": it runs whenever this project runs.
 */
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import setupE2e from '../fixtures/global-setup.js';
import { buildNative, buildWasm, repoRoot } from './fixtures/build-examples.js';
import type { ExampleName, NativeBuild, WasmBuild } from './fixtures/examples.js';
import { ArtifactServer, ChatServer, HttpPageServer } from './fixtures/servers.js';

declare module 'vitest' {
  export interface ProvidedContext {
    wasmArtifactsUrl: string;
    wasmBuilds: Record<ExampleName, WasmBuild>;
    nativeBuilds: Record<ExampleName, NativeBuild>;
    wasmBuildMs: number;
    httpPagePort: number;
    chatPort: number;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const outDir = join(repoRoot, 'test-results', 'wasm');
  const started = performance.now();
  const wasmBuilds = buildWasm(outDir);
  const nativeBuilds = buildNative(outDir);
  const buildMs = Math.round(performance.now() - started);
  console.log(`wasm tests: built ${Object.keys(wasmBuilds).length} programs (wasm + asyncify + MinGW) in ${buildMs} ms`);

  const teardownE2e = await setupE2e(project);
  const artifacts = await ArtifactServer.start(outDir);
  const page = await HttpPageServer.start();
  const chat = await ChatServer.start();

  project.provide('wasmArtifactsUrl', artifacts.url);
  project.provide('wasmBuilds', wasmBuilds);
  project.provide('nativeBuilds', nativeBuilds);
  project.provide('wasmBuildMs', buildMs);
  project.provide('httpPagePort', page.port);
  project.provide('chatPort', chat.port);

  return async function teardown() {
    await Promise.allSettled([artifacts.close(), page.close(), chat.close()]);
    await teardownE2e();
  };
}
