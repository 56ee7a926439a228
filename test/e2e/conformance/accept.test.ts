/**
 * accept and WSAAccept as Windows answers them (Wine's ws2_32 test_accept records it from real
 * Windows): a deferred connection stays queued for the next accept, closesocket wakes a waiting
 * accept, and the address rules: a length of 0 is WSAEFAULT with the length left 0, room enough
 * gets the peer's family and its real length, no length leaves the buffer alone.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { inboundWinsock, localName, type Listening } from '../../fixtures/inbound.js';
import {
  eventually,
  lastError,
  releaseWinsocks,
  settledWithin,
  tcpSocket,
  u32,
  ws2,
  type Winsock,
} from '../../fixtures/winsock.js';
import { EXPECT_MS } from './event-modes.js';

const { INVALID_SOCKET, SOL_SOCKET, SO_REUSEADDR, CF_DEFER, AF_INET } = ws2;
/** sizeof(SOCKADDR_STORAGE). */
const STORAGE = 128;

afterEach(releaseWinsocks);

/** Windows' setup_server_socket: SO_REUSEADDR, bind 127.0.0.1:0, listen(5); the port once the relay listens. */
async function serverSocket(w: Winsock): Promise<Listening> {
  const s = tcpSocket(w);
  expect(w.setsockopt(s, SOL_SOCKET, SO_REUSEADDR, u32(1), 4), lastError(w)).toBe(0);
  const any = ws2.sockaddrIn('127.0.0.1', 0);
  expect(w.bind(s, any, any.length), lastError(w)).toBe(0);
  expect(w.listen(s, 5), lastError(w)).toBe(0);
  let port = 0;
  const known = await eventually(() => {
    const n = localName(w, s);
    port = typeof n === 'string' ? 0 : n.port;
    return port !== 0;
  }, EXPECT_MS);
  expect(known, "getsockname reports the relay's port").toBe(true);
  return { s, port, host: '127.0.0.1' };
}

/** Windows' setup_connector_socket: a blocking connect to the listener. */
async function connector(w: Winsock, l: Listening): Promise<number> {
  const s = tcpSocket(w);
  const to = ws2.sockaddrIn('127.0.0.1', l.port);
  expect(await w.connect(s, to, to.length), `connect: ${lastError(w)}`).toBe(0);
  return s;
}

async function acceptOrFail(p: Promise<number>): Promise<number> {
  const rc = await settledWithin(p, EXPECT_MS);
  if (rc === 'pending') expect.fail(`accept still waiting after ${EXPECT_MS} ms`);
  return rc;
}

describe('accept and WSAAccept (test_accept)', () => {
  it('a deferred connection is taken by the next accept; closesocket wakes a waiting accept', async () => {
    const w = inboundWinsock();
    let l = await serverSocket(w);
    // Windows connects from another thread while accept waits: here the accept waits first too.
    const waiting = w.accept(l.s, null, null);
    const c0 = await connector(w, l);
    const a0 = await acceptOrFail(waiting);
    expect(a0, lastError(w)).not.toBe(INVALID_SOCKET);
    expect(w.closesocket(a0)).toBe(0);
    expect(w.closesocket(c0)).toBe(0);

    const c1 = await connector(w, l);
    expect(await acceptOrFail(w.WSAAccept(l.s, null, null, () => CF_DEFER, 0)), 'deferred').toBe(INVALID_SOCKET);
    expect(lastError(w)).toBe('WSATRY_AGAIN');
    const a1 = await acceptOrFail(w.accept(l.s, null, null));
    expect(a1, `the deferred connection: ${lastError(w)}`).not.toBe(INVALID_SOCKET);

    const blocked = w.accept(l.s, null, null);
    expect(await settledWithin(blocked, 200), 'accept waits').toBe('pending');
    expect(w.closesocket(l.s), lastError(w)).toBe(0);
    expect(await acceptOrFail(blocked), 'closesocket woke the accept').toBe(INVALID_SOCKET);
    expect(w.closesocket(a1)).toBe(0);
    expect(w.closesocket(c1)).toBe(0);

    l = await serverSocket(w);
    expect(w.closesocket(l.s)).toBe(0);
  });

  it('the address buffer: length 0 → WSAEFAULT (length left 0), room → family and real length, no length → untouched', async () => {
    const w = inboundWinsock();
    const l = await serverSocket(w);
    const clients: number[] = [];
    const accepted: number[] = [];

    for (const call of ['WSAAccept', 'accept'] as const) {
      const run = (addr: Uint8Array | null, len: { value: number } | null) =>
        call === 'accept' ? w.accept(l.s, addr, len) : w.WSAAccept(l.s, addr, len, null, 0);

      clients.push(await connector(w, l));
      const zero = { value: 0 };
      expect(await acceptOrFail(run(new Uint8Array(STORAGE), zero)), `${call}, length 0`).toBe(INVALID_SOCKET);
      expect(lastError(w)).toBe('WSAEFAULT');
      expect(zero.value, `${call}: the length`).toBe(0);

      clients.push(await connector(w, l));
      const plain = await acceptOrFail(run(null, null));
      expect(plain, `${call}(NULL, NULL): ${lastError(w)}`).not.toBe(INVALID_SOCKET);
      accepted.push(plain);

      clients.push(await connector(w, l));
      const ss = new Uint8Array(STORAGE);
      const len = { value: STORAGE };
      const named = await acceptOrFail(run(ss, len));
      expect(named, `${call} with room: ${lastError(w)}`).not.toBe(INVALID_SOCKET);
      accepted.push(named);
      expect(len.value, `${call}: the length is the address's`).not.toBe(STORAGE);
      expect(new DataView(ss.buffer).getUint16(0, true), `${call}: ss_family`).toBe(AF_INET);
    }

    clients.push(await connector(w, l));
    const ss = new Uint8Array(STORAGE);
    const last = await acceptOrFail(w.accept(l.s, ss, null));
    expect(last, `accept(ss, NULL): ${lastError(w)}`).not.toBe(INVALID_SOCKET);
    accepted.push(last);
    expect(ss, 'accept without a length writes no address').toEqual(new Uint8Array(STORAGE));

    for (const s of [...accepted, ...clients, l.s]) expect(w.closesocket(s)).toBe(0);
  });
});
