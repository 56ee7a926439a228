// The size a page pays for ws2web: bundles one entry module with Vite (production build, as an
// app would) and reports the minified and gzip bytes, and which modules the bytes come from.
// Used by `pnpm size` (the workspace's packages) and the packaging test (the installed tarballs).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';

/**
 * The blocking TCP client page (test/packaging/app/src/tcp-client.mts) may cost this many gzip
 * bytes; packages/browser/README.md documents the number and what it is made of (14,771 when
 * the codec's decoders were split by stream kind; 15,091 once WSASocket took a WSAPROTOCOL_INFO
 * and accepted sockets applied their options at the relay, when the budget rose from 15,000).
 */
export const TCP_CLIENT_GZIP_BUDGET = 15_250;

/**
 * Bundles `entry` (resolved from `root`, with `alias` applied) and measures the one chunk.
 * @param {{ root: string, entry: string, alias?: Record<string, string> }} options
 * @returns {Promise<{ minified: number, gzip: number, modules: { id: string, bytes: number }[] }>}
 *   `modules`: each module's share of the bundle before minification, largest first.
 */
export async function measureBundle({ root, entry, alias = {} }) {
  const outDir = mkdtempSync(join(tmpdir(), 'ws2web-size-'));
  /** @type {{ id: string, bytes: number }[]} */
  const modules = [];
  try {
    await build({
      root,
      configFile: false,
      logLevel: 'error',
      resolve: { alias },
      build: {
        outDir,
        emptyOutDir: true,
        target: 'es2022',
        // One chunk, named predictably: the page's whole cost.
        rollupOptions: { input: entry, output: { entryFileNames: 'entry.js', inlineDynamicImports: true } },
      },
      plugins: [
        {
          name: 'ws2web-module-sizes',
          generateBundle(_options, bundle) {
            for (const chunk of Object.values(bundle)) {
              if (chunk.type !== 'chunk') continue;
              for (const [id, info] of Object.entries(chunk.modules)) {
                if (info.renderedLength > 0) modules.push({ id: shortId(id, root), bytes: info.renderedLength });
              }
            }
          },
        },
      ],
    });
    const code = readFileSync(join(outDir, 'entry.js'));
    modules.sort((a, b) => b.bytes - a.bytes);
    return { minified: code.length, gzip: gzipSync(code).length, modules };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

/** `@ws2web/browser/dist/socket/tcp.js` for a module in a package, else the path from `root`. */
function shortId(id, root) {
  const inPackage = /(?:node_modules\/|packages\/)(@ws2web\/)?([^/]+)\/(.*)$/.exec(id);
  if (inPackage) return `@ws2web/${inPackage[2]}/${inPackage[3]}`;
  return relative(root, id);
}
