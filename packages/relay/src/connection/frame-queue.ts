/**
 * What a page sent, decoded and not yet handled, taken in order at most FRAMES_PER_TURN frames per
 * turn of the event loop: a message of 50,000 tiny frames is handled over many turns with other
 * pages' work in between, and the connection does not read its WebSocket while frames wait
 * (`turn` reports `pending`). While paused (a ticket being verified), frames after the HELLO wait.
 */
import { FrameType, type Frame } from '@ws2web/protocol';

/** Frames handled per turn of the event loop before the rest of what a page sent waits for the next. */
const FRAMES_PER_TURN = 1024;

/** Frame types that ask the relay for an answer: each one counts against requestsPerSecond. */
const REQUEST_FRAMES = new Uint8Array(256);
for (const type of [
  FrameType.OPEN,
  FrameType.DGRAM_OPEN,
  FrameType.RESOLVE,
  FrameType.LISTEN,
  FrameType.PEER,
  FrameType.SETOPT,
])
  REQUEST_FRAMES[type] = 1;

export interface Turn {
  handled: number;
  /** Of those, frames that ask for an answer. */
  requests: number;
  /** Frames are left (or the queue is paused): the WebSocket should not be read. */
  pending: boolean;
}

export class FrameQueue {
  /** Handles one frame; false: the connection is closing, drop everything. */
  readonly #handle: (frame: Frame) => boolean;
  readonly #turn: (turn: Turn) => void;
  /** Decoded messages, the first one from #at on. */
  readonly #messages: Frame[][] = [];
  #at = 0;
  #next: NodeJS.Immediate | null = null;
  #paused = false;

  constructor(handle: (frame: Frame) => boolean, turn: (turn: Turn) => void) {
    this.#handle = handle;
    this.#turn = turn;
  }

  get paused(): boolean {
    return this.#paused;
  }

  push(frames: Frame[]): void {
    this.#messages.push(frames);
    // More than one: a turn is already scheduled (or the queue is paused).
    if (this.#messages.length === 1) this.#run();
  }

  /** Stops after the frame being handled; `resume` goes on from the next one. */
  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    this.#run();
  }

  clear(): void {
    this.#messages.length = 0;
    this.#at = 0;
    this.#paused = false;
    if (this.#next) clearImmediate(this.#next);
    this.#next = null;
  }

  #run = (): void => {
    this.#next = null;
    if (this.#paused) return;
    let budget = FRAMES_PER_TURN;
    let handled = 0;
    let requests = 0;
    const messages = this.#messages;
    while (messages.length > 0 && budget > 0 && !this.#paused) {
      const frames = messages[0]!;
      while (this.#at < frames.length && budget > 0) {
        const frame = frames[this.#at++]!;
        requests += REQUEST_FRAMES[frame.type]!;
        budget--;
        handled++;
        if (!this.#handle(frame)) return this.clear();
        if (this.#paused) break;
      }
      if (this.#at === frames.length) {
        messages.shift();
        this.#at = 0;
      }
    }
    this.#turn({ handled, requests, pending: messages.length > 0 || this.#paused });
    if (messages.length > 0 && !this.#paused) this.#next = setImmediate(this.#run);
  };
}
