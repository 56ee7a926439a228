/**
 * `ws2web-relay --config relay.yaml`: the relay's options from a YAML or JSON file, validated by
 * a schema (zod) so that a typo is an error naming the key and the file, not a silently ignored
 * setting. Keys are the `startRelay` option names; paths (`tls.cert`, `tls.key`, `secretFile`)
 * are relative to the file. Types and ranges are the option schema's (schema.ts); semantic
 * checks (is this a CIDR? a host pattern?) are the policies' own, run by `resolveOptions`.
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
import { OPTIONS, listenSchema, type OptionSpec, type RelayOptions } from './schema.js';

/** Every option a file may hold (not the functions), as the schema types it. */
const fileOptions = Object.fromEntries(
  Object.entries(OPTIONS).flatMap(([name, spec]: [string, OptionSpec]) =>
    spec.inFile === false ? [] : [[name, spec.type.optional()]],
  ),
) as {
  [K in keyof typeof OPTIONS as (typeof OPTIONS)[K] extends { inFile: false } ? never : K]: z.ZodOptional<
    (typeof OPTIONS)[K]['type']
  >;
};

/**
 * Every key a config file may hold; unknown keys are errors (`.strict()`). In a file `tls` names
 * PEM files and `secretFile` a file holding the secret, both relative to the config file.
 */
export const configSchema = z
  .object({
    ...fileOptions,
    listen: listenSchema.strict().optional(),
    tls: z
      .object({ cert: z.string().min(1), key: z.string().min(1) })
      .strict()
      .optional(),
    dns: OPTIONS.dns.type.optional(),
    secretFile: z.string().min(1).optional(),
  })
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
      throw new ConfigError(
        `${file}: not valid YAML:\n${doc.errors.map((e) => `  ${e.message.split('\n')[0]}`).join('\n')}`,
      );
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
