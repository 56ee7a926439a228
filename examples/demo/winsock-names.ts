// Names for numbers, built from the library's own exported constants so the page can never show
// a name that disagrees with a value.
import * as winsock from '@ws2web/browser';

const errorNames = new Map<number, string>();
for (const [name, value] of Object.entries(winsock)) {
  // winerror.h's Winsock range plus the getaddrinfo codes; the first name for a value wins.
  if (
    typeof value === 'number' &&
    value >= 10000 &&
    value < 12000 &&
    name.startsWith('WSA') &&
    !errorNames.has(value)
  ) {
    errorNames.set(value, name);
  }
}

/** "WSAECONNREFUSED (10061)", or "0 (no error)". */
export function errorName(code: number): string {
  if (code === 0) return '0 (no error)';
  return `${errorNames.get(code) ?? 'error'} (${code})`;
}

/**
 * The FD_* events with the index of each one's slot in WSANETWORKEVENTS.iErrorCode, listed in
 * the order they usually happen (one WSAEnumNetworkEvents can report several at once).
 */
export const NETWORK_EVENTS = [
  { name: 'FD_CONNECT', mask: winsock.FD_CONNECT, bit: winsock.FD_CONNECT_BIT },
  { name: 'FD_ACCEPT', mask: winsock.FD_ACCEPT, bit: winsock.FD_ACCEPT_BIT },
  { name: 'FD_WRITE', mask: winsock.FD_WRITE, bit: winsock.FD_WRITE_BIT },
  { name: 'FD_READ', mask: winsock.FD_READ, bit: winsock.FD_READ_BIT },
  { name: 'FD_OOB', mask: winsock.FD_OOB, bit: winsock.FD_OOB_BIT },
  { name: 'FD_CLOSE', mask: winsock.FD_CLOSE, bit: winsock.FD_CLOSE_BIT },
] as const;
