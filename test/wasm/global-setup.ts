/**
 * vitest globalSetup for the `wasm` project (runs once, in Node):
 *  1. compiles examples/legacy-* (and test/wasm/programs/*.c) with ws2web-cc's compile step (JSPI + Asyncify builds) and with
 *     MinGW-w64 (native Windows .exe, compile only), into test-results/wasm/;
 *  2. starts the e2e suite's relay, dnsmasq and control server (test/fixtures/global-setup.ts);
 *  3. starts the servers the examples talk to (fixtures/servers.ts) and one that serves the
 *     .wasm files to the Chromium page;
 *  4. runs each SCENARIO natively (the .exe under Wine) against those servers, so the tests can
 *     compare the wasm output with the native one.
 * The build is the "C compile step in CI": it runs whenever this project runs.
 */
import net from 'node:net';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import setupE2e, { INBOUND_PORTS } from '../fixtures/global-setup.js';
import { buildNative, buildWasm, repoRoot } from './fixtures/build-examples.js';
import { driveLineClients } from './fixtures/line-clients.js';
import {
  SCENARIOS,
  SERVER_SCENARIOS,
  type NativeServerRun,
  type ExampleName,
  type NativeBuild,
  type NativeProgram,
  type NativeRun,
  type ScenarioPorts,
  type WasmBuild,
} from './fixtures/examples.js';
import { WineRunner, ensureWine } from './fixtures/native-run.js';
import { PortHolder } from './fixtures/port-holder.js';
import {
  ArtifactServer,
  ChatServer,
  EchoServer,
  HttpPageServer,
  LineClientsServer,
  UdpEchoServer,
} from './fixtures/servers.js';

declare module 'vitest' {
  export interface ProvidedContext {
    wasmArtifactsUrl: string;
    wasmBuilds: Record<ExampleName, WasmBuild>;
    nativeBuilds: Record<NativeProgram, NativeBuild>;
    wasmBuildMs: number;
    httpPagePort: number;
    chatPort: number;
    refusedPort: number;
    udpEchoPort: number;
    echoPort: number;
    heldPort: number;
    freePort: number;
    /** Native outputs by scenario id, or why there are none. */
    nativeRuns: Record<string, NativeRun> | { unavailable: string };
    /** Native server runs (SERVER_SCENARIOS) by id, or why there are none. */
    nativeServerRuns: Record<string, NativeServerRun> | { unavailable: string };
    /** POST here with ?port=N: the Node line clients talk to the page's server on 127.0.0.1:N. */
    lineClientsUrl: string;
  }
}

/** A loopback port where nothing listens: bound once, then released (connect → RST). */
async function refusedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const outDir = join(repoRoot, 'test-results', 'wasm');
  // Wine creates its prefix (about 15 s on a fresh clone) while the programs compile.
  const wine = ensureWine();
  const runner = 'wine' in wine ? new WineRunner(wine.wine, join(outDir, '..', 'wineprefix')) : null;
  const wineStarted = performance.now();
  const wineReady = runner?.warmUp().then(() => Math.round(performance.now() - wineStarted));
  const started = performance.now();
  const [wasmBuilds, nativeBuilds] = await Promise.all([buildWasm(outDir), buildNative(outDir)]).catch(async (err) => {
    await wineReady;
    runner?.stop();
    throw err;
  });
  const buildMs = Math.round(performance.now() - started);
  console.log(
    `wasm tests: built ${Object.keys(wasmBuilds).length} programs (wasm + asyncify + MinGW) in ${buildMs} ms`,
  );

  const teardownE2e = await setupE2e(project);
  const artifacts = await ArtifactServer.start(outDir);
  const page = await HttpPageServer.start();
  const chat = await ChatServer.start();
  const udpEcho = await UdpEchoServer.start();
  const echo = await EchoServer.start();
  const lineClients = await LineClientsServer.start();
  project.provide('lineClientsUrl', lineClients.url);

  project.provide('wasmArtifactsUrl', artifacts.url);
  project.provide('wasmBuilds', wasmBuilds);
  project.provide('nativeBuilds', nativeBuilds);
  project.provide('wasmBuildMs', buildMs);
  project.provide('httpPagePort', page.port);
  project.provide('chatPort', chat.port);
  const range = INBOUND_PORTS[project.name] ?? INBOUND_PORTS.default!;
  const holder = await PortHolder.start(range.first, range.last);
  const ports: ScenarioPorts = {
    httpPagePort: page.port,
    chatPort: chat.port,
    refusedPort: await refusedPort(),
    udpEchoPort: udpEcho.port,
    echoPort: echo.port,
    heldPort: holder.heldPort,
    freePort: holder.freePort,
  };
  project.provide('refusedPort', ports.refusedPort);
  project.provide('udpEchoPort', ports.udpEchoPort);
  project.provide('echoPort', ports.echoPort);
  project.provide('heldPort', holder.heldPort);
  project.provide('freePort', holder.freePort);

  if (runner && wineReady && Object.values(nativeBuilds).every((b) => b.ok)) {
    console.log(`wasm tests: Wine's prefix was ready after ${await wineReady} ms`);
    const t = performance.now();
    const runs: Record<string, NativeRun> = {};
    const times: string[] = [];
    for (const sc of SCENARIOS) {
      const t1 = performance.now();
      runs[sc.id] = await runner.run(join(outDir, sc.program, `${sc.program}.exe`), sc.args(ports), sc.stdin);
      times.push(`${sc.id} ${Math.round(performance.now() - t1)} ms`);
    }
    console.log(
      `wasm tests: ran ${SCENARIOS.length} native scenarios under Wine in ${Math.round(performance.now() - t)} ms (${times.join(', ')})`,
    );
    project.provide('nativeRuns', runs);
    const serverRuns: Record<string, NativeServerRun> = {};
    for (const sc of SERVER_SCENARIOS) {
      const t1 = performance.now();
      const port = await refusedPort(); // free now; the server binds it
      const exe = join(outDir, sc.program, `${sc.program}.exe`);
      const [server, clients] = await Promise.all([
        runner.run(exe, sc.args(port), ''),
        driveLineClients(port, { farewell: sc.farewell, clients: sc.clients }).catch((err: unknown) => ({
          error: String(err),
        })),
      ]);
      serverRuns[sc.id] = { server, clients };
      times.push(`${sc.id} ${Math.round(performance.now() - t1)} ms`);
    }
    console.log(`wasm tests: native server scenarios: ${times.slice(SCENARIOS.length).join(', ')}`);
    project.provide('nativeServerRuns', serverRuns);
  } else {
    const unavailable = 'wine' in wine ? 'the MinGW build failed' : wine.reason;
    project.provide('nativeRuns', { unavailable });
    project.provide('nativeServerRuns', { unavailable });
  }

  return async function teardown() {
    runner?.stop();
    await Promise.allSettled([
      artifacts.close(),
      page.close(),
      chat.close(),
      lineClients.close(),
      udpEcho.close(),
      echo.close(),
      holder.close(),
    ]);
    await teardownE2e();
  };
}
