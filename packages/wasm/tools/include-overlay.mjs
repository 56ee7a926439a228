/**
 * Case-insensitive includes. Windows file systems ignore letter case, so Windows code writes
 * `#include <Windows.h>`, `<WinSock2.h>`, `"Ws2tcpip.h"`; our headers are lowercase files on a
 * case-sensitive disk. A clang VFS overlay (`-ivfsoverlay`) with `case-sensitive: false` lists
 * every header of the include directory at its real path, so any spelling finds the file;
 * names that are not ours fall through to the real file system.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function entries(dir) {
  return readdirSync(dir)
    .sort()
    .map((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory()
        ? { type: 'directory', name, contents: entries(path) }
        : { type: 'file', name, 'external-contents': path };
    });
}

/** The overlay file's text (JSON is YAML) for the headers under `includeDir`. */
export function overlaySource(includeDir) {
  return `${JSON.stringify(
    {
      version: 0,
      'case-sensitive': 'false',
      'use-external-names': 'true',
      roots: [{ type: 'directory', name: includeDir, contents: entries(includeDir) }],
    },
    null,
    1,
  )}\n`;
}
