/**
 * GetAddrInfoExW in its three forms (blocking, OVERLAPPED with an event, OVERLAPPED with a
 * completion routine), GetAddrInfoExOverlappedResult, GetAddrInfoExCancel and the timeout, against
 * the suite's dnsmasq through the relay. The expectations are what Windows does in Wine's
 * test_GetAddrInfoExW. A relay URL that never answers (a blackhole port) keeps a lookup pending
 * for as long as a cancellation or a timeout test needs.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type {
  ADDRINFOEXW,
  AddrInfoExResult,
  GAI_OVERLAPPED,
  LookupCompletionRoutine,
  Ref,
} from '../../packages/browser/src/index.js';
import { Control } from '../fixtures/control.js';
import { ZONE } from '../fixtures/dns-zone.js';
import { errName, lastError, present, releaseWinsocks, winsock, ws2, type Winsock } from '../fixtures/winsock.js';

const { NS_DNS, NS_ALL, AF_INET6, SOCK_DGRAM, IPPROTO_UDP, AI_ALL, AI_V4MAPPED, WSA_IO_PENDING } = ws2;
const control = new Control();

afterEach(releaseWinsocks);
afterAll(() => control.releaseAll());

function addresses(head: ADDRINFOEXW | null): string[] {
  const out: string[] = [];
  for (let p = head; p; p = p.ai_next) out.push(ws2.parseSockaddr(present(p.ai_addr, 'ai_addr')).address);
  return out;
}

/** Waits for the event to be set (at most 5 s): true if it was. */
async function signalled(w: Winsock, ev: ws2.WSAEVENT, timeoutMs = 5000): Promise<boolean> {
  return (await w.WSAWaitForMultipleEvents(1, [ev], false, timeoutMs, false)) === ws2.WSA_WAIT_EVENT_0;
}

/** A completion routine that records each call and resolves `called` on the first. */
function routine(): { fn: LookupCompletionRoutine; calls: [number, number, GAI_OVERLAPPED][]; called: Promise<void> } {
  const calls: [number, number, GAI_OVERLAPPED][] = [];
  let resolve = (): void => {};
  const called = new Promise<void>((r) => {
    resolve = r;
  });
  return {
    calls,
    called,
    fn(dwError, dwBytes, lpOverlapped) {
      calls.push([dwError, dwBytes, lpOverlapped]);
      resolve();
    },
  };
}

describe('GetAddrInfoExW, blocking', () => {
  it('no name and no service: WSAHOST_NOT_FOUND, also as the last error, and a null result', async () => {
    const w = winsock();
    const result: AddrInfoExResult = { value: null };
    w.WSASetLastError(0xdead);
    expect(errName(await w.GetAddrInfoExW(null, null, NS_DNS, null, null, result, null, null, null, null))).toBe(
      'WSAHOST_NOT_FOUND',
    );
    expect(lastError(w)).toBe('WSAHOST_NOT_FOUND');
    expect(result.value).toBe(null);
  });

  it('the empty name succeeds and leaves the last error 0; localhost and a zone name resolve', async () => {
    const w = winsock();
    const result: AddrInfoExResult = { value: null };
    w.WSASetLastError(0xdead);
    expect(await w.GetAddrInfoExW('', null, NS_DNS, null, null, result, null, null, null, null)).toBe(0);
    expect(w.WSAGetLastError()).toBe(0);
    expect(result.value).not.toBe(null);
    w.FreeAddrInfoExW(result.value);
    expect(await w.GetAddrInfoExW('localhost', null, NS_DNS, null, null, result, null, null, null, null)).toBe(0);
    expect(addresses(result.value)).toContain('127.0.0.1');
    expect(await w.GetAddrInfoExW(ZONE.one, '80', NS_ALL, null, null, result, null, null, null, null)).toBe(0);
    const head = present(result.value, 'result');
    expect(addresses(head)).toEqual(['127.0.0.1']);
    expect(ws2.parseSockaddr(present(head.ai_addr, 'ai_addr')).port).toBe(80);
    expect([head.ai_blob, head.ai_bloblen, head.ai_provider]).toEqual([null, 0, null]);
  });

  it('a missing name: WSAHOST_NOT_FOUND; another namespace or an NSP id: WSAEINVAL', async () => {
    const w = winsock();
    const result: AddrInfoExResult = { value: null };
    expect(
      errName(await w.GetAddrInfoExW(ZONE.missing, null, NS_DNS, null, null, result, null, null, null, null)),
    ).toBe('WSAHOST_NOT_FOUND');
    expect(errName(await w.GetAddrInfoExW(ZONE.one, null, 15, null, null, result, null, null, null, null))).toBe(
      'WSAEINVAL',
    );
  });
});

describe('GetAddrInfoExW, overlapped', () => {
  it('GetAddrInfoExOverlappedResult(NULL) is WSAEINVAL', () => {
    const w = winsock();
    expect(errName(w.GetAddrInfoExOverlappedResult(null))).toBe('WSAEINVAL');
  });

  it('with an event: WSA_IO_PENDING, then the event, the result, Internal 0 and Pointer = ppResult', async () => {
    const w = winsock();
    const ev = w.WSACreateEvent();
    const ov: GAI_OVERLAPPED = { hEvent: ev };
    const result: AddrInfoExResult = { value: null };
    w.WSASetLastError(0xdead);
    const rc = await w.GetAddrInfoExW(ZONE.one, null, NS_DNS, null, null, result, null, ov, null, null);
    expect(rc).toBe(WSA_IO_PENDING);
    expect(w.WSAGetLastError()).toBe(WSA_IO_PENDING);
    expect(errName(ov.Internal ?? -1)).toBe('WSAEINPROGRESS');
    expect(errName(w.GetAddrInfoExOverlappedResult(ov))).toBe('WSAEINPROGRESS');
    expect(await signalled(w, ev)).toBe(true);
    expect(w.GetAddrInfoExOverlappedResult(ov)).toBe(0);
    expect(ov.hEvent).toBe(ev);
    expect(ov.Internal).toBe(0);
    expect(ov.Pointer).toBe(result);
    const head = present(result.value, 'result');
    expect([head.ai_blob, head.ai_bloblen, head.ai_provider]).toEqual([null, 0, null]);
    expect(addresses(head)).toEqual(['127.0.0.1']);
    w.FreeAddrInfoExW(head);
  });

  it('with hints (AI_ALL | AI_V4MAPPED, AF_INET6, SOCK_DGRAM) under NS_ALL: v4-mapped answers', async () => {
    const w = winsock();
    const ev = w.WSACreateEvent();
    const ov: GAI_OVERLAPPED = { hEvent: ev };
    const result: AddrInfoExResult = { value: null };
    const hints: Partial<ADDRINFOEXW> = {
      ai_flags: AI_ALL | AI_V4MAPPED,
      ai_family: AF_INET6,
      ai_socktype: SOCK_DGRAM,
      ai_protocol: IPPROTO_UDP,
    };
    expect(await w.GetAddrInfoExW(ZONE.one, null, NS_ALL, null, hints, result, null, ov, null, null)).toBe(
      WSA_IO_PENDING,
    );
    expect(await signalled(w, ev)).toBe(true);
    expect(w.GetAddrInfoExOverlappedResult(ov)).toBe(0);
    const head = present(result.value, 'result');
    expect(addresses(head)).toEqual(['::ffff:127.0.0.1']);
    expect([head.ai_family, head.ai_socktype, head.ai_protocol]).toEqual([AF_INET6, SOCK_DGRAM, IPPROTO_UDP]);
  });

  it('no name: WSAHOST_NOT_FOUND at once, and the event is not signalled', async () => {
    const w = winsock();
    const ev = w.WSACreateEvent();
    const ov: GAI_OVERLAPPED = { hEvent: ev };
    const result: AddrInfoExResult = { value: null };
    expect(errName(await w.GetAddrInfoExW(null, null, NS_DNS, null, null, result, null, ov, null, null))).toBe(
      'WSAHOST_NOT_FOUND',
    );
    expect(lastError(w)).toBe('WSAHOST_NOT_FOUND');
    expect(result.value).toBe(null);
    expect(await signalled(w, ev, 0)).toBe(false);
  });

  it('an event and a completion routine together: WSAEINVAL; a routine without an OVERLAPPED too', async () => {
    const w = winsock();
    const r = routine();
    const result: AddrInfoExResult = { value: null };
    const ov: GAI_OVERLAPPED = { hEvent: w.WSACreateEvent() };
    expect(errName(await w.GetAddrInfoExW('localhost', null, NS_DNS, null, null, result, null, ov, r.fn, null))).toBe(
      'WSAEINVAL',
    );
    expect(errName(await w.GetAddrInfoExW('localhost', null, NS_DNS, null, null, result, null, null, r.fn, null))).toBe(
      'WSAEINVAL',
    );
    expect(r.calls).toHaveLength(0);
  });

  it('with a completion routine: WSA_IO_PENDING and a null result, then one call (0, 0, the OVERLAPPED)', async () => {
    const w = winsock();
    const r = routine();
    const ov: GAI_OVERLAPPED = { hEvent: null };
    const result: AddrInfoExResult = { value: null };
    expect(await w.GetAddrInfoExW(ZONE.dual, null, NS_DNS, null, null, result, null, ov, r.fn, null)).toBe(
      WSA_IO_PENDING,
    );
    expect(result.value).toBe(null);
    await r.called;
    expect(r.calls).toEqual([[0, 0, ov]]);
    expect(w.GetAddrInfoExOverlappedResult(ov)).toBe(0);
    expect([ov.hEvent, ov.Internal, ov.Pointer]).toEqual([null, 0, result]);
    expect(addresses(result.value).sort()).toEqual(['127.0.0.1', '::1']);
  });

  it('with a completion routine, a missing name: the routine gets WSAHOST_NOT_FOUND, the result stays null', async () => {
    const w = winsock();
    const r = routine();
    const ov: GAI_OVERLAPPED = { hEvent: null };
    const result: AddrInfoExResult = { value: null };
    expect(await w.GetAddrInfoExW(ZONE.missing, null, NS_DNS, null, null, result, null, ov, r.fn, null)).toBe(
      WSA_IO_PENDING,
    );
    await r.called;
    expect(r.calls.map(([e, n]) => [errName(e), n])).toEqual([['WSAHOST_NOT_FOUND', 0]]);
    expect(errName(w.GetAddrInfoExOverlappedResult(ov))).toBe('WSAHOST_NOT_FOUND');
    expect([ov.Internal, ov.Pointer, result.value]).toEqual([ws2.WSAHOST_NOT_FOUND, result, null]);
  });

  it('GetAddrInfoExCancel completes a pending lookup with WSA_E_CANCELLED; an unknown handle is WSA_INVALID_HANDLE', async () => {
    const hole = await control.blackhole();
    const w = winsock(`ws://127.0.0.1:${hole.port}/`);
    const r = routine();
    const ov: GAI_OVERLAPPED = { hEvent: null };
    const result: AddrInfoExResult = { value: null };
    const handle: Ref = { value: 0 };
    expect(await w.GetAddrInfoExW(ZONE.one, null, NS_DNS, null, null, result, null, ov, r.fn, handle)).toBe(
      WSA_IO_PENDING,
    );
    expect(handle.value).not.toBe(0);
    expect(errName(w.GetAddrInfoExOverlappedResult(ov))).toBe('WSAEINPROGRESS');
    expect(w.GetAddrInfoExCancel(handle)).toBe(0);
    await r.called;
    expect(r.calls.map(([e]) => errName(e))).toEqual(['WSA_E_CANCELLED']);
    expect(result.value).toBe(null);
    expect(w.GetAddrInfoExCancel(handle)).toBe(ws2.WSA_INVALID_HANDLE);
    expect(w.GetAddrInfoExCancel({ value: 0x7777 })).toBe(ws2.WSA_INVALID_HANDLE);
  });

  it('a timeout that expires before the answer completes the lookup with WSAETIMEDOUT', async () => {
    const hole = await control.blackhole();
    const w = winsock(`ws://127.0.0.1:${hole.port}/`);
    const ev = w.WSACreateEvent();
    const ov: GAI_OVERLAPPED = { hEvent: ev };
    const result: AddrInfoExResult = { value: null };
    const timeout = { tv_sec: 0, tv_usec: 200_000 };
    expect(await w.GetAddrInfoExW(ZONE.one, null, NS_DNS, null, null, result, timeout, ov, null, null)).toBe(
      WSA_IO_PENDING,
    );
    expect(await signalled(w, ev)).toBe(true);
    expect(errName(w.GetAddrInfoExOverlappedResult(ov))).toBe('WSAETIMEDOUT');
    expect(result.value).toBe(null);
    // The blocking form too.
    expect(errName(await w.GetAddrInfoExW(ZONE.one, null, NS_DNS, null, null, result, timeout, null, null, null))).toBe(
      'WSAETIMEDOUT',
    );
  });
});
