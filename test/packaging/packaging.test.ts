/**
 * The README's "Use it in your own app", done the way a user does it: the packed tarballs are
 * installed with npm into a new app outside the workspace (test/packaging/app, copied to a
 * temporary folder), which is type-checked with tsc, bundled with Vite and run in headless
 * Chromium against the relay started from the installed package; the same packages serve a Node
 * script with `ws`, and `npx ws2web-cc` builds a C program. Every reply comes from a TCP server
 * on loopback. Needs the npm registry for Vite, TypeScript and ws.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { promisify } from 'node:util';
import { chromium } from 'playwright';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CHROMIUM_ARGS } from '../../scripts/lib/chromium-args.mjs';
import { TCP_CLIENT_GZIP_BUDGET, measureBundle } from '../../scripts/lib/bundle-size.mjs';
import { ROOT, checkTarball, packAll, publishablePackages } from '../../scripts/lib/packages.mjs';

const run = promisify(execFile);
const TEMPLATE = join(ROOT, 'test/packaging/app');

let tarballDir: string;
let tarballs: string[];
let app: string;
let lineServer: TcpServer;
let linePort: number;

/** The tools the app installs from the registry, at the versions the workspace itself uses. */
function toolVersions(): Record<string, string> {
  const root = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    devDependencies: Record<string, string>;
  };
  const pick = ['vite', 'typescript', '@types/node', '@types/ws'];
  return Object.fromEntries(pick.map((name) => [name, root.devDependencies[name] ?? 'latest']));
}

/** A TCP server that answers each connection's bytes with the same bytes. */
function startEchoServer(): Promise<TcpServer> {
  const server = createTcpServer(function echo(socket) {
    socket.on('error', () => {}); // a client reset is not this test's subject
    socket.pipe(socket);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

beforeAll(async () => {
  tarballDir = mkdtempSync(join(tmpdir(), 'ws2web-tarballs-'));
  tarballs = packAll(tarballDir);
  app = mkdtempSync(join(tmpdir(), 'ws2web-app-'));
  cpSync(TEMPLATE, app, { recursive: true });
  const ws2web = Object.fromEntries(
    publishablePackages().map((pkg) => [pkg.name, `file:${join(tarballDir, pkg.tarballName)}`]),
  );
  const manifest = {
    name: 'an-app-using-ws2web',
    private: true,
    type: 'module',
    dependencies: { ...ws2web, ws: JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).devDependencies.ws },
    devDependencies: toolVersions(),
  };
  writeFileSync(join(app, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], {
    cwd: app,
    timeout: 150_000,
  });
  lineServer = await startEchoServer();
  linePort = (lineServer.address() as AddressInfo).port;
}, 180_000);

afterAll(async () => {
  await new Promise<void>((resolve) => (lineServer ? lineServer.close(() => resolve()) : resolve()));
  if (app) rmSync(app, { recursive: true, force: true });
  if (tarballDir) rmSync(tarballDir, { recursive: true, force: true });
});

describe('the packed tarballs', () => {
  test('each carries README, LICENSE, dist and types, and publint and arethetypeswrong find nothing', async () => {
    expect(tarballs.map((path) => path.slice(tarballDir.length + 1)).sort()).toEqual(
      publishablePackages()
        .map((pkg) => pkg.tarballName)
        .sort(),
    );
    for (const tarball of tarballs)
      expect({ tarball, problems: await checkTarball(tarball) }).toEqual({ tarball, problems: [] });
  });

  test('their manifests depend on each other by range (workspace:^ became ^VERSION)', () => {
    const installed = (name: string) =>
      JSON.parse(readFileSync(join(app, 'node_modules', name, 'package.json'), 'utf8')) as Record<
        string,
        Record<string, string>
      >;
    const version = publishablePackages()[0]!.version;
    expect(installed('@ws2web/browser').dependencies).toEqual({ '@ws2web/protocol': `^${version}` });
    expect(installed('@ws2web/relay').dependencies!['@ws2web/protocol']).toBe(`^${version}`);
    expect(installed('@ws2web/wasm').peerDependencies).toEqual({ '@ws2web/browser': `^${version}` });
  });
});

describe('an app outside the workspace', () => {
  test('a Node script with ws echoes a line through a relay started with startRelay', async () => {
    const { stdout } = await run(process.execPath, ['client.mjs', String(linePort)], { cwd: app, timeout: 20_000 });
    expect(stdout).toBe('hello from node\n');
  });

  test('require() of a package works where Node loads ES modules synchronously, as the README says', async () => {
    const script =
      "console.log(typeof require('@ws2web/relay').startRelay, typeof require('@ws2web/browser').createWinsock)";
    const result = await run(process.execPath, ['-e', script], { cwd: app }).catch(
      (error: { stderr: string }) => error,
    );
    if (process.features.require_module) expect(result).toMatchObject({ stdout: 'function function\n', stderr: '' });
    else expect(result.stderr).toContain('ERR_REQUIRE_ESM');
  });

  test('`npx ws2web-relay` and `npx ws2web-cc` answer --help from the installed packages', async () => {
    const relay = await run('npx', ['ws2web-relay', '--help'], { cwd: app });
    expect(relay.stdout).toMatch(/^Usage: ws2web-relay /);
    const cc = await run('npx', ['ws2web-cc', '--help'], { cwd: app });
    expect(cc.stdout).toMatch(/^usage: ws2web-cc /);
  });

  test('`npx ws2web-cc` builds the C program with the headers and tools in the package', async () => {
    const { stdout } = await run('npx', ['ws2web-cc', 'hello.c', '-o', 'src/wasm/hello'], {
      cwd: app,
      timeout: 60_000,
    });
    expect(stdout).toContain(join(app, 'src/wasm/hello.js'));
    expect(stdout).toContain(join(app, 'src/wasm/hello.d.ts'));
    for (const file of ['hello.wasm', 'hello.asyncify.wasm', 'hello.js', 'hello.d.ts']) {
      expect(statSync(join(app, 'src/wasm', file)).size).toBeGreaterThan(0);
    }
  });

  // Uses the previous test's build of hello.c: the page imports its loader through the .d.ts beside it.
  test('type-checks with tsc: the page and the generated loader (bundler resolution), the Node script (NodeNext)', async () => {
    const tsc = join(app, 'node_modules/typescript/bin/tsc');
    for (const project of ['tsconfig.json', 'tsconfig.node.json']) {
      const result = await run(process.execPath, [tsc, '-p', project], { cwd: app }).catch(
        (error: { stdout: string }) => error,
      );
      expect({ project, output: result.stdout }).toEqual({ project, output: '' });
    }
  });

  test('the TCP client page (createWinsockWith: withTcp, withConnect, withData) bundles within its gzip budget', async () => {
    const size = await measureBundle({ root: app, entry: join(app, 'src/main.mts') });
    const files = size.modules.map((m) => m.id);
    expect(files).toContain('@ws2web/browser/dist/socket/tcp.js');
    for (const dropped of [
      'socket/udp.js',
      'api/names.js',
      'api/select.js',
      'api/accept.js',
      'api/poll.js',
      'win/sockopt.js',
    ])
      expect(files).not.toContain(`@ws2web/browser/dist/${dropped}`);
    expect(size.gzip).toBeLessThanOrEqual(TCP_CLIENT_GZIP_BUDGET);
  });

  // Uses the build of hello.c two tests above.
  test('Vite bundles the page, which echoes a line and runs the C program in Chromium through the ws2web-relay command', async () => {
    await run('npx', ['vite', 'build', '--logLevel', 'error'], { cwd: app, timeout: 60_000 });
    const assets = join(app, 'dist/assets');
    expect(readdirSync(assets).filter((file) => file.endsWith('.wasm'))).toHaveLength(2);

    const relay = await startRelayCommand(app);
    const site = await serveStatic(join(app, 'dist'));
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: CHROMIUM_ARGS,
      headless: true,
    });
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(error.message));
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      const query = new URLSearchParams({ relay: relay.url, port: String(linePort) });
      await page.goto(`${site.url}?${query}`);
      await page.waitForSelector('#reply:not([data-state="running"])', { timeout: 15_000 });
      await page.waitForSelector('#wasm:not([data-state="running"])', { timeout: 15_000 });
      expect({
        reply: [await page.getAttribute('#reply', 'data-state'), await page.textContent('#reply')],
        wasm: [await page.getAttribute('#wasm', 'data-state'), await page.textContent('#wasm')],
        problems,
      }).toEqual({
        reply: ['done', 'hello from the page'],
        wasm: ['done', 'exit 0 (jspi): winsock ok'],
        problems: [],
      });
    } finally {
      await browser.close();
      await new Promise<void>((resolve) => site.server.close(() => resolve()));
      await relay.stop();
    }
  });
});

/**
 * The app's `ws2web-relay` command on a free port; resolves with its URL once it says it listens.
 * Started as node_modules/.bin/ws2web-relay, the file `npx ws2web-relay` runs, so that stopping
 * it signals the relay itself rather than an npx that would leave it running.
 */
function startRelayCommand(cwd: string): Promise<{ url: string; stop(): Promise<void> }> {
  const child: ChildProcess = spawn(
    join(cwd, 'node_modules/.bin/ws2web-relay'),
    ['--host', '127.0.0.1', '--port', '0', '--allow', '127.0.0.0/8'],
    {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  child.stderr!.setEncoding('utf8').on('data', function onRelayLog(chunk: string) {
    output += chunk;
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`ws2web-relay exited with ${code} before listening:\n${output}`)));
    child.stdout!.setEncoding('utf8').on('data', function onRelayOutput(chunk: string) {
      output += chunk;
      const match = /listening on (ws:\/\/\S+)/.exec(output);
      if (match) {
        resolve({
          url: match[1]!,
          stop() {
            child.kill('SIGTERM');
            return exited;
          },
        });
      }
    });
  });
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
};

/** A static file server for Vite's output, as any web server would serve it. */
function serveStatic(dir: string): Promise<{ url: string; server: HttpServer }> {
  const server = createHttpServer(function serveFile(request, response) {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const file = join(dir, path === '/' ? 'index.html' : path);
    try {
      const body = readFileSync(file);
      response.writeHead(200, { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server }),
    ),
  );
}
