// A dedicated Worker running transport-echo.mjs: the WebSocket (or the Winsock object and its
// relay WebSocket) lives in the Worker, off the page's main thread. Imports by path: import
// maps do not reach module workers, and chromium.mjs serves the built packages with their
// `@ws2web/protocol` import pointed at its file.
import * as ws2web from '/packages/browser/dist/index.js';
import { patternBlock } from './cases.mjs';
import { runTransport } from './transport-echo.mjs';

let block = null;

self.onmessage = async function transportWorkerOnMessage({ data: { id, blockBytes, arg } }) {
  try {
    block ??= patternBlock(blockBytes);
    self.postMessage({ id, result: await runTransport(ws2web, block, arg) });
  } catch (err) {
    self.postMessage({ id, error: String(err?.stack ?? err) });
  }
};
