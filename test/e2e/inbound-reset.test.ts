/**
 * A peer's reset reaches an accepted socket as a reset even while the relay is not reading that
 * connection: a Node client sends more than the page's credit covers (so the relay stops reading),
 * then resets (RST) without reading what the page sent. Windows' server then fails recv and send
 * with WSAECONNRESET; a graceful 0 from recv would be a lie about how the peer left. (Linux can
 * read such a reset as end of stream, which the relay must not forward as FIN: docs/relay.md.)
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Control } from '../fixtures/control.js';
import { acceptWithin, inboundWinsock, listeningSocket } from '../fixtures/inbound.js';
import { lastError, releaseWinsocks, ws2, type Winsock } from '../fixtures/winsock.js';

const { SOCKET_ERROR } = ws2;
const control = new Control();

afterEach(releaseWinsocks);
afterAll(() => control.releaseAll());

/** recv until it stops returning bytes: the bytes read and how it ended (0 or the error name). */
async function recvUntilEnd(w: Winsock, s: number): Promise<{ bytes: number; end: string | 0 }> {
  const buf = new Uint8Array(64 * 1024);
  let bytes = 0;
  for (;;) {
    const n = await w.recv(s, buf, buf.length, 0);
    if (n === SOCKET_ERROR) return { bytes, end: lastError(w) };
    if (n === 0) return { bytes, end: 0 };
    bytes += n;
  }
}

describe('a client resets while the relay is not reading its connection', () => {
  it('8 runs: 300 KB sent unread, then RST → recv and send fail with WSAECONNRESET', async () => {
    const w = inboundWinsock();
    const l = await listeningSocket(w);
    const ends: (string | 0)[] = [];
    for (let run = 0; run < 8; run++) {
      // 'reset' on data: the client writes 300 KB, and resets when the page's first byte arrives.
      const client = await control.client(l.port, { mode: 'reset', size: 300_000, seed: run, resetOn: 'data' });
      expect(client.connectError).toBeNull();
      const a = await acceptWithin(w, l.s);
      expect(await w.send(a.s, new Uint8Array([run]), 1, 0), lastError(w)).toBe(1);
      // The client's socket is gone (RST sent, its unsent bytes dropped) before the page reads.
      expect((await control.clientState(client.id, 'closed')).last?.closed, `run ${run}: client reset`).toBe(true);
      const got = await recvUntilEnd(w, a.s);
      ends.push(got.end);
      if (got.end === 'WSAECONNRESET') {
        // After the reset, send fails too (no graceful end is left to report).
        expect(await w.send(a.s, new Uint8Array(1), 1, 0), `run ${run}`).toBe(SOCKET_ERROR);
        expect(lastError(w), `run ${run}: send after the reset`).toBe('WSAECONNRESET');
      }
      expect(w.closesocket(a.s)).toBe(0);
      await control.release(client.id);
    }
    expect(ends, 'how each run ended').toEqual(Array(8).fill('WSAECONNRESET'));
  }, 60_000);

  it('8 runs: the page echoes while the client sends 300 KB and resets → the echo loop ends in WSAECONNRESET', async () => {
    const w = inboundWinsock();
    const l = await listeningSocket(w);
    const ends: string[] = [];
    for (let run = 0; run < 8; run++) {
      const client = await control.client(l.port, { mode: 'reset', size: 300_000, seed: run, resetOn: 0 });
      expect(client.connectError).toBeNull();
      const a = await acceptWithin(w, l.s);
      const buf = new Uint8Array(64 * 1024);
      let end = '';
      while (end === '') {
        const n = await w.recv(a.s, buf, buf.length, 0);
        if (n === SOCKET_ERROR) end = `recv ${lastError(w)}`;
        else if (n === 0) end = 'recv 0';
        else if ((await w.send(a.s, buf, n, 0)) === SOCKET_ERROR) end = `send ${lastError(w)}`;
      }
      ends.push(end);
      expect(w.closesocket(a.s)).toBe(0);
      await control.release(client.id);
    }
    expect(
      ends.map((e) => e.endsWith('WSAECONNRESET')),
      `how each run ended: ${ends.join(', ')}`,
    ).toEqual(Array(8).fill(true));
  }, 60_000);
});
