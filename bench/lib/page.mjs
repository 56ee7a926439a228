// The page side of the Chromium runs (served by chromium.mjs): the same cases as in Node, with
// the browser's own WebSocket. Every result is plain data for page.evaluate.
import * as ws2web from '@ws2web/browser';
import { bulkEcho, bulkSink, compareCheck, connectLatency, patternBlock, periodicPayload, pingPong } from './cases.mjs';
import { openBrowserWebSocketPipe, runTransport } from './transport-echo.mjs';
import { openWs2webPipe } from './ws2web-pipe.mjs';

let w = null;
let block = null;
let worker = null;
let nextCall = 0;

/** Runs transport-echo.mjs's runTransport in a dedicated Worker (started on first use). */
function inWorker(arg) {
  worker ??= new Worker('/bench/lib/transport-worker.mjs', { type: 'module' });
  const id = nextCall++;
  return new Promise((resolve, reject) => {
    const onMessage = ({ data }) => {
      if (data.id !== id) return;
      worker.removeEventListener('message', onMessage);
      if (data.error) reject(new Error(`in the Worker: ${data.error}`));
      else resolve(data.result);
    };
    worker.addEventListener('message', onMessage);
    worker.addEventListener('error', (event) => reject(new Error(`Worker failed: ${event.message}`)), { once: true });
    worker.postMessage({ id, blockBytes: block.length, arg });
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
  /** A transport measurement (transport-echo.mjs) on the main thread or in a Worker. */
  transport({ where, ...arg }) {
    return where === 'worker' ? inWorker(arg) : runTransport(ws2web, block, arg);
  },
  /** What this browser offers a page besides WebSocket. */
  transportsAvailable() {
    return {
      WebSocketStream: typeof globalThis.WebSocketStream === 'function',
      WebTransport: typeof globalThis.WebTransport === 'function',
    };
  },
  cleanup() {
    worker?.terminate();
    worker = null;
    w?.WSACleanup();
    w = null;
  },
};
