import { FrameType, Reason } from '@ws2web/protocol';
import type { RelayConnection } from '../transport/relay-connection.js';

/**
 * Byte credit of one relay stream, both directions (docs/protocol.md, "Flow control"). Outbound:
 * the relay's grants (OPENED / DGRAM_OPENED / INCOMING window, then CREDIT) are what this side
 * may send. Inbound: this side granted `window` bytes in OPEN, returns consumed bytes as CREDIT,
 * and a relay that sends beyond what it was granted broke the protocol.
 */
export class CreditWindow {
  /** Bytes this side may still send. */
  #sendable = 0;
  /** Bytes the relay may still send before this side grants more. */
  #granted = 0;
  /** Bytes the application consumed since the last CREDIT this side sent. */
  #consumed = 0;

  /** `window`: the receive window this side announces; CREDIT is returned in quarters of it. */
  constructor(readonly window: number) {}

  // Outbound ---------------------------------------------------------------------------------

  get sendable(): number {
    return this.#sendable;
  }

  /** The relay's initial window for this side (OPENED, DGRAM_OPENED, INCOMING). */
  setSendable(bytes: number): void {
    this.#sendable = bytes;
  }

  /** A CREDIT frame arrived. */
  credit(bytes: number): void {
    this.#sendable += bytes;
  }

  /** This side sent `bytes` of payload. */
  spend(bytes: number): void {
    this.#sendable -= bytes;
  }

  // Inbound ----------------------------------------------------------------------------------

  /** The whole window is granted to the relay (sent in OPEN, or in the first CREDIT of an accepted stream). */
  grantWindow(): void {
    this.#granted = this.window;
  }

  /** What the relay may still send. */
  get granted(): number {
    return this.#granted;
  }

  /**
   * The relay sent `bytes` of payload: true and the grant shrinks, or false when it exceeded
   * its credit (the caller ends the stream with PROTOCOL_ERROR).
   */
  receive(bytes: number): boolean {
    if (bytes > this.#granted) return false;
    this.#granted -= bytes;
    return true;
  }

  /** The application consumed (or this side discarded) `bytes` of received payload. */
  consume(bytes: number): void {
    this.#consumed += bytes;
  }

  /**
   * The bytes to return to the relay as CREDIT now (0: none). Consumed bytes go back in batches
   * of a quarter window (fewer frames) unless `force`; the relay can stall only with zero credit,
   * which means a whole window was consumed, so batching never deadlocks.
   */
  takeGrant(force: boolean): number {
    if (this.#consumed === 0) return 0;
    if (!force && this.#consumed < this.window / 4) return 0;
    const bytes = this.#consumed;
    this.#granted += bytes;
    this.#consumed = 0;
    return bytes;
  }
}

/**
 * The relay sent `bytes` beyond the `granted` credit it had on `stream`: a protocol violation.
 * Ends the stream with CLOSE PROTOCOL_ERROR; the socket then reports the connection aborted.
 */
export function endForOverrun(
  conn: RelayConnection | null,
  stream: number,
  bytes: number,
  granted: number,
  log: (message: string) => void,
): void {
  log(`relay sent ${bytes} bytes with ${granted} credit left; closing the stream`);
  if (stream !== 0) conn?.send({ type: FrameType.CLOSE, stream, reason: Reason.PROTOCOL_ERROR });
  conn?.forget(stream);
}
