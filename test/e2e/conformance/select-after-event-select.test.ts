/**
 * WSAPoll on a socket selected with WSAEventSelect signals nothing again, as Windows (Wine's
 * ws2_32 test_select_after_WSAEventSelect records it from real Windows, a regression test for
 * wget): FD_READ signals the event once; a poll reporting POLLRDNORM|POLLWRNORM leaves it
 * unsignalled.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { inboundWinsock } from '../../fixtures/inbound.js';
import { lastError, present, releaseWinsocks, ws2 } from '../../fixtures/winsock.js';
import { tcpSocketPair } from './event-modes.js';

const { FD_READ, POLLRDNORM, POLLRDBAND, POLLWRNORM, WSA_WAIT_EVENT_0, WSA_WAIT_TIMEOUT } = ws2;

afterEach(releaseWinsocks);

describe('test_select_after_WSAEventSelect', () => {
  it('FD_READ signals the event once; WSAPoll after it signals nothing again', async () => {
    const w = inboundWinsock();
    const { client, server } = await tcpSocketPair(w);
    const event = present(w.WSACreateEvent(), 'event');

    expect(w.WSAEventSelect(client, event, FD_READ), lastError(w)).toBe(0);
    expect(await w.send(server, new TextEncoder().encode('data'), 4, 0), lastError(w)).toBe(4);
    // Windows waits 1000 ms.
    expect(await w.WSAWaitForMultipleEvents(1, [event], false, 1000, false), 'FD_READ signalled').toBe(
      WSA_WAIT_EVENT_0,
    );
    // Windows' event is auto-reset, so its wait reset it; WSACreateEvent's is manual-reset.
    expect(w.WSAResetEvent(event), lastError(w)).toBe(true);

    const fd = { fd: client, events: POLLRDNORM | POLLRDBAND | POLLWRNORM, revents: 0xdead };
    expect(await w.WSAPoll([fd], 1, 0), lastError(w)).toBe(1);
    expect(fd.revents, 'revents').toBe(POLLRDNORM | POLLWRNORM);

    expect(await w.WSAWaitForMultipleEvents(1, [event], false, 0, false), 'nothing signalled again').toBe(
      WSA_WAIT_TIMEOUT,
    );
  });
});
