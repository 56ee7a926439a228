/**
 * JavaScript Promise Integration: blocking imports become WebAssembly.Suspending functions, so
 * when one returns a Promise the whole wasm stack is suspended until it settles, and the entry
 * point is wrapped with WebAssembly.promising. The C code is unchanged (no instrumentation).
 * Shipped in Chromium 137+ without a flag.
 */

interface JspiApi {
  Suspending: new (fn: (...args: never[]) => unknown) => object;
  promising: (fn: (...args: never[]) => unknown) => (...args: unknown[]) => Promise<unknown>;
}

/** True when this engine has JSPI (WebAssembly.Suspending and WebAssembly.promising). */
export function jspiSupported(): boolean {
  const wa = WebAssembly as unknown as Partial<JspiApi>;
  return typeof wa.Suspending === 'function' && typeof wa.promising === 'function';
}

function api(): JspiApi {
  if (!jspiSupported())
    throw new Error('ws2web: this engine has no JSPI (WebAssembly.Suspending); use the Asyncify build');
  return WebAssembly as unknown as JspiApi;
}

/** Wraps one blocking import so calling it suspends the wasm caller. */
export function suspending(fn: (...args: never[]) => Promise<unknown>): object {
  return new (api().Suspending)(fn);
}

/**
 * A wasm function (an export, or a function-table entry) as an async function: each call runs
 * on a new stack, which a Suspending import can suspend, and resolves when the call returns.
 */
export function promising(entry: (...args: never[]) => unknown): (...args: unknown[]) => Promise<unknown> {
  return api().promising(entry);
}
