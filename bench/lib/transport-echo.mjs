// Bulk echo over each transport a page has, run in the page or in a dedicated Worker
// (transport-worker.mjs): the browser's own WebSocket and WebSocketStream against a `ws` echo
// server (no relay: the ceiling of that transport here), N of them at once, and @ws2web/browser
// through the relay with N sockets over one Winsock object or over N (one WebSocket each).
// Every byte that comes back is compared with what was sent (compareCheck).
import { bulkEcho, compareCheck, periodicPayload } from './cases.mjs';
import { openWs2webPipe } from './ws2web-pipe.mjs';

/** Bytes a raw WebSocket may hold unsent before write() waits (browsers have no drain event). */
const WS_HIGH_WATER = 1024 * 1024;

/** The browser's WebSocket as a Pipe (cases.mjs), polled for drain (it has no drain event). */
export function openBrowserWebSocketPipe(url) {
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

/** Writes a WebSocketStream may have in flight before write() waits (its promises are the drain). */
const WSS_IN_FLIGHT = 16;

/** The browser's WebSocketStream as a Pipe: its writer's promises give the back-pressure. */
export async function openWebSocketStreamPipe(url) {
  if (typeof globalThis.WebSocketStream !== 'function') throw new Error('this browser has no WebSocketStream');
  const wss = new globalThis.WebSocketStream(url);
  const { readable, writable } = await wss.opened;
  const writer = writable.getWriter();
  const reader = readable.getReader();
  let onData = () => {};
  let onDrain = () => {};
  let inFlight = 0;
  let waiting = false;
  let closed = false;
  (async function webSocketStreamReadLoop() {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ done: true }));
      if (done || closed) return;
      onData(value instanceof ArrayBuffer ? new Uint8Array(value) : new TextEncoder().encode(value));
    }
  })();
  const written = () => {
    inFlight--;
    if (waiting && inFlight <= WSS_IN_FLIGHT / 2) {
      waiting = false;
      onDrain();
    }
  };
  return {
    write(bytes) {
      inFlight++;
      writer.write(bytes).then(written, () => {});
      if (inFlight < WSS_IN_FLIGHT) return true;
      waiting = true;
      return false;
    },
    onData: (fn) => {
      onData = fn;
    },
    onDrain: (fn) => {
      onDrain = fn;
    },
    close() {
      closed = true;
      wss.close();
    },
  };
}

/**
 * `sockets` bulk echoes at once, `bytes` in all (split evenly), each from `open()`; every byte
 * compared. The rate is the bytes echoed over the time until the last one finished.
 */
async function parallelBulkEcho({ open, sockets, block, bytes, chunkSize, capMs }) {
  const each = Math.floor(bytes / sockets / chunkSize) * chunkSize || chunkSize;
  const deadline = performance.now() + capMs;
  const started = performance.now();
  const runs = await Promise.all(
    Array.from({ length: sockets }, () =>
      bulkEcho({
        open,
        payload: periodicPayload(block, each),
        bytes: each,
        chunkSize,
        deadline,
        makeCheck: compareCheck,
      }),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  const received = runs.reduce((sum, r) => sum + r.received, 0);
  const sent = runs.reduce((sum, r) => sum + r.sent, 0);
  return { sent, received, seconds, verified: runs.every((r) => r.verified), check: 'byte-compare' };
}

/** createWinsock options that make the relay connection a `webSocket` (undefined: the library's choice). */
function relayClass(webSocket) {
  if (webSocket === undefined) return {};
  if (webSocket === 'WebSocket') return { WebSocket: globalThis.WebSocket };
  if (webSocket === 'WebSocketStream') {
    if (typeof globalThis.WebSocketStream !== 'function') throw new Error('this browser has no WebSocketStream');
    return { WebSocketStream: globalThis.WebSocketStream };
  }
  throw new Error(`unknown webSocket '${webSocket}'`);
}

/**
 * One measurement. `transport`:
 *   websocket         `sockets` raw WebSockets to the `ws` echo (wsEchoUrl)
 *   websocketstream   the same with WebSocketStream
 *   ws2web            `sockets` ws2web TCP sockets through one Winsock object (one WebSocket)
 *   ws2web-striped    `sockets` Winsock objects (a WebSocket each), one socket each
 * `webSocket` ('WebSocket' | 'WebSocketStream' | undefined) is what ws2web objects are given:
 * undefined lets @ws2web/browser choose.
 */
export async function runTransport(
  ws2web,
  block,
  { transport, wsEchoUrl, relayUrl, port, sockets = 1, webSocket, ...sizes },
) {
  if (transport === 'websocket')
    return parallelBulkEcho({ open: () => openBrowserWebSocketPipe(wsEchoUrl), sockets, block, ...sizes });
  if (transport === 'websocketstream')
    return parallelBulkEcho({ open: () => openWebSocketStreamPipe(wsEchoUrl), sockets, block, ...sizes });
  if (transport !== 'ws2web' && transport !== 'ws2web-striped') throw new Error(`unknown transport '${transport}'`);
  const count = transport === 'ws2web' ? 1 : sockets;
  const winsocks = Array.from({ length: count }, () => {
    const w = ws2web.createWinsock({ relay: relayUrl, ...relayClass(webSocket) });
    const rc = w.WSAStartup(0x0202, {});
    if (rc !== 0) throw new Error(`WSAStartup failed: ${rc}`);
    return w;
  });
  let next = 0;
  try {
    return await parallelBulkEcho({
      open: () => openWs2webPipe(ws2web, winsocks[next++ % count], port),
      sockets,
      block,
      ...sizes,
    });
  } finally {
    for (const w of winsocks) w.WSACleanup();
  }
}
