// Everything the demo page needs, started in one call: the relay (allowed to reach loopback
// only), the line-echo server, and Vite's dev server for the page. serve.mjs and screenshot.mjs
// both use it, so the page a person opens is the page the check clicks through.
import { fileURLToPath } from 'node:url';
import { startRelay } from '@ws2web/relay';
import { createServer as createViteServer } from 'vite';
import { startLineEcho } from './echo-server.mjs';

const demoRoot = fileURLToPath(new URL('.', import.meta.url));

/** The relay may dial loopback (v4 and v6) and nothing else: a demo must not become an open proxy. */
export const DEMO_ALLOW = ['127.0.0.0/8', '::1/128'];

/**
 * @param {{ relayPort?: number, echoPort?: number, demoPort?: number, quiet?: boolean }} [options]
 *   ports of 0 pick free ones; quiet silences Vite's own logging
 * @returns {Promise<{ url: string, relayUrl: string, echoPort: number, close(): Promise<void> }>}
 */
export async function startDemoServers({ relayPort = 0, echoPort = 0, demoPort = 0, quiet = false } = {}) {
  const relay = await startRelay({ host: '127.0.0.1', port: relayPort, allow: DEMO_ALLOW });
  const echo = await startLineEcho({ host: '127.0.0.1', port: echoPort });
  const page = await createViteServer({
    configFile: false,
    root: demoRoot,
    clearScreen: false,
    logLevel: quiet ? 'silent' : 'info',
    server: { host: '127.0.0.1', port: demoPort, strictPort: false },
    // The page reads these as its defaults; ?relay=…&host=…&port=… in the URL override them.
    define: {
      __DEMO_CONFIG__: JSON.stringify({ relay: relay.url, echoHost: echo.host, echoPort: echo.port }),
    },
  });
  await page.listen();
  const url = page.resolvedUrls?.local[0] ?? `http://127.0.0.1:${page.config.server.port}/`;

  let closing;
  return {
    url,
    relayUrl: relay.url,
    echoPort: echo.port,
    close() {
      // Page first (no new sockets), then the relay (closes relayed sockets), then the target.
      closing ??= (async () => {
        await page.close();
        await relay.close();
        await echo.close();
      })();
      return closing;
    },
  };
}
