/**
 * The one table of failure reasons: OS errno (as Node reports it) → wire reason → Winsock error.
 *
 * The relay maps what Node tells it to a wire reason; the page maps the wire reason to the
 * WSAE code its caller sees. Both directions read this table, so the two ends cannot drift,
 * and packages/protocol/test/reasons.test.ts fails if the table in docs/protocol.md ("Errors")
 * differs from it in any code, name, errno or Winsock name.
 */

export interface ReasonRow {
  /** Value on the wire (u16). */
  readonly code: number;
  readonly name: string;
  /** Node/libuv error codes that mean this reason. */
  readonly errnos: readonly string[];
  /** Name of the Winsock error the page reports (a key of the browser's constants). */
  readonly wsa: string;
  readonly meaning: string;
}

const rows = [
  { code: 0, name: 'OK', errnos: [], wsa: 'NO_ERROR', meaning: 'success / graceful close' },
  {
    code: 1,
    name: 'REFUSED',
    errnos: ['ECONNREFUSED'],
    wsa: 'WSAECONNREFUSED',
    meaning: 'peer refused the connection (RST on SYN)',
  },
  {
    code: 2,
    name: 'TIMED_OUT',
    errnos: ['ETIMEDOUT'],
    wsa: 'WSAETIMEDOUT',
    meaning: 'no answer within the connect timeout',
  },
  {
    code: 3,
    name: 'NET_UNREACH',
    errnos: ['ENETUNREACH', 'ENETDOWN'],
    wsa: 'WSAENETUNREACH',
    meaning: 'network unreachable',
  },
  {
    code: 4,
    name: 'HOST_UNREACH',
    errnos: ['EHOSTUNREACH', 'EHOSTDOWN'],
    wsa: 'WSAEHOSTUNREACH',
    meaning: 'host unreachable',
  },
  {
    code: 5,
    name: 'POLICY_DENIED',
    errnos: [],
    wsa: 'WSAEACCES',
    meaning: 'destination refused by the relay policy (never dialled)',
  },
  {
    code: 6,
    name: 'RESET',
    errnos: ['ECONNRESET', 'EPIPE'],
    wsa: 'WSAECONNRESET',
    meaning: 'peer reset an established connection',
  },
  {
    code: 7,
    name: 'ADDR_IN_USE',
    errnos: ['EADDRINUSE'],
    wsa: 'WSAEADDRINUSE',
    meaning: 'local address already in use',
  },
  {
    code: 8,
    name: 'ADDR_NOT_AVAIL',
    errnos: ['EADDRNOTAVAIL'],
    wsa: 'WSAEADDRNOTAVAIL',
    meaning: 'local or remote address not valid here',
  },
  {
    code: 9,
    name: 'HOST_NOT_FOUND',
    errnos: ['ENOTFOUND', 'ENONAME'],
    wsa: 'WSAHOST_NOT_FOUND',
    meaning: 'name does not exist',
  },
  {
    code: 10,
    name: 'TRY_AGAIN',
    errnos: ['EAI_AGAIN', 'ESERVFAIL', 'ETIMEOUT'],
    wsa: 'WSATRY_AGAIN',
    meaning: 'temporary name resolution failure',
  },
  {
    code: 11,
    name: 'ABORTED',
    errnos: ['ECONNABORTED'],
    wsa: 'WSAECONNABORTED',
    meaning: 'connection aborted by the relay',
  },
  { code: 12, name: 'PROTOCOL_ERROR', errnos: [], wsa: 'WSAECONNABORTED', meaning: 'a peer broke the wire protocol' },
  {
    code: 13,
    name: 'LIMIT',
    errnos: ['EMFILE', 'ENFILE', 'ENOBUFS', 'ENOMEM'],
    wsa: 'WSAENOBUFS',
    meaning: 'a relay or OS resource limit was hit',
  },
  { code: 14, name: 'INTERNAL', errnos: [], wsa: 'WSAENETDOWN', meaning: 'unexpected relay failure' },
  { code: 15, name: 'AUTH_FAILED', errnos: [], wsa: 'WSAEACCES', meaning: 'ticket missing, forged or expired' },
  {
    code: 16,
    name: 'VERSION_MISMATCH',
    errnos: [],
    wsa: 'WSAENETDOWN',
    meaning: 'client and relay speak different protocol versions',
  },
  { code: 17, name: 'SHUTTING_DOWN', errnos: [], wsa: 'WSAECONNABORTED', meaning: 'the relay is closing' },
  {
    code: 18,
    name: 'INVALID_ARGUMENT',
    errnos: ['EINVAL', 'ERR_INVALID_ARG_VALUE', 'ERR_SOCKET_BAD_PORT'],
    wsa: 'WSAEINVAL',
    meaning: 'the relay rejected an argument',
  },
  {
    code: 19,
    name: 'AF_NOT_SUPPORTED',
    errnos: ['EAFNOSUPPORT'],
    wsa: 'WSAEAFNOSUPPORT',
    meaning: 'address family not supported on the relay host',
  },
  {
    code: 20,
    name: 'NO_DATA',
    errnos: ['ENODATA'],
    wsa: 'WSANO_DATA',
    meaning: 'the name exists but has no address of the requested family',
  },
  {
    code: 21,
    name: 'NO_RECOVERY',
    errnos: ['EREFUSED', 'EFORMERR', 'EBADRESP', 'ENOTIMP'],
    wsa: 'WSANO_RECOVERY',
    meaning: 'the name server failed in a way that retrying will not fix',
  },
  {
    code: 22,
    name: 'MSG_SIZE',
    errnos: ['EMSGSIZE'],
    wsa: 'WSAEMSGSIZE',
    meaning: 'a datagram is larger than the network allows',
  },
] as const satisfies readonly ReasonRow[];

export type ReasonName = (typeof rows)[number]['name'];

/** Reason codes by name: `Reason.REFUSED === 1`. */
export const Reason = Object.freeze(
  Object.fromEntries(rows.map((r) => [r.name, r.code])) as { readonly [K in ReasonName]: number },
);

export const REASONS: readonly ReasonRow[] = rows;

const byCode = new Map<number, ReasonRow>(rows.map((r) => [r.code, r]));
const byErrno = new Map<string, ReasonRow>(rows.flatMap((r) => r.errnos.map((e) => [e, r] as const)));

/** The row for a wire reason; an unknown code (from a newer peer) reads as INTERNAL. */
export function reasonRow(code: number): ReasonRow {
  return byCode.get(code) ?? byCode.get(Reason.INTERNAL)!;
}

/** The wire reason for a Node error code (`err.code`); anything unknown is INTERNAL. */
export function reasonForErrno(errno: string | undefined): number {
  return (errno !== undefined ? byErrno.get(errno)?.code : undefined) ?? Reason.INTERNAL;
}
