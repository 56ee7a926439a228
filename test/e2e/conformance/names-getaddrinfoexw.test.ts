/**
 * Wine's ws2_32 protocol.c test_GetAddrInfoExW, from real Windows, in its order: NULL and ""
 * names, "localhost", GetAddrInfoExOverlappedResult(NULL), the OVERLAPPED with an event (a
 * name, then hints), a NULL name with an OVERLAPPED, an event with a completion routine, and the
 * completion routine for a name that exists and one that does not. Names are asked of the
 * suite's dnsmasq through the relay: test.winehq.org → one.test, nxdomain.winehq.org →
 * no-such-name.test.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type {
  ADDRINFOEXW,
  AddrInfoExResult,
  GAI_OVERLAPPED,
  LookupCompletionRoutine,
} from '../../../packages/browser/src/index.js';
import { ZONE } from '../../fixtures/dns-zone.js';
import { errName, lastError, present, releaseWinsocks, winsock, ws2, type Winsock } from '../../fixtures/winsock.js';

const { NS_DNS, NS_ALL, AF_INET6, SOCK_DGRAM, IPPROTO_UDP, AI_ALL, AI_V4MAPPED, WSA_IO_PENDING } = ws2;
const MARK = 0xdeadbeef | 0;

afterEach(releaseWinsocks);

/** A result Windows' test pre-sets (0xdeadbeef) to see that the call overwrites it. */
function staleResult(): AddrInfoExResult {
  const stale: ADDRINFOEXW = {
    ai_flags: MARK,
    ai_family: MARK,
    ai_socktype: MARK,
    ai_protocol: MARK,
    ai_addrlen: MARK,
    ai_canonname: 'deadbeef',
    ai_addr: null,
    ai_blob: null,
    ai_bloblen: 0,
    ai_provider: null,
    ai_next: null,
  };
  return { value: stale };
}

/** Whether the event is set within `ms` (Windows' WaitForSingleObject(event, ms) == WAIT_OBJECT_0). */
async function signalled(w: Winsock, ev: ws2.WSAEVENT, ms: number): Promise<boolean> {
  return (await w.WSAWaitForMultipleEvents(1, [ev], false, ms, false)) === ws2.WSA_WAIT_EVENT_0;
}

/** Windows' completion_routine: records what it is called with, and `called` settles on the first call. */
function completionRoutine(): {
  fn: LookupCompletionRoutine;
  calls: { error: number; bytes: number; ov: GAI_OVERLAPPED; Internal?: number; Pointer?: unknown; hEvent: unknown }[];
  called: Promise<void>;
} {
  const calls: ReturnType<typeof completionRoutine>['calls'] = [];
  let resolve = (): void => {};
  const called = new Promise<void>((r) => {
    resolve = r;
  });
  const fn: LookupCompletionRoutine = (error, bytes, ov) => {
    // What the OVERLAPPED holds while the routine runs, as Windows' routine checks it then.
    calls.push({ error, bytes, ov, Internal: ov.Internal, Pointer: ov.Pointer, hEvent: ov.hEvent });
    resolve();
  };
  return { fn, calls, called };
}

describe('GetAddrInfoExW (test_GetAddrInfoExW)', () => {
  it('NULL name → WSAHOST_NOT_FOUND, also the last error, and a NULL result', async () => {
    const w = winsock();
    const result = staleResult();
    w.WSASetLastError(MARK);
    const ret = await w.GetAddrInfoExW(null, null, NS_DNS, null, null, result, null, null, null, null);
    expect(errName(ret)).toBe('WSAHOST_NOT_FOUND');
    expect(lastError(w)).toBe('WSAHOST_NOT_FOUND');
    expect(result.value).toBeNull();
  });

  it('"" → success, a result, the last error 0; "localhost" → success', async () => {
    const w = winsock();
    const result: AddrInfoExResult = { value: null };
    w.WSASetLastError(MARK);
    expect(await w.GetAddrInfoExW('', null, NS_DNS, null, null, result, null, null, null, null), lastError(w)).toBe(0);
    expect(result.value).not.toBeNull();
    expect(w.WSAGetLastError()).toBe(0);
    w.FreeAddrInfoExW(result.value);

    const local: AddrInfoExResult = { value: null };
    expect(await w.GetAddrInfoExW('localhost', null, NS_DNS, null, null, local, null, null, null, null)).toBe(0);
    w.FreeAddrInfoExW(local.value);
  });

  it('GetAddrInfoExOverlappedResult(NULL) → WSAEINVAL', () => {
    const w = winsock();
    expect(errName(w.GetAddrInfoExOverlappedResult(null))).toBe('WSAEINVAL');
  });

  it('"localhost" with an event: WSA_IO_PENDING, the result cleared, the event set, result 0', async () => {
    const w = winsock();
    const ev = w.WSACreateEvent();
    const ov: GAI_OVERLAPPED = { hEvent: ev, Internal: MARK, InternalHigh: MARK };
    const result = staleResult();
    const stale = result.value;
    const ret = await w.GetAddrInfoExW('localhost', null, NS_DNS, null, null, result, null, ov, null, null);
    expect(ret).toBe(WSA_IO_PENDING);
    expect(result.value).not.toBe(stale);
    expect(await signalled(w, ev, 1000)).toBe(true);
    expect(w.GetAddrInfoExOverlappedResult(ov)).toBe(0);
    w.FreeAddrInfoExW(result.value);
  });

  it('a name with an event: pending, then the OVERLAPPED holds 0 and &result, no blob or provider', async () => {
    const w = winsock();
    const ev = w.WSACreateEvent();
    const ov: GAI_OVERLAPPED = { hEvent: ev, Internal: MARK, InternalHigh: MARK };
    const result = staleResult();
    w.WSASetLastError(MARK);
    const ret = await w.GetAddrInfoExW(ZONE.one, null, NS_DNS, null, null, result, null, ov, null, null);
    expect(ret).toBe(WSA_IO_PENDING);
    expect(w.WSAGetLastError()).toBe(WSA_IO_PENDING);
    expect([ws2.WSAEINPROGRESS, 0]).toContain(ov.Internal);
    expect(await signalled(w, ev, 1000)).toBe(true);
    expect(w.GetAddrInfoExOverlappedResult(ov)).toBe(0);
    expect(ov.hEvent).toBe(ev);
    expect(ov.Internal).toBe(0);
    expect(ov.Pointer).toBe(result);
    const head = present(result.value, 'result');
    expect(head.ai_blob).toBeNull();
    expect(head.ai_bloblen).toBe(0);
    expect(head.ai_provider).toBeNull();
    w.FreeAddrInfoExW(head);
  });

  it('hints AI_ALL|AI_V4MAPPED, AF_INET6, SOCK_DGRAM, IPPROTO_UDP with NS_ALL: pending, then a result', async () => {
    const w = winsock();
    const ev = w.WSACreateEvent();
    const ov: GAI_OVERLAPPED = { hEvent: ev, Internal: MARK, InternalHigh: MARK };
    const result = staleResult();
    const hints: Partial<ADDRINFOEXW> = {
      ai_flags: AI_ALL | AI_V4MAPPED,
      ai_family: AF_INET6,
      ai_socktype: SOCK_DGRAM,
      ai_protocol: IPPROTO_UDP,
    };
    w.WSASetLastError(MARK);
    const ret = await w.GetAddrInfoExW(ZONE.one, null, NS_ALL, null, hints, result, null, ov, null, null);
    expect(ret).toBe(WSA_IO_PENDING);
    expect(w.WSAGetLastError()).toBe(WSA_IO_PENDING);
    expect([ws2.WSAEINPROGRESS, 0]).toContain(ov.Internal);
    expect(await signalled(w, ev, 1000)).toBe(true);
    expect(w.GetAddrInfoExOverlappedResult(ov)).toBe(0);
    expect(result.value).not.toBeNull();
    w.FreeAddrInfoExW(result.value);
  });

  it('NULL name with an event: WSAHOST_NOT_FOUND at once, also the last error, NULL result, event not set', async () => {
    const w = winsock();
    const ev = w.WSACreateEvent();
    const ov: GAI_OVERLAPPED = { hEvent: ev, Internal: MARK, InternalHigh: MARK };
    const result = staleResult();
    const ret = await w.GetAddrInfoExW(null, null, NS_DNS, null, null, result, null, ov, null, null);
    expect(errName(ret)).toBe('WSAHOST_NOT_FOUND');
    expect(lastError(w)).toBe('WSAHOST_NOT_FOUND');
    expect(result.value).toBeNull();
    expect(await signalled(w, ev, 0)).toBe(false);
  });

  it('an event and a completion routine together → WSAEINVAL', async () => {
    const w = winsock();
    const r = completionRoutine();
    const ov: GAI_OVERLAPPED = { hEvent: w.WSACreateEvent(), Internal: MARK, InternalHigh: MARK };
    const result = staleResult();
    const ret = await w.GetAddrInfoExW('localhost', null, NS_DNS, null, null, result, null, ov, r.fn, null);
    expect(errName(ret)).toBe('WSAEINVAL');
  });

  it('a completion routine, a name that exists: pending, NULL result, one call (0, 0, the OVERLAPPED)', async () => {
    const w = winsock();
    const r = completionRoutine();
    const ov: GAI_OVERLAPPED = { hEvent: null, Internal: MARK, InternalHigh: MARK };
    const result = staleResult();
    const ret = await w.GetAddrInfoExW(ZONE.one, null, NS_DNS, null, null, result, null, ov, r.fn, null);
    expect(ret).toBe(WSA_IO_PENDING);
    expect(result.value).toBeNull();
    await r.called;
    const call = present(r.calls[0], 'the routine call');
    expect(call.error).toBe(0);
    expect(call.bytes).toBe(0);
    expect(call.ov).toBe(ov);
    expect(call.Internal).toBe(0);
    expect(call.Pointer).toBe(result);
    expect(call.hEvent).toBeNull();
    expect(w.GetAddrInfoExOverlappedResult(ov)).toBe(0);
    expect(ov.hEvent).toBeNull();
    expect(ov.Internal).toBe(0);
    expect(ov.Pointer).toBe(result);
    expect(r.calls).toHaveLength(1);
    w.FreeAddrInfoExW(result.value);
  });

  it('a completion routine, a name that does not exist: the routine and the OVERLAPPED get WSAHOST_NOT_FOUND', async () => {
    const w = winsock();
    const r = completionRoutine();
    const ov: GAI_OVERLAPPED = { hEvent: null, Internal: MARK, InternalHigh: MARK };
    const result = staleResult();
    const ret = await w.GetAddrInfoExW(ZONE.missing, null, NS_DNS, null, null, result, null, ov, r.fn, null);
    expect(ret).toBe(WSA_IO_PENDING);
    expect(result.value).toBeNull();
    await r.called;
    const call = present(r.calls[0], 'the routine call');
    expect(errName(call.error)).toBe('WSAHOST_NOT_FOUND');
    expect(call.bytes).toBe(0);
    expect(call.ov).toBe(ov);
    expect(call.Internal).toBe(ws2.WSAHOST_NOT_FOUND);
    expect(call.Pointer).toBe(result);
    expect(call.hEvent).toBeNull();
    expect(errName(w.GetAddrInfoExOverlappedResult(ov))).toBe('WSAHOST_NOT_FOUND');
    expect(ov.hEvent).toBeNull();
    expect(ov.Internal).toBe(ws2.WSAHOST_NOT_FOUND);
    expect(ov.Pointer).toBe(result);
    expect(r.calls).toHaveLength(1);
    expect(result.value).toBeNull();
  });
});
