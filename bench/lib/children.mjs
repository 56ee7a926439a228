// The benchmark's helper processes: our own roles (server-process.mjs) and websockify. Every
// one is stopped by stopAll(), which the runner calls on every way out.
import { execFileSync, fork, spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';

/** Every live child → how to stop it. */
const running = new Map();

/**
 * Forks server-process.mjs in `role`; resolves with a handle once it reported its ports. With
 * BENCH_CPU_PROF=dir in the environment each child writes a V8 CPU profile there when it exits
 * (open it in Chrome DevTools → Performance, or any .cpuprofile viewer). `module` runs another
 * copy of server-process.mjs (bench/cost.mjs --base: the relay of another build).
 */
export function startRole(
  role,
  args = [],
  { execArgv = [], module = new URL('./server-process.mjs', import.meta.url) } = {},
) {
  const profile = process.env.BENCH_CPU_PROF
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`, `--cpu-prof-name=${role}-${Date.now()}.cpuprofile`]
    : [];
  const child = fork(module, [role, ...args], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: [...execArgv, ...profile],
  });
  running.set(child, () => stopChild(child));
  child.once('exit', () => running.delete(child));
  return new Promise((resolve, reject) => {
    const onExit = (code) => reject(new Error(`bench ${role} process exited with code ${code}`));
    child.once('exit', onExit);
    child.once('message', (info) => {
      child.off('exit', onExit);
      resolve({
        info,
        pid: child.pid,
        /** process.memoryUsage() of the child, after a full GC unless gc is false. */
        memory(gc = true) {
          return new Promise((done) => {
            child.once('message', (reply) => done(reply.memory));
            child.send({ cmd: 'memory', gc });
          });
        },
        /** CPU time and syscall counts of the child so far (cost-counters.mjs processCost). */
        cost() {
          return new Promise((done) => {
            child.once('message', (reply) => done(reply.cost));
            child.send({ cmd: 'cost' });
          });
        },
        /** Sends `message` (a command of the child's own) and resolves with its next message. */
        request(message) {
          return new Promise((done) => {
            child.once('message', done);
            child.send(message);
          });
        },
        stop: () => stopChild(child),
      });
    });
  });
}

function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    if (child.connected) child.send({ cmd: 'stop' });
    else child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 3000).unref();
  });
}

export async function stopAll() {
  await Promise.all([...running.values()].map((stop) => stop()));
}

/** Path of the websockify program, or null when it is not installed. */
export function findWebsockify() {
  try {
    return execFileSync('sh', ['-c', 'command -v websockify'], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port) {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Starts websockify (the Debian package) on a free loopback port, forwarding every WebSocket to
 * 127.0.0.1:targetPort. websockify cannot report a port 0 choice, so we pick a free port first.
 */
export async function startWebsockify(program, targetPort) {
  const port = await freePort();
  const child = spawn(program, [`127.0.0.1:${port}`, `127.0.0.1:${targetPort}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  running.set(child, () => stopSpawned(child));
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr = (stderr + d).slice(-2000);
  });
  child.once('exit', () => running.delete(child));
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`websockify exited: ${stderr}`);
    if (await canConnect(port))
      return { url: `ws://127.0.0.1:${port}/`, pid: child.pid, stop: () => stopSpawned(child) };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`websockify did not listen on ${port} within 10 s: ${stderr}`);
}

function stopSpawned(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 3000).unref();
  });
}
