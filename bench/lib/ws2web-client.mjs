// The same measurements through ws2web: the built @ws2web/browser library in Node, with `ws`'s
// WebSocket, through the relay. Blocking sockets (the library's Promises), one sender and one
// receiver running concurrently on the same socket, as two threads would on Windows.
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import * as ws2web from '../../packages/browser/dist/index.js';

const { AF_INET, INVALID_SOCKET, IPPROTO_TCP, SD_SEND, SOCKET_ERROR, SOCK_STREAM, TCP_NODELAY } = ws2web;

/** A fresh Winsock object on its own WebSocket to the relay. */
export function openWinsock(relayUrl) {
  const w = ws2web.createWinsock({ relay: relayUrl, WebSocket });
  const rc = w.WSAStartup(0x0202, {});
  if (rc !== 0) throw new Error(`WSAStartup failed: ${rc}`);
  return w;
}

function check(w, call, rc) {
  if (rc === SOCKET_ERROR || rc === INVALID_SOCKET) {
    throw new Error(`${call} failed with Winsock error ${w.WSAGetLastError()}`);
  }
  return rc;
}

async function connectTcp(w, port) {
  const s = check(w, 'socket', w.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP));
  check(w, 'setsockopt(TCP_NODELAY)', w.setsockopt(s, IPPROTO_TCP, TCP_NODELAY, Uint8Array.of(1, 0, 0, 0), 4));
  const address = ws2web.sockaddrIn('127.0.0.1', port);
  check(w, 'connect', await w.connect(s, address, address.length));
  return s;
}

/** See bulkEchoNet: same contract, through the relay. */
export async function bulkEchoWs2web(w, { port, payload, chunkSize, deadline }) {
  const s = await connectTcp(w, port);
  const sentHash = createHash('sha256');
  const receivedHash = createHash('sha256');
  let sent = 0;
  let received = 0;
  const started = performance.now();

  async function sender() {
    while (sent < payload.length && performance.now() < deadline) {
      const chunk = payload.subarray(sent, sent + chunkSize);
      const n = check(w, 'send', await w.send(s, chunk, chunk.length, 0));
      sentHash.update(chunk.subarray(0, n));
      sent += n;
    }
    check(w, 'shutdown(SD_SEND)', w.shutdown(s, SD_SEND));
  }
  async function receiver() {
    const buffer = new Uint8Array(chunkSize);
    for (;;) {
      const n = check(w, 'recv', await w.recv(s, buffer, buffer.length, 0));
      if (n === 0) return; // the echo server closed after our FIN
      receivedHash.update(buffer.subarray(0, n));
      received += n;
    }
  }
  await Promise.all([sender(), receiver()]);
  const seconds = (performance.now() - started) / 1000;
  w.closesocket(s);
  const sentDigest = sentHash.digest('hex');
  const receivedDigest = receivedHash.digest('hex');
  return { sent, received, seconds, sha256: receivedDigest, verified: sent === received && sentDigest === receivedDigest };
}

/** Milliseconds for each connect + 1-byte echo + closesocket round (the WebSocket stays open). */
export async function latencyWs2web(w, { port, count, deadline }) {
  const samples = [];
  const one = Uint8Array.of(0x2a);
  const reply = new Uint8Array(1);
  while (samples.length < count && performance.now() < deadline) {
    const started = performance.now();
    const s = await connectTcp(w, port);
    check(w, 'send', await w.send(s, one, 1, 0));
    const n = check(w, 'recv', await w.recv(s, reply, 1, 0));
    if (n !== 1 || reply[0] !== 0x2a) throw new Error(`echo returned ${n} bytes (${reply[0]})`);
    check(w, 'closesocket', w.closesocket(s));
    samples.push(performance.now() - started);
  }
  return samples;
}
