import { z } from 'zod';
import { MAX_COUNT, MAX_MS, int, strings, type OptionSpec } from './blocks.js';

export const LIMIT_OPTIONS = {
  metricsPort: {
    type: int(0, 65535),
    flags: [
      {
        name: 'metrics-port',
        arg: '<n>',
        group: 'listening',
        help: 'serve /metrics (and /healthz, /readyz) on this port of --metrics-host;\nthe WebSocket port then answers /metrics 404 (0 = any free port)',
      },
    ],
  },
  metricsHost: {
    type: z.string().min(1),
    default: '127.0.0.1',
    flags: [
      {
        name: 'metrics-host',
        arg: '<addr>',
        group: 'listening',
        help: 'interface of the metrics listener (default {default})',
      },
    ],
  },
  maxConnectionsPerIp: {
    type: int(0, MAX_COUNT),
    default: 64,
    flags: [
      {
        name: 'max-connections-per-ip',
        arg: '<n>',
        group: 'limits',
        help: 'WebSockets per client address (default {default}; more → HTTP 429)',
      },
    ],
  },
  maxConnections: {
    type: int(0, MAX_COUNT),
    default: 4096,
    flags: [
      {
        name: 'max-connections',
        arg: '<n>',
        group: 'limits',
        help: 'TCP connections to the relay port, upgraded or not (default {default};\nkeep it below the fd limit minus maxSocketsTotal)',
      },
    ],
  },
  maxPendingUpgradesPerIp: {
    type: int(0, MAX_COUNT),
    default: 16,
    flags: [
      {
        name: 'max-pending-upgrades-per-ip',
        arg: '<n>',
        group: 'limits',
        help: 'connections per client address not yet upgraded (default {default})',
      },
    ],
  },
  upgradeTimeoutMs: {
    type: int(1, MAX_MS),
    default: 10_000,
    flags: [
      {
        name: 'upgrade-timeout-ms',
        arg: '<n>',
        group: 'limits',
        help: 'time a TCP connection has to send its upgrade or request (default {default})',
      },
    ],
  },
  maxSocketsPerClient: {
    type: int(0, MAX_COUNT),
    default: 1024,
    flags: [
      {
        name: 'max-sockets-per-client',
        arg: '<n>',
        group: 'limits',
        help: 'sockets one client address holds across its WebSockets (default {default})',
      },
    ],
  },
  maxSocketsPerSubject: {
    type: int(0, MAX_COUNT),
    default: 0,
    flags: [
      {
        name: 'max-sockets-per-subject',
        arg: '<n>',
        group: 'limits',
        help: 'sockets one ticket subject (sub) holds across its WebSockets (default {default})',
      },
    ],
  },
  maxListenersPerClient: {
    type: int(0, MAX_COUNT),
    default: 32,
    flags: [
      {
        name: 'max-listeners-per-client',
        arg: '<n>',
        group: 'limits',
        help: 'listening sockets one client address holds across its WebSockets\n(default {default}; exempt clients skip it)',
      },
    ],
  },
  maxListenersPerSubject: {
    type: int(0, MAX_COUNT),
    default: 0,
    flags: [
      {
        name: 'max-listeners-per-subject',
        arg: '<n>',
        group: 'limits',
        help: 'listening sockets one ticket subject holds across its WebSockets (default {default})',
      },
    ],
  },
  redis: {
    type: z.string().regex(/^rediss?:\/\/\S+$/, 'must be a redis:// or rediss:// URL'),
    flags: [
      {
        name: 'redis',
        arg: '<url>',
        group: 'limits',
        help: 'keep per-client and per-subject counts in this Redis, shared by\nevery relay of a fleet (redis://host:6379); default in memory',
      },
    ],
  },
  exemptClients: {
    type: strings,
    default: ['127.0.0.0/8', '::1/128'],
    flags: [
      {
        name: 'exempt-client',
        arg: '<cidr>',
        group: 'limits',
        help: 'clients the per-client limits skip (repeatable; default loopback)',
      },
    ],
  },
  maxStreams: {
    type: int(1, MAX_COUNT),
    default: 1024,
    flags: [
      {
        name: 'max-streams',
        arg: '<n>',
        group: 'limits',
        help: 'sockets and name queries per WebSocket (default {default})',
      },
    ],
  },
  maxSocketsTotal: {
    type: int(0, MAX_COUNT),
    default: 10_000,
    flags: [{ name: 'max-sockets', arg: '<n>', group: 'limits', help: 'sockets across the relay (default {default})' }],
  },
  maxConnectionsPerDestination: {
    type: int(0, MAX_COUNT),
    default: 0,
    flags: [
      {
        name: 'max-per-destination',
        arg: '<n>',
        group: 'limits',
        help: 'TCP connections to one address:port across the relay (default {default})',
      },
    ],
  },
  opensPerSecond: {
    type: z.number().nonnegative().finite(),
    default: 50,
    flags: [
      {
        name: 'opens-per-second',
        arg: '<n>',
        group: 'limits',
        help: 'socket opens and name queries per second per client (default {default})',
      },
    ],
  },
  openBurst: {
    type: int(1, MAX_COUNT),
    default: 100,
    flags: [
      { name: 'open-burst', arg: '<n>', group: 'limits', help: '... of which this many at once (default {default})' },
    ],
  },
  bandwidthBytesPerSec: {
    type: int(0, Number.MAX_SAFE_INTEGER),
    default: 0,
    flags: [
      { name: 'bandwidth', arg: '<bytes/s>', group: 'limits', help: 'per WebSocket and direction (default {default})' },
    ],
  },
  lookupsPerSecond: {
    type: z.number().nonnegative().finite(),
    default: 500,
    flags: [
      {
        name: 'lookups-per-second',
        arg: '<n>',
        group: 'limits',
        help: 'name lookups across the relay per second; more → TRY_AGAIN (default {default})',
      },
    ],
  },
  maxLookupsInFlightPerClient: {
    type: int(0, MAX_COUNT),
    default: 8,
    flags: [
      {
        name: 'max-lookups-in-flight-per-client',
        arg: '<n>',
        group: 'limits',
        help: 'name lookups pending at once per client address; more → TRY_AGAIN (default {default})',
      },
    ],
  },
  maxLookupsInFlight: {
    type: int(0, MAX_COUNT),
    default: 64,
    flags: [
      {
        name: 'max-lookups-in-flight',
        arg: '<n>',
        group: 'limits',
        help: 'name lookups pending at once across the relay; more → TRY_AGAIN (default {default})',
      },
    ],
  },
  lookupTimeoutMs: {
    type: int(1, MAX_MS),
    default: 10_000,
    flags: [
      {
        name: 'lookup-timeout-ms',
        arg: '<n>',
        group: 'limits',
        help: 'a name lookup not answered by then fails (TRY_AGAIN) (default {default})',
      },
    ],
  },
  negativeCacheMs: {
    type: int(0, MAX_MS),
    default: 10_000,
    flags: [
      {
        name: 'negative-cache-ms',
        arg: '<n>',
        group: 'limits',
        help: 'remember names that do not exist this long (default {default})',
      },
    ],
  },
  clientBandwidthBytesPerSec: {
    type: int(0, Number.MAX_SAFE_INTEGER),
    default: 0,
    flags: [
      {
        name: 'client-bandwidth',
        arg: '<bytes/s>',
        group: 'limits',
        help: 'per client address and direction, across its WebSockets (and relays,\nwith --redis) (default {default})',
      },
    ],
  },
  connectTimeoutMs: {
    type: int(1, MAX_MS),
    default: 21_000,
    flags: [
      { name: 'connect-timeout-ms', arg: '<n>', group: 'limits', help: 'TCP connect timeout (default {default})' },
    ],
  },
  handshakeTimeoutMs: {
    type: int(1, MAX_MS),
    default: 10_000,
    flags: [
      {
        name: 'handshake-timeout-ms',
        arg: '<n>',
        group: 'limits',
        help: 'time for a page to send HELLO (default {default})',
      },
    ],
  },
  idleTimeoutMs: {
    type: int(0, MAX_MS),
    default: 600_000,
    flags: [
      {
        name: 'idle-timeout-ms',
        arg: '<n>',
        group: 'limits',
        help: 'close a WebSocket without streams or frames this long (default {default})',
      },
    ],
  },
  heartbeatMs: {
    type: int(0, MAX_MS),
    default: 30_000,
    flags: [
      {
        name: 'heartbeat-ms',
        arg: '<n>',
        group: 'limits',
        help: 'ping interval; a page missing a pong is dropped (default {default})',
      },
    ],
  },
  drainMs: {
    type: int(0, MAX_MS),
    default: 0,
    cliDefault: 10_000,
    flags: [
      {
        name: 'drain-ms',
        arg: '<n>',
        group: 'limits',
        help: 'on SIGTERM/SIGINT, time open streams get to finish (default {default})',
      },
    ],
  },
  logLevel: {
    type: z.enum(['debug', 'info', 'warn', 'error', 'silent']),
    default: 'warn',
    cliDefault: 'info',
    flags: [
      {
        name: 'log-level',
        arg: '<level>',
        group: 'logs',
        help: 'debug | info | warn | error | silent (default {default})',
      },
    ],
  },
  logFormat: {
    type: z.enum(['text', 'json']),
    default: 'text',
    flags: [
      {
        name: 'log-format',
        arg: '<text|json>',
        group: 'logs',
        help: 'key=value lines or one JSON object per line (default {default})',
      },
    ],
  },
} as const satisfies Record<string, OptionSpec>;
