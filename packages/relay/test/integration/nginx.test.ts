/**
 * Scale-out, end to end: Debian's nginx on loopback in front of two relay processes (the CLI
 * from dist/), with the shipped deploy/nginx/ws2web-relay-locations.conf. Pages connect through
 * nginx with one ticket minted from the secret both relays share; killing one relay affects
 * only the pages it carried, and new pages go to the survivor.
 *
 * Needs /usr/sbin/nginx (`apt-get install -y nginx-light`); without it the test is skipped
 * with that reason printed.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { FrameType } from '@ws2web/protocol';
import { createTicket } from '../../src/index.js';
import { PageClient, ipv4 } from '../support/page-client.js';
import { startEchoServer } from '../support/tcp-servers.js';
import { defer, waitUntil } from '../support/index.js';
import { NGINX, hasNginx, kill, startNginx } from '../support/nginx.js';

if (!hasNginx)
  console.warn(`nginx.test: ${NGINX} is missing (apt-get install -y nginx-light); the scale-out test is skipped`);

const pkgDir = fileURLToPath(new URL('../..', import.meta.url));
const repoRoot = path.resolve(pkgDir, '../..');
const cli = path.join(pkgDir, 'dist/cli.js');
const SECRET = 'shared-by-every-relay';

beforeAll(() => {
  if (!hasNginx) return;
  execFileSync(process.execPath, [path.join(repoRoot, 'node_modules/typescript/bin/tsc'), '-b', pkgDir], {
    cwd: repoRoot,
    stdio: 'inherit',
  });
}, 120_000);

async function relayProcess(): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(
    process.execPath,
    [cli, '--port', '0', '--allow', '127.0.0.0/8', '--trust-proxy', '127.0.0.1/32', '--log-level', 'error'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, WS2WEB_RELAY_SECRET: SECRET },
    },
  );
  defer(() => kill(child));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on ws:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`relay exited ${code}`)));
  });
  return { child, port };
}

async function connectionsOf(port: number): Promise<number> {
  // A relay with a secret serves /metrics only to a bearer of that secret.
  const text = await (
    await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { Authorization: `Bearer ${SECRET}` } })
  ).text();
  return Number(/^ws2web_relay_connections (\d+)$/m.exec(text)![1]);
}

describe('nginx in front of two relays', () => {
  it.skipIf(!hasNginx)(
    'spreads pages over both relays with one shared secret; killing one affects only its own pages',
    async () => {
      const echo = await startEchoServer();
      defer(() => echo.close());
      const a = await relayProcess();
      const b = await relayProcess();
      const port = await startNginx([a.port, b.port]);
      const url = `ws://127.0.0.1:${port}/`;
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(404);

      // One ticket, minted once: every relay verifies it with the shared secret alone.
      const token = createTicket({ secret: SECRET, ttlSeconds: 60, subject: 'scale-out' });
      const pages: PageClient[] = [];
      for (let i = 0; i < 6; i++) {
        const page = await PageClient.connect(url);
        defer(() => page.close());
        expect((await page.hello(token)).type).toBe(FrameType.WELCOME);
        expect((await page.open(1, ipv4(echo.port))).type).toBe(FrameType.OPENED);
        pages.push(page);
      }
      const onA = await connectionsOf(a.port);
      const onB = await connectionsOf(b.port);
      expect(onA + onB).toBe(6);
      expect(onA).toBeGreaterThan(0);
      expect(onB).toBeGreaterThan(0);
      const bad = await PageClient.connect(url);
      defer(() => bad.close());
      expect((await bad.hello('forged.ticket')).type).toBe(FrameType.GOAWAY);

      await kill(a.child);
      await waitUntil(
        () => pages.filter((p) => p.ws.readyState === p.ws.OPEN).length <= onB,
        3000,
        "relay A's pages to close",
      );
      const open = pages.filter((p) => p.ws.readyState === p.ws.OPEN);
      expect(open.length).toBe(onB); // exactly the pages relay A carried are gone
      for (const page of open) {
        page.send({ type: FrameType.DATA, stream: 1, data: Buffer.from('still up') });
        expect((await page.read(1, 8)).toString()).toBe('still up');
      }
      // New pages land on the survivor (nginx skips the dead upstream).
      for (let i = 0; i < 3; i++) {
        const page = await PageClient.connect(url);
        defer(() => page.close());
        expect((await page.hello(token)).type).toBe(FrameType.WELCOME);
        expect((await page.open(1, ipv4(echo.port))).type).toBe(FrameType.OPENED);
      }
      expect(await connectionsOf(b.port)).toBe(onB + 3);
    },
  );
});
