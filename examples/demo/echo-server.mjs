// A line-echo TCP server: for every line received it answers "echo: <line>\n". The demo's
// default destination, so a first run needs nothing but loopback.
import { createServer } from 'node:net';

const MAX_LINE = 64 * 1024; // a client that never sends '\n' gets its bytes back in pieces

function echoConnection(socket) {
  let pending = '';
  socket.setEncoding('utf8');
  socket.on('data', function onLineData(chunk) {
    pending += chunk;
    for (let newline = pending.indexOf('\n'); newline !== -1; newline = pending.indexOf('\n')) {
      const line = pending.slice(0, newline).replace(/\r$/, '');
      pending = pending.slice(newline + 1);
      socket.write(`echo: ${line}\n`);
    }
    if (pending.length > MAX_LINE) {
      socket.write(`echo: ${pending}\n`);
      pending = '';
    }
  });
  // A peer that goes away mid-line is normal for a demo; nothing to report.
  socket.on('error', () => {});
}

/**
 * Starts the line-echo server.
 * @param {{ host?: string, port?: number }} [options] port 0 picks a free port
 * @returns {Promise<{ host: string, port: number, close(): Promise<void> }>}
 */
export async function startLineEcho({ host = '127.0.0.1', port = 0 } = {}) {
  const sockets = new Set();
  const server = createServer(echoConnection);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return {
    host,
    port: server.address().port,
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
