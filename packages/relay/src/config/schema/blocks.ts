/**
 * What every section of the option table is made of: the spec of one option (its zod type,
 * default and flags), the `--help` groups, and the zod building blocks with their one range each.
 */
import { z } from 'zod';

/** Where a flag appears in `--help`, in this order. */
export const HELP_GROUPS = {
  listening: 'Listening',
  access: 'Who may use it',
  destinations: 'Where pages may connect (default: public unicast addresses only, any port but 25)',
  inbound: 'Inbound: listening sockets for pages (default: none; LISTEN → WSAEACCES)',
  limits: 'Limits (0 = unlimited)',
  logs: 'Logs',
} as const;
export type HelpGroup = keyof typeof HELP_GROUPS;

/**
 * A command-line flag. `help` may span lines (`\n`); `{default}` in it is replaced by the
 * option's default on the command line (`cliDefault`, else `default`).
 */
export interface Flag {
  name: string;
  arg?: string;
  help: string;
  group: HelpGroup;
}

export interface OptionSpec {
  /** The validator: types and ranges, no default. */
  type: z.ZodTypeAny;
  /** What `startRelay` uses when the option is absent. */
  default?: unknown;
  /** What the command line uses instead of `default`. */
  cliDefault?: unknown;
  /** Its flag(s); none for options only a program can give (functions, tuning). */
  flags?: readonly Flag[];
  /** False for options a file cannot hold (functions). */
  inFile?: false;
}

export const MAX_MS = 2 ** 31 - 1;
export const MAX_COUNT = 0x7fffffff;
/** Linux's largest TCP_KEEPIDLE (32767 s); the relay never asks for more. */
export const MAX_KEEPALIVE_MS = 32_767_000;

/**
 * An integer in min..max. `positive()` / `nonnegative()` for the common lower bounds, so the
 * messages read "greater than 0" / "greater than or equal to 0".
 */
export function int(min: number, max: number): z.ZodNumber {
  const base = z.number().int();
  const low = min === 1 ? base.positive() : min === 0 ? base.nonnegative() : base.min(min);
  return low.max(max);
}

/**
 * One value or a list of them; the output is always a list. (zod's union would report an
 * unhelpful "Invalid input" for either; a preprocess reports the list's own errors. Its input
 * type is `unknown`, so the type is restated once here.)
 */
export function list<T extends z.ZodTypeAny>(
  item: T,
  min = 0,
): z.ZodType<readonly z.output<T>[], z.ZodTypeDef, z.input<T> | readonly z.input<T>[]> {
  const array = min > 0 ? z.array(item).min(min) : z.array(item);
  const type = z.preprocess(oneOrMany, array.readonly());
  LISTS.add(type);
  return type as unknown as z.ZodType<readonly z.output<T>[], z.ZodTypeDef, z.input<T> | readonly z.input<T>[]>;
}

const LISTS = new WeakSet<z.ZodTypeAny>();

/** Whether an option is repeatable (one value or a list): its flag may be given many times. */
export function isList(type: z.ZodTypeAny): boolean {
  return LISTS.has(type);
}

function oneOrMany(value: unknown): unknown {
  return typeof value === 'string' || typeof value === 'number' ? [value] : value;
}

/** A function given by a program (tests inject dialers, lookups, sockets, log sinks). */
export function fn<F>(what: string): z.ZodType<F> {
  return z.custom<F>((v) => typeof v === 'function', { message: `${what} must be a function` });
}

export const strings = list(z.string());
export const port = z.union([z.number().int(), z.string()]);
export const ports = list(port);
export const pem = z.union([z.string().min(1), z.instanceof(Buffer)]);
