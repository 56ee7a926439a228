/**
 * A loopback TCP listener that never completes a connect, for connect-timeout tests.
 *
 * Node's servers always accept, so a `python3` child opens a socket with `listen(0)` and never
 * calls accept(). Two plain connections fill its accept queue; after that Linux drops further
 * SYNs, so the next connect to the port hangs until the dialler gives up.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';

const SCRIPT = `
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind(('127.0.0.1', 0))
s.listen(0)
print(s.getsockname()[1], flush=True)
sys.stdin.read()  # until the parent closes our stdin (or dies)
`;

export interface Blackhole {
  readonly port: number;
  close(): Promise<void>;
}

export async function startBlackhole(): Promise<Blackhole> {
  const child: ChildProcess = spawn('python3', ['-c', SCRIPT], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.stdout!.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
    child.once('exit', (code) => reject(new Error(`blackhole helper exited with ${code}`)));
  });
  const fillers: net.Socket[] = [];
  for (let i = 0; i < 2; i++) {
    const s = net.connect({ host: '127.0.0.1', port });
    s.on('error', () => {});
    fillers.push(s);
  }
  // Let the fillers' handshakes complete and occupy the queue before anyone else tries.
  await new Promise((r) => setTimeout(r, 100));
  return {
    port,
    async close() {
      for (const s of fillers) s.destroy();
      if (child.exitCode === null) {
        const exited = once(child, 'exit');
        child.stdin!.end();
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}
