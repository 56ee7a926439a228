/**
 * A directory of generated files, made once per content and shared by every ws2web-cc run:
 * `<tmp>/ws2web-cc/<kind>-<hash of the files>/`. It is written under a temporary name and
 * renamed into place, so parallel builds never see a half-written one.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * @param {string} kind a short name for the directory
 * @param {Map<string, string>} files relative path → text
 * @returns {string} the directory's absolute path
 */
export function generatedDir(kind, files) {
  const hash = createHash('sha256');
  for (const [path, text] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) hash.update(`${path}\0${text}\0`);
  const dir = join(
    process.env.WS2WEB_CC_CACHE ?? join(tmpdir(), 'ws2web-cc'),
    `${kind}-${hash.digest('hex').slice(0, 16)}`,
  );
  if (existsSync(dir)) return dir;
  const staging = stagingPath(dir);
  for (const [path, text] of files) {
    mkdirSync(dirname(join(staging, path)), { recursive: true });
    writeFileSync(join(staging, path), text);
  }
  try {
    renameSync(staging, dir);
  } catch (err) {
    // Another build renamed the same content into place first: use theirs.
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(dir)) throw err;
  }
  return dir;
}

/**
 * A private path beside `target` to write into before renaming it into place. Unique per call, not
 * per process: builds may run at once in several worker threads of one process.
 */
export function stagingPath(target) {
  return `${target}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
}
