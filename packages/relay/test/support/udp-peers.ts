/**
 * Real UDP sockets on loopback for relay tests: an echo server and a plain peer that records
 * what it receives. They refuse to send anywhere but loopback, whatever a test asks.
 */
import dgram from 'node:dgram';
import { once } from 'node:events';

export interface Received {
  data: Buffer;
  address: string;
  port: number;
}

export interface UdpPeer {
  readonly host: string;
  readonly port: number;
  readonly socket: dgram.Socket;
  /** Everything received, in order (an echo server also records what it echoed). */
  readonly received: Received[];
  /** Resolves with received[index] once it exists. */
  nth(index: number, timeoutMs?: number): Promise<Received>;
  /** Sends and resolves once the kernel took it. */
  send(data: Uint8Array, port: number, host?: string): Promise<void>;
  close(): Promise<void>;
}

export interface PeerOptions {
  host?: string;
  /** Echo every datagram back to its source. */
  echo?: boolean;
  /** Bind this port (e.g. to receive loopback broadcasts on 0.0.0.0:port). Default 0. */
  port?: number;
}

export async function startUdpPeer({ host = '127.0.0.1', echo = false, port = 0 }: PeerOptions = {}): Promise<UdpPeer> {
  const type = host.includes(':') ? 'udp6' : 'udp4';
  const socket = dgram.createSocket({ type, ipv6Only: type === 'udp6' ? true : undefined });
  const received: Received[] = [];
  const waiters: Array<() => void> = [];
  socket.on('message', (data, rinfo) => {
    received.push({ data, address: rinfo.address, port: rinfo.port });
    if (echo) socket.send(data, rinfo.port, rinfo.address);
    for (const w of waiters.splice(0)) w();
  });
  socket.bind(port, host);
  await once(socket, 'listening');
  const bound = socket.address().port;
  let closed = false;
  return {
    host,
    port: bound,
    socket,
    received,
    async nth(index, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length <= index) {
        if (Date.now() > deadline)
          throw new Error(`udp peer :${bound} has ${received.length} datagrams, waited for #${index}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 50);
        });
      }
      return received[index]!;
    },
    send(data, toPort, toHost = type === 'udp6' ? '::1' : '127.0.0.1') {
      assertLoopback(toHost);
      return new Promise((resolve, reject) =>
        socket.send(data, toPort, toHost, (err) => (err ? reject(err) : resolve())),
      );
    },
    async close() {
      if (closed) return;
      closed = true;
      await new Promise<void>((r) => socket.close(() => r()));
    },
  };
}

/** Tests never send a packet off this machine: 127.0.0.0/8 (its broadcast included) and ::1 only. */
export function assertLoopback(host: string): void {
  if (/^127\.\d+\.\d+\.\d+$/.test(host) || host === '::1' || /^::ffff:127\./i.test(host)) return;
  throw new Error(`test refuses to send to non-loopback ${host}`);
}

/** Whether this host can bind UDP on ::1. */
export async function hasUdpIPv6Loopback(): Promise<boolean> {
  const socket = dgram.createSocket({ type: 'udp6', ipv6Only: true });
  try {
    socket.bind(0, '::1');
    await Promise.race([
      once(socket, 'listening'),
      once(socket, 'error').then(([e]) => {
        throw e;
      }),
    ]);
    return true;
  } catch {
    return false;
  } finally {
    socket.close();
  }
}
