// The publishable packages (every packages/* without "private"), packed the way a registry would
// receive them, and checked with publint and arethetypeswrong. pack-all.mjs, check-packages.mjs
// and the packaging test share these, so what is checked is what is shipped.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findPnpm } from './pnpm.mjs';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const PACKAGES_DIR = join(ROOT, 'dist-packages');

/** @returns {{ name: string, version: string, dir: string, tarballName: string }[]} */
export function publishablePackages() {
  const packagesDir = join(ROOT, 'packages');
  return readdirSync(packagesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(packagesDir, entry.name, 'package.json')))
    .map((entry) => {
      const dir = join(packagesDir, entry.name);
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      return { manifest, dir };
    })
    .filter(({ manifest }) => !manifest.private)
    .map(({ manifest, dir }) => ({
      name: manifest.name,
      version: manifest.version,
      dir,
      // npm's and pnpm's tarball name: scope and name joined by '-', '@' dropped.
      tarballName: `${manifest.name.replace(/^@/, '').replace('/', '-')}-${manifest.version}.tgz`,
    }));
}

function filesUnder(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name));
}

/**
 * Compiled files whose source is gone: tsc -b never deletes outputs, so a renamed source would
 * otherwise ship twice. Empty when dist/ matches src/.
 */
export function staleOutputs(pkg) {
  const dist = join(pkg.dir, 'dist');
  return filesUnder(dist)
    .filter((file) => file.endsWith('.js'))
    .filter((file) => {
      const source = join(pkg.dir, 'src', relative(dist, file)).replace(/\.js$/, '');
      return !['.ts', '.mts', '.js', '.mjs'].some((ext) => existsSync(source + ext));
    })
    .map((file) => relative(ROOT, file));
}

/**
 * `pnpm pack` of every publishable package into `destination` (pnpm turns workspace:^ into
 * ^VERSION in the packed package.json). Expects a current build.
 * @returns {string[]} the tarball paths
 */
export function packAll(destination = PACKAGES_DIR) {
  const packages = publishablePackages();
  const missing = packages.filter((pkg) => !existsSync(join(pkg.dir, 'dist/index.js')));
  if (missing.length > 0) {
    throw new Error(`not built: ${missing.map((pkg) => pkg.name).join(', ')} (run pnpm build)`);
  }
  const stale = packages.flatMap(staleOutputs);
  if (stale.length > 0) {
    throw new Error(
      `compiled files without a source (delete them, or the packages' dist/, and rebuild):\n  ${stale.join('\n  ')}`,
    );
  }
  mkdirSync(destination, { recursive: true });
  const pnpm = findPnpm();
  return packages.map((pkg) => {
    const result = spawnSync(pnpm.command, [...pnpm.prefix, 'pack', '--pack-destination', destination], {
      cwd: pkg.dir,
      encoding: 'utf8',
      shell: process.platform === 'win32',
    });
    const tarball = join(destination, pkg.tarballName);
    if (result.status !== 0 || !existsSync(tarball)) {
      throw new Error(
        `pnpm pack in ${relative(ROOT, pkg.dir)} failed (exit ${result.status}):\n${result.stdout}${result.stderr}`,
      );
    }
    return tarball;
  });
}

/**
 * arethetypeswrong's analysis with its esm-only profile: resolutions from CommonJS (node16-cjs)
 * and TypeScript's pre-exports node10 mode are not required of an ES module package.
 */
async function typesProblems(bytes) {
  const { checkPackage, createPackageFromTarballData } = await import('@arethetypeswrong/core');
  const { problemKindInfo } = await import('@arethetypeswrong/core/problems');
  const analysis = await checkPackage(createPackageFromTarballData(new Uint8Array(bytes)));
  if (!analysis.types) return ['attw: the package has no types'];
  const ignored = ['node10', 'node16-cjs'];
  return analysis.problems
    .filter((problem) => !('resolutionKind' in problem) || !ignored.includes(problem.resolutionKind))
    .map((problem) => {
      const where = 'entrypoint' in problem ? ` (${problem.entrypoint}, ${problem.resolutionKind})` : '';
      return `attw ${problem.kind}${where}: ${problemKindInfo[problem.kind].description}`;
    });
}

/** What every tarball must carry for a user: the docs, the licence, the code and its types. */
export const REQUIRED_FILES = ['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts'];

/** @returns {string[]} the REQUIRED_FILES not in `tarball` */
export function missingFiles(tarball) {
  const listing = spawnSync('tar', ['-tzf', tarball], { encoding: 'utf8' });
  if (listing.status !== 0) throw new Error(`tar -tzf ${tarball} failed: ${listing.stderr}`);
  const files = new Set(listing.stdout.split('\n').map((line) => line.replace(/^package\//, '')));
  return REQUIRED_FILES.filter((file) => !files.has(file));
}

/**
 * The checks of one tarball: REQUIRED_FILES, publint (any message, suggestions included) and
 * arethetypeswrong (esm-only profile: the packages are ES modules).
 * @returns {Promise<string[]>} the problems, one readable line each; empty when clean
 */
export async function checkTarball(tarball) {
  const problems = missingFiles(tarball).map((file) => `missing from the tarball: ${file}`);
  const { publint } = await import('publint');
  const { formatMessage } = await import('publint/utils');
  const bytes = readFileSync(tarball);
  const lint = await publint({
    pack: { tarball: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) },
    level: 'suggestion',
  });
  problems.push(
    ...lint.messages.map((message) => `publint ${message.type}: ${formatMessage(message, lint.pkg, { color: false })}`),
  );

  problems.push(...(await typesProblems(bytes)));
  return problems;
}
