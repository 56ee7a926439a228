/**
 * Wine's ws2_32 sock.c test_WSAEnumNetworkEvents (Wine bugs 10204 and 24946), from real Windows:
 * a bound TCP socket, a bound UDP socket and a connected TCP socket, each selected for
 * FD_READ|FD_WRITE and enumerated five times, with the event and with no event. Only the first
 * enumeration of the UDP and the connected socket reports FD_WRITE (error 0); every other one
 * reports nothing, and the error slots of events not reported are left as they were.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { inboundWinsock } from '../../fixtures/inbound.js';
import { lastError, releaseWinsocks, ws2, type NetworkEvents, type Winsock } from '../../fixtures/winsock.js';
import { tcpSocketPair } from './event-modes.js';

const { AF_INET, SOCK_STREAM, SOCK_DGRAM, FD_READ, FD_WRITE, FD_MAX_EVENTS } = ws2;
const FILL = 0xabababab | 0;

afterEach(releaseWinsocks);

/** Windows' memset(&net_events, 0xAB, ...). */
function filledEvents(): NetworkEvents {
  return { lNetworkEvents: FILL, iErrorCode: new Array<number>(FD_MAX_EVENTS).fill(FILL) };
}

/** Test[i]'s socket: i 0 a bound TCP socket, 1 a bound UDP socket, 2 one end of a connected pair. */
async function socketFor(w: Winsock, i: number): Promise<{ s: number; peer: number | null }> {
  if (i === 2) {
    const { client, server } = await tcpSocketPair(w);
    return { s: client, peer: server };
  }
  const s = w.socket(AF_INET, i === 0 ? SOCK_STREAM : SOCK_DGRAM, 0);
  expect(s, `socket: ${lastError(w)}`).toBeGreaterThan(0);
  // Windows binds INADDR_ANY:0; loopback here (the relay's policy), the fact is the same.
  const name = ws2.sockaddrIn('127.0.0.1', 0);
  expect(w.bind(s, name, name.length), `bind: ${lastError(w)}`).toBe(0);
  return { s, peer: null };
}

describe('WSAEnumNetworkEvents (test_WSAEnumNetworkEvents)', () => {
  for (const withEvent of [true, false]) {
    for (const [i, what] of ['bound TCP', 'bound UDP', 'connected TCP'].entries()) {
      it(`${what}, ${withEvent ? 'with the event' : 'no event'}: FD_WRITE ${i >= 1 ? 'on the first enumeration only' : 'never'}`, async () => {
        const w = inboundWinsock();
        const { s, peer } = await socketFor(w, i);
        const event = w.WSACreateEvent();
        for (let j = 0; j < 5; j++) {
          const at = `Test[${i}] round ${j}`;
          expect(w.WSAEventSelect(s, event, FD_READ | FD_WRITE), `${at}: WSAEventSelect ${lastError(w)}`).toBe(0);
          const ne = filledEvents();
          expect(w.WSAEnumNetworkEvents(s, withEvent ? event : null, ne), `${at}: ${lastError(w)}`).toBe(0);
          const wanted = i >= 1 && j === 0 ? FD_WRITE : 0;
          expect(ne.lNetworkEvents, `${at}: lNetworkEvents`).toBe(wanted);
          for (let k = 0; k < FD_MAX_EVENTS; k++)
            expect(ne.iErrorCode[k], `${at}: iErrorCode[${k}]`).toBe(ne.lNetworkEvents & (1 << k) ? 0 : FILL);
        }
        expect(w.closesocket(s)).toBe(0);
        expect(w.WSACloseEvent(event)).toBe(true);
        if (peer !== null) expect(w.closesocket(peer)).toBe(0);
      });
    }
  }
});
