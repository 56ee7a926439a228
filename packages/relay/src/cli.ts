#!/usr/bin/env node
/**
 * ws2web-relay: run a relay from the command line.
 *
 *   ws2web-relay --host 127.0.0.1 --port 8787 --allow 127.0.0.0/8
 *
 * Prints `ws2web relay listening on ws://HOST:PORT/` on stdout once listening; logs go to
 * stderr. SIGINT/SIGTERM close the relay cleanly and exit 0.
 */
import { parseArgs } from 'node:util';
import { isLogLevel } from './log.js';
import { startRelay, type Relay } from './relay.js';
import { DEFAULTS, type RelayOptions } from './options.js';

const USAGE = `Usage: ws2web-relay [options]

  --host <addr>              interface to listen on (default ${DEFAULTS.host})
  --port <n>                 port to listen on, 0 = any free port (default 8787)
  --allow <cidr>             also allow this destination range, e.g. 127.0.0.0/8 or ::1/128
                             (repeatable; default policy: public unicast addresses only)
  --connect-timeout-ms <n>   TCP connect timeout (default ${DEFAULTS.connectTimeoutMs})
  --dns <ip[:port]>          resolve names with this DNS server instead of the OS resolver
                             (repeatable; e.g. 127.0.0.1:5353 or [::1]:53)
  --no-udp                   refuse UDP sockets (DGRAM_OPEN → WSAEACCES; WELCOME omits UDP)
  --secret <s>               require tickets minted with this secret (createTicket);
                             or set WS2WEB_RELAY_SECRET to keep it out of the process list
  --allow-origin <origin>    accept WebSocket upgrades only from this Origin (repeatable)
  --log-level <level>        debug | info | warn | error | silent (default info)
  -h, --help                 show this help

Without a secret anyone who can reach the relay can use it: run it that way on trusted
networks only.`;

const DEFAULT_CLI_PORT = 8787;

function fail(message: string): never {
  process.stderr.write(`ws2web-relay: ${message}\n\n${USAGE}\n`);
  process.exit(2);
}

function parseInteger(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) fail(`--${name} must be a non-negative integer, got ${JSON.stringify(text)}`);
  return Number(text);
}

function parseCommandLine(argv: string[]): RelayOptions | null {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        allow: { type: 'string', multiple: true },
        'connect-timeout-ms': { type: 'string' },
        dns: { type: 'string', multiple: true },
        'no-udp': { type: 'boolean' },
        secret: { type: 'string' },
        'allow-origin': { type: 'string', multiple: true },
        'log-level': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    fail((err as Error).message);
  }
  if (values.help) return null;
  const logLevel = values['log-level'] ?? 'info';
  if (!isLogLevel(logLevel)) fail(`unknown --log-level ${logLevel}`);
  const secret = values.secret ?? process.env.WS2WEB_RELAY_SECRET;
  return {
    host: values.host ?? DEFAULTS.host,
    port: parseInteger('port', values.port) ?? DEFAULT_CLI_PORT,
    allow: values.allow ?? [],
    connectTimeoutMs: parseInteger('connect-timeout-ms', values['connect-timeout-ms']),
    secret: secret === undefined || secret === '' ? undefined : secret,
    allowOrigins: values['allow-origin'],
    dns: values.dns ? { servers: values.dns } : undefined,
    udp: !values['no-udp'],
    logLevel,
  };
}

async function main(): Promise<void> {
  const options = parseCommandLine(process.argv.slice(2));
  if (options === null) {
    process.stdout.write(USAGE + '\n');
    return;
  }
  let relay: Relay;
  try {
    relay = await startRelay(options);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    process.stderr.write(`ws2web-relay: cannot start: ${e.code ? `${e.code} ` : ''}${e.message}\n`);
    process.exit(e instanceof TypeError || e instanceof RangeError ? 2 : 1);
  }
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`ws2web-relay: ${signal}, closing\n`);
    // If something refuses to close, do not hang the supervisor forever.
    setTimeout(() => process.exit(1), 10_000).unref();
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
  process.stdout.write(`ws2web relay listening on ${relay.url}\n`);
}

void main();
