// The browser tests run in Debian's Chromium (never a downloaded browser build). Install it when
// we are root on a Debian-like system, otherwise explain what to do.
import { existsSync } from 'node:fs';
import { fail, step } from './log.mjs';
import { run, succeeds } from './run.mjs';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** @returns {Promise<boolean>} whether Chromium is now available at `chromiumPath` */
export async function ensureChromium() {
  if (existsSync(chromiumPath)) {
    step(`Chromium found at ${chromiumPath}`);
    return true;
  }
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && !process.env.CHROMIUM_PATH && succeeds('apt-get', ['--version'])) {
    step('Chromium missing: apt-get update && apt-get install -y chromium');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const updated = await run('apt-get', ['update'], { env });
    const installed = updated === 0 && (await run('apt-get', ['install', '-y', 'chromium'], { env })) === 0;
    if (installed && existsSync(chromiumPath)) return true;
  }
  fail(
    [
      `Chromium is needed for the browser tests and was not found at ${chromiumPath}.`,
      '  Debian/Ubuntu:  sudo apt-get update && sudo apt-get install -y chromium',
      '  Elsewhere:      install Chromium or Chrome and set CHROMIUM_PATH=/path/to/the/binary',
      '  (Only the Node tests:  npx vitest run --project unit --project e2e-node)',
    ].join('\n'),
  );
  return false;
}
