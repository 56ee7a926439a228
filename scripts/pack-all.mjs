#!/usr/bin/env node
// `pnpm pack:all`: a clean build (tsc -b never deletes the output of a removed source file, and
// that would ship), then one tarball per publishable package in dist-packages/ — what
// `npm publish` would upload. Install them in another project with
// `npm install /path/to/ws2web/dist-packages/*.tgz`.
import { rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fail, step } from './lib/log.mjs';
import { PACKAGES_DIR, ROOT, packAll, publishablePackages } from './lib/packages.mjs';
import { findPnpm } from './lib/pnpm.mjs';
import { mustRun } from './lib/run.mjs';

try {
  const pnpm = findPnpm();
  step('Removing the previous build: packages/*/dist and their tsconfig.tsbuildinfo');
  for (const pkg of publishablePackages()) {
    rmSync(join(pkg.dir, 'dist'), { recursive: true, force: true });
    rmSync(join(pkg.dir, 'tsconfig.tsbuildinfo'), { force: true });
  }
  step('Building the packages: pnpm build');
  await mustRun(pnpm.command, [...pnpm.prefix, 'build'], { cwd: ROOT });
  rmSync(PACKAGES_DIR, { recursive: true, force: true });
  step(`Packing into ${relative(ROOT, PACKAGES_DIR)}/`);
  for (const tarball of packAll(PACKAGES_DIR)) console.log(`  ${relative(ROOT, tarball)}`);
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
