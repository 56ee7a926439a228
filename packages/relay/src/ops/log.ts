/**
 * A deliberately tiny logger: one function per relay, four levels, structured fields, and the
 * two line formats (text, JSON: `{"time":"…","level":"info","msg":"page connected","conn":3,…}`,
 * the field names pino and most collectors expect; fields never hold payloads). The library
 * defaults to warnings on stderr, through the bounded sink of log-sink.ts; the CLI asks for info.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/** Receives every record at or above the configured level. `fields` is flat and JSON-safe. */
export type LogSink = (level: Exclude<LogLevel, 'silent'>, msg: string, fields: Record<string, unknown>) => void;

export type Logger = LogSink;

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

/**
 * Control characters (C0, DEL, C1) and the Unicode line separators: what a terminal or a log
 * viewer would act on (`\x1b[2J` clears the screen, `\n` forges a record). Pages choose host
 * names, origins and ticket subjects, and those reach log fields.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is what it is for
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const HAS_CONTROL = new RegExp(CONTROL.source);

function escapeControl(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** A value as text-format field: bare when safe, else JSON-quoted with every control escaped. */
function textValue(text: string): string {
  if (!/[\s"=\\]/.test(text) && !HAS_CONTROL.test(text)) return text;
  return JSON.stringify(text).replace(CONTROL, escapeControl);
}

/** `2024-01-01T00:00:00.000Z info message key=value …`: one line, whatever the fields hold. */
export function formatTextLine(level: string, msg: string, fields: Record<string, unknown>, time = new Date()): string {
  let line = `${time.toISOString()} ${level} ${msg.replace(CONTROL, escapeControl)}`;
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    const text = typeof value === 'string' ? value : JSON.stringify(value, jsonSafe);
    line += ` ${key.replace(CONTROL, escapeControl)}=${textValue(text ?? String(value))}`;
  }
  return line;
}

/** One JSON object: control characters JSON leaves raw (DEL, C1, U+2028/9) escaped too. */
export function formatJsonLine(level: string, msg: string, fields: Record<string, unknown>, time = new Date()): string {
  return JSON.stringify({ time: time.toISOString(), level, msg, ...fields }, jsonSafe).replace(CONTROL, escapeControl);
}

function jsonSafe(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

/** A logger that drops records below `level` before they reach `sink` (the relay's own: log-sink.ts). */
export function createLogger(level: LogLevel, sink: LogSink): Logger {
  const min = rank[level];
  if (min >= rank.silent) return () => {};
  return function filteredLog(lvl, msg, fields) {
    if (rank[lvl] >= min) sink(lvl, msg, fields);
  };
}
