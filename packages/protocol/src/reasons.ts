/**
 * The one table of failure reasons: OS errno (as Node reports it) → wire reason → Winsock error.
 *
 * The relay maps what Node tells it to a wire reason; the page maps the wire reason to the
 * WSAE code its caller sees. A row is its code (`Reason`) and its details, both keyed by the
 * reason's name; REASONS reads them together. Both directions read this table, so the two ends cannot drift,
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

/** Wire values by name (u16). Frozen: a change breaks every deployed peer. */
const codes = {
  OK: 0,
  REFUSED: 1,
  TIMED_OUT: 2,
  NET_UNREACH: 3,
  HOST_UNREACH: 4,
  POLICY_DENIED: 5,
  RESET: 6,
  ADDR_IN_USE: 7,
  ADDR_NOT_AVAIL: 8,
  HOST_NOT_FOUND: 9,
  TRY_AGAIN: 10,
  ABORTED: 11,
  PROTOCOL_ERROR: 12,
  LIMIT: 13,
  INTERNAL: 14,
  AUTH_FAILED: 15,
  VERSION_MISMATCH: 16,
  SHUTTING_DOWN: 17,
  INVALID_ARGUMENT: 18,
  AF_NOT_SUPPORTED: 19,
  NO_DATA: 20,
  NO_RECOVERY: 21,
  MSG_SIZE: 22,
} as const;

export type ReasonName = keyof typeof codes;

/** Reason codes by name: `Reason.REFUSED === 1`. */
export const Reason: { readonly [K in ReasonName]: number } = Object.freeze(codes);

/**
 * The rest of each reason's row, by name: every reason has exactly one (the compiler checks).
 * Apart from the codes so that a peer that only needs those (the page) carries none of this text.
 */
const details: { readonly [K in ReasonName]: Omit<ReasonRow, 'code' | 'name'> } = {
  OK: { errnos: [], wsa: 'NO_ERROR', meaning: 'success / graceful close' },
  REFUSED: { errnos: ['ECONNREFUSED'], wsa: 'WSAECONNREFUSED', meaning: 'peer refused the connection (RST on SYN)' },
  TIMED_OUT: { errnos: ['ETIMEDOUT'], wsa: 'WSAETIMEDOUT', meaning: 'no answer within the connect timeout' },
  NET_UNREACH: { errnos: ['ENETUNREACH', 'ENETDOWN'], wsa: 'WSAENETUNREACH', meaning: 'network unreachable' },
  HOST_UNREACH: { errnos: ['EHOSTUNREACH', 'EHOSTDOWN'], wsa: 'WSAEHOSTUNREACH', meaning: 'host unreachable' },
  POLICY_DENIED: { errnos: [], wsa: 'WSAEACCES', meaning: 'destination refused by the relay policy (never dialled)' },
  RESET: { errnos: ['ECONNRESET', 'EPIPE'], wsa: 'WSAECONNRESET', meaning: 'peer reset an established connection' },
  ADDR_IN_USE: { errnos: ['EADDRINUSE'], wsa: 'WSAEADDRINUSE', meaning: 'local address already in use' },
  ADDR_NOT_AVAIL: {
    errnos: ['EADDRNOTAVAIL'],
    wsa: 'WSAEADDRNOTAVAIL',
    meaning: 'local or remote address not valid here',
  },
  HOST_NOT_FOUND: { errnos: ['ENOTFOUND', 'ENONAME'], wsa: 'WSAHOST_NOT_FOUND', meaning: 'name does not exist' },
  TRY_AGAIN: {
    errnos: ['EAI_AGAIN', 'ESERVFAIL', 'ETIMEOUT'],
    wsa: 'WSATRY_AGAIN',
    meaning: 'temporary name resolution failure',
  },
  ABORTED: { errnos: ['ECONNABORTED'], wsa: 'WSAECONNABORTED', meaning: 'connection aborted by the relay' },
  PROTOCOL_ERROR: { errnos: [], wsa: 'WSAECONNABORTED', meaning: 'a peer broke the wire protocol' },
  LIMIT: {
    errnos: ['EMFILE', 'ENFILE', 'ENOBUFS', 'ENOMEM'],
    wsa: 'WSAENOBUFS',
    meaning: 'a relay or OS resource limit was hit',
  },
  INTERNAL: { errnos: [], wsa: 'WSAENETDOWN', meaning: 'unexpected relay failure' },
  AUTH_FAILED: { errnos: [], wsa: 'WSAEACCES', meaning: 'ticket missing, forged or expired' },
  VERSION_MISMATCH: { errnos: [], wsa: 'WSAENETDOWN', meaning: 'client and relay speak different protocol versions' },
  SHUTTING_DOWN: { errnos: [], wsa: 'WSAECONNABORTED', meaning: 'the relay is closing' },
  INVALID_ARGUMENT: {
    errnos: ['EINVAL', 'ERR_INVALID_ARG_VALUE', 'ERR_SOCKET_BAD_PORT'],
    wsa: 'WSAEINVAL',
    meaning: 'the relay rejected an argument',
  },
  AF_NOT_SUPPORTED: {
    errnos: ['EAFNOSUPPORT'],
    wsa: 'WSAEAFNOSUPPORT',
    meaning: 'address family not supported on the relay host',
  },
  NO_DATA: {
    errnos: ['ENODATA'],
    wsa: 'WSANO_DATA',
    meaning: 'the name exists but has no address of the requested family',
  },
  NO_RECOVERY: {
    errnos: ['EREFUSED', 'EFORMERR', 'EBADRESP', 'ENOTIMP'],
    wsa: 'WSANO_RECOVERY',
    meaning: 'the name server failed in a way that retrying will not fix',
  },
  MSG_SIZE: { errnos: ['EMSGSIZE'], wsa: 'WSAEMSGSIZE', meaning: 'a datagram is larger than the network allows' },
};

/** The table, in code order (marked pure: a page that only reads Reason drops it). */
export const REASONS: readonly ReasonRow[] = /* @__PURE__ */ rowsInCodeOrder();

function rowsInCodeOrder(): ReasonRow[] {
  return (Object.keys(codes) as ReasonName[]).map((name) => ({ code: codes[name], name, ...details[name] }));
}

/** Rows by errno, built on first use. */
let byErrno: Map<string, ReasonRow> | undefined;

/** The row for a wire reason (codes are 0..n-1 in order); an unknown code (from a newer peer) reads as INTERNAL. */
export function reasonRow(code: number): ReasonRow {
  return REASONS[code] ?? REASONS[Reason.INTERNAL]!;
}

/** The wire reason for a Node error code (`err.code`); anything unknown is INTERNAL. */
export function reasonForErrno(errno: string | undefined): number {
  byErrno ??= new Map(REASONS.flatMap((r) => r.errnos.map((e) => [e, r] as const)));
  return (errno !== undefined ? byErrno.get(errno)?.code : undefined) ?? Reason.INTERNAL;
}
