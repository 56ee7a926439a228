// The benchmark's servers, each the simplest thing that does its job as fast as Node can:
//   echo    every byte back (a half-close ends the echo after the last byte)
//   sink    reads an 8-byte big-endian length L, then L bytes, and answers the sha256 of those
//           L bytes (32 bytes): a one-way transfer whose end the client can see without half-close
//           (websockify has none)
//   proxy   a plain TCP proxy (stream pipes), the baseline any relay is compared with
//   udp     a UDP echo
//   source  writes bytes as fast as the client takes them (for a page that does not read)
//   slow    reads at a fixed rate (for a relay writing to a slow TCP reader)
//   wsEcho  a `ws` WebSocket server echoing every message: what a browser's own WebSocket can do
//           on this machine, with no relay logic behind it
//   plain   the echo a user writes, `net.createServer(s => s.pipe(s))`, with Node's defaults
//           (no TCP_NODELAY, no half-open)
//   pieces  an echo that writes what it read back in small pieces (TCP_NODELAY on, so each piece
//           is its own segment): a peer that makes a relay handle many small reads
// They run in child processes (see server-process.mjs) so the client's event loop is not shared
// with them.
import { createHash } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { createServer, connect } from 'node:net';
import { WebSocketServer } from 'ws';

function trackSockets(server) {
  const sockets = new Set();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return sockets;
}

function listen(server, port, host) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, backlog: 4096 }, () => resolve(server.address().port));
  });
}

function closeServer(server, sockets) {
  for (const socket of sockets) socket.destroy();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Echoes every byte; a half-close from the client ends the echo after the last byte. */
export async function startBulkEcho(host = '127.0.0.1') {
  const server = createServer({ allowHalfOpen: true, noDelay: true }, function echoOnConnection(socket) {
    socket.on('error', () => socket.destroy());
    socket.pipe(socket);
  });
  const sockets = trackSockets(server);
  const port = await listen(server, 0, host);
  return { port, close: () => closeServer(server, sockets) };
}

/** The user's echo server, exactly as they write it. */
export async function startPlainEcho(host = '127.0.0.1') {
  const server = createServer((s) => {
    s.on('error', () => s.destroy());
    s.pipe(s);
  });
  const sockets = trackSockets(server);
  const port = await listen(server, 0, host);
  return { port, close: () => closeServer(server, sockets) };
}

/** Echoes every read back as `pieceSize`-byte writes, each its own segment (TCP_NODELAY). */
export async function startPiecesEcho(pieceSize = 1024, host = '127.0.0.1') {
  const server = createServer({ noDelay: true }, function piecesOnConnection(socket) {
    socket.on('error', () => socket.destroy());
    socket.on('data', function piecesOnData(chunk) {
      let writable = true;
      for (let at = 0; at < chunk.length; at += pieceSize) writable = socket.write(chunk.subarray(at, at + pieceSize));
      if (!writable) {
        socket.pause();
        socket.once('drain', () => socket.resume());
      }
    });
    socket.on('end', () => socket.end());
  });
  const sockets = trackSockets(server);
  const port = await listen(server, 0, host);
  return { port, close: () => closeServer(server, sockets) };
}

/** See the file comment: length-prefixed upload, answered with its sha256. */
export async function startSink(host = '127.0.0.1') {
  const server = createServer({ noDelay: true }, function sinkOnConnection(socket) {
    let header = Buffer.alloc(0);
    let remaining = -1;
    let hash = createHash('sha256');
    socket.on('error', () => socket.destroy());
    socket.on('data', function sinkOnData(chunk) {
      while (chunk.length > 0) {
        if (remaining < 0) {
          header = Buffer.concat([header, chunk]);
          if (header.length < 8) return;
          remaining = Number(header.readBigUInt64BE(0));
          chunk = header.subarray(8);
          header = Buffer.alloc(0);
        }
        const n = Math.min(remaining, chunk.length);
        hash.update(chunk.subarray(0, n));
        remaining -= n;
        chunk = chunk.subarray(n);
        if (remaining === 0) {
          socket.write(hash.digest());
          hash = createHash('sha256');
          remaining = -1;
        }
      }
    });
  });
  const sockets = trackSockets(server);
  const port = await listen(server, 0, host);
  return { port, close: () => closeServer(server, sockets) };
}

/**
 * Forwards each connection to host:targetPort with stream pipes, in both directions.
 * `noDelay: false` is the proxy a user writes (Node's defaults).
 */
export async function startTcpProxy(targetPort, host = '127.0.0.1', { noDelay = true } = {}) {
  const server = createServer({ allowHalfOpen: true, noDelay }, function proxyOnConnection(client) {
    const upstream = connect({ host, port: targetPort, allowHalfOpen: true, noDelay });
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  });
  const sockets = trackSockets(server);
  const port = await listen(server, 0, host);
  return { port, close: () => closeServer(server, sockets) };
}

/** Sends every datagram back to where it came from. */
export function startUdpEcho(host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.on('message', function udpEchoOnMessage(message, from) {
      socket.send(message, from.port, from.address);
    });
    socket.once('error', reject);
    socket.bind(0, host, () => {
      resolve({ port: socket.address().port, close: () => new Promise((done) => socket.close(() => done())) });
    });
  });
}

/** Writes `block` over and over, as fast as the connection takes it, until the client goes. */
export async function startSource(block, host = '127.0.0.1') {
  const server = createServer({ noDelay: true }, function sourceOnConnection(socket) {
    socket.on('error', () => socket.destroy());
    const writeMore = () => {
      while (!socket.destroyed && socket.write(block));
    };
    socket.on('drain', writeMore);
    writeMore();
  });
  const sockets = trackSockets(server);
  const port = await listen(server, 0, host);
  return { port, close: () => closeServer(server, sockets) };
}

/** Reads at most `bytesPerSecond`: pauses after each chunk for as long as the rate says. */
export async function startSlowReader(bytesPerSecond, host = '127.0.0.1') {
  const server = createServer({ noDelay: true }, function slowOnConnection(socket) {
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk) => {
      socket.pause();
      setTimeout(() => socket.resume(), (1000 * chunk.length) / bytesPerSecond);
    });
  });
  const sockets = trackSockets(server);
  const port = await listen(server, 0, host);
  return { port, close: () => closeServer(server, sockets) };
}

/** Echoes every WebSocket message back as it came (binary, no compression). */
export function startWebSocketEcho(host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const wss = new WebSocketServer({ host, port: 0, perMessageDeflate: false, maxPayload: 64 * 1024 * 1024 });
    wss.on('connection', function wsEchoOnConnection(ws) {
      ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
      ws.on('error', () => ws.terminate());
    });
    wss.once('error', reject);
    wss.once('listening', () => {
      resolve({
        url: `ws://${host}:${wss.address().port}/`,
        close: () =>
          new Promise((done) => {
            for (const ws of wss.clients) ws.terminate();
            wss.close(() => done());
          }),
      });
    });
  });
}
