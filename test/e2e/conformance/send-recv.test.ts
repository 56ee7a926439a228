/**
 * WSASendTo, WSARecv and an overlapped WSASend, as Windows answers them (Wine's ws2_32
 * test_WSASendTo, test_WSARecv and test_send record it from real Windows):
 * - WSASendTo: a value that is no socket → WSAENOTSOCK; no byte count and no OVERLAPPED →
 *   WSAEFAULT; a successful WSASendTo clears the last error and binds the unbound socket
 *   (getsockname fails with WSAEINVAL before, reports AF_INET and a port after);
 * - WSARecv: non-overlapped receives of buffered bytes return 0, the count and last error 0, and
 *   scatter into two WSABUFs in order; two overlapped receives on one OVERLAPPED both go pending
 *   and complete with the connection reset and 0 bytes; a blocking WSARecv waits for the bytes
 *   sent while it waits; with a completion routine the routine runs once and the OVERLAPPED's
 *   event is left alone;
 * - send: a 1 MiB blocking send is taken whole; a 1 MiB overlapped WSASend goes pending and
 *   completes with every byte once the peer has read them, byte by byte, in order; WSASend on a
 *   value that is no socket → WSAENOTSOCK, and another overlapped one, no byte count, pending.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { inboundWinsock, localName } from '../../fixtures/inbound.js';
import {
  fionread,
  lastError,
  present,
  relayRoundTrip,
  releaseWinsocks,
  settledWithin,
  udpSocket,
  ws2,
  type Winsock,
} from '../../fixtures/winsock.js';
import { EXPECT_MS, closeWithReset, setNonBlocking, tcpSocketPair, untilReadable } from './event-modes.js';

const { SOCKET_ERROR, INVALID_SOCKET, WSA_IO_PENDING, WSA_WAIT_EVENT_0, WSA_WAIT_TIMEOUT, WSAEWOULDBLOCK } = ws2;
const { AF_INET, POLLRDNORM, SOL_SOCKET, SO_SNDBUF } = ws2;

afterEach(releaseWinsocks);

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const untext = (b: Uint8Array): string => new TextDecoder().decode(b);

/** A UDP socket bound to 127.0.0.1 and the port the relay gave it (WSASendTo's destination). */
async function udpReceiver(w: Winsock): Promise<{ s: number; to: Uint8Array }> {
  const s = udpSocket(w);
  const here = ws2.sockaddrIn('127.0.0.1', 0);
  expect(await w.bindAsync(s, here, here.length), lastError(w)).toBe(0);
  const name = localName(w, s);
  if (typeof name === 'string') expect.fail(`getsockname of the receiver: ${name}`);
  return { s, to: ws2.sockaddrIn('127.0.0.1', name.port) };
}

describe('test_WSASendTo', () => {
  it('no socket, no byte count, then a WSASendTo that binds the socket', async () => {
    const w = inboundWinsock();
    const receiver = await udpReceiver(w);
    const { to } = receiver;
    const s = udpSocket(w);
    const buf = text('hello world\0');
    const data = [{ len: buf.length, buf }];

    w.WSASetLastError(12345);
    expect(await w.WSASendTo(INVALID_SOCKET, data, 1, null, 0, to, to.length, null, null)).toBe(SOCKET_ERROR);
    expect(lastError(w), 'WSASendTo on INVALID_SOCKET').toBe('WSAENOTSOCK');

    const name = new Uint8Array(16);
    expect(w.getsockname(s, name, { value: 16 }), 'getsockname before any send').toBe(SOCKET_ERROR);
    expect(lastError(w), 'getsockname of the unbound socket').toBe('WSAEINVAL');

    w.WSASetLastError(12345);
    expect(await w.WSASendTo(s, data, 1, null, 0, to, to.length, null, null)).toBe(SOCKET_ERROR);
    expect(lastError(w), 'neither a byte count nor an OVERLAPPED').toBe('WSAEFAULT');

    w.WSASetLastError(12345);
    const sent = { value: 0 };
    expect(await w.WSASendTo(s, data, 1, sent, 0, to, to.length, null, null), lastError(w)).toBe(0);
    expect(w.WSAGetLastError(), 'the last error after WSASendTo').toBe(0);
    // (Ours, beyond Windows' test: the count, and the one datagram that arrived.)
    expect(sent.value, 'bytes sent').toBe(12);

    const local = localName(w, s);
    if (typeof local === 'string') expect.fail(`getsockname after WSASendTo: ${local}`);
    expect(local.family, 'family of the implicit bind').toBe(AF_INET);
    expect(local.port, 'port of the implicit bind').not.toBe(0);

    const got = new Uint8Array(32);
    await untilReadable(w, receiver.s);
    expect(await w.recvfrom(receiver.s, got, got.length, 0, null, null), lastError(w)).toBe(12);
    expect(untext(got.subarray(0, 12)), 'the datagram').toBe('hello world\0');

    expect(w.closesocket(s)).toBe(0);
    expect(w.closesocket(receiver.s)).toBe(0);
  });
});

describe('test_WSARecv', () => {
  it('non-overlapped receives, two WSABUFs, then two overlapped receives on one OVERLAPPED and a reset', async () => {
    const w = inboundWinsock();
    const { client: src, server: dest } = await tcpSocketPair(w);
    const buf = new Uint8Array(20);
    const bufs = [{ len: 1, buf }];
    const flags = { value: 0 };

    w.WSASetLastError(0xdeadbeef);
    expect(await w.send(src, text('ab'), 2, 0), lastError(w)).toBe(2);
    expect(w.WSAGetLastError(), 'the last error after send').toBe(0);

    // Windows polls first so that the receive completes at once (no alertable wait).
    const fd = { fd: dest, events: POLLRDNORM, revents: 0xdead };
    expect(await w.WSAPoll([fd], 1, 1000), lastError(w)).toBe(1);
    expect(fd.revents, 'WSAPoll with the two bytes buffered').toBe(POLLRDNORM);

    for (const which of ['first', 'second']) {
      w.WSASetLastError(0xdeadbeef);
      const got = { value: 0xdeadbeef };
      expect(await w.WSARecv(dest, bufs, 1, got, flags, null, null), lastError(w)).toBe(0);
      expect(got.value, `${which} one-byte WSARecv`).toBe(1);
      expect(w.WSAGetLastError(), `the last error after the ${which} WSARecv`).toBe(0);
    }
    expect(untext(buf.subarray(0, 1)), 'the second byte').toBe('b');

    bufs[0] = { len: 4, buf };
    w.WSASetLastError(0xdeadbeef);
    expect(await w.send(src, text('test'), 4, 0), lastError(w)).toBe(4);
    expect(w.WSAGetLastError(), 'the last error after send').toBe(0);
    w.WSASetLastError(0xdeadbeef);
    const four = { value: 0xdeadbeef };
    // Blocking: it waits for the four bytes if they have not arrived yet.
    expect(await w.WSARecv(dest, bufs, 1, four, flags, null, null), lastError(w)).toBe(0);
    expect(four.value, 'four-byte WSARecv').toBe(4);
    expect(w.WSAGetLastError(), 'the last error after WSARecv').toBe(0);

    const second = new Uint8Array(10);
    const two = [
      { len: 4, buf },
      { len: 5, buf: second },
    ];
    w.WSASetLastError(0xdeadbeef);
    expect(await w.send(src, text('deadbeefs'), 9, 0), lastError(w)).toBe(9);
    expect(w.WSAGetLastError(), 'the last error after send').toBe(0);
    // All nine bytes must be buffered for one WSARecv to take them (Windows' loopback has them).
    await untilNBuffered(w, dest, 9);
    w.WSASetLastError(0xdeadbeef);
    const nine = { value: 0xdeadbeef };
    expect(await w.WSARecv(dest, two, 2, nine, flags, null, null), lastError(w)).toBe(0);
    expect(nine.value, 'WSARecv into two buffers').toBe(9);
    expect(untext(buf.subarray(0, 4)), 'the first buffer').toBe('dead');
    expect(untext(second.subarray(0, 5)), 'the second buffer').toBe('beefs');
    expect(w.WSAGetLastError(), 'the last error after WSARecv').toBe(0);

    const ov = { hEvent: w.WSACreateEvent() };
    const event = present(ov.hEvent, 'hEvent');
    const whole = [{ len: buf.length, buf }];
    expect(await w.WSARecv(dest, whole, 1, null, flags, ov, null)).toBe(SOCKET_ERROR);
    expect(w.WSAGetLastError(), 'overlapped WSARecv, no byte count').toBe(WSA_IO_PENDING);
    const size = { value: 0xdeadbeef };
    expect(await w.WSARecv(dest, whole, 1, size, flags, ov, null)).toBe(SOCKET_ERROR);
    expect(w.WSAGetLastError(), 'a second overlapped WSARecv on the same OVERLAPPED').toBe(WSA_IO_PENDING);

    closeWithReset(w, src);

    // Windows waits 1000 ms for the completion.
    expect(await w.WSAWaitForMultipleEvents(1, [event], false, 1000, false), 'the reset completes it').toBe(
      WSA_WAIT_EVENT_0,
    );
    // Windows' GetOverlappedResult reports STATUS_CONNECTION_RESET as ERROR_NETNAME_DELETED; the
    // Winsock call reports it as WSAECONNRESET.
    size.value = 0xdeadbeef;
    expect(await w.WSAGetOverlappedResult(dest, ov, size, false, { value: 0 })).toBe(false);
    expect(lastError(w), 'the pending receive after the reset').toBe('WSAECONNRESET');
    expect(size.value, 'bytes received').toBe(0);

    expect(w.closesocket(dest)).toBe(0);
    expect(w.WSACloseEvent(event)).toBe(true);
  });

  it('a blocking WSARecv waits for the bytes; a completion routine runs once and leaves the event alone', async () => {
    const w = inboundWinsock();
    const { client: src, server: dest } = await tcpSocketPair(w);
    const flags = { value: 0 };

    // Windows' first thread: an overlapped WSARecv that takes "test message".
    expect(await w.send(src, text('test message\0'), 13, 0), lastError(w)).toBe(13);
    const first = { hEvent: w.WSACreateEvent() };
    const firstEvent = present(first.hEvent, 'hEvent');
    const rc = await w.WSARecv(dest, [{ len: 32, buf: new Uint8Array(32) }], 1, null, flags, first, null);
    expect(rc === 0 || w.WSAGetLastError() === WSA_IO_PENDING, `overlapped WSARecv: ${lastError(w)}`).toBe(true);
    expect(await w.WSAWaitForMultipleEvents(1, [firstEvent], false, 1000, false)).toBe(WSA_WAIT_EVENT_0);

    // Windows' second thread: a blocking WSARecv, woken by the 4 bytes an APC sends while it waits.
    const buffer = new Uint8Array(32);
    const len = { value: 0xdeadbeef };
    w.WSASetLastError(0xdeadbeef);
    const receiving = w.WSARecv(dest, [{ len: 32, buf: buffer }], 1, len, flags, null, null);
    expect(await settledWithin(receiving, 0), 'the blocking WSARecv waits').toBe('pending');
    expect(await w.send(src, text('test'), 4, 0), lastError(w)).toBe(4);
    expect(await receiving, lastError(w)).toBe(0);
    expect(w.WSAGetLastError(), 'the last error after the blocking WSARecv').toBe(0);
    expect(len.value, 'bytes of the blocking WSARecv').toBe(4);

    const ov = { hEvent: w.WSACreateEvent() };
    const event = present(ov.hEvent, 'hEvent');
    let completions = 0;
    let routineRan: () => void = () => {};
    const routine = new Promise<void>((resolve) => {
      routineRan = resolve;
    });
    const ioCompletion = (): void => {
      completions++;
      routineRan();
    };
    const bufs = [{ len: 20, buf: new Uint8Array(20) }];
    expect(await w.WSARecv(dest, bufs, 1, null, flags, ov, ioCompletion)).toBe(SOCKET_ERROR);
    expect(w.WSAGetLastError(), 'overlapped WSARecv with a completion routine').toBe(WSA_IO_PENDING);
    expect(await w.send(src, text('test message\0'), 13, 0), lastError(w)).toBe(13);

    // Windows' SleepEx(1000, TRUE) returns once the routine ran.
    expect(await settledWithin(routine, 1000), 'the completion routine runs').not.toBe('pending');
    expect(completions, 'completion routine calls').toBe(1);
    expect(await w.WSAWaitForMultipleEvents(1, [event], false, 1, false), 'the event is left alone').toBe(
      WSA_WAIT_TIMEOUT,
    );

    expect(w.closesocket(dest)).toBe(0);
    expect(w.closesocket(src)).toBe(0);
    expect(w.WSACloseEvent(event)).toBe(true);
    expect(w.WSACloseEvent(firstEvent)).toBe(true);
  });
});

describe('test_send', () => {
  it('1 MiB blocking send, 1 MiB overlapped WSASend read byte by byte, WSASend on no socket, another pending', async () => {
    const w = inboundWinsock();
    const { client: src, server: dst } = await tcpSocketPair(w);
    const buflen = 1024 * 1024;

    setNonBlocking(w, dst, true);
    expect(w.setsockopt(dst, SOL_SOCKET, SO_SNDBUF, new Uint8Array(4), 4), lastError(w)).toBe(0);

    // Windows' drain thread: reads dst until it ends or fails.
    const drained = drain(w, dst);

    const buffer = new Uint8Array(buflen);
    for (let i = 0; i < buflen; i++) buffer[i] = i & 0xff;
    expect(await w.send(src, buffer, buflen, 0), lastError(w)).toBe(buflen);

    const ov = { hEvent: w.WSACreateEvent() };
    const event = present(ov.hEvent, 'hEvent');
    const data = [{ len: buflen, buf: buffer }];
    const sent = { value: 0 };
    w.WSASetLastError(12345);
    expect(await w.WSASend(dst, data, 1, sent, 0, ov, null)).toBe(SOCKET_ERROR);
    expect(w.WSAGetLastError(), 'a 1 MiB overlapped WSASend').toBe(WSA_IO_PENDING);

    setNonBlocking(w, src, true);
    const one = new Uint8Array(1);
    let wrong = '';
    let i = 0;
    for (; i < buflen; i++) {
      let rc = await w.recv(src, one, 1, 0);
      if (rc === SOCKET_ERROR && w.WSAGetLastError() === WSAEWOULDBLOCK) {
        await untilReadable(w, src);
        rc = await w.recv(src, one, 1, 0);
      }
      if (rc !== 1) {
        wrong = `recv of byte ${i} → ${rc} (${lastError(w)})`;
        break;
      }
      if (one[0] !== (i & 0xff)) {
        wrong = `byte ${i} is ${one[0]}`;
        break;
      }
    }
    expect(wrong, 'every byte received, one at a time').toBe('');
    expect(wrong === '' && i, 'bytes received in order').toBe(buflen);

    expect(await w.WSAWaitForMultipleEvents(1, [event], false, 1000, false), 'the WSASend completes').toBe(
      WSA_WAIT_EVENT_0,
    );
    const bytes = { value: 0 };
    expect(await w.WSAGetOverlappedResult(dst, ov, bytes, false, { value: 0 }), lastError(w)).toBe(true);
    expect(bytes.value, 'bytes the overlapped WSASend sent').toBe(buflen);

    w.WSASetLastError(12345);
    expect(await w.WSASend(INVALID_SOCKET, data, 1, null, 0, ov, null)).toBe(SOCKET_ERROR);
    expect(lastError(w), 'WSASend on INVALID_SOCKET').toBe('WSAENOTSOCK');

    w.WSASetLastError(12345);
    expect(await w.WSASend(dst, data, 1, null, 0, ov, null)).toBe(SOCKET_ERROR);
    expect(w.WSAGetLastError(), 'another overlapped WSASend, no byte count').toBe(WSA_IO_PENDING);

    expect(w.closesocket(src)).toBe(0);
    expect(w.closesocket(dst)).toBe(0);
    // Windows waits 500 ms for the drain thread to end.
    expect(await settledWithin(drained, EXPECT_MS), 'the drain loop ends once its socket is closed').not.toBe(
      'pending',
    );
    expect(w.WSACloseEvent(event)).toBe(true);
  });
});

/** Windows' drain_socket_thread: recv(1024) on non-blocking `s` until 0 or an error other than WSAEWOULDBLOCK. */
async function drain(w: Winsock, s: number): Promise<void> {
  const chunk = new Uint8Array(1024);
  for (;;) {
    const rc = await w.recv(s, chunk, chunk.length, 0);
    if (rc === 0) return;
    if (rc !== SOCKET_ERROR) continue;
    if (w.WSAGetLastError() !== WSAEWOULDBLOCK) return;
    const readfds = { fd_count: 1, fd_array: [s] };
    await w.select(0, readfds, null, null, null);
  }
}

/** FIONREAD until at least `n` bytes are buffered at `s`, a relay round trip at a time (bounded by EXPECT_MS). */
async function untilNBuffered(w: Winsock, s: number, n: number): Promise<void> {
  const deadline = Date.now() + EXPECT_MS;
  while (fionread(w, s) < n) {
    if (Date.now() > deadline) expect.fail(`only ${fionread(w, s)} of ${n} bytes arrived`);
    await relayRoundTrip(w);
  }
}
