/**
 * Debian's redis-server on a free loopback port, nothing saved to disk, stopped after the test:
 * the fleet's shared count store. `hasRedis` is false without /usr/bin/redis-server
 * (`apt-get install -y redis-server`); tests then skip with that reason printed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createClient } from '@redis/client';
import { defer } from './index.js';
import { kill } from './nginx.js';
import { freePort } from './tcp-servers.js';

export const REDIS_SERVER = process.env.REDIS_SERVER_PATH ?? '/usr/bin/redis-server';
export const hasRedis = existsSync(REDIS_SERVER);

function newClient(url: string) {
  return createClient({ url, socket: { reconnectStrategy: 50 } });
}
type RedisClient = ReturnType<typeof newClient>;

export interface TestRedis {
  readonly url: string;
  readonly port: number;
  /** A client for the test's own look at the store. */
  readonly client: RedisClient;
  /** Kills the server (SIGKILL: a crash, nothing flushed). */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty. */
  restart(): Promise<void>;
}

function serve(port: number): Promise<ChildProcess> {
  const child = spawn(
    REDIS_SERVER,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('Ready to accept connections')) {
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        resolve(child);
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`redis-server exited ${code}: ${out}`)));
  });
}

/** A redis-server for this test only. */
export async function useRedis(): Promise<TestRedis> {
  const port = await freePort();
  let child = await serve(port);
  defer(() => kill(child));
  const url = `redis://127.0.0.1:${port}`;
  const client = newClient(url);
  client.on('error', () => {}); // the test stops the server on purpose
  await client.connect();
  defer(() => client.destroy());
  return {
    url,
    port,
    client,
    stop: () => kill(child),
    async restart() {
      child = await serve(port);
      defer(() => kill(child));
    },
  };
}
