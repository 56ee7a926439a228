/**
 * WSASendMsg and WSARecvMsg from C (ws2web/messages.h; C gets WSARecvMsg from WSAIoctl, in the
 * header), blocking or overlapped. The C WSAMSG is read at the call; what the library received
 * (data, source, control data, Control.len, namelen, dwFlags) is written back when the call
 * returns or, overlapped, when the operation completes — also for a truncated datagram
 * (WSAEMSGSIZE delivers the first bytes, as Windows).
 *
 * WSAMSG on wasm32: name@0 namelen@4 lpBuffers@8 dwBufferCount@12 Control.len@16 Control.buf@20
 * dwFlags@24 (28 bytes).
 */
import type { WSAMSG } from '@ws2web/browser';
import type { GlueContext, ImportGroup } from './context.js';
import { MAX_SOCKADDR, readSockaddr, readWsabufs } from './structs.js';
import { SOCKET_ERROR, WSAEFAULT, WSAEMSGSIZE } from './values.js';
import { OVERLAPPED_SIZE, overlappedIo } from './ws2-overlapped-state.js';
import { WSA_IO_PENDING } from './ws2-overlapped-status.js';

const WSAMSG_SIZE = 28;
/** A sanity bound on control buffers copied between memory and the library. */
const MAX_CONTROL = 65536;

/** A C WSAMSG as read at the call. */
interface CMsg {
  ptr: number;
  name: number;
  namelen: number;
  targets: { ptr: number; len: number }[];
  control: { ptr: number; len: number };
  flags: number;
}

export function messageImports(ctx: GlueContext): ImportGroup {
  const { w } = ctx;
  const io = overlappedIo(ctx);

  /** The WSAMSG at `ptr` if it and every buffer it names lie in memory; null → WSAEFAULT. */
  function readMsg(ptr: number): CMsg | null {
    const m = ctx.m;
    if (ptr === 0 || !m.inBounds(ptr, WSAMSG_SIZE)) return null;
    const targets = readWsabufs(m, m.u32(ptr + 8), m.u32(ptr + 12));
    const control = { ptr: m.u32(ptr + 20), len: Math.min(m.u32(ptr + 16), MAX_CONTROL) };
    if (!targets || (control.len > 0 && !m.inBounds(control.ptr, control.len))) return null;
    return { ptr, name: m.u32(ptr), namelen: m.i32(ptr + 4), targets, control, flags: m.u32(ptr + 24) };
  }

  /** The library's WSAMSG for receiving what `c` asks for: one buffer, a name and control buffer of the C sizes. */
  function receiving(c: CMsg): WSAMSG {
    const total = c.targets.reduce((n, t) => n + t.len, 0);
    const namelen = Math.max(0, Math.min(c.namelen, MAX_SOCKADDR));
    return {
      name: c.name === 0 ? null : new Uint8Array(namelen),
      namelen,
      lpBuffers: [{ len: total, buf: new Uint8Array(total) }],
      dwBufferCount: 1,
      Control: { len: c.control.len, buf: c.control.len > 0 ? new Uint8Array(c.control.len) : null },
      dwFlags: c.flags,
    };
  }

  /** Writes what the library received into the C buffers and WSAMSG (memory may have grown since the call). */
  function commit(c: CMsg, got: WSAMSG, bytes: number): void {
    const m = ctx.m;
    const data = got.lpBuffers[0]?.buf ?? new Uint8Array(0);
    let at = 0;
    for (const t of c.targets) {
      const take = Math.min(t.len, bytes - at);
      if (take <= 0) break;
      m.write(t.ptr, data.subarray(at, at + take));
      at += take;
    }
    if (c.name !== 0 && got.name && got.namelen <= c.namelen) {
      m.write(c.name, got.name.subarray(0, got.namelen));
      m.setI32(c.ptr + 4, got.namelen);
    }
    if (got.Control.buf && got.Control.len > 0) m.write(c.control.ptr, got.Control.buf.subarray(0, got.Control.len));
    m.setU32(c.ptr + 16, got.Control.len);
    m.setU32(c.ptr + 24, got.dwFlags);
  }

  const validOverlapped = (ov: number) => ov !== 0 && ctx.m.inBounds(ov, OVERLAPPED_SIZE);
  const isPending = () => w.WSAGetLastError() === WSA_IO_PENDING;

  async function WSARecvMsg(
    s: number,
    lpMsg: number,
    lpRecvd: number,
    lpOverlapped: number,
    lpRoutine: number,
  ): Promise<number> {
    const c = readMsg(lpMsg);
    if (!c) return ctx.fail(WSAEFAULT, SOCKET_ERROR);
    const msg = receiving(c);
    if (lpOverlapped === 0) {
      const recvd = lpRecvd === 0 ? null : { value: 0 };
      const rc = await w.WSARecvMsg(s >>> 0, msg, recvd, null, null);
      if (rc === 0 || w.WSAGetLastError() === WSAEMSGSIZE) {
        commit(c, msg, recvd?.value ?? 0);
        if (recvd) ctx.m.setU32(lpRecvd, recvd.value);
      }
      return rc;
    }
    if (!validOverlapped(lpOverlapped)) return ctx.fail(WSAEFAULT, SOCKET_ERROR);
    const started = await io.start({
      socket: s,
      overlapped: lpOverlapped,
      routine: lpRoutine,
      begin: async (ov) => (await w.WSARecvMsg(s >>> 0, msg, null, ov, null)) === SOCKET_ERROR && isPending(),
      deliver: (bytes) => commit(c, msg, bytes),
    });
    return started ? ctx.fail(WSA_IO_PENDING, SOCKET_ERROR) : SOCKET_ERROR;
  }

  async function WSASendMsg(
    s: number,
    lpMsg: number,
    flags: number,
    lpSent: number,
    lpOverlapped: number,
    lpRoutine: number,
  ): Promise<number> {
    const c = readMsg(lpMsg);
    if (!c) return ctx.fail(WSAEFAULT, SOCKET_ERROR);
    const m = ctx.m;
    // The bytes are taken at the call, as Windows locks the pages.
    const msg: WSAMSG = {
      name: readSockaddr(m, c.name, c.namelen),
      namelen: c.namelen,
      lpBuffers: c.targets.map((t) => ({ len: t.len, buf: m.copy(t.ptr, t.len) })),
      dwBufferCount: c.targets.length,
      Control: { len: c.control.len, buf: c.control.len > 0 ? m.copy(c.control.ptr, c.control.len) : null },
      dwFlags: c.flags,
    };
    if (lpOverlapped === 0) {
      const sent = lpSent === 0 ? null : { value: 0 };
      const rc = await w.WSASendMsg(s >>> 0, msg, flags >>> 0, sent, null, null);
      if (rc === 0 && sent) ctx.m.setU32(lpSent, sent.value);
      return rc;
    }
    if (!validOverlapped(lpOverlapped)) return ctx.fail(WSAEFAULT, SOCKET_ERROR);
    const started = await io.start({
      socket: s,
      overlapped: lpOverlapped,
      routine: lpRoutine,
      begin: async (ov) =>
        (await w.WSASendMsg(s >>> 0, msg, flags >>> 0, null, ov, null)) === SOCKET_ERROR && isPending(),
    });
    return started ? ctx.fail(WSA_IO_PENDING, SOCKET_ERROR) : SOCKET_ERROR;
  }

  return { sync: {}, blocking: { WSARecvMsg, WSASendMsg } };
}
