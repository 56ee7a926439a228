/**
 * ws2_32 imports that move data: send, recv, sendto, recvfrom, WSASend, WSARecv, WSASendTo,
 * WSARecvFrom. All may block. Outgoing bytes are copied out of memory before the call; incoming
 * bytes land in a JavaScript buffer and only the bytes received are copied into the C buffer.
 * Calls with an lpOverlapped are taken by ws2-overlapped.ts first; one that still reaches here
 * (a completion routine without an OVERLAPPED) → WSAEOPNOTSUPP. A datagram cut to the buffer
 * fails with WSAEMSGSIZE yet its first bytes and its source are delivered, as Windows.
 */
import type { GlueContext, ImportGroup } from './context.js';
import { OutAddress, readRef, readSockaddr, readWsabufs, scatter } from './structs.js';
import { SOCKET_ERROR, WSAEFAULT, WSAEMSGSIZE, WSAEOPNOTSUPP } from './values.js';

export function dataImports(ctx: GlueContext): ImportGroup {
  const { w } = ctx;

  /** The call received data: it succeeded, or it cut a datagram to the buffer (WSAEMSGSIZE). */
  function delivered(rc: number): boolean {
    return rc !== SOCKET_ERROR || w.WSAGetLastError() === WSAEMSGSIZE;
  }

  /** The C buffer [buf, buf + len) is inside memory (else Windows' WSAEFAULT). */
  function validBuffer(buf: number, len: number): boolean {
    return len < 0 || ctx.m.inBounds(buf, len);
  }

  async function send(s: number, buf: number, len: number, flags: number): Promise<number> {
    if (!validBuffer(buf, len)) return ctx.fail(WSAEFAULT, SOCKET_ERROR);
    return w.send(s >>> 0, ctx.m.copy(buf, Math.max(0, len)), len, flags);
  }

  async function recv(s: number, buf: number, len: number, flags: number): Promise<number> {
    if (!validBuffer(buf, len)) return ctx.fail(WSAEFAULT, SOCKET_ERROR);
    const into = new Uint8Array(Math.max(0, len));
    const rc = await w.recv(s >>> 0, into, len, flags);
    if (rc > 0) ctx.m.write(buf, into.subarray(0, rc));
    else if (rc === SOCKET_ERROR && delivered(rc)) ctx.m.write(buf, into);
    return rc;
  }

  async function sendto(
    s: number,
    buf: number,
    len: number,
    flags: number,
    to: number,
    tolen: number,
  ): Promise<number> {
    if (!validBuffer(buf, len)) return ctx.fail(WSAEFAULT, SOCKET_ERROR);
    const m = ctx.m;
    return w.sendto(s >>> 0, m.copy(buf, Math.max(0, len)), len, flags, readSockaddr(m, to, tolen), tolen);
  }

  async function recvfrom(
    s: number,
    buf: number,
    len: number,
    flags: number,
    from: number,
    fromlen: number,
  ): Promise<number> {
    if (!validBuffer(buf, len)) return ctx.fail(WSAEFAULT, SOCKET_ERROR);
    const into = new Uint8Array(Math.max(0, len));
    const out = new OutAddress(ctx.m, from, fromlen);
    const rc = await w.recvfrom(s >>> 0, into, len, flags, out.buf, out.ref);
    if (delivered(rc)) {
      // A cut datagram filled the whole buffer.
      ctx.m.write(buf, rc === SOCKET_ERROR ? into : into.subarray(0, rc));
      out.commit();
    }
    return rc;
  }

  /** Shared by WSASend / WSASendTo: gathers the C buffers into WSABUFs of copies. */
  function outgoing(lpBuffers: number, count: number) {
    const m = ctx.m;
    const list = readWsabufs(m, lpBuffers, count >>> 0);
    return list ? list.map((b) => ({ len: b.len, buf: m.copy(b.ptr, b.len) })) : null;
  }

  async function WSASend(
    s: number,
    lpBuffers: number,
    count: number,
    lpSent: number,
    flags: number,
    lpOverlapped: number,
    lpRoutine: number,
  ): Promise<number> {
    if (lpOverlapped !== 0 || lpRoutine !== 0) return ctx.fail(WSAEOPNOTSUPP, SOCKET_ERROR);
    const buffers = outgoing(lpBuffers, count);
    if (!buffers) return ctx.fail(WSAEFAULT, SOCKET_ERROR);
    const sent = lpSent === 0 ? null : { value: 0 };
    const rc = await w.WSASend(s >>> 0, buffers, count >>> 0, sent, flags >>> 0, null, null);
    if (rc === 0 && sent) ctx.m.setU32(lpSent, sent.value);
    return rc;
  }

  async function WSASendTo(
    s: number,
    lpBuffers: number,
    count: number,
    lpSent: number,
    flags: number,
    to: number,
    tolen: number,
    lpOverlapped: number,
    lpRoutine: number,
  ): Promise<number> {
    if (lpOverlapped !== 0 || lpRoutine !== 0) return ctx.fail(WSAEOPNOTSUPP, SOCKET_ERROR);
    const buffers = outgoing(lpBuffers, count);
    if (!buffers) return ctx.fail(WSAEFAULT, SOCKET_ERROR);
    const sent = lpSent === 0 ? null : { value: 0 };
    const rc = await w.WSASendTo(
      s >>> 0,
      buffers,
      count >>> 0,
      sent,
      flags >>> 0,
      readSockaddr(ctx.m, to, tolen),
      tolen,
      null,
      null,
    );
    if (rc === 0 && sent) ctx.m.setU32(lpSent, sent.value);
    return rc;
  }

  /** Shared by WSARecv / WSARecvFrom: JavaScript buffers for the C ones, scattered back after. */
  async function receive(
    lpBuffers: number,
    count: number,
    lpRecvd: number,
    lpFlags: number,
    lpOverlapped: number,
    lpRoutine: number,
    call: (
      buffers: { len: number; buf: Uint8Array }[],
      recvd: { value: number },
      flags: { value: number } | null,
    ) => Promise<number>,
  ): Promise<number> {
    if (lpOverlapped !== 0 || lpRoutine !== 0) return ctx.fail(WSAEOPNOTSUPP, SOCKET_ERROR);
    const targets = readWsabufs(ctx.m, lpBuffers, count >>> 0);
    if (!targets) return ctx.fail(WSAEFAULT, SOCKET_ERROR);
    const buffers = targets.map((t) => ({ len: t.len, buf: new Uint8Array(t.len) }));
    // Always counted, even when lpNumberOfBytesRecvd is NULL: only received bytes are copied back.
    const recvd = { value: 0 };
    const flags = readRef(ctx.m, lpFlags, true);
    const rc = await call(buffers, recvd, flags);
    if (delivered(rc)) {
      const m = ctx.m;
      scatter(
        m,
        targets,
        buffers.map((b) => b.buf),
        recvd.value,
      );
    }
    // The count and flags are written on success only.
    if (rc === 0) {
      if (lpRecvd !== 0) ctx.m.setU32(lpRecvd, recvd.value);
      if (flags) ctx.m.setU32(lpFlags, flags.value);
    }
    return rc;
  }

  function WSARecv(
    s: number,
    lpBuffers: number,
    count: number,
    lpRecvd: number,
    lpFlags: number,
    lpOverlapped: number,
    lpRoutine: number,
  ): Promise<number> {
    return receive(lpBuffers, count, lpRecvd, lpFlags, lpOverlapped, lpRoutine, (buffers, recvd, flags) =>
      w.WSARecv(s >>> 0, buffers, count >>> 0, recvd, flags, null, null),
    );
  }

  async function WSARecvFrom(
    s: number,
    lpBuffers: number,
    count: number,
    lpRecvd: number,
    lpFlags: number,
    from: number,
    fromlen: number,
    lpOverlapped: number,
    lpRoutine: number,
  ): Promise<number> {
    const out = new OutAddress(ctx.m, from, fromlen);
    const rc = await receive(lpBuffers, count, lpRecvd, lpFlags, lpOverlapped, lpRoutine, (buffers, recvd, flags) =>
      w.WSARecvFrom(s >>> 0, buffers, count >>> 0, recvd, flags, out.buf, out.ref, null, null),
    );
    if (delivered(rc)) out.commit();
    return rc;
  }

  return {
    sync: {},
    blocking: { send, recv, sendto, recvfrom, WSASend, WSARecv, WSASendTo, WSARecvFrom },
  };
}
