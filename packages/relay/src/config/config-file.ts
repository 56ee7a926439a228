/**
 * `ws2web-relay --config relay.yaml`: the relay's options from a YAML or JSON file, validated by
 * a schema (zod) so that a typo is an error naming the key and the file, not a silently ignored
 * setting. Keys are the `startRelay` option names; paths (`tls.cert`, `tls.key`, `secretFile`)
 * are relative to the file. Semantic checks (is this a CIDR? a host pattern?) are the options'
 * own, run by `resolveOptions`; this module checks shape and types.
 *
 * ```yaml
 * host: 0.0.0.0
 * port: 8787
 * secretFile: /etc/ws2web/secret
 * allowOrigins: [https://app.example.com]
 * deny: [203.0.113.0/24]
 * allowPorts: [80, 443, 8000-8999]
 * maxConnectionsPerIp: 16
 * tls: { cert: tls/cert.pem, key: tls/key.pem }
 * listen: { addresses: [127.0.0.1], ports: 20000-20999, maxListeners: 4, maxPending: 16 }
 * ```
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import type { RelayOptions } from './options.js';

const port = z.union([z.number().int(), z.string()]);
const nonNegative = z.number().int().nonnegative();
const strings = z.array(z.string());

/** Every key a config file may hold; unknown keys are errors (`.strict()`). */
export const configSchema = z
  .object({
    host: z.string().min(1),
    port: z.number().int().min(0).max(65535),
    allow: strings,
    deny: strings,
    allowHosts: strings,
    denyHosts: strings,
    allowPorts: z.array(port),
    denyPorts: z.array(port),
    udp: z.boolean(),
    connectTimeoutMs: z.number().int().positive(),
    secret: z.string().min(1),
    secretFile: z.string().min(1),
    allowOrigins: strings,
    handshakeTimeoutMs: z.number().int().positive(),
    heartbeatMs: nonNegative,
    idleTimeoutMs: nonNegative,
    maxFrameBody: z.number().int().positive(),
    maxStreams: z.number().int().positive(),
    streamWindow: z.number().int().positive(),
    datagramWindow: z.number().int().positive(),
    lingerMs: nonNegative,
    logLevel: z.enum(['debug', 'info', 'warn', 'error', 'silent']),
    logFormat: z.enum(['text', 'json']),
    dns: z.object({ servers: z.array(z.string()).min(1), timeoutMs: z.number().int().positive().optional(), tries: z.number().int().positive().optional() }).strict(),
    tls: z.object({ cert: z.string().min(1), key: z.string().min(1) }).strict(),
    maxConnectionsPerIp: nonNegative,
    maxSocketsTotal: nonNegative,
    maxConnectionsPerDestination: nonNegative,
    opensPerSecond: z.number().nonnegative(),
    openBurst: z.number().int().positive(),
    bandwidthBytesPerSec: nonNegative,
    exemptClients: strings,
    trustProxy: strings,
    drainMs: nonNegative,
    listen: z
      .object({
        addresses: strings.min(1),
        ports: z.union([port, z.array(port)]),
        remotes: strings,
        maxListeners: z.number().int().positive(),
        maxPending: z.number().int().positive(),
      })
      .partial({ ports: true, remotes: true, maxListeners: true, maxPending: true })
      .strict(),
  })
  .partial()
  .strict()
  .refine((c) => !(c.secret && c.secretFile), { message: 'give secret or secretFile, not both' });

export type ConfigFile = z.infer<typeof configSchema>;

/** A config file that cannot be read, parsed or validated; `message` lists every problem. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads, parses and validates `file`; returns `startRelay` options. @throws ConfigError */
export function loadConfigFile(file: string): RelayOptions {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  return parseConfig(text, file);
}

/** As `loadConfigFile`, from text; `file` names the source in errors and anchors relative paths. */
export function parseConfig(text: string, file: string): RelayOptions {
  let data: unknown;
  if (file.endsWith('.json')) {
    try {
      data = JSON.parse(text);
    } catch (err) {
      throw new ConfigError(`${file}: not valid JSON: ${(err as Error).message}`);
    }
  } else {
    const doc = YAML.parseDocument(text, { prettyErrors: true, uniqueKeys: true });
    if (doc.errors.length > 0) {
      throw new ConfigError(`${file}: not valid YAML:\n${doc.errors.map((e) => `  ${e.message.split('\n')[0]}`).join('\n')}`);
    }
    data = doc.toJS();
  }
  if (data === null || data === undefined) data = {};
  const parsed = configSchema.safeParse(data);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
    throw new ConfigError(`${file}: invalid configuration:\n${lines.join('\n')}`);
  }
  return toOptions(parsed.data, path.dirname(file));
}

function toOptions(config: ConfigFile, dir: string): RelayOptions {
  const { secretFile, tls, ...rest } = config;
  const options: RelayOptions = { ...rest };
  const read = (p: string, what: string): string => {
    const full = path.resolve(dir, p);
    try {
      return readFileSync(full, 'utf8');
    } catch (err) {
      throw new ConfigError(`${what} ${full}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
  };
  if (secretFile !== undefined) options.secret = read(secretFile, 'secretFile').trim();
  if (tls !== undefined) options.tls = { cert: read(tls.cert, 'tls.cert'), key: read(tls.key, 'tls.key') };
  return options;
}
