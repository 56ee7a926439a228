// The smallest useful client: a blocking TCP client made of three features, as the README's
// "Smaller bundles" shows. `pnpm size` and the packaging test bundle it with Vite and hold its
// gzip size to the budget in packages/browser/README.md.
import {
  AF_INET,
  createWinsockWith,
  INVALID_SOCKET,
  IPPROTO_TCP,
  MAKEWORD,
  SOCK_STREAM,
  SOCKET_ERROR,
  sockaddrIn,
  withConnect,
  withData,
  withTcp,
} from '@ws2web/browser';

/** Sends `line` to 127.0.0.1:`port` through `relay` and resolves with the first line of the reply. */
export async function askOnce(relay: string, port: number, line: string): Promise<string> {
  const w = createWinsockWith({ relay }, [withTcp, withConnect, withData]);
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
