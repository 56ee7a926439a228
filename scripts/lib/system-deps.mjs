// Programs the test suite runs that npm cannot install: Debian's Chromium (browser tests, never
// a downloaded browser build), dnsmasq (a real DNS server on loopback for the name tests) and
// python3 (a listener with a full backlog, for connect time-outs). Install the missing ones when
// we are root on a Debian-like system; otherwise say exactly what to do.
import { existsSync } from 'node:fs';
import { fail, step } from './log.mjs';
import { run, succeeds } from './run.mjs';

/** Each program: where the tests look for it, the env var that overrides that, its Debian package. */
export const SYSTEM_DEPS = [
  { name: 'Chromium', env: 'CHROMIUM_PATH', paths: ['/usr/bin/chromium'], debian: 'chromium' },
  { name: 'dnsmasq', env: 'DNSMASQ_PATH', paths: ['/usr/sbin/dnsmasq', '/usr/bin/dnsmasq'], debian: 'dnsmasq-base' },
  { name: 'python3', command: 'python3', debian: 'python3' },
];

function locate(dep) {
  if (dep.command) return succeeds(dep.command, ['--version']) ? dep.command : null;
  const override = process.env[dep.env];
  if (override) return existsSync(override) ? override : null;
  return dep.paths.find((path) => existsSync(path)) ?? null;
}

function canApt() {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  return isRoot && succeeds('apt-get', ['--version']);
}

/** @returns {Promise<boolean>} whether every program is now available */
export async function ensureSystemDeps() {
  let missing = SYSTEM_DEPS.filter((dep) => {
    const found = locate(dep);
    if (found) step(`${dep.name} found: ${found}`);
    return !found;
  });
  // An explicit *_PATH that does not exist is the user's choice to fix, not apt's.
  const installable = missing.filter((dep) => !(dep.env && process.env[dep.env]));
  if (installable.length > 0 && canApt()) {
    const packages = installable.map((dep) => dep.debian);
    step(`Missing ${installable.map((dep) => dep.name).join(', ')}: apt-get update && apt-get install -y ${packages.join(' ')}`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    if ((await run('apt-get', ['update'], { env })) === 0) {
      await run('apt-get', ['install', '-y', ...packages], { env });
    }
    missing = missing.filter((dep) => !locate(dep));
  }
  if (missing.length === 0) return true;
  fail(
    [
      `The test suite needs ${missing.map((dep) => dep.name).join(', ')}, not found on this machine.`,
      `  Debian/Ubuntu:  sudo apt-get update && sudo apt-get install -y ${missing.map((dep) => dep.debian).join(' ')}`,
      '  Elsewhere:      install them and point CHROMIUM_PATH / DNSMASQ_PATH at the binaries',
      '  (Only the unit tests:  npm test -- --project unit)',
    ].join('\n'),
  );
  return false;
}
