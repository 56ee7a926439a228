/**
 * A connection reset by the peer, as Windows answers it (Wine's ws2_32 test_tcp_reset records it
 * from real Windows): an overlapped WSARecv pending when the peer closes with SO_LINGER {1, 0}
 * completes with WSAECONNRESET and 0 bytes, SO_ERROR stays 0, every later receive and send fails
 * with WSAECONNRESET at once, WSAPoll reports POLLERR|POLLHUP|POLLWRNORM, and select puts the
 * socket in readfds and writefds but not exceptfds.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { inboundWinsock } from '../../fixtures/inbound.js';
import { lastError, present, releaseWinsocks, ws2 } from '../../fixtures/winsock.js';
import { closeWithReset, tcpSocketPair } from './event-modes.js';

const { SOCKET_ERROR, WSA_IO_PENDING, WSA_WAIT_EVENT_0, SOL_SOCKET, SO_ERROR } = ws2;
const { POLLRDNORM, POLLRDBAND, POLLWRNORM, POLLERR, POLLHUP } = ws2;

afterEach(releaseWinsocks);

/** The sockets select left in a set (FD_ISSET of each). */
function members(set: { fd_count: number; fd_array: number[] }): number[] {
  return set.fd_array.slice(0, set.fd_count);
}

describe('test_tcp_reset', () => {
  it('a pending overlapped WSARecv, then the peer resets: the receive, SO_ERROR, recv, send, WSAPoll, select', async () => {
    const w = inboundWinsock();
    const { client, server } = await tcpSocketPair(w);
    const buf = new Uint8Array(10);
    const ov = { hEvent: w.WSACreateEvent() };
    const event = present(ov.hEvent, 'hEvent');
    const flags = { value: 0 };

    w.WSASetLastError(0xdead);
    expect(await w.WSARecv(client, [{ len: 10, buf }], 1, { value: 0xdeadbeef }, flags, ov, null)).toBe(SOCKET_ERROR);
    expect(w.WSAGetLastError()).toBe(WSA_IO_PENDING);

    closeWithReset(w, server);

    // Windows waits 1000 ms for the completion.
    expect(await w.WSAWaitForMultipleEvents(1, [event], false, 1000, false), 'the receive completes').toBe(
      WSA_WAIT_EVENT_0,
    );
    const size = { value: 0xdeadbeef };
    expect(await w.WSAGetOverlappedResult(client, ov, size, false, { value: 0 })).toBe(false);
    expect(lastError(w), 'the overlapped result').toBe('WSAECONNRESET');
    expect(size.value, 'bytes of the reset receive').toBe(0);

    const error = new Uint8Array(4);
    expect(w.getsockopt(client, SOL_SOCKET, SO_ERROR, error, { value: 4 }), lastError(w)).toBe(0);
    expect(new DataView(error.buffer).getInt32(0, true), 'SO_ERROR after the reset').toBe(0);

    w.WSASetLastError(0xdead);
    expect(await w.WSARecv(client, [{ len: 10, buf }], 1, { value: 0 }, flags, ov, null)).toBe(SOCKET_ERROR);
    expect(lastError(w), 'an overlapped WSARecv after the reset fails at once').toBe('WSAECONNRESET');

    w.WSASetLastError(0xdead);
    expect(await w.send(client, new TextEncoder().encode('data\0'), 5, 0)).toBe(SOCKET_ERROR);
    expect(lastError(w), 'send after the reset').toBe('WSAECONNRESET');

    const fd = { fd: client, events: POLLRDNORM | POLLRDBAND | POLLWRNORM, revents: 0xdead };
    expect(await w.WSAPoll([fd], 1, 1000)).toBe(1);
    expect(fd.revents, 'WSAPoll').toBe(POLLERR | POLLHUP | POLLWRNORM);

    const readfds = { fd_count: 1, fd_array: [client] };
    const writefds = { fd_count: 1, fd_array: [client] };
    const exceptfds = { fd_count: 1, fd_array: [client] };
    const zero = { tv_sec: 0, tv_usec: 0 };
    expect(await w.select(0, readfds, writefds, exceptfds, zero)).toBe(2);
    expect(members(readfds), 'readfds').toEqual([client]);
    expect(members(writefds), 'writefds').toEqual([client]);
    expect(members(exceptfds), 'exceptfds').toEqual([]);

    const onlyExcept = { fd_count: 1, fd_array: [client] };
    expect(await w.select(0, null, null, onlyExcept, zero), 'select on exceptfds alone').toBe(0);
    expect(members(onlyExcept), 'exceptfds alone').toEqual([]);

    expect(w.closesocket(client)).toBe(0);
    expect(w.WSACloseEvent(event)).toBe(true);
  });
});
