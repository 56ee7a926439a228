/**
 * At most `perSecond` refusal log lines per page: a page that gets refused in a loop must not
 * turn the relay's log into its memory and CPU problem (each line is formatted and written).
 * Lines over the budget are counted, and the count goes out with the next line let through, or
 * when the page goes.
 */
import type { Logger } from '../ops/log.js';

export class LineBudget {
  readonly #log: Logger;
  readonly #perSecond: number;
  #second = 0;
  #lines = 0;
  #suppressed = 0;

  constructor(log: Logger, perSecond: number) {
    this.#log = log;
    this.#perSecond = perSecond;
  }

  /** Logs at info, or counts the line when this second's budget is spent. */
  info(msg: string, fields: Record<string, unknown>): void {
    const second = Math.floor(performance.now() / 1000);
    if (second !== this.#second) {
      this.#second = second;
      this.#lines = 0;
    }
    if (++this.#lines > this.#perSecond) {
      this.#suppressed++;
      return;
    }
    const suppressed = this.#suppressed;
    this.#suppressed = 0;
    this.#log('info', msg, suppressed > 0 ? { ...fields, suppressed } : fields);
  }

  /** The page went: what was not logged is said once. */
  flush(fields: Record<string, unknown>): void {
    if (this.#suppressed === 0) return;
    this.#log('info', 'refusal lines suppressed', { ...fields, suppressed: this.#suppressed });
    this.#suppressed = 0;
  }
}
