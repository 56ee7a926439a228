/**
 * Every relay option, once: its zod type (the one validator, with the one range), its default,
 * and its command-line flag and help. `startRelay`'s `RelayOptions` type, its defaults and
 * validation (options.ts), the config file's schema (config-file.ts) and the CLI's flags and
 * usage text (cli-options.ts) are all derived from this table, so they cannot drift apart.
 * The table is written in sections (schema/serving.ts, schema/limits.ts, schema/page-limits.ts,
 * with schema/listen.ts for the inbound policy and schema/blocks.ts for their parts); this file
 * composes them into the one OPTIONS, in `--help` order, and derives everything from it.
 * docs/relay.md's options table is checked against it by a test.
 *
 * A repeatable option takes one value or a list of them, everywhere: `allow: 127.0.0.0/8` in a
 * config file means what `--allow 127.0.0.0/8` means on the command line.
 */
import { z } from 'zod';
import type { OptionSpec } from './schema/blocks.js';
import { LIMIT_OPTIONS } from './schema/limits.js';
import { PAGE_LIMIT_OPTIONS } from './schema/page-limits.js';
import { SERVING_OPTIONS } from './schema/serving.js';

export { HELP_GROUPS, MAX_KEEPALIVE_MS, isList, type Flag, type HelpGroup, type OptionSpec } from './schema/blocks.js';
export { LISTEN_OPTIONS, listenSchema, type ListenOptions } from './schema/listen.js';
export type { JwtKey } from './schema/serving.js';

/** Every option, in the order of `--help`. */
export const OPTIONS = {
  ...SERVING_OPTIONS,
  ...LIMIT_OPTIONS,
  ...PAGE_LIMIT_OPTIONS,
} as const satisfies Record<string, OptionSpec>;

type Options = typeof OPTIONS;
export type OptionName = keyof Options;

/** Every option optional, nothing filled in: what a program, a file or the flags give. */
type GivenShape = { [K in OptionName]: z.ZodOptional<Options[K]['type']> };

/** As given, with the defaults filled in. */
type ResolvedShape = {
  [K in OptionName]: Options[K] extends { default: unknown }
    ? z.ZodDefault<Options[K]['type']>
    : z.ZodOptional<Options[K]['type']>;
};

function shape<S>(build: (spec: OptionSpec) => z.ZodTypeAny): S {
  return Object.fromEntries(
    Object.entries(OPTIONS).map(([name, spec]: [string, OptionSpec]) => [name, build(spec)]),
  ) as S;
}

/** The options as given (no defaults); unknown keys are dropped, as a JavaScript caller expects. */
export const givenSchema = z.object(shape<GivenShape>((spec) => spec.type.optional()));

/** The options with the defaults filled in. */
export const resolvedSchema = z.object(
  shape<ResolvedShape>((spec) => ('default' in spec ? spec.type.default(spec.default) : spec.type.optional())),
);

/** `startRelay(options)`. Every key is optional; see docs/relay.md for each. */
export type RelayOptions = z.input<typeof givenSchema>;

/** The options after validation, defaults filled in. */
export type ParsedOptions = z.output<typeof resolvedSchema>;

/** `startRelay`'s default for every option that has one. */
export const DEFAULTS = Object.fromEntries(
  Object.entries(OPTIONS).flatMap(([name, spec]: [string, OptionSpec]) =>
    'default' in spec ? [[name, spec.default]] : [],
  ),
) as {
  readonly [K in OptionName as Options[K] extends { default: unknown } ? K : never]: Options[K] extends {
    default: infer D;
  }
    ? D
    : never;
};

/**
 * Parses `value` with `schema`, or throws the first problem as `startRelay` reports it:
 * `startRelay: <path>: <message>`, a RangeError for a number out of range, else a TypeError.
 * `at` prefixes the path (`listen` for the inbound policy on its own).
 */
export function validate<T extends z.ZodTypeAny>(schema: T, value: unknown, at?: string): z.output<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  // A failed parse always has an issue; the first one is what the caller gets told.
  const issue = parsed.error.issues[0];
  const where = [...(at === undefined ? [] : [at]), ...(issue?.path ?? [])].join('.') || 'options';
  const message = `startRelay: ${where}: ${issue?.message ?? parsed.error.message}`;
  const range = (issue?.code === 'too_small' || issue?.code === 'too_big') && issue.type === 'number';
  throw range ? new RangeError(message) : new TypeError(message);
}
