/**
 * The command line of ws2web-relay: usage text, flags, and how they merge with `--config`.
 *
 *   ws2web-relay --host 127.0.0.1 --port 8787 --allow 127.0.0.0/8
 *   ws2web-relay --config /etc/ws2web/relay.yaml --port 9000
 *
 * Options come from `--config` (YAML/JSON, see config-file.ts) and then from flags: a flag
 * replaces the file's value for that key. Flags, their help and the CLI's own defaults come
 * from the option table (schema.ts); each flag's value is checked by its option's validator. Prints `ws2web relay listening on ws://HOST:PORT/`
 * (wss:// with TLS) on stdout once listening; logs go to stderr. SIGINT/SIGTERM drain (new
 * pages and streams refused, open streams get `--drain-ms`), close, and exit 0.
 */
import { readFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { z } from 'zod';
import { loadConfigFile } from './config-file.js';
import {
  HELP_GROUPS,
  LISTEN_OPTIONS,
  OPTIONS,
  isList,
  type Flag,
  type OptionSpec,
  type RelayOptions,
} from './schema.js';

export class UsageError extends Error {}

/** Flags of the command line itself, not options. */
const CONFIG_FLAG: Flag = {
  name: 'config',
  arg: '<file>',
  group: 'listening',
  help: "read options from a YAML or JSON file (keys = startRelay options);\nflags given here replace the file's values",
};
const HELP_FLAG: Flag = { name: 'help', group: 'logs', help: 'show this help' };

/** A flag and the option it sets (`listen` ones set a key of `listen`). */
interface FlagEntry {
  flag: Flag;
  spec: OptionSpec;
  option: string;
  listen: boolean;
}

const ENTRIES: FlagEntry[] = [
  ...Object.entries(OPTIONS).flatMap(([option, spec]: [string, OptionSpec]) =>
    option === 'listen' ? [] : (spec.flags ?? []).map((flag) => ({ flag, spec, option, listen: false })),
  ),
  ...Object.entries(LISTEN_OPTIONS).flatMap(([option, spec]: [string, OptionSpec]) =>
    (spec.flags ?? []).map((flag) => ({ flag, spec, option, listen: true })),
  ),
];

const COLUMN = 31;

/** The `--help` text, from the option table: groups in order, each flag with its default. */
function usage(): string {
  const lines = ['Usage: ws2web-relay [options]'];
  for (const [group, title] of Object.entries(HELP_GROUPS)) {
    lines.push('', title);
    const flags = [
      ...(group === CONFIG_FLAG.group ? [{ flag: CONFIG_FLAG, spec: null }] : []),
      ...ENTRIES.filter((e) => e.flag.group === group),
      ...(group === HELP_FLAG.group ? [{ flag: HELP_FLAG, spec: null }] : []),
    ];
    for (const { flag, spec } of flags) {
      const name = flag === HELP_FLAG ? '-h, --help' : `--${flag.name}${flag.arg ? ` ${flag.arg}` : ''}`;
      const fallback = spec === null ? undefined : (spec.cliDefault ?? spec.default);
      const help = flag.help.replace('{default}', String(fallback)).split('\n');
      const head = `  ${name}`;
      lines.push(head.length < COLUMN ? head.padEnd(COLUMN) + help[0] : `${head} ${help[0]}`);
      for (const more of help.slice(1)) lines.push(' '.repeat(COLUMN) + more);
    }
  }
  lines.push(
    '',
    'Without a secret anyone who can reach the relay can use it: run it that way on trusted',
    'networks only (it warns when listening beyond loopback without one).',
  );
  return lines.join('\n');
}

export const USAGE = usage();

/** What the command line uses where `startRelay` has another default. */
export const CLI_DEFAULTS = Object.fromEntries(
  Object.entries(OPTIONS).flatMap(([option, spec]: [string, OptionSpec]) =>
    'cliDefault' in spec ? [[option, spec.cliDefault]] : [],
  ),
) as Partial<RelayOptions>;

export const DEFAULT_CLI_DRAIN_MS = OPTIONS.drainMs.cliDefault;

const PARSE_OPTIONS: NonNullable<ParseArgsConfig['options']> = {
  config: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  ...Object.fromEntries(
    ENTRIES.map(({ flag, spec }) => [
      flag.name,
      spec.type instanceof z.ZodBoolean
        ? { type: 'boolean' as const }
        : { type: 'string' as const, multiple: isList(spec.type) || flag.name === 'dns' },
    ]),
  ),
};

function readPem(flag: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`--${flag} ${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

/** A JWKS file (`{"keys":[…]}`), a JSON array of JWKs, or one JWK: the keys. */
function readJwks(flag: string, file: string): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const why = err instanceof SyntaxError ? 'not JSON' : ((err as NodeJS.ErrnoException).code ?? String(err));
    throw new UsageError(`--${flag} ${file}: cannot read (${why})`);
  }
  if (Array.isArray(parsed)) return parsed;
  if (parsed !== null && typeof parsed === 'object' && Array.isArray((parsed as { keys?: unknown }).keys))
    return (parsed as { keys: unknown[] }).keys;
  return [parsed];
}

/** A flag's text as its option's value: numbers parsed, `--udp` true and `--no-udp` false, `--dns` a server list or `os`. */
function flagValue(entry: FlagEntry, raw: string | boolean | (string | boolean)[]): unknown {
  const { flag, spec } = entry;
  if (spec.type instanceof z.ZodBoolean) return !flag.name.startsWith('no-'); // --udp / --no-udp
  if (flag.name === 'dns') return Array.isArray(raw) && raw.length === 1 && raw[0] === 'os' ? 'os' : { servers: raw };
  if (flag.name === 'jwt-keys')
    return (Array.isArray(raw) ? raw : [raw]).flatMap((file) => readJwks(flag.name, String(file)));
  if (spec.type instanceof z.ZodNumber) {
    const text = String(raw);
    if (!/^\d+(\.\d+)?$/.test(text))
      throw new UsageError(`--${flag.name} must be a non-negative number, got ${JSON.stringify(text)}`);
    return Number(text);
  }
  return raw;
}

/** Checks one flag's value with its option's validator. */
function checked(entry: FlagEntry, value: unknown): unknown {
  const parsed = entry.spec.type.safeParse(value);
  if (parsed.success) return value;
  throw new UsageError(`--${entry.flag.name}: ${parsed.error.issues[0]?.message ?? parsed.error.message}`);
}

/** Options from the file (if any), then the flags on top. Null for --help. @throws UsageError | ConfigError */
export function parseCommandLine(argv: string[], env: NodeJS.ProcessEnv = process.env): RelayOptions | null {
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  try {
    ({ values } = parseArgs({ args: argv, options: PARSE_OPTIONS, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) return null;
  const file: RelayOptions = typeof values.config === 'string' ? loadConfigFile(values.config) : {};
  const flags: Record<string, unknown> = {};
  const listenFlags: Record<string, unknown> = {};
  for (const entry of ENTRIES) {
    const raw = values[entry.flag.name];
    if (raw === undefined || entry.option === 'tls') continue;
    (entry.listen ? listenFlags : flags)[entry.option] = checked(entry, flagValue(entry, raw));
  }
  const cert = values['tls-cert'];
  const key = values['tls-key'];
  if ((cert === undefined) !== (key === undefined)) throw new UsageError('--tls-cert and --tls-key go together');
  if (typeof cert === 'string' && typeof key === 'string')
    flags.tls = { cert: readPem('tls-cert', cert), key: readPem('tls-key', key) };

  const merged: Record<string, unknown> = { ...file, ...flags };
  // Inbound flags replace the file's `listen` keys one by one; any of them turns inbound on
  // (and then needs a listen address from the file or --listen-address).
  if (Object.keys(listenFlags).length > 0) {
    const listen: Record<string, unknown> = { ...file.listen, ...listenFlags };
    if (listen.addresses === undefined)
      throw new UsageError(
        '--listen-ports, --listen-remote, --max-listeners and --max-pending need --listen-address (or listen.addresses in --config)',
      );
    merged.listen = listen;
  }
  for (const [option, value] of Object.entries(CLI_DEFAULTS)) merged[option] ??= value;
  merged.host ??= OPTIONS.host.default;
  const options = merged as RelayOptions;
  if (options.secret === undefined && env.WS2WEB_RELAY_SECRET) options.secret = env.WS2WEB_RELAY_SECRET;
  if (options.secret === '') delete options.secret;
  return options;
}
