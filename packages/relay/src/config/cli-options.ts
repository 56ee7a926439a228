/**
 * The command line of ws2web-relay: usage text, flags, and how they merge with `--config`.
 *
 *   ws2web-relay --host 127.0.0.1 --port 8787 --allow 127.0.0.0/8
 *   ws2web-relay --config /etc/ws2web/relay.yaml --port 9000
 *
 * Options come from `--config` (YAML/JSON, see config-file.ts) and then from flags: a flag
 * replaces the file's value for that key. Prints `ws2web relay listening on ws://HOST:PORT/`
 * (wss:// with TLS) on stdout once listening; logs go to stderr. SIGINT/SIGTERM drain (new
 * pages and streams refused, open streams get `--drain-ms`), close, and exit 0.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfigFile } from './config-file.js';
import { isLogLevel } from '../ops/log.js';
import { DEFAULTS, type RelayOptions } from './options.js';
import { INBOUND_DEFAULTS, type ListenOptions } from '../policy/inbound-policy.js';

export const USAGE = `Usage: ws2web-relay [options]

Listening
  --config <file>              read options from a YAML or JSON file (keys = startRelay options);
                               flags given here replace the file's values
  --host <addr>                interface to listen on (default ${DEFAULTS.host})
  --port <n>                   port to listen on, 0 = any free port (default 8787)
  --tls-cert <file>            serve wss:// with this PEM certificate (chain) ...
  --tls-key <file>             ... and this PEM private key

Who may use it
  --secret <s>                 require tickets minted with this secret (createTicket);
                               or set WS2WEB_RELAY_SECRET to keep it out of the process list
  --allow-origin <origin>      accept WebSocket upgrades only from this Origin (repeatable)
  --trust-proxy <cidr>         believe X-Forwarded-For from these proxies (repeatable)

Where pages may connect (default: public unicast addresses only, any port but 25)
  --allow <cidr>               also allow this range, e.g. 127.0.0.0/8 or ::1/128 (repeatable)
  --deny <cidr>                refuse this range even if public or allowed (repeatable)
  --allow-host <pattern>       only these host names may be dialled (api.example.com,
                               *.example.com; repeatable); IP literals then need --allow
  --deny-host <pattern>        refuse these host names before resolving them (repeatable)
  --allow-port <n|a-b>         only these destination ports (repeatable)
  --deny-port <n|a-b>          refuse these destination ports (repeatable; default 25;
                               giving any replaces the default)
  --no-udp                     refuse UDP sockets (DGRAM_OPEN → WSAEACCES; WELCOME omits UDP)
  --dns <ip[:port]>            resolve names with this DNS server instead of the OS resolver
                               (repeatable; e.g. 127.0.0.1:5353 or [::1]:53)

Inbound: listening sockets for pages (default: none; LISTEN → WSAEACCES)
  --listen-address <addr>      a relay address pages may listen on (repeatable; 0.0.0.0 / ::
                               = every interface); turns inbound on
  --listen-ports <spec>        local ports: 20000-20999, 7000, ephemeral (port 0 → OS-chosen),
                               comma-separated (default ephemeral); also governs UDP fixed ports
  --listen-remote <cidr>       only these peers may connect to a listener (repeatable; default any)
  --max-listeners <n>          listening sockets per page (default ${INBOUND_DEFAULTS.maxListeners})
  --max-pending <n>            unaccepted inbound connections per page (default ${INBOUND_DEFAULTS.maxPending})

Limits (0 = unlimited)
  --max-connections-per-ip <n> WebSockets per client address (default ${DEFAULTS.maxConnectionsPerIp}; more → HTTP 429)
  --exempt-client <cidr>       clients the per-client limits skip (repeatable; default loopback)
  --max-streams <n>            sockets and name queries per WebSocket (default ${DEFAULTS.maxStreams})
  --max-sockets <n>            sockets across the relay (default ${DEFAULTS.maxSocketsTotal})
  --max-per-destination <n>    TCP connections to one address:port across the relay (default 0)
  --opens-per-second <n>       socket opens and name queries per second per client (default ${DEFAULTS.opensPerSecond})
  --open-burst <n>             ... of which this many at once (default ${DEFAULTS.openBurst})
  --bandwidth <bytes/s>        per WebSocket and direction (default 0)
  --connect-timeout-ms <n>     TCP connect timeout (default ${DEFAULTS.connectTimeoutMs})
  --handshake-timeout-ms <n>   time for a page to send HELLO (default ${DEFAULTS.handshakeTimeoutMs})
  --idle-timeout-ms <n>        close a WebSocket without streams or frames this long (default ${DEFAULTS.idleTimeoutMs})
  --heartbeat-ms <n>           ping interval; a page missing a pong is dropped (default ${DEFAULTS.heartbeatMs})
  --drain-ms <n>               on SIGTERM/SIGINT, time open streams get to finish (default 10000)

Logs
  --log-level <level>          debug | info | warn | error | silent (default info)
  --log-format <text|json>     key=value lines or one JSON object per line (default text)
  -h, --help                   show this help

Without a secret anyone who can reach the relay can use it: run it that way on trusted
networks only (it warns when listening beyond loopback without one).`;

const DEFAULT_CLI_PORT = 8787;
export const DEFAULT_CLI_DRAIN_MS = 10_000;
export class UsageError extends Error {}

function integer(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new UsageError(`--${flag} must be a non-negative integer, got ${JSON.stringify(text)}`);
  return Number(text);
}

function readPem(flag: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`--${flag} ${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

const FLAGS = {
  config: { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  secret: { type: 'string' },
  'allow-origin': { type: 'string', multiple: true },
  'trust-proxy': { type: 'string', multiple: true },
  allow: { type: 'string', multiple: true },
  deny: { type: 'string', multiple: true },
  'allow-host': { type: 'string', multiple: true },
  'deny-host': { type: 'string', multiple: true },
  'allow-port': { type: 'string', multiple: true },
  'deny-port': { type: 'string', multiple: true },
  'no-udp': { type: 'boolean' },
  dns: { type: 'string', multiple: true },
  'listen-address': { type: 'string', multiple: true },
  'listen-ports': { type: 'string' },
  'listen-remote': { type: 'string', multiple: true },
  'max-listeners': { type: 'string' },
  'max-pending': { type: 'string' },
  'max-connections-per-ip': { type: 'string' },
  'exempt-client': { type: 'string', multiple: true },
  'max-streams': { type: 'string' },
  'max-sockets': { type: 'string' },
  'max-per-destination': { type: 'string' },
  'opens-per-second': { type: 'string' },
  'open-burst': { type: 'string' },
  bandwidth: { type: 'string' },
  'connect-timeout-ms': { type: 'string' },
  'handshake-timeout-ms': { type: 'string' },
  'idle-timeout-ms': { type: 'string' },
  'heartbeat-ms': { type: 'string' },
  'drain-ms': { type: 'string' },
  'log-level': { type: 'string' },
  'log-format': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Options from the file (if any), then the flags on top. Null for --help. @throws UsageError | ConfigError */
export function parseCommandLine(argv: string[], env: NodeJS.ProcessEnv = process.env): RelayOptions | null {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: FLAGS, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) return null;
  const file: RelayOptions = values.config ? loadConfigFile(values.config) : {};
  const flags: RelayOptions = {
    host: values.host,
    port: integer('port', values.port),
    allow: values.allow,
    deny: values.deny,
    allowHosts: values['allow-host'],
    denyHosts: values['deny-host'],
    allowPorts: values['allow-port'],
    denyPorts: values['deny-port'],
    udp: values['no-udp'] ? false : undefined,
    dns: values.dns ? { servers: values.dns } : undefined,
    secret: values.secret,
    allowOrigins: values['allow-origin'],
    trustProxy: values['trust-proxy'],
    exemptClients: values['exempt-client'],
    maxConnectionsPerIp: integer('max-connections-per-ip', values['max-connections-per-ip']),
    maxStreams: integer('max-streams', values['max-streams']),
    maxSocketsTotal: integer('max-sockets', values['max-sockets']),
    maxConnectionsPerDestination: integer('max-per-destination', values['max-per-destination']),
    opensPerSecond: integer('opens-per-second', values['opens-per-second']),
    openBurst: integer('open-burst', values['open-burst']),
    bandwidthBytesPerSec: integer('bandwidth', values.bandwidth),
    connectTimeoutMs: integer('connect-timeout-ms', values['connect-timeout-ms']),
    handshakeTimeoutMs: integer('handshake-timeout-ms', values['handshake-timeout-ms']),
    idleTimeoutMs: integer('idle-timeout-ms', values['idle-timeout-ms']),
    heartbeatMs: integer('heartbeat-ms', values['heartbeat-ms']),
    drainMs: integer('drain-ms', values['drain-ms']),
  };
  if (values['log-level'] !== undefined) {
    if (!isLogLevel(values['log-level'])) throw new UsageError(`unknown --log-level ${values['log-level']}`);
    flags.logLevel = values['log-level'];
  }
  if (values['log-format'] !== undefined) {
    if (values['log-format'] !== 'text' && values['log-format'] !== 'json') throw new UsageError(`--log-format must be text or json, got ${values['log-format']}`);
    flags.logFormat = values['log-format'];
  }
  if ((values['tls-cert'] === undefined) !== (values['tls-key'] === undefined)) throw new UsageError('--tls-cert and --tls-key go together');
  if (values['tls-cert'] !== undefined) flags.tls = { cert: readPem('tls-cert', values['tls-cert']), key: readPem('tls-key', values['tls-key']!) };

  const merged: RelayOptions = { ...file };
  for (const [key, value] of Object.entries(flags)) if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
  // Inbound flags replace the file's `listen` keys one by one; any of them turns inbound on
  // (and then needs a listen address from the file or --listen-address).
  const listenFlags: Partial<ListenOptions> = {
    addresses: values['listen-address'],
    ports: values['listen-ports'],
    remotes: values['listen-remote'],
    maxListeners: integer('max-listeners', values['max-listeners']),
    maxPending: integer('max-pending', values['max-pending']),
  };
  if (Object.values(listenFlags).some((v) => v !== undefined)) {
    const listen: Record<string, unknown> = { ...file.listen };
    for (const [key, value] of Object.entries(listenFlags)) if (value !== undefined) listen[key] = value;
    if (!Array.isArray(listen.addresses) || listen.addresses.length === 0) throw new UsageError('--listen-ports, --listen-remote, --max-listeners and --max-pending need --listen-address (or listen.addresses in --config)');
    merged.listen = listen as unknown as ListenOptions;
  }
  merged.host ??= DEFAULTS.host;
  merged.port ??= DEFAULT_CLI_PORT;
  merged.logLevel ??= 'info';
  merged.drainMs ??= DEFAULT_CLI_DRAIN_MS;
  if (merged.secret === undefined && env.WS2WEB_RELAY_SECRET) merged.secret = env.WS2WEB_RELAY_SECRET;
  if (merged.secret === '') delete merged.secret;
  return merged;
}

