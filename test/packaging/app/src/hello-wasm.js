// The C program of this app (hello.c, built by `npx ws2web-cc hello.c -o src/wasm/hello`) run
// through the loader ws2web-cc writes. Plain JS: the generated loader has no .d.ts yet.
import { run } from './wasm/hello.js';

const output = document.querySelector('#wasm');
let printed = '';
run({
  relay: new URLSearchParams(location.search).get('relay') ?? 'ws://127.0.0.1:8787/',
  stdout: (text) => (printed += text),
}).then(
  ({ exitCode, mode }) => {
    output.textContent = `exit ${exitCode} (${mode}): ${printed.trim()}`;
    output.dataset.state = 'done';
  },
  (error) => {
    output.textContent = String(error);
    output.dataset.state = 'failed';
  },
);
