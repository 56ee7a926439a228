/**
 * Wine's ws2_32 protocol.c test_gethostname, test_gethostbyname and test_gethostbyname_hack, from
 * real Windows: the host name, its buffer rules, and looking it up. The computer name is the
 * page's host (localhost in the suites), answered in the page as Windows answers "localhost".
 */
import { afterEach, describe, expect, it } from 'vitest';
import { lastError, present, releaseWinsocks, winsock, ws2, type Winsock } from '../../fixtures/winsock.js';

const { SOCKET_ERROR } = ws2;
const MARK = 0xdeadbeef | 0;

afterEach(releaseWinsocks);

/** gethostname into a 256-byte buffer: its result and the name. */
function hostName(w: Winsock): { ret: number; name: string } {
  const buf = new Uint8Array(256);
  const ret = w.gethostname(buf, buf.length);
  return { ret, name: new TextDecoder().decode(buf.subarray(0, buf.indexOf(0))) };
}

describe('gethostname (test_gethostname)', () => {
  it('no buffer → WSAEFAULT; a length one short → WSAEFAULT and the buffer untouched; exact → 0', async () => {
    const w = winsock();
    w.WSASetLastError(MARK);
    expect(w.gethostname(null, 256)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEFAULT');

    const { ret, name } = hostName(w);
    expect(ret, lastError(w)).toBe(0);
    expect(await w.gethostbyname(name), lastError(w)).not.toBeNull();

    const len = new TextEncoder().encode(name).length;
    const buf = new TextEncoder().encode('deadbeef\0'.padEnd(256, '\0'));
    w.WSASetLastError(MARK);
    expect(w.gethostname(buf, len)).toBe(SOCKET_ERROR);
    expect(new TextDecoder().decode(buf.subarray(0, buf.indexOf(0)))).toBe('deadbeef');
    expect(lastError(w)).toBe('WSAEFAULT');

    expect(w.gethostname(buf, len + 1), lastError(w)).toBe(0);
    const again = new TextDecoder().decode(buf.subarray(0, buf.indexOf(0)));
    expect(await w.gethostbyname(again), lastError(w)).not.toBeNull();
  });
});

describe('gethostbyname (test_gethostbyname, test_gethostbyname_hack)', () => {
  it('the host name resolves; with 127.0.0.1 among its addresses, that is the only one', async () => {
    const w = winsock();
    const { ret, name } = hostName(w);
    expect(ret, lastError(w)).toBe(0);
    const he = present(await w.gethostbyname(name), `gethostbyname: ${lastError(w)}`);
    const ips = he.h_addr_list.map((a) => a.join('.'));
    expect(ips).toContain('127.0.0.1');
    expect(ips).toHaveLength(1);
  });

  it('"localhost" → 127.0.0.1 first', async () => {
    const w = winsock();
    expect(hostName(w).ret, lastError(w)).toBe(0);
    const he = present(await w.gethostbyname('localhost'), `gethostbyname: ${lastError(w)}`);
    expect([...present(he.h_addr_list[0], 'h_addr_list[0]')]).toEqual([127, 0, 0, 1]);
  });
});
