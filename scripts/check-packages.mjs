#!/usr/bin/env node
// `pnpm check:packages`: packs every publishable package into a temporary folder and runs
// publint and arethetypeswrong on each tarball. Exits 1 on any problem. The packaging test
// (test/packaging) runs the same checks in CI.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fail, step } from './lib/log.mjs';
import { checkTarball, packAll } from './lib/packages.mjs';

const destination = mkdtempSync(join(tmpdir(), 'ws2web-check-'));
let failed = false;
try {
  for (const tarball of packAll(destination)) {
    const problems = await checkTarball(tarball);
    if (problems.length === 0) {
      step(`${basename(tarball)}: publint and attw clean`);
    } else {
      failed = true;
      fail(`${basename(tarball)}:\n${problems.join('\n')}`);
    }
  }
} catch (error) {
  failed = true;
  fail(error instanceof Error ? error.message : String(error));
} finally {
  rmSync(destination, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
