/**
 * Debian's nginx on loopback in front of relays, with the shipped
 * deploy/nginx/ws2web-relay-locations.conf: what an operator scaling out runs. Stopped after the
 * test. `hasNginx` is false without /usr/sbin/nginx (`apt-get install -y nginx-light`); tests
 * then skip with that reason printed.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defer, waitUntil } from './index.js';
import { freePort } from './tcp-servers.js';

export const NGINX = process.env.NGINX_PATH ?? '/usr/sbin/nginx';
export const hasNginx = existsSync(NGINX);

const locations = fileURLToPath(new URL('../../../../deploy/nginx/ws2web-relay-locations.conf', import.meta.url));

/** SIGKILL, resolved once the process has exited. */
export function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** nginx on 127.0.0.1 (its port returned) balancing round-robin over relays on these ports. */
export async function startNginx(upstreams: number[]): Promise<number> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ws2web-nginx-'));
  defer(() => rmSync(dir, { recursive: true, force: true }));
  const port = await freePort();
  const conf = path.join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    `
daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream ws2web_relays {
    ${upstreams.map((p) => `server 127.0.0.1:${p} max_fails=1 fail_timeout=10s;`).join('\n    ')}
  }
  server {
    listen 127.0.0.1:${port};
    include ${locations};
  }
}
`,
  );
  execFileSync(NGINX, ['-t', '-c', conf, '-p', dir], { stdio: 'pipe' });
  const child = spawn(NGINX, ['-c', conf, '-p', dir], { stdio: 'inherit' });
  defer(() => kill(child));
  const accepting = (): Promise<boolean> =>
    new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
  await waitUntil(accepting, 2000, 'nginx listening');
  return port;
}
