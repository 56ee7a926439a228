/**
 * The WSAAsyncGet*By* lookups and WSACancelAsyncRequest: a task handle at once, then one call of
 * the window procedure with (wMsg, handle, WSAMAKEASYNCREPLY(size, error)) after the call
 * returned, the entry in the caller's ref. Names are answered by the suite's dnsmasq through the
 * relay (dns-zone.ts); services and protocols by the library's tables.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { REVERSE, ZONE } from '../fixtures/dns-zone.js';
import { errName, eventually, lastError, releaseWinsocks, winsock, ws2 } from '../fixtures/winsock.js';

const { MAXGETHOSTSTRUCT, SOCKET_ERROR, WSAGETASYNCBUFLEN, WSAGETASYNCERROR } = ws2;
const WM_LOOKUP = 0x0401;

afterEach(releaseWinsocks);

interface Reply {
  uMsg: number;
  handle: number;
  buflen: number;
  error: string;
}

/** A window procedure that records the replies it is sent. */
function window() {
  const replies: Reply[] = [];
  return {
    replies,
    hWnd(uMsg: number, wParam: number, lParam: number): void {
      replies.push({
        uMsg,
        handle: wParam,
        buflen: WSAGETASYNCBUFLEN(lParam),
        error: errName(WSAGETASYNCERROR(lParam)),
      });
    },
    /** The reply for `handle`, once it came. */
    async replyTo(handle: number): Promise<Reply | undefined> {
      await eventually(() => replies.some((r) => r.handle === handle));
      return replies.find((r) => r.handle === handle);
    },
  };
}

describe('WSAAsyncGetHostByName', () => {
  it('returns a handle at once, then posts the hostent with its size in the reply', async () => {
    const w = winsock();
    const win = window();
    const buf: ws2.AsyncEntryRef<ws2.HOSTENT> = { value: null };
    const handle = w.WSAAsyncGetHostByName(win.hWnd, WM_LOOKUP, ZONE.one, buf, MAXGETHOSTSTRUCT);
    expect(handle).toBeGreaterThan(0);
    expect(win.replies).toEqual([]); // never inside the call
    const reply = await win.replyTo(handle);
    // hostent 16 + "one.test\0" 9 + aliases {NULL} 4 + one address 4 + addr_list {p, NULL} 8
    expect(reply).toEqual({ uMsg: WM_LOOKUP, handle, buflen: 41, error: '0' });
    expect(buf.value).toEqual({
      h_name: ZONE.one,
      h_aliases: [],
      h_addrtype: ws2.AF_INET,
      h_length: 4,
      h_addr_list: [new Uint8Array([127, 0, 0, 1])],
    });
    expect(ws2.hostentBufferSize(buf.value!)).toBe(41);
  });

  it('a CNAME: the canonical name, the asked name as an alias', async () => {
    const w = winsock();
    const win = window();
    const buf: ws2.AsyncEntryRef<ws2.HOSTENT> = { value: null };
    const handle = w.WSAAsyncGetHostByName(win.hWnd, WM_LOOKUP, ZONE.alias, buf, MAXGETHOSTSTRUCT);
    expect((await win.replyTo(handle))?.error).toBe('0');
    expect(buf.value).toMatchObject({ h_name: ZONE.one, h_aliases: [ZONE.alias] });
  });

  it('a buffer too small: WSAENOBUFS with the size needed, nothing written', async () => {
    const w = winsock();
    const win = window();
    const buf: ws2.AsyncEntryRef<ws2.HOSTENT> = { value: null };
    const handle = w.WSAAsyncGetHostByName(win.hWnd, WM_LOOKUP, ZONE.one, buf, 40);
    expect(await win.replyTo(handle)).toEqual({ uMsg: WM_LOOKUP, handle, buflen: 41, error: 'WSAENOBUFS' });
    expect(buf.value).toBeNull();
  });

  it("a name the zone does not have: the lookup's error, size 0", async () => {
    const w = winsock();
    const win = window();
    const handle = w.WSAAsyncGetHostByName(win.hWnd, WM_LOOKUP, ZONE.missing, { value: null }, MAXGETHOSTSTRUCT);
    expect(await win.replyTo(handle)).toMatchObject({ buflen: 0, error: 'WSAHOST_NOT_FOUND' });
  });

  it('fails at once with handle 0 before WSAStartup (WSANOTINITIALISED)', () => {
    const fresh = ws2.createWinsock({ relay: 'ws://127.0.0.1:9/' });
    expect(fresh.WSAAsyncGetHostByName(() => {}, WM_LOOKUP, ZONE.one, { value: null }, MAXGETHOSTSTRUCT)).toBe(0);
    expect(errName(fresh.WSAGetLastError())).toBe('WSANOTINITIALISED');
    expect(fresh.WSACancelAsyncRequest(1)).toBe(SOCKET_ERROR);
    expect(errName(fresh.WSAGetLastError())).toBe('WSANOTINITIALISED');
  });
});

describe('WSACancelAsyncRequest', () => {
  it('a cancelled lookup posts nothing; its handle is then unknown (WSAEINVAL)', async () => {
    const w = winsock();
    const win = window();
    const cancelled = w.WSAAsyncGetHostByName(win.hWnd, WM_LOOKUP, ZONE.one, { value: null }, MAXGETHOSTSTRUCT);
    expect(w.WSACancelAsyncRequest(cancelled), lastError(w)).toBe(0);
    // A second lookup of the same name, started after it: the relay answers in order, so once its
    // reply is here the cancelled one's answer has come too.
    const later = w.WSAAsyncGetHostByName(win.hWnd, WM_LOOKUP, ZONE.one, { value: null }, MAXGETHOSTSTRUCT);
    expect(later).not.toBe(cancelled);
    expect((await win.replyTo(later))?.error).toBe('0');
    expect(win.replies.map((r) => r.handle)).toEqual([later]);
    expect(w.WSACancelAsyncRequest(cancelled)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEINVAL');
  });

  it('a completed task, or a handle never given: WSAEINVAL', async () => {
    const w = winsock();
    const win = window();
    const handle = w.WSAAsyncGetServByName(win.hWnd, WM_LOOKUP, 'http', 'tcp', { value: null }, MAXGETHOSTSTRUCT);
    await win.replyTo(handle);
    expect(w.WSACancelAsyncRequest(handle)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEINVAL');
    expect(w.WSACancelAsyncRequest(0)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEINVAL');
  });

  it('cancels a table lookup too: it completes only after the call returned', async () => {
    const w = winsock();
    const win = window();
    const proto = w.WSAAsyncGetProtoByName(win.hWnd, WM_LOOKUP, 'tcp', { value: null }, MAXGETHOSTSTRUCT);
    expect(w.WSACancelAsyncRequest(proto)).toBe(0);
    const serv = w.WSAAsyncGetServByPort(win.hWnd, WM_LOOKUP, ws2.htons(80), null, { value: null }, MAXGETHOSTSTRUCT);
    await win.replyTo(serv);
    expect(win.replies.map((r) => r.handle)).toEqual([serv]);
  });
});

describe('WSAAsyncGetHostByAddr', () => {
  it("an address's PTR name, the address itself in h_addr_list", async () => {
    const w = winsock();
    const win = window();
    const buf: ws2.AsyncEntryRef<ws2.HOSTENT> = { value: null };
    const addr = new Uint8Array(REVERSE.named.split('.').map(Number));
    const handle = w.WSAAsyncGetHostByAddr(win.hWnd, WM_LOOKUP, addr, 4, ws2.AF_INET, buf, MAXGETHOSTSTRUCT);
    expect((await win.replyTo(handle))?.error).toBe('0');
    expect(buf.value).toEqual({
      h_name: ZONE.named,
      h_aliases: [],
      h_addrtype: ws2.AF_INET,
      h_length: 4,
      h_addr_list: [addr],
    });
  });

  it('no PTR record: WSAHOST_NOT_FOUND; a wrong length: WSAEFAULT; another family: WSAEAFNOSUPPORT', async () => {
    const w = winsock();
    const win = window();
    const unnamed = new Uint8Array(REVERSE.unnamed.split('.').map(Number));
    const none = w.WSAAsyncGetHostByAddr(win.hWnd, WM_LOOKUP, unnamed, 4, ws2.AF_INET, { value: null }, 1024);
    const short = w.WSAAsyncGetHostByAddr(win.hWnd, WM_LOOKUP, unnamed, 3, ws2.AF_INET, { value: null }, 1024);
    const family = w.WSAAsyncGetHostByAddr(win.hWnd, WM_LOOKUP, unnamed, 4, 99, { value: null }, 1024);
    expect((await win.replyTo(none))?.error).toBe('WSAHOST_NOT_FOUND');
    expect((await win.replyTo(short))?.error).toBe('WSAEFAULT');
    expect((await win.replyTo(family))?.error).toBe('WSAEAFNOSUPPORT');
  });
});

describe('WSAAsyncGetServBy* and WSAAsyncGetProtoBy*', () => {
  it('services: by name and by port (network order), WSANO_DATA when unknown', async () => {
    const w = winsock();
    const win = window();
    const byName: ws2.AsyncEntryRef<ws2.SERVENT> = { value: null };
    const byPort: ws2.AsyncEntryRef<ws2.SERVENT> = { value: null };
    const a = w.WSAAsyncGetServByName(win.hWnd, WM_LOOKUP, 'http', 'tcp', byName, MAXGETHOSTSTRUCT);
    const b = w.WSAAsyncGetServByPort(win.hWnd, WM_LOOKUP, ws2.htons(443), null, byPort, MAXGETHOSTSTRUCT);
    const c = w.WSAAsyncGetServByName(win.hWnd, WM_LOOKUP, 'no-such-service', null, { value: null }, 1024);
    // servent 16 + "http\0" 5 + "tcp\0" 4 + {www, www-http, NULL} 12 + "www\0" 4 + "www-http\0" 9
    expect(await win.replyTo(a)).toMatchObject({ buflen: 50, error: '0' });
    expect(byName.value).toEqual({
      s_name: 'http',
      s_aliases: ['www', 'www-http'],
      s_port: ws2.htons(80),
      s_proto: 'tcp',
    });
    expect((await win.replyTo(b))?.error).toBe('0');
    expect(byPort.value).toMatchObject({ s_name: 'https', s_port: ws2.htons(443) });
    expect((await win.replyTo(c))?.error).toBe('WSANO_DATA');
  });

  it("protocols: Windows' table by name (any case) and by number", async () => {
    const w = winsock();
    const win = window();
    const tcp: ws2.AsyncEntryRef<ws2.PROTOENT> = { value: null };
    const udp: ws2.AsyncEntryRef<ws2.PROTOENT> = { value: null };
    const a = w.WSAAsyncGetProtoByName(win.hWnd, WM_LOOKUP, 'TCP', tcp, MAXGETHOSTSTRUCT);
    const b = w.WSAAsyncGetProtoByNumber(win.hWnd, WM_LOOKUP, 17, udp, MAXGETHOSTSTRUCT);
    const c = w.WSAAsyncGetProtoByNumber(win.hWnd, WM_LOOKUP, 250, { value: null }, MAXGETHOSTSTRUCT);
    const small = w.WSAAsyncGetProtoByName(win.hWnd, WM_LOOKUP, 'udp', { value: null }, 12);
    // protoent 12 + "tcp\0" 4 + {"TCP", NULL} 8 + "TCP\0" 4
    expect(await win.replyTo(a)).toMatchObject({ buflen: 28, error: '0' });
    expect(tcp.value).toEqual({ p_name: 'tcp', p_aliases: ['TCP'], p_proto: 6 });
    expect((await win.replyTo(b))?.error).toBe('0');
    expect(udp.value).toEqual({ p_name: 'udp', p_aliases: ['UDP'], p_proto: 17 });
    expect((await win.replyTo(c))?.error).toBe('WSANO_DATA');
    expect(await win.replyTo(small)).toMatchObject({ buflen: 28, error: 'WSAENOBUFS' });
  });
});
