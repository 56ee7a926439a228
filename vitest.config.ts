import { configDefaults, defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import { CHROMIUM_ARGS } from './scripts/lib/chromium-args.mjs';
import { LongestFirstSequencer } from './test/support/longest-first-sequencer.js';

/** Debian's Chromium; override with CHROMIUM_PATH. Never a downloaded browser build. */
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Browser mode in Debian's headless Chromium, with the flags this closed-network machine needs. */
function headlessChromium() {
  return {
    enabled: true,
    headless: true,
    provider: playwright({
      launchOptions: {
        executablePath: chromiumPath,
        args: CHROMIUM_ARGS,
      },
    }),
    instances: [{ browser: 'chromium' as const }],
  };
}

/**
 * How vitest runs these projects (its pool, not the order they are listed in):
 * 1. unit and unit-page, one file at a time, sharing their worker's module cache
 *    (`isolate: false`): they keep no global state, and importing the packages again for each of
 *    37 files cost a third of the project's time (84 s → 62 s);
 * 2. the end-to-end, packaging, demo and bench-smoke projects, three files at once: they spend
 *    their time waiting on sockets, timers, child processes and a browser, not on the CPU. The e2e
 *    files share module caches too (each file owns its sockets and relays and releases them):
 *    e2e-node 94 s → 61 s wall and half the CPU, e2e-chromium 50 s → 38 s;
 * 3. last, relay-integration and wasm (isolated, one worker, group 0: vitest puts such projects in
 *    a sequential group of their own after all others), one file at a time, the wasm files in
 *    Chromium beside them. relay-integration measures time (an honest client's latency during an
 *    attack against the same client idle), so nothing of ours loads the machine meanwhile.
 */
const UNIT_GROUP = { maxWorkers: 1, sequence: { groupOrder: 0 } };
const E2E_GROUP = { maxWorkers: 3, sequence: { groupOrder: 1 } };

export default defineConfig({
  test: {
    sequence: { sequencer: LongestFirstSequencer },
    projects: [
      {
        // Unit tests, in Node: packages alone, the relay against real sockets on loopback.
        test: {
          name: 'unit',
          include: ['packages/*/test/**/*.test.ts'],
          ...UNIT_GROUP,
          isolate: false,
          exclude: [...configDefaults.exclude, 'packages/relay/test/integration/**', 'packages/relay/test/abuse/**'],
          environment: 'node',
        },
      },
      {
        // The relay at scale and as a process: thousands of sockets, 1 GiB transfers, nginx in
        // front, the CLI spawned, TLS with openssl-made certificates.
        test: {
          name: 'relay-integration',
          ...UNIT_GROUP,
          include: ['packages/relay/test/integration/**/*.test.ts', 'packages/relay/test/abuse/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
        },
      },
      {
        // The page's socket logic in Node against the scripted relay behind an in-memory
        // WebSocket: milliseconds, no network (test/support/scripted-relay).
        test: {
          name: 'unit-page',
          include: ['test/unit/**/*.test.ts'],
          ...UNIT_GROUP,
          isolate: false,
          environment: 'node',
        },
      },
      {
        // `node bench/run.mjs --smoke`: every bench path runs and verifies (no timing asserted).
        test: {
          name: 'bench-smoke',
          include: ['bench/smoke.test.ts'],
          ...E2E_GROUP,
          environment: 'node',
          testTimeout: 100_000,
        },
      },
      {
        // End-to-end: the browser library in Node (with `ws`) against the real relay and real servers.
        test: {
          name: 'e2e-node',
          isolate: false,
          include: ['test/e2e/**/*.test.ts'],
          ...E2E_GROUP,
          environment: 'node',
          globalSetup: ['test/fixtures/global-setup.ts'],
          setupFiles: ['test/fixtures/setup-node.ts'],
          testTimeout: 30_000,
        },
      },
      {
        // The demo page (examples/demo) driven in headless Chromium through the real relay.
        test: {
          name: 'demo',
          include: ['examples/demo/*.test.ts'],
          ...E2E_GROUP,
          environment: 'node',
          testTimeout: 60_000,
        },
      },
      {
        // The packed tarballs installed into a new app outside the workspace: tsc, Vite, Chromium, Node.
        test: {
          name: 'packaging',
          include: ['test/packaging/**/*.test.ts'],
          ...E2E_GROUP,
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
      {
        // The same end-to-end tests, plus browser-only ones, inside headless Chromium.
        test: {
          name: 'e2e-chromium',
          isolate: false,
          include: ['test/e2e/**/*.test.ts', 'test/browser/**/*.test.ts'],
          ...E2E_GROUP,
          globalSetup: ['test/fixtures/global-setup.ts'],
          testTimeout: 30_000,
          browser: headlessChromium(),
        },
      },
      {
        // Legacy Winsock C (examples/legacy-*) compiled to wasm by ws2web-cc, run in headless
        // Chromium through the real relay (JSPI and the Asyncify fallback). globalSetup compiles.
        test: {
          name: 'wasm',
          ...UNIT_GROUP,
          include: ['test/wasm/**/*.test.ts'],
          globalSetup: ['test/wasm/global-setup.ts'],
          testTimeout: 30_000,
          browser: headlessChromium(),
        },
      },
    ],
  },
});
