/**
 * Struct marshalling against a real WebAssembly.Memory with a bump allocator standing in for the
 * program's malloc: the layouts include/winsock2.h pins (ADDRINFOA, hostent, servent, WSADATA,
 * fd_set, WSANETWORKEVENTS) read back field by field.
 */
import { describe, expect, it } from 'vitest';
import { sockaddrIn, sockaddrIn6 } from '../../browser/src/index.js';
import { WasmMemory } from '../src/memory.js';
import {
  OutAddress,
  freeAddrinfoChain,
  readFdSet,
  readWsabufs,
  scatter,
  writeAddrinfoChain,
  writeFdSet,
  writeHostent,
  writeNetworkEvents,
  writeServent,
  writeWsaData,
  hostentSize,
  serventSize,
} from '../src/structs.js';

function memory(limit = 65536) {
  const mem = new WebAssembly.Memory({ initial: 1 });
  let next = 1024;
  const freed: number[] = [];
  const m = new WasmMemory(mem, {
    malloc(size: number) {
      if (next + size > limit) return 0;
      const p = next;
      next += (size + 7) & ~7;
      return p;
    },
    free(p: number) {
      freed.push(p);
    },
  });
  return { m, freed };
}

describe('struct marshalling', () => {
  it('writes a getaddrinfo chain as ADDRINFOA nodes (Windows order: canonname before addr) and frees every node', () => {
    const { m, freed } = memory();
    const v4 = sockaddrIn('127.0.0.1', 80);
    const v6 = sockaddrIn6('::1', 80);
    const head = writeAddrinfoChain(m, {
      ai_flags: 0,
      ai_family: 2,
      ai_socktype: 1,
      ai_protocol: 6,
      ai_addrlen: 16,
      ai_canonname: 'localhost',
      ai_addr: v4,
      ai_next: {
        ai_flags: 0,
        ai_family: 23,
        ai_socktype: 1,
        ai_protocol: 6,
        ai_addrlen: 28,
        ai_canonname: null,
        ai_addr: v6,
        ai_next: null,
      },
    });
    expect(head).toBeGreaterThan(0);
    expect([m.i32(head), m.i32(head + 4), m.i32(head + 8), m.i32(head + 12), m.u32(head + 16)]).toEqual([
      0, 2, 1, 6, 16,
    ]);
    expect(m.cString(m.u32(head + 20))).toBe('localhost');
    expect(m.copy(m.u32(head + 24), 16)).toEqual(v4);
    const second = m.u32(head + 28);
    expect([m.i32(second + 4), m.u32(second + 16), m.u32(second + 20), m.u32(second + 28)]).toEqual([23, 28, 0, 0]);
    expect(m.copy(m.u32(second + 24), 28)).toEqual(v6);
    freeAddrinfoChain(m, head);
    expect(freed).toEqual([head, second]);
  });

  it('gives back every node it allocated when malloc fails half-way, and reports -1', () => {
    const { m, freed } = memory(1024 + 64);
    const node = (next: null | object) => ({
      ai_flags: 0,
      ai_family: 2,
      ai_socktype: 1,
      ai_protocol: 6,
      ai_addrlen: 16,
      ai_canonname: null,
      ai_addr: sockaddrIn('10.0.0.1', 1),
      ai_next: next,
    });
    expect(writeAddrinfoChain(m, node(node(null)) as never)).toBe(-1);
    expect(freed).toEqual([1024]);
  });

  it('writes hostent and servent in their 32-bit layouts inside one block', () => {
    const { m } = memory();
    const h = {
      h_name: 'one.test',
      h_aliases: ['alias.test'],
      h_addrtype: 2,
      h_length: 4,
      h_addr_list: [new Uint8Array([127, 0, 0, 1]), new Uint8Array([10, 0, 0, 2])],
    };
    const p = m.malloc(hostentSize(h));
    writeHostent(m, p, h);
    expect(m.cString(m.u32(p))).toBe('one.test');
    expect(m.cString(m.u32(m.u32(p + 4)))).toBe('alias.test');
    expect(m.u32(m.u32(p + 4) + 4)).toBe(0);
    expect([m.u16(p + 8), m.u16(p + 10)]).toEqual([2, 4]);
    const list = m.u32(p + 12);
    expect([...m.copy(m.u32(list), 4)]).toEqual([127, 0, 0, 1]);
    expect([...m.copy(m.u32(list + 4), 4)]).toEqual([10, 0, 0, 2]);
    expect(m.u32(list + 8)).toBe(0);
    for (const q of [m.u32(p), m.u32(list + 4) + 4]) expect(q).toBeLessThanOrEqual(p + hostentSize(h));

    const s = { s_name: 'http', s_aliases: ['www'], s_port: 0x5000, s_proto: 'tcp' };
    const sp = m.malloc(serventSize(s));
    writeServent(m, sp, s);
    expect([m.cString(m.u32(sp)), m.cString(m.u32(m.u32(sp + 4))), m.u16(sp + 8), m.cString(m.u32(sp + 12))]).toEqual([
      'http',
      'www',
      0x5000,
      'tcp',
    ]);
  });

  it('writes WSADATA (400 bytes, 32-bit order) and WSANETWORKEVENTS (44 bytes)', () => {
    const { m } = memory();
    m.fill(2000, 400, 0xee);
    writeWsaData(m, 2000, {
      wVersion: 0x0202,
      wHighVersion: 0x0202,
      szDescription: 'WinSock 2.0',
      szSystemStatus: 'Running',
      iMaxSockets: 0,
      iMaxUdpDg: 0,
    });
    expect([m.u16(2000), m.u16(2002), m.cString(2004), m.cString(2261), m.u16(2390), m.u32(2396)]).toEqual([
      0x0202,
      0x0202,
      'WinSock 2.0',
      'Running',
      0,
      0,
    ]);
    // FD_READ | FD_CLOSE reported: their slots are written; FD_CONNECT's (slot 4) keeps the caller's value.
    m.setI32(3000 + 4, 7);
    m.setI32(3000 + 4 + 4 * 4, 1234);
    writeNetworkEvents(m, 3000, { lNetworkEvents: 0x21, iErrorCode: [0, 0, 0, 0, 10061, 10053, 0, 0, 0, 0] });
    expect([m.i32(3000), m.i32(3000 + 4), m.i32(3000 + 4 + 4 * 4), m.i32(3000 + 4 + 5 * 4)]).toEqual([
      0x21, 0, 1234, 10053,
    ]);
  });

  it('reads and rewrites fd_sets in place; reads WSABUF arrays and scatters only the received bytes', () => {
    const { m } = memory();
    m.setU32(4000, 3);
    [0x100, 0x104, 0x108].forEach((s, i) => void m.setU32(4004 + 4 * i, s));
    const set = readFdSet(m, 4000)!;
    expect(set).toEqual({ fd_count: 3, fd_array: [0x100, 0x104, 0x108] });
    writeFdSet(m, 4000, { fd_count: 1, fd_array: [0x104] });
    expect([m.u32(4000), m.u32(4004)]).toEqual([1, 0x104]);
    expect(readFdSet(m, 0)).toBeNull();

    m.setU32(5000, 3);
    m.setU32(5004, 6000);
    m.setU32(5008, 4);
    m.setU32(5012, 6100);
    m.fill(6000, 3, 0x55);
    m.fill(6100, 4, 0x55);
    const targets = readWsabufs(m, 5000, 2)!;
    expect(targets).toEqual([
      { ptr: 6000, len: 3 },
      { ptr: 6100, len: 4 },
    ]);
    scatter(m, targets, [new Uint8Array([1, 2, 3]), new Uint8Array([4, 5, 6, 7])], 5);
    expect([...m.copy(6000, 3), ...m.copy(6100, 4)]).toEqual([1, 2, 3, 4, 5, 0x55, 0x55]);
    expect(readWsabufs(m, 5000, 100_000)).toBeNull();
  });

  it("OutAddress writes back only what the call reported, within the caller's namelen", () => {
    const { m } = memory();
    m.setI32(7000, 16);
    m.fill(7100, 32, 0xaa);
    const out = new OutAddress(m, 7100, 7000);
    expect(out.buf!.length).toBe(16);
    out.buf!.set(sockaddrIn('127.0.0.1', 8080));
    out.ref!.value = 16;
    out.commit();
    expect(m.copy(7100, 16)).toEqual(sockaddrIn('127.0.0.1', 8080));
    expect(m.u8(7116)).toBe(0xaa);
  });
});
