/**
 * Where the relay's own log lines go (text or JSON, log.ts), bounded: logging can never hold
 * unbounded memory or block the event loop, whatever reads the log.
 *
 * - Never blocking: by default lines go to fd 2 through an fs.WriteStream, not process.stderr.
 *   On Linux, process.stderr writes to pipes and files synchronously, so a log collector that
 *   stops reading a pipe would freeze the whole relay. A WriteStream writes one chunk at a time
 *   on libuv's thread pool: a stuck reader holds one pool thread and this sink's buffer, nothing
 *   else.
 * - Bounded: a line that would take the stream's unwritten bytes over `maxBufferedBytes` is
 *   dropped and counted (`ws2web_relay_log_lines_dropped_total`). When the sink has room again
 *   (the stream's 'drain', or the next line that fits), one `warn` line says how many were
 *   dropped. ('drain' follows only a write() that answered false, i.e. a buffer over the
 *   stream's highWaterMark: true of fd 2's stream below the default bound.)
 */
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import type { LogSink } from './log.js';

/** The default bound on unwritten log bytes: a mebibyte (some thousands of lines). */
export const DEFAULT_LOG_BUFFER_BYTES = 1024 * 1024;

export type LineFormat = (level: string, msg: string, fields: Record<string, unknown>) => string;

export class BoundedLogSink {
  readonly #format: LineFormat;
  readonly #maxBufferedBytes: number;
  #stream: Writable | null;
  /** Lines dropped since the sink started. */
  #dropped = 0;
  /** Lines dropped and not yet reported in the log. */
  #unreported = 0;
  #awaitingDrain = false;

  /** `stream` = null: fd 2, opened at the first line. */
  constructor(format: LineFormat, stream: Writable | null, maxBufferedBytes = DEFAULT_LOG_BUFFER_BYTES) {
    this.#format = format;
    this.#stream = stream;
    this.#maxBufferedBytes = maxBufferedBytes;
    if (stream !== null) stream.on('error', ignoreLogError);
  }

  /** Lines dropped so far (the metric). */
  get dropped(): number {
    return this.#dropped;
  }

  /** The LogSink to give createLogger. */
  readonly sink: LogSink = (level, msg, fields) => {
    const stream = this.#open();
    const line = `${this.#format(level, msg, fields)}\n`;
    if (this.#unreported > 0 && !this.#fits(stream, line.length * 2)) return this.#drop(stream);
    if (!this.#fits(stream, line.length)) return this.#drop(stream);
    this.#report(stream);
    stream.write(line);
  };

  /** Unwritten bytes stay within the bound with `bytes` more (string length: a lower bound of the UTF-8 size, good enough for a bound on what is held). */
  #fits(stream: Writable, bytes: number): boolean {
    return stream.writableLength + bytes <= this.#maxBufferedBytes;
  }

  #drop(stream: Writable): void {
    this.#dropped++;
    this.#unreported++;
    if (this.#awaitingDrain) return;
    this.#awaitingDrain = true;
    stream.once('drain', this.#onDrain);
  }

  #report(stream: Writable): void {
    if (this.#unreported === 0) return;
    const line = this.#format('warn', 'log lines dropped: the log sink was not keeping up', {
      dropped: this.#unreported,
      droppedTotal: this.#dropped,
    });
    this.#unreported = 0;
    stream.write(`${line}\n`);
  }

  #onDrain = (): void => {
    this.#awaitingDrain = false;
    const stream = this.#stream;
    if (stream !== null && this.#unreported > 0) this.#report(stream);
  };

  #open(): Writable {
    if (this.#stream === null) {
      this.#stream = createWriteStream('', { fd: 2, autoClose: false });
      this.#stream.on('error', ignoreLogError);
    }
    return this.#stream;
  }
}

function ignoreLogError(): void {
  // EPIPE and the like: nobody reads the log any more. Lines keep being bounded and counted.
}
