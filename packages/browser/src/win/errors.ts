/**
 * Every decision about which Winsock error a failure becomes. The wire reason → Winsock error
 * table lives in @ws2web/protocol (shared with the relay); the policy beyond it — what losing
 * the relay, a refused handshake, or a CLOSE means for a socket in a given situation — lives
 * here, so that sockets and the transport ask instead of deciding.
 */
import { Reason } from '@ws2web/protocol';
import * as codes from './error-codes.js';
import {
  NO_ERROR,
  WSAEACCES,
  WSAEADDRINUSE,
  WSAEADDRNOTAVAIL,
  WSAEAFNOSUPPORT,
  WSAECONNABORTED,
  WSAECONNREFUSED,
  WSAECONNRESET,
  WSAEHOSTUNREACH,
  WSAEINVAL,
  WSAEMSGSIZE,
  WSAENETDOWN,
  WSAENETUNREACH,
  WSAENOBUFS,
  WSAETIMEDOUT,
  WSAHOST_NOT_FOUND,
  WSANO_DATA,
  WSANO_RECOVERY,
  WSATRY_AGAIN,
} from './error-codes.js';

/**
 * The reason table's `wsa` column (REASONS in @ws2web/protocol) as numbers, indexed by wire
 * reason: a page carries these numbers instead of the table's text and every error's name.
 * test/errors.test.ts holds each entry to its row.
 */
const WSA_BY_REASON: readonly number[] = [
  NO_ERROR, // OK
  WSAECONNREFUSED, // REFUSED
  WSAETIMEDOUT, // TIMED_OUT
  WSAENETUNREACH, // NET_UNREACH
  WSAEHOSTUNREACH, // HOST_UNREACH
  WSAEACCES, // POLICY_DENIED
  WSAECONNRESET, // RESET
  WSAEADDRINUSE, // ADDR_IN_USE
  WSAEADDRNOTAVAIL, // ADDR_NOT_AVAIL
  WSAHOST_NOT_FOUND, // HOST_NOT_FOUND
  WSATRY_AGAIN, // TRY_AGAIN
  WSAECONNABORTED, // ABORTED
  WSAECONNABORTED, // PROTOCOL_ERROR
  WSAENOBUFS, // LIMIT
  WSAENETDOWN, // INTERNAL
  WSAEACCES, // AUTH_FAILED
  WSAENETDOWN, // VERSION_MISMATCH
  WSAECONNABORTED, // SHUTTING_DOWN
  WSAEINVAL, // INVALID_ARGUMENT
  WSAEAFNOSUPPORT, // AF_NOT_SUPPORTED
  WSANO_DATA, // NO_DATA
  WSANO_RECOVERY, // NO_RECOVERY
  WSAEMSGSIZE, // MSG_SIZE
];

/**
 * The Winsock error a relay reason becomes (Reason.REFUSED → WSAECONNREFUSED); an unknown reason
 * (from a newer relay) reads as INTERNAL does.
 */
export function wsaErrorForReason(reason: number): number {
  return WSA_BY_REASON[reason] ?? WSAENETDOWN;
}

/** Windows name by code, built on the first errorName call (a page that never names an error carries no names). */
let nameByCode: Map<number, string> | null = null;

/** The Windows name of an error code: `errorName(10061) === 'WSAECONNREFUSED'`. */
export function errorName(code: number): string {
  if (!nameByCode) {
    nameByCode = new Map();
    for (const [name, value] of Object.entries(codes)) {
      // Prefer the WSA* name over its EAI_* alias.
      if (!nameByCode.has(value) || name.startsWith('WSA')) nameByCode.set(value, name);
    }
  }
  return nameByCode.get(code) ?? `error ${code}`;
}

// Policy ----------------------------------------------------------------------------------------

/**
 * The relay connection failed (closed, protocol error, send failed). Before WELCOME the page
 * never had a network: WSAENETDOWN. After it, what was running was aborted: WSAECONNABORTED.
 */
export function relayLostError(afterWelcome: boolean): number {
  return afterWelcome ? WSAECONNABORTED : WSAENETDOWN;
}

/** GOAWAY instead of WELCOME: a refused ticket is an access error, anything else a network down. */
export function handshakeRefusedError(reason: number): number {
  return reason === Reason.AUTH_FAILED ? WSAEACCES : WSAENETDOWN;
}

/**
 * ready() failed before a UDP or LISTEN stream was opened on the connection: nothing was
 * aborted, so a connection that died after WELCOME is still "the network is down" to it.
 */
export function unopenedStreamError(readyError: number): number {
  return readyError === WSAECONNABORTED ? WSAENETDOWN : readyError;
}

/**
 * The relay connection was lost under a stream. A stream that had not been established yet
 * (a connect or DGRAM_OPEN in flight) never had a network: WSAENETDOWN. An established one was
 * aborted, unless the connection itself never got past the handshake.
 */
export function lostStreamError(connectionError: number, established: boolean): number {
  if (!established) return WSAENETDOWN;
  return connectionError === WSAENETDOWN ? WSAENETDOWN : WSAECONNABORTED;
}

/**
 * CLOSE from the relay on a stream without an established TCP connection (a UDP socket, a
 * LISTEN stream, a connect in flight): its reason through the table, and OK — the relay ended
 * it without a failure to name — as WSAECONNABORTED.
 */
export function closeReasonError(reason: number): number {
  return reason === Reason.OK ? WSAECONNABORTED : wsaErrorForReason(reason);
}

/**
 * CLOSE with a failure on an established TCP connection: what send and recv report from then
 * on. A reset is WSAECONNRESET; every other way it ended is WSAECONNABORTED.
 */
export function connectionClosedError(reason: number): number {
  return reason === Reason.RESET ? WSAECONNRESET : WSAECONNABORTED;
}

/**
 * FD_CLOSE's error: 0 for an orderly end (FIN, CLOSE OK); WSAECONNABORTED for a connection that
 * was reset, aborted or lost with the relay (the contract: one code, whatever send/recv say).
 */
export function fdCloseError(orderly: boolean): number {
  return orderly ? 0 : WSAECONNABORTED;
}

/** A relay answer about a destination (VERDICT, or the cached one): 0 when allowed. */
export function permissionError(reason: number): number {
  return reason === Reason.OK ? 0 : wsaErrorForReason(reason);
}
