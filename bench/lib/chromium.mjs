// Runs the page side (page.mjs) in headless Chromium (Debian's /usr/bin/chromium through
// Playwright): a tiny loopback HTTP server serves the page, the built libraries and an import
// map for `@ws2web/browser` and `@ws2web/protocol`.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { chromium } from 'playwright';
import { CHROMIUM_ARGS } from '../../scripts/lib/chromium-args.mjs';

const ROOT = new URL('../../', import.meta.url);
const SERVED = [/^\/bench\/lib\/[a-z0-9-]+\.mjs$/, /^\/packages\/(browser|protocol)\/dist\/[a-z0-9-/]+\.js$/];

const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>ws2web bench</title>
<script type="importmap">
{ "imports": {
  "@ws2web/browser": "/packages/browser/dist/index.js",
  "@ws2web/protocol": "/packages/protocol/dist/index.js"
} }
</script>
<script type="module" src="/bench/lib/page.mjs"></script>
`;

function serve() {
  const server = createServer(async function benchPageOnRequest(req, res) {
    const path = new URL(req.url, 'http://x').pathname;
    if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
      return;
    }
    if (!SERVED.some((re) => re.test(path)) || path.includes('..')) {
      res.writeHead(404).end();
      return;
    }
    try {
      // Module workers see no import map: the built packages' one bare import gets its path.
      const body = (await readFile(new URL(`.${path}`, ROOT), 'utf8')).replaceAll(
        "from '@ws2web/protocol'",
        "from '/packages/protocol/dist/index.js'",
      );
      res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'no-store' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Launches Chromium on the bench page; `call(name, arg)` runs globalThis.bench[name](arg) there. */
export async function openChromiumBench({ executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' } = {}) {
  const server = await serve();
  let browser;
  try {
    browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (err) => errors.push(String(err)));
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    await page.waitForFunction(() => globalThis.bench !== undefined, null, { timeout: 15_000 });
    return {
      page,
      version: browser.version(),
      async call(name, arg) {
        try {
          return await page.evaluate(([n, a]) => globalThis.bench[n](a), [name, arg]);
        } catch (err) {
          throw new Error(
            `${name} in Chromium: ${err.message}${errors.length ? ` (page errors: ${errors.join('; ')})` : ''}`,
          );
        }
      },
      async close() {
        await browser.close();
        server.close();
      },
    };
  } catch (err) {
    await browser?.close();
    server.close();
    throw err;
  }
}
