// A page of a new Vite app that uses the installed @ws2web/browser: a blocking TCP client
// (tcp-client.mts) that sends one line and shows the reply. ?relay=ws://…&port=… say where the
// relay and the server are.
import { askOnce } from './tcp-client.mjs';

const params = new URLSearchParams(location.search);
const relay = params.get('relay') ?? 'ws://127.0.0.1:8787/';
const port = Number(params.get('port') ?? '7777');

const output = document.querySelector('#reply') as HTMLOutputElement;
askOnce(relay, port, 'hello from the page').then(
  (reply) => {
    output.textContent = reply;
    output.dataset.state = 'done';
  },
  (error: unknown) => {
    output.textContent = String(error);
    output.dataset.state = 'failed';
  },
);
