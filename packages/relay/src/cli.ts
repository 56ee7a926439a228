#!/usr/bin/env node
/**
 * ws2web-relay: run a relay from the command line.
 *
 *   ws2web-relay --host 127.0.0.1 --port 8787 --allow 127.0.0.0/8
 *   ws2web-relay --config /etc/ws2web/relay.yaml --port 9000
 *
 * Options come from `--config` (YAML/JSON, see config-file.ts) and then from flags: a flag
 * replaces the file's value for that key (cli-options.ts). Prints
 * `ws2web relay listening on ws://HOST:PORT/` (wss:// with TLS) on stdout once listening — for
 * --host 0.0.0.0 or :: a loopback URL, then the other reachable ones (cli-messages.ts); logs
 * go to stderr. SIGINT/SIGTERM drain (new pages and streams refused, open streams get
 * `--drain-ms`), close, and exit 0; a second signal exits 1 at once. A bad flag, value or
 * config file exits 2; failing to listen exits 1.
 */
import { networkInterfaces } from 'node:os';
import { listeningLines, startFailureLine } from './cli-messages.js';
import { DEFAULT_CLI_DRAIN_MS, USAGE, parseCommandLine } from './config/cli-options.js';
import { ConfigError } from './config/config-file.js';
import type { RelayOptions } from './config/options.js';
import { startRelay, type Relay } from './server/relay.js';

/** Beyond the drain, how long closing may take before the process gives up and exits 1. */
const CLOSE_GRACE_MS = 10_000;

async function main(): Promise<void> {
  let options: RelayOptions | null;
  try {
    options = parseCommandLine(process.argv.slice(2));
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`ws2web-relay: ${err.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`ws2web-relay: ${(err as Error).message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  if (options === null) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  let relay: Relay;
  try {
    relay = await startRelay(options);
  } catch (err) {
    process.stderr.write(`${startFailureLine(err)}\n`);
    process.exit(err instanceof TypeError || err instanceof RangeError ? 2 : 1);
  }
  const drainMs = options.drainMs ?? DEFAULT_CLI_DRAIN_MS;
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      // A second signal: the operator wants it gone now.
      process.stderr.write(`ws2web-relay: ${signal} again, exiting\n`);
      process.exit(1);
    }
    stopping = true;
    process.stderr.write(`ws2web-relay: ${signal}, draining (up to ${drainMs} ms), then closing\n`);
    // If something refuses to close, do not hang the supervisor forever.
    setTimeout(() => process.exit(1), drainMs + CLOSE_GRACE_MS).unref();
    relay.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`ws2web-relay: close failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // Printed only once the handlers are in place: whoever waits for this line may signal at once.
  const lines = listeningLines(
    { host: relay.host, port: relay.port, tls: relay.url.startsWith('wss:') },
    networkInterfaces(),
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}

void main();
