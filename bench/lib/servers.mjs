// The benchmark's servers: a bulk echo (bytes back as fast as TCP allows) and a plain TCP proxy,
// the baseline any relay is compared with. Both run in child processes (see server-process.mjs)
// so the client's event loop is not shared with them.
import { createServer, connect } from 'node:net';

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
    server.listen(port, host, () => resolve(server.address().port));
  });
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

/** Forwards each connection to host:targetPort with stream pipes, in both directions. */
export async function startTcpProxy(targetPort, host = '127.0.0.1') {
  const server = createServer({ allowHalfOpen: true, noDelay: true }, function proxyOnConnection(client) {
    const upstream = connect({ host, port: targetPort, allowHalfOpen: true, noDelay: true });
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  });
  const sockets = trackSockets(server);
  const port = await listen(server, 0, host);
  return { port, close: () => closeServer(server, sockets) };
}

function closeServer(server, sockets) {
  for (const socket of sockets) socket.destroy();
  return new Promise((resolve) => server.close(() => resolve()));
}
