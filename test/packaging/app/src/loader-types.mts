// Type-checked only (not part of the page): the generated loader's .d.ts is strict, not `any`.
import { run, type RunOptions } from './wasm/hello.js';

const withRelay: RunOptions = { relay: 'ws://127.0.0.1:8787/', args: ['one'] };
// @ts-expect-error run needs a relay URL or a Winsock object
const withNeither: RunOptions = { args: ['one'] };
// @ts-expect-error argv is a string array
const badArgs: RunOptions = { relay: 'ws://127.0.0.1:8787/', args: [1] };
export const started: Promise<{ exitCode: number; mode: 'jspi' | 'asyncify' }>[] = [
  withRelay,
  withNeither,
  badArgs,
].map((options) => run(options));
