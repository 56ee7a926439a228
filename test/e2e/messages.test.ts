/**
 * WSASendMsg / WSARecvMsg end to end: through the real relay to real node:dgram echo peers on
 * 127.0.0.1 and ::1, with IP_PKTINFO / IPV6_PKTINFO control data, as Windows (and Wine's
 * test_ip_pktinfo) describe them: WSARecvMsg comes from WSAIoctl(WSAID_WSARECVMSG), Control.len
 * comes back as the control bytes written, MSG_CTRUNC when they did not fit.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { WSAMSG, WSAOVERLAPPED } from '../../packages/browser/src/index.js';
import { Control, text, untext } from '../fixtures/control.js';
import {
  addr,
  connectedSocket,
  lastError,
  readU32,
  releaseWinsocks,
  settledWithin,
  tcpSocket,
  u32,
  udpSocket,
  winsock,
  ws2,
  type Winsock,
} from '../fixtures/winsock.js';

const {
  AF_INET,
  AF_INET6,
  SOCKET_ERROR,
  IPPROTO_IP,
  IPPROTO_IPV6,
  IP_PKTINFO,
  IPV6_PKTINFO,
  MSG_CTRUNC,
  MSG_TRUNC,
  SIO_GET_EXTENSION_FUNCTION_POINTER,
  WSA_IO_PENDING,
  WSA_WAIT_EVENT_0,
} = ws2;
const control = new Control();

afterEach(releaseWinsocks);
afterAll(() => control.releaseAll());

const PROMPT_MS = 5000;

/** A WSAMSG receiving into one buffer of `size` bytes with a control buffer of `controlLen`. */
function recvMsg(size: number, controlLen: number, nameLen = 28): WSAMSG {
  return {
    name: new Uint8Array(nameLen),
    namelen: nameLen,
    lpBuffers: [{ len: size, buf: new Uint8Array(size) }],
    dwBufferCount: 1,
    Control: { len: controlLen, buf: new Uint8Array(Math.max(controlLen, 1)) },
    dwFlags: 0,
  };
}

/** A WSAMSG sending `data` to `to` (null: the peer / the TCP connection). */
function sendMsg(data: Uint8Array, to: Uint8Array | null): WSAMSG {
  return {
    name: to,
    namelen: to?.length ?? 0,
    lpBuffers: [{ len: data.length, buf: data }],
    dwBufferCount: 1,
    Control: { len: 0, buf: null },
    dwFlags: 0,
  };
}

/** A UDP socket bound to host:0 with `level`/`option` (IP_PKTINFO…) set to 1. */
function pktinfoSocket(w: Winsock, af: number, host: string, level: number, option: number): number {
  const s = udpSocket(w, af);
  const local = addr(0, host);
  expect(w.bind(s, local, local.length), lastError(w)).toBe(0);
  expect(w.setsockopt(s, level, option, u32(1), 4), lastError(w)).toBe(0);
  return s;
}

/** Sends `data` with WSASendMsg and receives the echo with WSARecvMsg into `msg`. */
async function echoThroughMsg(w: Winsock, s: number, port: number, host: string, msg: WSAMSG, data: Uint8Array) {
  const sent = { value: -1 };
  expect(await w.WSASendMsg(s, sendMsg(data, addr(port, host)), 0, sent, null, null), lastError(w)).toBe(0);
  expect(sent.value).toBe(data.length);
  const recvd = { value: -1 };
  const rc = await settledWithin(w.WSARecvMsg(s, msg, recvd, null, null), PROMPT_MS);
  expect(rc, 'WSARecvMsg did not complete').not.toBe('pending');
  return { rc, recvd: recvd.value };
}

describe('WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER)', () => {
  it('hands out WSARecvMsg for WSAID_WSARECVMSG and WSASendMsg for WSAID_WSASENDMSG', () => {
    const w = winsock();
    const s = udpSocket(w);
    for (const [guid, fn] of [
      [ws2.WSAID_WSARECVMSG, w.WSARecvMsg],
      [ws2.WSAID_WSASENDMSG, w.WSASendMsg],
    ] as const) {
      const out: { value: unknown } = { value: null };
      const returned = { value: 0 };
      expect(
        w.WSAIoctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, guid, 16, out, 8, returned, null, null),
        lastError(w),
      ).toBe(0);
      expect(out.value).toBe(fn);
      expect(returned.value).toBe(8);
    }
  });
});

describe('IP_PKTINFO / IPV6_PKTINFO options', () => {
  it('IP_PKTINFO is off by default, set and read back on UDP; a TCP socket has no such option (WSAENOPROTOOPT)', () => {
    const w = winsock();
    const s = udpSocket(w);
    const val = new Uint8Array(4);
    const len = { value: 4 };
    expect(w.getsockopt(s, IPPROTO_IP, IP_PKTINFO, val, len), lastError(w)).toBe(0);
    expect(readU32(val)).toBe(0);
    expect(w.setsockopt(s, IPPROTO_IP, IP_PKTINFO, u32(1), 4), lastError(w)).toBe(0);
    expect(w.getsockopt(s, IPPROTO_IP, IP_PKTINFO, val, len), lastError(w)).toBe(0);
    expect(readU32(val)).toBe(1);
    const t = tcpSocket(w);
    expect(w.setsockopt(t, IPPROTO_IP, IP_PKTINFO, u32(1), 4)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAENOPROTOOPT');
  });

  it('IPV6_PKTINFO belongs to AF_INET6 datagram sockets (an AF_INET one → WSAENOPROTOOPT)', () => {
    const w = winsock();
    expect(w.setsockopt(udpSocket(w, AF_INET6), IPPROTO_IPV6, IPV6_PKTINFO, u32(1), 4), lastError(w)).toBe(0);
    expect(w.setsockopt(udpSocket(w, AF_INET), IPPROTO_IPV6, IPV6_PKTINFO, u32(1), 4)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAENOPROTOOPT');
  });
});

describe('WSARecvMsg', () => {
  it('with IP_PKTINFO on a socket bound to 127.0.0.1: the data, the source, and IN_PKTINFO {127.0.0.1, ifindex 1}', async () => {
    const echo = await control.udpEcho();
    const w = winsock();
    const s = pktinfoSocket(w, AF_INET, '127.0.0.1', IPPROTO_IP, IP_PKTINFO);
    const msg = recvMsg(64, 64);
    const { rc, recvd } = await echoThroughMsg(w, s, echo.port, '127.0.0.1', msg, text('HELLO'));
    expect(rc, lastError(w)).toBe(0);
    expect(recvd).toBe(5);
    expect(untext(msg.lpBuffers[0]!.buf!.subarray(0, 5))).toBe('HELLO');
    expect(msg.namelen).toBe(16);
    expect(ws2.parseSockaddr(msg.name!.subarray(0, 16))).toMatchObject({ address: '127.0.0.1', port: echo.port });
    expect(msg.dwFlags).toBe(0);
    // WSA_CMSG_SPACE(sizeof(IN_PKTINFO)): a 12-byte header and 8 bytes of data.
    expect(msg.Control.len).toBe(ws2.WSA_CMSG_SPACE(ws2.IN_PKTINFO_SIZE));
    expect(msg.Control.len).toBe(20);
    const cmsgs = ws2.readControlMessages(msg.Control.buf!, msg.Control.len);
    expect(cmsgs).toHaveLength(1);
    expect(cmsgs![0]).toMatchObject({ level: IPPROTO_IP, type: IP_PKTINFO });
    expect([...cmsgs![0]!.data.subarray(0, 4)]).toEqual([127, 0, 0, 1]);
    expect(readU32(cmsgs![0]!.data, 4)).toBe(1);
  });

  it('without IP_PKTINFO: no control data (Control.len 0)', async () => {
    const echo = await control.udpEcho();
    const w = winsock();
    const s = udpSocket(w);
    const msg = recvMsg(64, 64);
    const { rc, recvd } = await echoThroughMsg(w, s, echo.port, '127.0.0.1', msg, text('plain'));
    expect(rc, lastError(w)).toBe(0);
    expect(recvd).toBe(5);
    expect(msg.Control.len).toBe(0);
    expect(msg.dwFlags).toBe(0);
  });

  it('a control buffer too small (1 byte): SOCKET_ERROR + WSAEMSGSIZE with MSG_CTRUNC, the data delivered', async () => {
    const echo = await control.udpEcho();
    const w = winsock();
    const s = pktinfoSocket(w, AF_INET, '127.0.0.1', IPPROTO_IP, IP_PKTINFO);
    const msg = recvMsg(64, 1);
    const { rc } = await echoThroughMsg(w, s, echo.port, '127.0.0.1', msg, text('HELLO'));
    expect(rc).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEMSGSIZE');
    expect(msg.dwFlags & MSG_CTRUNC).toBe(MSG_CTRUNC);
    expect(msg.Control.len).toBe(0);
    expect(untext(msg.lpBuffers[0]!.buf!.subarray(0, 5))).toBe('HELLO');
  });

  it('overlapped with a control buffer too small: completes with WSAEMSGSIZE and the bytes, dwFlags MSG_CTRUNC', async () => {
    const echo = await control.udpEcho();
    const w = winsock();
    const s = pktinfoSocket(w, AF_INET, '127.0.0.1', IPPROTO_IP, IP_PKTINFO);
    const msg = recvMsg(64, 1);
    const ev = w.WSACreateEvent();
    const ov: WSAOVERLAPPED = { hEvent: ev };
    expect(await w.WSARecvMsg(s, msg, null, ov, null)).toBe(SOCKET_ERROR);
    expect(w.WSAGetLastError()).toBe(WSA_IO_PENDING);
    const to = addr(echo.port);
    expect(await w.sendto(s, text('HELLO'), 5, 0, to, to.length), lastError(w)).toBe(5);
    expect(await w.WSAWaitForMultipleEvents(1, [ev], false, PROMPT_MS, false)).toBe(WSA_WAIT_EVENT_0);
    const bytes = { value: -1 };
    const flags = { value: -1 };
    expect(await w.WSAGetOverlappedResult(s, ov, bytes, false, flags)).toBe(false);
    expect(lastError(w)).toBe('WSAEMSGSIZE');
    expect(bytes.value).toBe(5);
    expect(flags.value).toBe(0);
    expect(msg.dwFlags).toBe(MSG_CTRUNC);
    expect(untext(msg.lpBuffers[0]!.buf!.subarray(0, 5))).toBe('HELLO');
  });

  it('overlapped with room: completes with the data and IN_PKTINFO; Control.len unchanged until then', async () => {
    const echo = await control.udpEcho();
    const w = winsock();
    const s = pktinfoSocket(w, AF_INET, '127.0.0.1', IPPROTO_IP, IP_PKTINFO);
    const msg = recvMsg(64, 512);
    const ev = w.WSACreateEvent();
    const ov: WSAOVERLAPPED = { hEvent: ev };
    expect(await w.WSARecvMsg(s, msg, null, ov, null)).toBe(SOCKET_ERROR);
    expect(w.WSAGetLastError()).toBe(WSA_IO_PENDING);
    expect(msg.Control.len).toBe(512);
    const to = addr(echo.port);
    expect(await w.sendto(s, text('HELLO'), 5, 0, to, to.length), lastError(w)).toBe(5);
    expect(await w.WSAWaitForMultipleEvents(1, [ev], false, PROMPT_MS, false)).toBe(WSA_WAIT_EVENT_0);
    const bytes = { value: -1 };
    expect(await w.WSAGetOverlappedResult(s, ov, bytes, false, null), lastError(w)).toBe(true);
    expect(bytes.value).toBe(5);
    expect(msg.Control.len).toBe(20);
    expect(msg.dwFlags).toBe(0);
  });

  it('a datagram larger than the buffers: WSAEMSGSIZE with MSG_TRUNC, the first bytes delivered', async () => {
    const echo = await control.udpEcho();
    const w = winsock();
    const s = udpSocket(w);
    const msg = recvMsg(4, 0);
    const { rc } = await echoThroughMsg(w, s, echo.port, '127.0.0.1', msg, text('truncated'));
    expect(rc).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEMSGSIZE');
    expect(msg.dwFlags).toBe(MSG_TRUNC);
    expect(untext(msg.lpBuffers[0]!.buf!)).toBe('trun');
  });

  it('on a socket bound to the wildcard: IN_PKTINFO carries the unspecified address (the relay cannot see the destination)', async () => {
    const echo = await control.udpEcho();
    const w = winsock();
    const s = pktinfoSocket(w, AF_INET, '0.0.0.0', IPPROTO_IP, IP_PKTINFO);
    const msg = recvMsg(64, 64);
    const { rc } = await echoThroughMsg(w, s, echo.port, '127.0.0.1', msg, text('any'));
    expect(rc, lastError(w)).toBe(0);
    const cmsgs = ws2.readControlMessages(msg.Control.buf!, msg.Control.len);
    expect([...cmsgs![0]!.data.subarray(0, 4)]).toEqual([0, 0, 0, 0]);
    expect(readU32(cmsgs![0]!.data, 4)).toBe(1);
  });

  it('IPV6_PKTINFO on a socket bound to ::1: IN6_PKTINFO {::1, ifindex 1}', async () => {
    const echo = await control.udpEcho('::1');
    const w = winsock();
    const s = pktinfoSocket(w, AF_INET6, '::1', IPPROTO_IPV6, IPV6_PKTINFO);
    const msg = recvMsg(64, 64);
    const { rc, recvd } = await echoThroughMsg(w, s, echo.port, '::1', msg, text('six'));
    expect(rc, lastError(w)).toBe(0);
    expect(recvd).toBe(3);
    expect(msg.namelen).toBe(28);
    expect(msg.Control.len).toBe(ws2.WSA_CMSG_SPACE(ws2.IN6_PKTINFO_SIZE));
    const cmsgs = ws2.readControlMessages(msg.Control.buf!, msg.Control.len);
    expect(cmsgs![0]).toMatchObject({ level: IPPROTO_IPV6, type: IPV6_PKTINFO });
    expect([...cmsgs![0]!.data.subarray(0, 16)]).toEqual([...new Uint8Array(15), 1]);
    expect(readU32(cmsgs![0]!.data, 16)).toBe(1);
  });

  it('no WSAMSG, or neither a byte count nor an OVERLAPPED → WSAEFAULT; a name buffer too small → WSAEFAULT', async () => {
    const w = winsock();
    const s = pktinfoSocket(w, AF_INET, '127.0.0.1', IPPROTO_IP, IP_PKTINFO);
    expect(await w.WSARecvMsg(s, null, { value: 0 }, null, null)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEFAULT');
    expect(await w.WSARecvMsg(s, recvMsg(8, 64), null, null, null)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEFAULT');
    expect(await w.WSARecvMsg(s, recvMsg(8, 64, 8), { value: 0 }, null, null)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEFAULT');
    expect(await w.WSARecvMsg(12345, recvMsg(8, 64), { value: 0 }, null, null)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAENOTSOCK');
  });
});

describe('WSASendMsg', () => {
  it('on TCP with no control data: sends the gathered buffers over the connection', async () => {
    const echo = await control.echo();
    const w = winsock();
    const s = await connectedSocket(w, echo.port);
    const msg: WSAMSG = {
      name: null,
      namelen: 0,
      lpBuffers: [
        { len: 4, buf: text('over') },
        { len: 4, buf: text(' tcp') },
      ],
      dwBufferCount: 2,
      Control: { len: 0, buf: null },
      dwFlags: 0,
    };
    const sent = { value: -1 };
    expect(await w.WSASendMsg(s, msg, 0, sent, null, null), lastError(w)).toBe(0);
    expect(sent.value).toBe(8);
    const buf = new Uint8Array(8);
    let got = 0;
    while (got < 8) {
      const n = await w.recv(s, buf.subarray(got), 8 - got, 0);
      expect(n, lastError(w)).toBeGreaterThan(0);
      got += n;
    }
    expect(untext(buf)).toBe('over tcp');
  });

  it('no WSAMSG, or no byte count without an OVERLAPPED → WSAEFAULT; an unspecified destination → WSAEADDRNOTAVAIL', async () => {
    const w = winsock();
    const s = udpSocket(w);
    expect(await w.WSASendMsg(s, null, 0, { value: 0 }, null, null)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEFAULT');
    expect(await w.WSASendMsg(s, sendMsg(text('x'), addr(9)), 0, null, null, null)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEFAULT');
    expect(await w.WSASendMsg(s, sendMsg(text('x'), addr(0, '0.0.0.0')), 0, { value: 0 }, null, null)).toBe(
      SOCKET_ERROR,
    );
    expect(lastError(w)).toBe('WSAEADDRNOTAVAIL');
  });
});
