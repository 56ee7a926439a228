/**
 * ws2_32 imports for names and address text: getaddrinfo, freeaddrinfo, getnameinfo,
 * gethostbyname, gethostname, getservbyname, getservbyport, getprotobyname, getprotobynumber,
 * inet_pton, inet_ntop, inet_addr, inet_ntoa, gai_strerrorA. Results that C receives as pointers are written into the program's
 * own heap (malloc): addrinfo chains until freeaddrinfo, the rest in per-kind static buffers.
 */
import type { ADDRINFO, HOSTENT, PROTOENT, SERVENT } from '@ws2web/browser';
import type { GlueContext, ImportGroup } from './context.js';
import { utf8Length } from './memory.js';
import {
  freeAddrinfoChain,
  hostentSize,
  protoentSize,
  readSockaddr,
  serventSize,
  writeAddrinfoChain,
  writeHostent,
  writeProtoent,
  writeServent,
} from './structs.js';
import { AF_INET6, WSA_INVALID_PARAMETER, WSA_NOT_ENOUGH_MEMORY } from './values.js';

/** GAI_STRERROR_BUFFER_SIZE in ws2tcpip.h. */
const GAI_STRERROR_BUFFER_SIZE = 1024;

export function nameImports(ctx: GlueContext): ImportGroup {
  const { w } = ctx;

  async function getaddrinfo(
    pNodeName: number,
    pServiceName: number,
    pHints: number,
    ppResult: number,
  ): Promise<number> {
    const m = ctx.m;
    const hints =
      pHints === 0
        ? null
        : {
            ai_flags: m.i32(pHints),
            ai_family: m.i32(pHints + 4),
            ai_socktype: m.i32(pHints + 8),
            ai_protocol: m.i32(pHints + 12),
          };
    const result: { value: ADDRINFO | null } = { value: null };
    const rc = await w.getaddrinfo(
      m.cString(pNodeName),
      m.cString(pServiceName),
      hints,
      ppResult === 0 ? null : result,
    );
    if (ppResult === 0) return rc;
    const after = ctx.m;
    if (rc !== 0) {
      after.setU32(ppResult, 0);
      return rc;
    }
    const head = writeAddrinfoChain(after, result.value);
    if (head < 0) {
      after.setU32(ppResult, 0);
      return ctx.fail(WSA_NOT_ENOUGH_MEMORY, WSA_NOT_ENOUGH_MEMORY); // EAI_MEMORY
    }
    after.setU32(ppResult, head);
    return 0;
  }

  /**
   * getnameinfo: the library fills `{ value: string }` refs after checking the sizes, so the
   * strings always fit the C buffers when it returns 0.
   */
  async function getnameinfo(
    pSockaddr: number,
    salen: number,
    pNode: number,
    nodeSize: number,
    pServ: number,
    servSize: number,
    flags: number,
  ): Promise<number> {
    const m = ctx.m;
    const node = pNode === 0 ? null : { value: '' };
    const serv = pServ === 0 ? null : { value: '' };
    const rc = await w.getnameinfo(
      readSockaddr(m, pSockaddr, salen)!,
      salen,
      node,
      nodeSize >>> 0,
      serv,
      servSize >>> 0,
      flags,
    );
    if (rc === 0) {
      const after = ctx.m; // memory may have grown while the lookup ran
      if (node) after.writeCString(pNode, node.value, nodeSize >>> 0);
      if (serv) after.writeCString(pServ, serv.value, servSize >>> 0);
    }
    return rc;
  }

  function inet_pton(family: number, pszAddrString: number, pAddrBuf: number): number {
    const m = ctx.m;
    const size = family === AF_INET6 ? 16 : 4;
    // The caller's own bytes: Windows writes what it read even when the text is no address.
    const buf = pAddrBuf === 0 || !m.inBounds(pAddrBuf, size) ? null : m.copy(pAddrBuf, size);
    const rc = w.inet_pton(family, m.cString(pszAddrString), buf);
    if (rc >= 0 && buf) m.write(pAddrBuf, buf);
    return rc;
  }

  /** inet_ntop: the buffer pointer, or NULL; too small a buffer → ERROR_INVALID_PARAMETER (87). */
  function inet_ntop(family: number, pAddr: number, pStringBuf: number, size: number): number {
    const m = ctx.m;
    const need = family === AF_INET6 ? 16 : 4;
    const addr = pAddr === 0 || !m.inBounds(pAddr, need) ? null : m.copy(pAddr, need);
    const text = w.inet_ntop(family, addr!);
    if (text === null) return 0;
    if (pStringBuf === 0 || !m.writeCString(pStringBuf, text, size >>> 0)) return ctx.fail(WSA_INVALID_PARAMETER, 0);
    return pStringBuf;
  }

  /** Writes `text` into the static buffer of `kind` (Windows returns such strings from TLS). */
  function staticString(kind: string, text: string, capacity = utf8Length(text) + 1): number {
    const p = ctx.statics.replace(kind, capacity);
    if (p) ctx.m.writeCString(p, text.slice(0, capacity - 1), capacity);
    return p;
  }

  async function gethostbyname(name: number): Promise<number> {
    const h: HOSTENT | null = await w.gethostbyname(ctx.m.cString(name) ?? '');
    if (!h) return 0;
    const p = ctx.statics.replace('hostent', hostentSize(h));
    if (p === 0) return ctx.fail(WSA_NOT_ENOUGH_MEMORY, 0);
    writeHostent(ctx.m, p, h);
    return p;
  }

  function gethostname(name: number, namelen: number): number {
    const m = ctx.m;
    const buf = name === 0 || !m.inBounds(name, Math.max(0, namelen)) ? null : new Uint8Array(Math.max(0, namelen));
    const rc = w.gethostname(buf!, namelen);
    if (rc === 0 && buf) m.write(name, buf.subarray(0, buf.indexOf(0) + 1));
    return rc;
  }

  function servent(s: SERVENT | null): number {
    if (!s) return 0;
    const p = ctx.statics.replace('servent', serventSize(s));
    if (p === 0) return ctx.fail(WSA_NOT_ENOUGH_MEMORY, 0);
    writeServent(ctx.m, p, s);
    return p;
  }

  function protoent(p: PROTOENT | null): number {
    if (!p) return 0;
    const at = ctx.statics.replace('protoent', protoentSize(p));
    if (at === 0) return ctx.fail(WSA_NOT_ENOUGH_MEMORY, 0);
    writeProtoent(ctx.m, at, p);
    return at;
  }

  return {
    sync: {
      freeaddrinfo: (pAddrInfo: number) => freeAddrinfoChain(ctx.m, pAddrInfo),
      inet_pton,
      inet_ntop,
      inet_addr: (cp: number) => w.inet_addr(ctx.m.cString(cp)),
      inet_ntoa: (inAddr: number) => staticString('inet_ntoa', w.inet_ntoa(inAddr >>> 0), 16),
      gai_strerrorA: (ecode: number) => staticString('gai_strerror', w.gai_strerror(ecode), GAI_STRERROR_BUFFER_SIZE),
      gethostname,
      getservbyname: (name: number, proto: number) =>
        servent(w.getservbyname(ctx.m.cString(name) ?? '', ctx.m.cString(proto))),
      getservbyport: (port: number, proto: number) => servent(w.getservbyport(port, ctx.m.cString(proto))),
      getprotobyname: (name: number) => protoent(w.getprotobyname(ctx.m.cString(name) ?? '')),
      getprotobynumber: (number: number) => protoent(w.getprotobynumber(number)),
    },
    blocking: { getaddrinfo, gethostbyname, getnameinfo },
  };
}
