// A client process of the scale10k case (scale.mjs): `webSockets` Winsock objects (one
// WebSocket each) with `perWebSocket` TCP sockets each, through the relay to the echo server,
// written the way a Winsock program is: blocking send of a 1 KiB message, blocking recv until
// it is back, the round trip timed. Every echo is compared with what was sent.
//
//   node scale-client.mjs scale-client <relayUrl> <echoPort> <webSockets> <perWebSocket> <firstSocket>
//
// IPC: reports { opened, seconds } once every socket is connected, then answers
//   { cmd: 'run', mode: 'paced', intervalMs, durationMs }  each socket one message per interval
//   { cmd: 'run', mode: 'closed', durationMs, perWebSocket } that many sockets of each WebSocket
//                                                          back to back, the others idle
// with { messages, bytes, rttsMs (every round trip), errors, mismatches, cost (CPU, syscalls) },
// and exits on { cmd: 'stop' } or when the parent goes.
import { patternBlock } from './cases.mjs';
import { processCost } from './cost-counters.mjs';
import { WebSocket } from 'ws';
import { ws2web } from './ws2web-client.mjs';

const { AF_INET, INVALID_SOCKET, IPPROTO_TCP, SOCKET_ERROR, SOCK_STREAM, TCP_NODELAY } = ws2web;
const MESSAGE = 1024;
/** Connects in flight at once per process (the echo server's backlog is 4096). */
const OPEN_BATCH = 250;

const [, relayUrl, portText, webSocketsText, perText, firstText] = process.argv.slice(2);
const port = Number(portText);
const webSockets = Number(webSocketsText);
const perWebSocket = Number(perText);
const first = Number(firstText);
const block = patternBlock(256 * 1024);

/** Opening 100 WebSockets and 10,000 sockets at once on two loaded cores takes its time. */
const HANDSHAKE_TIMEOUT_MS = 60_000;

function openWinsock() {
  const w = ws2web.createWinsock({
    relay: relayUrl,
    WebSocket,
    handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS,
    log: (message) => console.error(`scale client: ${message}`),
  });
  const rc = w.WSAStartup(0x0202, {});
  if (rc !== 0) throw new Error(`WSAStartup failed: ${rc}`);
  return w;
}

const winsocks = Array.from({ length: webSockets }, openWinsock);
/** { w, s, message (what this socket sends), buffer (its receive buffer) } per socket. */
const sockets = [];

function fail(w, call) {
  throw new Error(`${call} failed with Winsock error ${w.WSAGetLastError()}`);
}

async function openOne(index) {
  const w = winsocks[index % webSockets];
  const s = w.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  if (s === INVALID_SOCKET) fail(w, 'socket');
  if (w.setsockopt(s, IPPROTO_TCP, TCP_NODELAY, Uint8Array.of(1, 0, 0, 0), 4) === SOCKET_ERROR) fail(w, 'setsockopt');
  const address = ws2web.sockaddrIn('127.0.0.1', port);
  if ((await w.connect(s, address, address.length)) === SOCKET_ERROR) fail(w, 'connect');
  const at = (((first + index) * 4099) % (block.length / MESSAGE)) * MESSAGE;
  return { w, s, message: block.subarray(at, at + MESSAGE), buffer: new Uint8Array(MESSAGE) };
}

/** One round trip: send the message, recv until all of it is back; false if it differs. */
async function roundTrip(socket) {
  const { w, s, message, buffer } = socket;
  if ((await w.send(s, message, MESSAGE, 0)) !== MESSAGE) fail(w, 'send');
  let got = 0;
  while (got < MESSAGE) {
    const n = await w.recv(s, buffer.subarray(got), MESSAGE - got, 0);
    if (n <= 0) fail(w, n === 0 ? 'recv (peer closed)' : 'recv');
    got += n;
  }
  return Buffer.compare(buffer, message) === 0;
}

async function run({ mode, intervalMs, durationMs, perWebSocket: active }) {
  // Socket i is on WebSocket i % webSockets: the first `active × webSockets` are `active` per WebSocket.
  const running = mode === 'closed' ? sockets.slice(0, active * webSockets) : sockets;
  const rttsMs = [];
  let messages = 0;
  let errors = 0;
  let mismatches = 0;
  const before = processCost();
  const deadline = performance.now() + durationMs;
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  await Promise.all(
    running.map(async (socket) => {
      // Paced sockets start spread over the first interval, so the load is even.
      if (mode === 'paced') await sleep(Math.random() * intervalMs);
      let next = performance.now();
      while (performance.now() < deadline) {
        const started = performance.now();
        try {
          if (!(await roundTrip(socket))) mismatches++;
        } catch {
          errors++;
          return;
        }
        rttsMs.push(performance.now() - started);
        messages++;
        if (mode === 'paced') {
          next += intervalMs;
          const wait = next - performance.now();
          if (wait > 0) await sleep(wait);
        }
      }
    }),
  );
  const after = processCost();
  return {
    messages,
    bytes: messages * MESSAGE,
    rttsMs,
    errors,
    mismatches,
    cpuMs: (after.userUs + after.systemUs - before.userUs - before.systemUs) / 1000,
  };
}

function stop() {
  for (const w of winsocks) w.WSACleanup();
  process.exit(0);
}

process.on('message', async function scaleClientOnMessage(message) {
  if (message?.cmd === 'stop') stop();
  else if (message?.cmd === 'run') process.send(await run(message));
});
process.on('disconnect', stop);

const started = performance.now();
const count = webSockets * perWebSocket;
for (let at = 0; at < count; at += OPEN_BATCH) {
  const batch = Array.from({ length: Math.min(OPEN_BATCH, count - at) }, (_, i) => openOne(at + i));
  sockets.push(...(await Promise.all(batch)));
}
process.send({ opened: sockets.length, seconds: (performance.now() - started) / 1000 });
