/** Real TCP servers on 127.0.0.1 port 0 for relay tests, closed with everything they accepted. */
import { once } from 'node:events';
import net from 'node:net';

export interface TestServer {
  readonly port: number;
  readonly host: string;
  readonly server: net.Server;
  /** Accepted sockets, in order. */
  readonly sockets: net.Socket[];
  /** Resolves with the next (or an already) accepted socket. */
  accepted(index?: number): Promise<net.Socket>;
  close(): Promise<void>;
}

/** A server on `host`:0 calling `onSocket` for each connection (allowHalfOpen, so FINs are visible). */
export async function startServer(
  onSocket: (socket: net.Socket) => void = () => {},
  host = '127.0.0.1',
): Promise<TestServer> {
  const sockets: net.Socket[] = [];
  const waiters: Array<() => void> = [];
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    sockets.push(socket);
    socket.on('error', () => {}); // resets are what some tests are about
    onSocket(socket);
    for (const w of waiters.splice(0)) w();
  });
  server.listen(0, host);
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    host,
    server,
    sockets,
    async accepted(index = 0) {
      while (sockets.length <= index) await new Promise<void>((r) => waiters.push(r));
      return sockets[index]!;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Echoes every byte back and ends its side when the client ends. */
export function startEchoServer(host = '127.0.0.1'): Promise<TestServer> {
  return startServer((socket) => {
    socket.pipe(socket);
  }, host);
}

/** A port nobody listens on: bind a server to 127.0.0.1:0, note the port, close it. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** Collects every byte a socket receives until its 'end'. */
export function collectUntilEnd(socket: net.Socket): Promise<Buffer> {
  const parts: Buffer[] = [];
  socket.on('data', (c: Buffer) => parts.push(c));
  return once(socket, 'end').then(() => Buffer.concat(parts));
}

/** Whether this host can listen on ::1 (some containers have no IPv6 loopback). */
export async function hasIPv6Loopback(): Promise<boolean> {
  const server = net.createServer();
  try {
    server.listen(0, '::1');
    await once(server, 'listening');
    return true;
  } catch {
    return false;
  } finally {
    server.close();
  }
}

/**
 * Resolves when the relay side of `socket` is gone. Test servers are half-open capable, so the
 * relay's FIN alone does not close them: answer it with our own FIN and wait for 'close'.
 */
export function peerGone(socket: net.Socket): Promise<void> {
  if (socket.destroyed) return Promise.resolve();
  socket.once('end', () => socket.end());
  return once(socket, 'close').then(() => undefined);
}
