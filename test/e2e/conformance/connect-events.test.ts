/**
 * FD_CONNECT and FD_WRITE around connect, in event-object and window-message mode, as Windows
 * reports them (Wine's ws2_32 test_connect_events records them from real Windows):
 * - a connect completing while selected: FD_CONNECT, then FD_WRITE;
 * - re-selecting after both were read: window mode posts FD_WRITE again, event mode reports nothing;
 * - connect first, WSAEventSelect after: FD_CONNECT and FD_WRITE (window mode: FD_WRITE only);
 * - FD_CONNECT left out of the mask during the connect and added later: event mode reports it then;
 * - UDP: no event at WSAEventSelect on a fresh socket, FD_CONNECT|FD_WRITE after connect.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { inboundWinsock, listeningSocket, acceptWithin, localName } from '../../fixtures/inbound.js';
import { eventually, lastError, releaseWinsocks, tcpSocket, ws2 } from '../../fixtures/winsock.js';
import { EXPECT_MS, MODES, eventMode, sendText } from './event-modes.js';

const { FD_ACCEPT, FD_CLOSE, FD_CONNECT, FD_OOB, FD_READ, FD_WRITE, SOCKET_ERROR, AF_INET, SOCK_DGRAM, IPPROTO_UDP } =
  ws2;
const ALL = FD_ACCEPT | FD_CLOSE | FD_CONNECT | FD_OOB | FD_READ | FD_WRITE;

afterEach(releaseWinsocks);

describe.each(MODES)('connect events, %s mode', (mode) => {
  it('a non-blocking connect while selected: FD_CONNECT then FD_WRITE, once; re-selecting; the accepted end', async () => {
    const w = inboundWinsock();
    const m = eventMode(w, mode);
    const l = await listeningSocket(w);
    const client = tcpSocket(w);
    m.select(client, ALL);
    await m.expectEvents(0, 0, 'selected before connect');

    const name = ws2.sockaddrIn('127.0.0.1', l.port);
    const rc = await w.connect(client, name, name.length);
    if (rc === SOCKET_ERROR) expect(lastError(w)).toBe('WSAEWOULDBLOCK');
    else expect(rc).toBe(0);
    await m.expectEvents(FD_CONNECT, FD_WRITE, 'connect completed');
    await m.expectEvents(0, 0, 'nothing more');

    m.select(client, 0);
    m.select(client, ALL);
    if (mode === 'message') await m.expectEvents(FD_WRITE, 0, 'window mode posts the current conditions again');
    await m.expectEvents(0, 0, 'no FD_CONNECT again, and in event mode no FD_WRITE again');

    const { s: server } = await acceptWithin(w, l.s);
    m.select(server, FD_ACCEPT | FD_CONNECT | FD_OOB | FD_READ | FD_WRITE);
    await m.expectEvents(FD_WRITE, 0, 'the accepted socket: FD_WRITE, never FD_CONNECT');
  });

  it('connect first, select after: event mode reports FD_CONNECT and FD_WRITE, window mode FD_WRITE', async () => {
    const w = inboundWinsock();
    const m = eventMode(w, mode);
    const l = await listeningSocket(w);
    const client = tcpSocket(w);
    const name = ws2.sockaddrIn('127.0.0.1', l.port);
    expect(await w.connect(client, name, name.length), lastError(w)).toBe(0);
    await acceptWithin(w, l.s);
    await sendText(w, client, 'data\0');

    m.select(client, ALL);
    if (mode === 'message') await m.expectEvents(FD_WRITE, 0, 'connected before WSAAsyncSelect');
    else await m.expectEvents(FD_CONNECT, FD_WRITE, 'connected before WSAEventSelect');
    await m.expectEvents(0, 0, 'nothing more');
  });

  it('FD_CONNECT left out during the connect and selected later: event mode reports it then', async () => {
    const w = inboundWinsock();
    const m = eventMode(w, mode);
    const l = await listeningSocket(w);
    const client = tcpSocket(w);
    m.select(client, FD_ACCEPT | FD_CLOSE | FD_OOB | FD_READ | FD_WRITE);
    const name = ws2.sockaddrIn('127.0.0.1', l.port);
    const rc = await w.connect(client, name, name.length);
    if (rc === SOCKET_ERROR) expect(lastError(w)).toBe('WSAEWOULDBLOCK');
    await acceptWithin(w, l.s);
    await m.expectEvents(FD_WRITE, 0, 'connected, FD_CONNECT not selected');

    m.select(client, FD_ACCEPT | FD_CONNECT | FD_OOB | FD_READ | FD_WRITE);
    if (mode === 'message') await m.expectEvents(FD_WRITE, 0, 'window mode: the current conditions, no FD_CONNECT');
    else await m.expectEvents(FD_CONNECT, 0, 'event mode: the FD_CONNECT that happened unselected, FD_WRITE not again');
    await m.expectEvents(0, 0, 'nothing more');
  });

  it('UDP: nothing (event mode) or FD_WRITE (window mode) at select; connect brings FD_CONNECT|FD_WRITE or FD_WRITE', async () => {
    const w = inboundWinsock();
    const m = eventMode(w, mode);
    const client = w.socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    const server = w.socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    m.select(client, FD_ACCEPT | FD_CONNECT | FD_OOB | FD_READ | FD_WRITE);
    if (mode === 'message') await m.expectEvents(FD_WRITE, 0, 'a fresh UDP socket is writable');
    await m.expectEvents(0, 0, 'a fresh UDP socket, event mode: nothing recorded');

    const any = ws2.sockaddrIn('127.0.0.1', 0);
    expect(w.bind(server, any, any.length), lastError(w)).toBe(0);
    let port = 0;
    const known = await eventually(() => {
      const n = localName(w, server);
      port = typeof n === 'string' ? 0 : n.port;
      return port !== 0;
    }, EXPECT_MS);
    expect(known, 'getsockname never reported the relay port of the bound UDP socket').toBe(true);
    const to = ws2.sockaddrIn('127.0.0.1', port);
    expect(await w.connect(client, to, to.length), lastError(w)).toBe(0);
    if (mode === 'message') await m.expectEvents(FD_WRITE, 0, 'UDP connect, window mode');
    else await m.expectEvents(FD_CONNECT, FD_WRITE, 'UDP connect, event mode');
    await m.expectEvents(0, 0, 'nothing more');
  });
});
