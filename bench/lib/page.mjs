// The page side of the Chromium runs (served by chromium.mjs): the same cases as in Node, with
// the browser's own WebSocket. Every result is plain data for page.evaluate.
import * as ws2web from '@ws2web/browser';
import { bulkEcho, bulkSink, compareCheck, connectLatency, patternBlock, periodicPayload, pingPong } from './cases.mjs';
import { openWs2webPipe } from './ws2web-pipe.mjs';

let w = null;
let block = null;

/** Bytes the page's own WebSocket may hold unsent before write() waits (browsers have no drain event). */
const WS_HIGH_WATER = 1024 * 1024;

/** The browser's WebSocket as a Pipe (to the WebSocket echo): the ceiling any page-side relay client has. */
function openBrowserWebSocketPipe(url) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.binaryType = 'arraybuffer';
    let onData = () => {};
    let onDrain = () => {};
    const waitForDrain = () => {
      if (ws.bufferedAmount < WS_HIGH_WATER / 2) onDrain();
      else setTimeout(waitForDrain, 1);
    };
    ws.onmessage = (event) => onData(new Uint8Array(event.data));
    ws.onerror = () => reject(new Error(`WebSocket to ${url} failed`));
    ws.onopen = () =>
      resolve({
        write(bytes) {
          ws.send(bytes);
          if (ws.bufferedAmount < WS_HIGH_WATER) return true;
          setTimeout(waitForDrain, 1);
          return false;
        },
        onData: (fn) => {
          onData = fn;
        },
        onDrain: (fn) => {
          onDrain = fn;
        },
        close: () => ws.close(),
      });
  });
}

function open(port) {
  return () => openWs2webPipe(ws2web, w, port);
}

globalThis.bench = {
  setup({ relayUrl, blockBytes }) {
    w = ws2web.createWinsock({ relay: relayUrl });
    const rc = w.WSAStartup(0x0202, {});
    if (rc !== 0) throw new Error(`WSAStartup failed: ${rc}`);
    block = patternBlock(blockBytes);
    return navigator.userAgent;
  },
  bulkEcho({ port, bytes, chunkSize, capMs }) {
    const payload = periodicPayload(block, bytes);
    return bulkEcho({
      open: open(port),
      payload,
      bytes,
      chunkSize,
      deadline: performance.now() + capMs,
      makeCheck: compareCheck,
    });
  },
  webSocketEcho({ url, bytes, chunkSize, capMs }) {
    const payload = periodicPayload(block, bytes);
    return bulkEcho({
      open: () => openBrowserWebSocketPipe(url),
      payload,
      bytes,
      chunkSize,
      deadline: performance.now() + capMs,
      makeCheck: compareCheck,
    });
  },
  bulkSink({ port, bytes, chunkSize }) {
    return bulkSink({ open: open(port), payload: periodicPayload(block, bytes), bytes, chunkSize });
  },
  connectLatency({ port, count, capMs }) {
    return connectLatency({ open: open(port), count, deadline: performance.now() + capMs });
  },
  async pingPong({ port, size, durationMs }) {
    const { rounds, perSecond, samples } = await pingPong({ open: open(port), size, durationMs });
    return { rounds, perSecond, samples };
  },
  cleanup() {
    w?.WSACleanup();
    w = null;
  },
};
