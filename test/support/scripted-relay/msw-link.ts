/**
 * The scripted relay inside the page, on msw's WebSocket interception (`ws.link`): the browser
 * tests' adapter. The URL is a loopback port where nothing listens, so if interception ever
 * failed the library would get a refused connection, never a packet off the machine.
 */
import { ws } from 'msw';
import { setupWorker } from 'msw/browser';
import { ScriptedConnection, type RelayScript } from './script.js';

export const MSW_RELAY_URL = 'ws://127.0.0.1:9/scripted-relay';

const link = ws.link(MSW_RELAY_URL);
export const worker = setupWorker();

/**
 * Installs `script` for the next connections to MSW_RELAY_URL; returns the connections as they are made.
 */
export function scriptRelay(script: RelayScript): ScriptedConnection[] {
  const conns: ScriptedConnection[] = [];
  worker.use(
    link.addEventListener('connection', ({ client }) => {
      const conn = new ScriptedConnection(
        {
          sendBinary: (bytes) => client.send(bytes.slice().buffer),
          sendText: (text) => client.send(text),
          // msw delivers sends in a later task and drops those still queued once the socket is
          // closing; a real relay's last frames always reach the page before its close.
          close: (code, reason) => setTimeout(() => client.close(code, reason), 0),
        },
        script,
      );
      // Page messages arrive in order; a Blob must be read before the next one is handled.
      let queue = Promise.resolve();
      client.addEventListener('message', (event) => {
        const data: unknown = event.data;
        queue = queue.then(async () => conn.receive(await toMessage(data)));
      });
      client.addEventListener('close', (event) => {
        void queue.then(() => conn.closed(event.code));
      });
      conns.push(conn);
    }),
  );
  return conns;
}

async function toMessage(data: unknown): Promise<Uint8Array | string> {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof Blob) return new Uint8Array(await data.arrayBuffer());
  return `unreadable message (${typeof data})`;
}
