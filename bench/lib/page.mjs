// The page side of the Chromium runs (served by chromium.mjs): the same cases as in Node, with
// the browser's own WebSocket. Every result is plain data for page.evaluate.
import * as ws2web from '@ws2web/browser';
import { bulkEcho, bulkSink, compareCheck, connectLatency, patternBlock, periodicPayload, pingPong } from './cases.mjs';
import { openWs2webPipe } from './ws2web-pipe.mjs';

let w = null;
let block = null;

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
    return bulkEcho({ open: open(port), payload, bytes, chunkSize, deadline: performance.now() + capMs, makeCheck: compareCheck });
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
