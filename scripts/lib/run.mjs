// Child processes for the bootstrap: inherit the terminal, resolve with the exit code, and
// forward SIGINT/SIGTERM so Ctrl-C or a CI kill stops the whole tree, not just this process.
import { spawn, spawnSync } from 'node:child_process';

// On Windows, npm/npx/pnpm are .cmd shims that only a shell can start.
const useShell = process.platform === 'win32';

/**
 * Runs a command to completion with the terminal attached.
 * @returns {Promise<number>} the exit code (128 + signal number style codes when killed by a signal)
 */
export function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit', shell: useShell, ...options });
    const forward = (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    };
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.once('error', (error) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      reject(error);
    });
    child.once('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(code ?? (signal === 'SIGINT' ? 130 : signal === 'SIGTERM' ? 143 : 1));
    });
  });
}

/** Runs a command quietly and tells whether it exited 0 (used to probe for tools). */
export function succeeds(command, args) {
  const result = spawnSync(command, args, { stdio: 'ignore', shell: useShell, timeout: 60_000 });
  return result.status === 0;
}

/** Runs a step and exits this process with the step's code when it fails. */
export async function mustRun(command, args, options) {
  const code = await run(command, args, options);
  if (code !== 0) {
    console.error(`[ws2web] '${[command, ...args].join(' ')}' exited with code ${code}`);
    process.exit(code);
  }
}
