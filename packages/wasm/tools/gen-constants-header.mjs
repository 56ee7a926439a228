#!/usr/bin/env node
/**
 * Writes include/ws2web/constants.h from packages/browser/src/win/constants.ts + error-codes.ts.
 * The TypeScript sources are transpiled on the fly (TypeScript is a dev dependency of the
 * workspace), so no build of @ws2web/browser is needed.
 *
 *   node packages/wasm/tools/gen-constants-header.mjs [--check]
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { renderConstantsHeader } from './constants-header.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const browserSrc = join(here, '../../browser/src/win');
const headerPath = join(here, '../include/ws2web/constants.h');

/** The browser library's constants module, transpiled to a temporary ESM pair and imported. */
async function loadBrowserConstants() {
  const ts = createRequire(import.meta.url)('typescript');
  const dir = mkdtempSync(join(tmpdir(), 'ws2web-constants-'));
  try {
    for (const file of ['constants', 'error-codes']) {
      const source = readFileSync(join(browserSrc, `${file}.ts`), 'utf8');
      const { outputText } = ts.transpileModule(source, {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      });
      writeFileSync(join(dir, `${file}.mjs`), outputText.replaceAll("'./error-codes.js'", "'./error-codes.mjs'"));
    }
    return { ...(await import(pathToFileURL(join(dir, 'constants.mjs')).href)) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const text = renderConstantsHeader(await loadBrowserConstants());
if (process.argv.includes('--check')) {
  const current = readFileSync(headerPath, 'utf8');
  if (current !== text) {
    console.error(`${headerPath} is stale: run node packages/wasm/tools/gen-constants-header.mjs`);
    process.exit(1);
  }
  console.log('constants.h is current');
} else {
  writeFileSync(headerPath, text);
  console.log(`wrote ${headerPath}`);
}
