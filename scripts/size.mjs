#!/usr/bin/env node
// `pnpm size`: what the smallest useful page costs. Bundles the blocking TCP client page of the
// packaging app (test/packaging/app/src/main.mts + tcp-client.mts) against the workspace's built packages
// with Vite, prints its minified and gzip size and the modules it is made of, and exits 1 when
// the gzip size is over the budget documented in packages/browser/README.md. Run `pnpm build` first.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { TCP_CLIENT_GZIP_BUDGET, measureBundle } from './lib/bundle-size.mjs';
import { fail, step } from './lib/log.mjs';
import { ROOT } from './lib/packages.mjs';

const browserEntry = join(ROOT, 'packages/browser/dist/index.js');
if (!existsSync(browserEntry)) {
  fail('packages/browser/dist is missing: run `pnpm build` first');
  process.exit(1);
}
const app = join(ROOT, 'test/packaging/app');
// The page's module: tcp-client.mts and the few lines that show its reply.
const size = await measureBundle({
  root: app,
  entry: join(app, 'src/main.mts'),
  alias: { '@ws2web/browser': browserEntry },
});
const kb = (n) => `${(n / 1000).toFixed(1)} kB`;
step(`blocking TCP client (createWinsockWith: withTcp, withConnect, withData), bundled with Vite:`);
console.log(
  `  ${kb(size.minified)} minified, ${kb(size.gzip)} gzip = ${size.gzip} B (budget ${TCP_CLIENT_GZIP_BUDGET} B gzip)`,
);
console.log('  modules, bytes before minification:');
for (const { id, bytes } of size.modules) console.log(`  ${String(bytes).padStart(8)}  ${id}`);
if (size.gzip > TCP_CLIENT_GZIP_BUDGET) {
  fail(`the TCP client page is ${size.gzip} bytes gzip, over its budget of ${TCP_CLIENT_GZIP_BUDGET}`);
  process.exit(1);
}
