// @ts-check
// A Node script of a new app that uses the installed packages: starts a relay with startRelay,
// connects through it with @ws2web/browser and `ws`, sends one line and prints the reply.
//   node client.mjs PORT        (a TCP server on 127.0.0.1:PORT that answers the line)
import { createWinsock, sockaddrIn, MAKEWORD, AF_INET, SOCK_STREAM, IPPROTO_TCP, SOCKET_ERROR } from '@ws2web/browser';
import { startRelay } from '@ws2web/relay';
import { WebSocket } from 'ws';

const port = Number(process.argv[2]);
const relay = await startRelay({ host: '127.0.0.1', port: 0, allow: ['127.0.0.0/8'] });
const w = createWinsock({ relay: relay.url, WebSocket });
w.WSAStartup(MAKEWORD(2, 2), {});
try {
  const s = w.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  const to = sockaddrIn('127.0.0.1', port);
  if ((await w.connect(s, to, to.length)) === SOCKET_ERROR) throw new Error(`connect: ${w.WSAGetLastError()}`);
  const line = new TextEncoder().encode('hello from node\n');
  await w.send(s, line, line.length, 0);
  const buf = new Uint8Array(1024);
  const n = await w.recv(s, buf, buf.length, 0);
  if (n === SOCKET_ERROR) throw new Error(`recv: ${w.WSAGetLastError()}`);
  process.stdout.write(new TextDecoder().decode(buf.subarray(0, n)));
  w.closesocket(s);
} finally {
  w.WSACleanup();
  await relay.close();
}
