/**
 * runtime/dll.c's GetProcAddress table holds every ws2_32 function the headers import (the
 * extension functions WSAIoctl hands out excepted: ws2_32.dll does not export them), and
 * mswsock.dll's AcceptEx and GetAcceptExSockaddrs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/**
 * Imported by the headers but not exported by ws2_32.dll: WSAIoctl's extension functions, and
 * gai_strerrorA (an inline function of Windows' ws2tcpip.h).
 */
const NOT_EXPORTED = ['ConnectEx', 'DisconnectEx', 'WSARecvMsg', 'gai_strerrorA'];
/** Exported by mswsock.dll, not ws2_32.dll. */
const MSWSOCK = ['AcceptEx', 'GetAcceptExSockaddrs'];

function headerImports(): string[] {
  const names = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else for (const m of readFileSync(path, 'utf8').matchAll(/WS2WEB_IMPORT\((\w+)\)/g)) names.add(m[1]!);
    }
  };
  walk(join(ROOT, 'include'));
  names.delete('name'); // the macro's own definition
  return [...names].sort();
}

function table(source: string, name: string): string[] {
  const body = source.slice(source.indexOf(`${name}[] = {`), source.indexOf('{0, 0}', source.indexOf(`${name}[] = {`)));
  return [...body.matchAll(/\{"(\w+)", \(FARPROC\)(\w+)\}/g)].map((m) => {
    expect(m[1], 'each entry is the function of its name').toBe(m[2]);
    return m[1]!;
  });
}

describe('runtime/dll.c', () => {
  const source = readFileSync(join(ROOT, 'runtime/dll.c'), 'utf8');
  it('lists every ws2_32 import of the headers, by its own name', () => {
    const listed = table(source, 'ws2_32_exports');
    const expected = headerImports().filter((n) => !NOT_EXPORTED.includes(n) && !MSWSOCK.includes(n));
    expect(
      expected.filter((n) => !listed.includes(n)),
      'imports missing from the table',
    ).toEqual([]);
    expect(listed.length).toBeGreaterThan(80);
  });
  it("lists mswsock.dll's AcceptEx and GetAcceptExSockaddrs", () => {
    expect(table(source, 'mswsock_exports')).toEqual(MSWSOCK);
  });
});
