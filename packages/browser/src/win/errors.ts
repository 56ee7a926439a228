/**
 * Every decision about which Winsock error a failure becomes. The wire reason → Winsock error
 * table lives in @ws2web/protocol (shared with the relay); the policy beyond it — what losing
 * the relay, a refused handshake, or a CLOSE means for a socket in a given situation — lives
 * here, so that sockets and the transport ask instead of deciding.
 */
import { Reason, reasonRow } from '@ws2web/protocol';
import * as codes from './error-codes.js';

const { WSAEACCES, WSAECONNABORTED, WSAECONNRESET, WSAENETDOWN } = codes;

const codeByName = codes as unknown as Record<string, number>;
const nameByCode = new Map<number, string>();
for (const [name, value] of Object.entries(codeByName)) {
  // Prefer the WSA* name over its EAI_* alias.
  if (!nameByCode.has(value) || name.startsWith('WSA')) nameByCode.set(value, name);
}

/** The Winsock error a relay reason becomes (Reason.REFUSED → WSAECONNREFUSED). */
export function wsaErrorForReason(reason: number): number {
  return codeByName[reasonRow(reason).wsa] ?? WSAENETDOWN;
}

/** The Windows name of an error code: `errorName(10061) === 'WSAECONNREFUSED'`. */
export function errorName(code: number): string {
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
