// A page of a new Vite app that uses the installed @ws2web/browser: a blocking TCP client that
// sends one line and shows the reply. ?relay=ws://…&port=… say where the relay and the server are.
import {
  createWinsock,
  sockaddrIn,
  MAKEWORD,
  AF_INET,
  SOCK_STREAM,
  IPPROTO_TCP,
  INVALID_SOCKET,
  SOCKET_ERROR,
} from '@ws2web/browser';

const params = new URLSearchParams(location.search);
const relay = params.get('relay') ?? 'ws://127.0.0.1:8787/';
const port = Number(params.get('port') ?? '7777');

async function askOnce(line: string): Promise<string> {
  const w = createWinsock({ relay });
  w.WSAStartup(MAKEWORD(2, 2), {});
  try {
    const s = w.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    if (s === INVALID_SOCKET) throw new Error(`socket: ${w.WSAGetLastError()}`);
    const to = sockaddrIn('127.0.0.1', port);
    if ((await w.connect(s, to, to.length)) === SOCKET_ERROR) throw new Error(`connect: ${w.WSAGetLastError()}`);
    const bytes = new TextEncoder().encode(`${line}\n`);
    if ((await w.send(s, bytes, bytes.length, 0)) === SOCKET_ERROR) throw new Error(`send: ${w.WSAGetLastError()}`);
    const buf = new Uint8Array(1024);
    const decoder = new TextDecoder();
    let reply = '';
    while (!reply.includes('\n')) {
      const n = await w.recv(s, buf, buf.length, 0);
      if (n === SOCKET_ERROR) throw new Error(`recv: ${w.WSAGetLastError()}`);
      if (n === 0) break; // the server closed first
      reply += decoder.decode(buf.subarray(0, n), { stream: true });
    }
    w.closesocket(s);
    return reply.trimEnd();
  } finally {
    w.WSACleanup();
  }
}

const output = document.querySelector('#reply') as HTMLOutputElement;
askOnce('hello from the page').then(
  (reply) => {
    output.textContent = reply;
    output.dataset.state = 'done';
  },
  (error: unknown) => {
    output.textContent = String(error);
    output.dataset.state = 'failed';
  },
);
