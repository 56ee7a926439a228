/**
 * A deliberately tiny logger: one function per relay, four levels, structured fields.
 * The library defaults to warnings on stderr; the CLI asks for info.
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

/** One line per record on stderr: `2024-01-01T00:00:00.000Z info message key=value …`. */
export function stderrSink(level: string, msg: string, fields: Record<string, unknown>): void {
  let line = `${new Date().toISOString()} ${level} ${msg}`;
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    line += ` ${key}=${/[\s"=]/.test(text) ? JSON.stringify(text) : text}`;
  }
  process.stderr.write(`${line}\n`);
}

/**
 * One JSON object per line on stderr — `{"time":"…","level":"info","msg":"page connected","conn":3,…}` —
 * for log shippers (the field names pino and most collectors expect). Fields never hold payloads.
 */
export function jsonSink(level: string, msg: string, fields: Record<string, unknown>): void {
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields }, jsonSafe)}\n`);
}

function jsonSafe(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

/** A logger that drops records below `level` before they reach `sink`. */
export function createLogger(level: LogLevel, sink: LogSink = stderrSink): Logger {
  const min = rank[level];
  if (min >= rank.silent) return () => {};
  return function filteredLog(lvl, msg, fields) {
    if (rank[lvl] >= min) sink(lvl, msg, fields);
  };
}
