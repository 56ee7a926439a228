/**
 * The fallback for engines without JSPI: the module was rewritten by `wasm-opt --asyncify`, so it
 * can unwind its own stack into a buffer and rewind it later. A blocking import starts an unwind
 * and keeps its Promise; when the entry call has unwound, we await the Promise, start a rewind
 * and call the entry again; the import, called again while rewinding, returns the result.
 *
 * Limits (see docs/porting.md): only call paths that can reach a blocking import are
 * instrumented, which still grows code (~30 %) and slows those paths; the saved stack must fit
 * `stackSize`; a blocking import must not be reached through a function pointer that Binaryen
 * could not see (indirect calls are assumed to possibly block unless told otherwise).
 */

interface AsyncifyExports {
  asyncify_start_unwind(data: number): void;
  asyncify_stop_unwind(): void;
  asyncify_start_rewind(data: number): void;
  asyncify_stop_rewind(): void;
  asyncify_get_state(): number;
}

const STATE_NORMAL = 0;
const STATE_UNWINDING = 1;
const STATE_REWINDING = 2;

export function isAsyncified(exports: WebAssembly.Exports): boolean {
  return typeof exports.asyncify_start_unwind === 'function';
}

export class AsyncifyDriver {
  #exports: AsyncifyExports | null = null;
  #view: () => DataView;
  #data = 0;
  #stackSize: number;
  #pending: Promise<unknown> | null = null;
  #result: unknown = undefined;

  /** @param view the module's memory as a DataView (fresh each call: memory may grow). */
  constructor(view: () => DataView, stackSize = 64 * 1024) {
    this.#view = view;
    this.#stackSize = stackSize;
  }

  /** Binds the instance; `data` is a malloc'ed block of 8 + stackSize bytes. */
  attach(exports: WebAssembly.Exports, malloc: (size: number) => number): void {
    if (!isAsyncified(exports)) throw new Error('ws2web: this module was not built with wasm-opt --asyncify');
    this.#exports = exports as unknown as AsyncifyExports;
    this.#data = malloc(8 + this.#stackSize);
    if (this.#data === 0) throw new Error('ws2web: no memory for the Asyncify stack');
  }

  /**
   * A blocking import as a plain import: unwinds on the first call, returns the result on the
   * rewind. An import that answers with a plain value (it did not need to wait) returns it at once.
   */
  wrap(fn: (...args: never[]) => unknown): (...args: never[]) => unknown {
    return (...args: never[]) => {
      const x = this.#exports!;
      if (x.asyncify_get_state() === STATE_REWINDING) {
        x.asyncify_stop_rewind();
        const result = this.#result;
        this.#result = undefined;
        return result;
      }
      const result = fn(...args);
      if (!(result instanceof Promise)) return result;
      this.#pending = result;
      this.#resetStack();
      x.asyncify_start_unwind(this.#data);
      return undefined;
    };
  }

  /** Runs `entry` to completion, awaiting each blocking import between unwind and rewind. */
  async run(entry: () => unknown): Promise<void> {
    const x = this.#exports!;
    for (;;) {
      entry();
      if (x.asyncify_get_state() !== STATE_UNWINDING) return;
      x.asyncify_stop_unwind();
      const pending = this.#pending!;
      this.#pending = null;
      this.#result = await pending;
      x.asyncify_start_rewind(this.#data);
    }
  }

  /** The stack buffer header: { current, end } as 32-bit pointers. */
  #resetStack(): void {
    const view = this.#view();
    view.setUint32(this.#data, this.#data + 8, true);
    view.setUint32(this.#data + 4, this.#data + 8 + this.#stackSize, true);
  }

  get state(): number {
    return this.#exports?.asyncify_get_state() ?? STATE_NORMAL;
  }
}
