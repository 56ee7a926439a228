// Node "pipes" for the baselines (see cases.mjs for the Pipe shape): a node:net socket (direct,
// or through the plain proxy) and a `ws` WebSocket to websockify, which relays each WebSocket
// to one TCP connection.
import { connect } from 'node:net';
import { WebSocket } from 'ws';

/** Bytes a WebSocket may have unsent before write() reports backpressure. */
const WS_HIGH_WATER = 1024 * 1024;

/** A node:net connection to 127.0.0.1:port, with TCP_NODELAY. */
export function openNetPipe(port) {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, noDelay: true });
    let onData = () => {};
    let onDrain = () => {};
    socket.on('data', (chunk) => onData(chunk));
    socket.on('drain', () => onDrain());
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      socket.on('error', () => {});
      resolve({
        write: (bytes) => socket.write(bytes),
        onData: (fn) => {
          onData = fn;
        },
        onDrain: (fn) => {
          onDrain = fn;
        },
        close: () => socket.destroy(),
      });
    });
  });
}

/** A `ws` WebSocket to websockify (binary messages); bufferedAmount is the backpressure. */
export function openWebSocketPipe(url) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.binaryType = 'nodebuffer';
    let onData = () => {};
    let onDrain = () => {};
    let waiting = false;
    const afterSend = () => {
      if (waiting && ws.bufferedAmount < WS_HIGH_WATER / 2) {
        waiting = false;
        onDrain();
      }
    };
    ws.on('message', (data) => onData(data));
    ws.once('error', reject);
    ws.once('open', () => {
      ws.off('error', reject);
      ws.on('error', () => {});
      resolve({
        write(bytes) {
          ws.send(bytes, afterSend);
          if (ws.bufferedAmount < WS_HIGH_WATER) return true;
          waiting = true;
          return false;
        },
        onData: (fn) => {
          onData = fn;
        },
        onDrain: (fn) => {
          onDrain = fn;
        },
        close: () => ws.terminate(),
      });
    });
  });
}
