// UDP datagrams/s: a window of 64-byte datagrams kept in flight to a UDP echo; every echo sends
// the next one. UDP may drop: a window that sees no echo for LOSS_MS is refilled and the missing
// datagrams counted as lost. Directly with node:dgram, and through ws2web (Node client).
import { createSocket } from 'node:dgram';

const LOSS_MS = 50;

async function windowed({ send, onMessage, size, window, durationMs }) {
  const message = new Uint8Array(size).fill(0x5a);
  let inFlight = 0;
  let received = 0;
  let sent = 0;
  let lost = 0;
  let lastEcho = performance.now();
  const end = performance.now() + durationMs;
  const fill = () => {
    while (inFlight < window && performance.now() < end) {
      inFlight++;
      sent++;
      send(message);
    }
  };
  onMessage(() => {
    received++;
    inFlight--;
    lastEcho = performance.now();
    fill();
  });
  const started = performance.now();
  fill();
  await new Promise((resolve) => {
    const timer = setInterval(() => {
      const t = performance.now();
      if (t >= end + LOSS_MS) {
        clearInterval(timer);
        resolve();
      } else if (t - lastEcho > LOSS_MS && inFlight > 0) {
        lost += inFlight;
        inFlight = 0;
        lastEcho = t;
        fill();
      }
    }, LOSS_MS / 2);
  });
  const seconds = (Math.min(performance.now(), end) - started) / 1000;
  return { sent, received, lost, perSecond: received / seconds, size, window };
}

export function udpDirect({ port, size = 64, window = 32, durationMs }) {
  const socket = createSocket('udp4');
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.connect(port, '127.0.0.1', async () => {
      let handler = () => {};
      socket.on('message', () => handler());
      const result = await windowed({
        send: (m) => socket.send(m),
        onMessage: (fn) => {
          handler = fn;
        },
        size,
        window,
        durationMs,
      });
      socket.close();
      resolve(result);
    });
  });
}

export async function udpWs2web(ws2web, w, { port, size = 64, window = 32, durationMs }) {
  const { AF_INET, INVALID_SOCKET, IPPROTO_UDP, SOCKET_ERROR, SOCK_DGRAM } = ws2web;
  const s = w.socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
  if (s === INVALID_SOCKET) throw new Error(`socket(UDP) failed: ${w.WSAGetLastError()}`);
  const address = ws2web.sockaddrIn('127.0.0.1', port);
  if ((await w.connect(s, address, address.length)) === SOCKET_ERROR)
    throw new Error(`UDP connect failed: ${w.WSAGetLastError()}`);
  let handler = () => {};
  let closed = false;
  void (async function udpReceiveLoop() {
    const buffer = new Uint8Array(2048);
    while (!closed) {
      const n = await w.recv(s, buffer, buffer.length, 0);
      if (closed || n === SOCKET_ERROR) return;
      handler();
    }
  })();
  const result = await windowed({
    send: (m) => void w.send(s, m, m.length, 0),
    onMessage: (fn) => {
      handler = fn;
    },
    size,
    window,
    durationMs,
  });
  closed = true;
  w.closesocket(s);
  return result;
}
