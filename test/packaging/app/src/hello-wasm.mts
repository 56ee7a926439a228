// The C program of this app (hello.c, built by `npx ws2web-cc hello.c -o src/wasm/hello`) run
// through the loader ws2web-cc writes, imported from strict TypeScript with the .d.ts beside it.
import { run } from './wasm/hello.js';

const output = document.querySelector('#wasm') as HTMLOutputElement;
let printed = '';
run({
  relay: new URLSearchParams(location.search).get('relay') ?? 'ws://127.0.0.1:8787/',
  stdout: (text) => {
    printed += text;
  },
}).then(
  ({ exitCode, mode }) => {
    output.textContent = `exit ${exitCode} (${mode}): ${printed.trim()}`;
    output.dataset.state = 'done';
  },
  (error: unknown) => {
    output.textContent = String(error);
    output.dataset.state = 'failed';
  },
);
