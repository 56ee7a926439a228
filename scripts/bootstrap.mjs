#!/usr/bin/env node
// The two commands of the README: `npm start` and `npm test` on a fresh clone with only Node 20
// and npm. Installs with pnpm (found or fetched through npx), builds, then runs the demo or the
// whole test suite. Plain Node, no dependencies: it must run before `pnpm install` has.
//
//   node scripts/bootstrap.mjs start            demo: relay + line-echo server + Vite page
//   node scripts/bootstrap.mjs test [args…]     every vitest project; args go to `vitest run`
//                                               (first ensures the system programs the tests
//                                               run: scripts/lib/system-deps.mjs)
//   node scripts/bootstrap.mjs deps             only that last step (CI runs it before `npm test`)
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fail, step } from './lib/log.mjs';
import { findPnpm } from './lib/pnpm.mjs';
import { mustRun, run } from './lib/run.mjs';
import { ensureSystemDeps } from './lib/system-deps.mjs';
import { summarizeVitestJson } from './lib/test-summary.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const [mode, ...extraArgs] = process.argv.slice(2);

async function installAndBuild() {
  const pnpm = findPnpm();
  step('Installing dependencies: pnpm install --frozen-lockfile');
  await mustRun(pnpm.command, [...pnpm.prefix, 'install', '--frozen-lockfile'], { cwd: root });
  step('Building the packages: pnpm build');
  await mustRun(pnpm.command, [...pnpm.prefix, 'build'], { cwd: root });
}

async function startDemo() {
  await installAndBuild();
  step('Starting the demo (relay, line-echo server, Vite dev server); Ctrl-C stops everything');
  watchParent();
  const code = await run(process.execPath, [join(root, 'examples/demo/serve.mjs')], { cwd: root });
  process.exit(code);
}

/**
 * npm does not pass a SIGTERM sent to it alone on through `sh -c`: we would be orphaned and the
 * demo's servers would keep their ports. When our parent goes away, stop as if signalled.
 */
function watchParent() {
  const parent = process.ppid;
  setInterval(function checkParent() {
    if (process.ppid !== parent) process.emit('SIGTERM', 'SIGTERM');
  }, 1000).unref();
}

/** Lint, format and types before any test: a tree that fails them fails CI without waiting for the suite. */
async function checkSources() {
  const pnpm = findPnpm();
  step('Checking lint and format: pnpm lint (biome check)');
  await mustRun(pnpm.command, [...pnpm.prefix, 'lint'], { cwd: root });
  step('Checking types: pnpm typecheck (packages, tests, demo)');
  await mustRun(pnpm.command, [...pnpm.prefix, 'typecheck'], { cwd: root });
}

async function runTests() {
  await installAndBuild();
  await checkSources();
  if (!(await ensureSystemDeps())) process.exit(1);

  const vitest = join(root, 'node_modules/vitest/vitest.mjs');
  const wantsOwnReporter = extraArgs.some((arg) => arg.startsWith('--reporter'));
  const reportDir = join(root, 'test-results');
  const reportPath = join(reportDir, 'vitest.json');
  const reporterArgs = wantsOwnReporter
    ? []
    : ['--reporter=default', '--reporter=json', `--outputFile.json=${reportPath}`];
  mkdirSync(reportDir, { recursive: true });
  rmSync(reportPath, { force: true });

  step(`Running the test suite: vitest run ${extraArgs.join(' ') || '(every project in vitest.config.ts)'}`);
  const code = await run(process.execPath, [vitest, 'run', ...reporterArgs, ...extraArgs], { cwd: root });
  const summary = wantsOwnReporter ? null : summarizeVitestJson(reportPath);
  if (code !== 0 && summary?.failed === 0) {
    step(
      `vitest exited with code ${code} although no test failed: errors outside tests (unhandled errors, setup or teardown; see above) fail the run`,
    );
  } else {
    step(`vitest exited with code ${code}`);
  }
  // Last, so it is the closing line of the log (CI reads 'N passed, N failed' there).
  if (summary) console.log(summary.line);
  process.exit(code);
}

async function ensureDepsOnly() {
  process.exit((await ensureSystemDeps()) ? 0 : 1);
}

const modes = { start: startDemo, test: runTests, deps: ensureDepsOnly };
const selected = modes[mode];
if (!selected) {
  fail(`usage: node scripts/bootstrap.mjs <start|test|deps> [vitest args…] (got '${mode ?? ''}')`);
  process.exit(2);
}
selected().catch((error) => {
  fail(error?.stack ?? String(error));
  process.exit(1);
});
