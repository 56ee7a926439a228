/**
 * ws2_32's wide-character name calls: GetAddrInfoW, FreeAddrInfoW and GetNameInfoW. The lookups
 * are getaddrinfo's and getnameinfo's in @ws2web/browser; this file moves UTF-16 (WCHAR) strings
 * between the program's memory and JavaScript, and writes ADDRINFOW chains (one malloc per node,
 * ai_canonname in WCHARs) that FreeAddrInfoW frees.
 */
import type { ADDRINFO } from '@ws2web/browser';
import type { GlueContext, ImportGroup } from './context.js';
import { wideString, writeWideString } from './ws2-address-strings.js';
import { freeAddrinfoChain, readSockaddr, writeAddrinfoChain } from './structs.js';
import { WSA_NOT_ENOUGH_MEMORY } from './values.js';

/** Longest name or service text read from C (a DNS name is at most 255 characters). */
const MAX_NAME = 1024;

export function wideNameImports(ctx: GlueContext): ImportGroup {
  const { w } = ctx;

  async function GetAddrInfoW(
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
    const rc = await w.GetAddrInfoW(
      wideString(m, pNodeName, MAX_NAME),
      wideString(m, pServiceName, MAX_NAME),
      hints,
      ppResult === 0 ? null : result,
    );
    if (ppResult === 0) return rc;
    const after = ctx.m; // memory may have grown while the lookup ran
    if (rc !== 0) {
      after.setU32(ppResult, 0);
      return rc;
    }
    const head = writeAddrinfoChain(after, result.value, true);
    if (head < 0) {
      after.setU32(ppResult, 0);
      return ctx.fail(WSA_NOT_ENOUGH_MEMORY, WSA_NOT_ENOUGH_MEMORY); // EAI_MEMORY
    }
    after.setU32(ppResult, head);
    return 0;
  }

  /** GetNameInfoW: the sizes are in WCHARs, as the library counts them (UTF-16 units + NUL). */
  async function GetNameInfoW(
    pSockaddr: number,
    salen: number,
    pNode: number,
    nodeSize: number,
    pServ: number,
    servSize: number,
    flags: number,
  ): Promise<number> {
    const node = pNode === 0 ? null : { value: '' };
    const serv = pServ === 0 ? null : { value: '' };
    const rc = await w.getnameinfo(
      readSockaddr(ctx.m, pSockaddr, salen)!,
      salen,
      node,
      nodeSize >>> 0,
      serv,
      servSize >>> 0,
      flags,
    );
    if (rc === 0) {
      const after = ctx.m;
      if (node) writeWideString(after, pNode, node.value, nodeSize >>> 0);
      if (serv) writeWideString(after, pServ, serv.value, servSize >>> 0);
    }
    return rc;
  }

  return {
    sync: { FreeAddrInfoW: (pAddrInfo: number) => freeAddrinfoChain(ctx.m, pAddrInfo) },
    blocking: { GetAddrInfoW, GetNameInfoW },
  };
}
