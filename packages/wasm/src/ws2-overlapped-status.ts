/**
 * How an overlapped operation's outcome is spelled in the three places Windows reports it: the
 * OVERLAPPED's Internal field holds an NTSTATUS, WSAGetOverlappedResult (and completion routines)
 * give the Winsock code, GetOverlappedResult and GetQueuedCompletionStatus the Win32 error that
 * RtlNtStatusToDosError makes of the NTSTATUS. So a reset connection is STATUS_CONNECTION_RESET
 * in Internal, WSAECONNRESET from WSAGetOverlappedResult and ERROR_NETNAME_DELETED (64) from
 * GetQueuedCompletionStatus; a refused ConnectEx is WSAECONNREFUSED / ERROR_CONNECTION_REFUSED
 * (1225); a cancelled one WSA_OPERATION_ABORTED / ERROR_OPERATION_ABORTED; one whose socket
 * was closed under it STATUS_HANDLES_CLOSED / ERROR_HANDLES_CLOSED (676), WSA_OPERATION_ABORTED.
 */

export const STATUS_SUCCESS = 0;
export const STATUS_PENDING = 0x103;
export const WSA_OPERATION_ABORTED = 995;
export const WSA_IO_PENDING = 997;
export const WSA_IO_INCOMPLETE = 996;
const WSAEINTR = 10004;
const STATUS_HANDLES_CLOSED = 0x8000000a;

/** [Winsock code, NTSTATUS, Win32 error], one row per outcome. */
const ROWS: readonly (readonly [number, number, number])[] = [
  [WSA_OPERATION_ABORTED, 0xc0000120 /* STATUS_CANCELLED */, 995 /* ERROR_OPERATION_ABORTED */],
  // Closed under the operation (closesocket): a warning status of its own, as Wine reports it.
  [WSAEINTR, STATUS_HANDLES_CLOSED, 676 /* ERROR_HANDLES_CLOSED */],
  [10054 /* WSAECONNRESET */, 0xc000020d /* STATUS_CONNECTION_RESET */, 64 /* ERROR_NETNAME_DELETED */],
  [10061 /* WSAECONNREFUSED */, 0xc0000236 /* STATUS_CONNECTION_REFUSED */, 1225 /* ERROR_CONNECTION_REFUSED */],
  [10053 /* WSAECONNABORTED */, 0xc0000241 /* STATUS_CONNECTION_ABORTED */, 1236 /* ERROR_CONNECTION_ABORTED */],
  [10060 /* WSAETIMEDOUT */, 0xc00000b5 /* STATUS_IO_TIMEOUT */, 121 /* ERROR_SEM_TIMEOUT */],
  [10051 /* WSAENETUNREACH */, 0xc000023c /* STATUS_NETWORK_UNREACHABLE */, 1231 /* ERROR_NETWORK_UNREACHABLE */],
  [10065 /* WSAEHOSTUNREACH */, 0xc000023d /* STATUS_HOST_UNREACHABLE */, 1232 /* ERROR_HOST_UNREACHABLE */],
  [10040 /* WSAEMSGSIZE */, 0x80000005 /* STATUS_BUFFER_OVERFLOW */, 234 /* ERROR_MORE_DATA */],
  [10057 /* WSAENOTCONN */, 0xc0000140 /* STATUS_INVALID_CONNECTION */, 1229 /* ERROR_CONNECTION_INVALID */],
  [10048 /* WSAEADDRINUSE */, 0xc000020a /* STATUS_ADDRESS_ALREADY_EXISTS */, 52 /* ERROR_DUP_NAME */],
  [10049 /* WSAEADDRNOTAVAIL */, 0xc0000207 /* STATUS_INVALID_ADDRESS_COMPONENT */, 4336 /* ERROR_INVALID_NETNAME */],
  [10058 /* WSAESHUTDOWN */, 0xc00000b0 /* STATUS_PIPE_DISCONNECTED */, 233 /* ERROR_PIPE_NOT_CONNECTED */],
  [10055 /* WSAENOBUFS */, 0xc000009a /* STATUS_INSUFFICIENT_RESOURCES */, 1450 /* ERROR_NO_SYSTEM_RESOURCES */],
  [10013 /* WSAEACCES */, 0xc0000022 /* STATUS_ACCESS_DENIED */, 5 /* ERROR_ACCESS_DENIED */],
  [10022 /* WSAEINVAL */, 0xc000000d /* STATUS_INVALID_PARAMETER */, 87 /* ERROR_INVALID_PARAMETER */],
  // AcceptEx with an address length short of the sockaddr + 16, at completion.
  [10014 /* WSAEFAULT */, 0xc0000023 /* STATUS_BUFFER_TOO_SMALL */, 122 /* ERROR_INSUFFICIENT_BUFFER */],
  [10038 /* WSAENOTSOCK */, 0xc0000008 /* STATUS_INVALID_HANDLE */, 6 /* ERROR_INVALID_HANDLE */],
  [10050 /* WSAENETDOWN */, 0xc00000c4 /* STATUS_UNEXPECTED_NETWORK_ERROR */, 59 /* ERROR_UNEXP_NET_ERR */],
];

const BY_WSA = new Map(ROWS.map((r) => [r[0], r]));
const BY_STATUS = new Map(ROWS.map((r) => [r[1], r]));
/** The NTSTATUS Winsock errors have no row of their own become (and come back from). */
const STATUS_UNSUCCESSFUL = 0xc0000001;

/**
 * The Winsock code an operation finished with, as a completion routine and WSAGetOverlappedResult
 * report it. The library ends calls on a socket closed under them with WSAEINTR (its NTSTATUS is
 * STATUS_HANDLES_CLOSED); an overlapped one reports WSA_OPERATION_ABORTED.
 */
export function overlappedError(wsaError: number): number {
  return wsaError === WSAEINTR ? WSA_OPERATION_ABORTED : wsaError;
}

/** The NTSTATUS written into OVERLAPPED.Internal for a Winsock outcome. */
export function ntStatusOf(wsaError: number): number {
  if (wsaError === 0) return STATUS_SUCCESS;
  return BY_WSA.get(wsaError)?.[1] ?? STATUS_UNSUCCESSFUL;
}

/**
 * How Windows' WSAGetOverlappedResult spells a failed Internal as a Winsock error, for the
 * statuses it does not leave at WSAEINVAL (Wine's test_WSAGetOverlappedResult records Windows'
 * answer for every status of eight ranges). [error, statuses…] per row.
 */
const WINDOWS_WSA_ERRORS: readonly (readonly number[])[] = [
  [WSA_IO_INCOMPLETE, STATUS_PENDING, 0x800703e4, 0xc00103e4, 0xc00703e4], // and ERROR_IO_INCOMPLETE as a status
  [10040 /* WSAEMSGSIZE */, 0x80000005 /* BUFFER_OVERFLOW */, 0xc0000206 /* INVALID_BUFFER_SIZE */],
  [10045 /* WSAEOPNOTSUPP */, 0xc0000002 /* NOT_IMPLEMENTED */, 0xc00000bb /* NOT_SUPPORTED */],
  [
    10014 /* WSAEFAULT */, 0xc0000005 /* ACCESS_VIOLATION */, 0xc0000023 /* BUFFER_TOO_SMALL */,
    0xc00002c5 /* DATATYPE_MISALIGNMENT_ERROR */,
  ],
  [
    10055 /* WSAENOBUFS */, 0xc0000007 /* PAGEFILE_QUOTA */, 0xc0000017 /* NO_MEMORY */,
    0xc0000018 /* CONFLICTING_ADDRESSES */, 0xc0000044 /* QUOTA_EXCEEDED */, 0xc0000097 /* TOO_MANY_PAGING_FILES */,
    0xc000009a /* INSUFFICIENT_RESOURCES */, 0xc00000a1 /* WORKING_SET_QUOTA */, 0xc000012d /* COMMITMENT_LIMIT */,
    0xc000013d /* REMOTE_RESOURCES */, 0xc0000209 /* TOO_MANY_ADDRESSES */,
  ],
  [10038 /* WSAENOTSOCK */, 0xc0000008 /* INVALID_HANDLE */, 0xc0000024 /* OBJECT_TYPE_MISMATCH */],
  [
    10050 /* WSAENETDOWN */, 0xc000000e /* NO_SUCH_DEVICE */, 0xc000000f /* NO_SUCH_FILE */,
    0xc0000034 /* OBJECT_NAME_NOT_FOUND */, 0xc000003a /* OBJECT_PATH_NOT_FOUND */, 0xc00000bf /* NETWORK_BUSY */,
    0xc00000c3 /* INVALID_NETWORK_RESPONSE */, 0xc00000c4 /* UNEXPECTED_NETWORK_ERROR */,
  ],
  [10013 /* WSAEACCES */, 0xc0000022 /* ACCESS_DENIED */],
  [10048 /* WSAEADDRINUSE */, 0xc0000043 /* SHARING_VIOLATION */, 0xc000020a /* ADDRESS_ALREADY_EXISTS */],
  [10035 /* WSAEWOULDBLOCK */, 0xc00000a3 /* DEVICE_NOT_READY */, 0xc00000d0 /* REQUEST_NOT_ACCEPTED */],
  [10058 /* WSAESHUTDOWN */, 0xc00000b0 /* PIPE_DISCONNECTED */],
  [10060 /* WSAETIMEDOUT */, 0xc00000b5 /* IO_TIMEOUT */, 0xc000013f /* LINK_TIMEOUT */],
  [10061 /* WSAECONNREFUSED */, 0xc00000bc /* REMOTE_NOT_LISTENING */, 0xc0000236 /* CONNECTION_REFUSED */],
  [
    10051 /* WSAENETUNREACH */, 0xc00000be /* BAD_NETWORK_PATH */, 0xc000023c /* NETWORK_UNREACHABLE */,
    0xc000023e /* PROTOCOL_UNREACHABLE */,
  ],
  [WSA_OPERATION_ABORTED, 0xc0000120 /* CANCELLED */],
  [
    10053 /* WSAECONNABORTED */, 0xc000013b /* LOCAL_DISCONNECT */, 0xc000020f /* TRANSACTION_ABORTED */,
    0xc0000241 /* CONNECTION_ABORTED */,
  ],
  [
    10054 /* WSAECONNRESET */, 0xc000013c /* REMOTE_DISCONNECT */, 0xc000013e /* LINK_FAILED */,
    0xc000020c /* CONNECTION_DISCONNECTED */, 0xc000020d /* CONNECTION_RESET */, 0xc000023f /* PORT_UNREACHABLE */,
  ],
  [10057 /* WSAENOTCONN */, 0xc0000140 /* INVALID_CONNECTION */],
  [10049 /* WSAEADDRNOTAVAIL */, 0xc0000141 /* INVALID_ADDRESS */, 0xc0000207 /* INVALID_ADDRESS_COMPONENT */],
  [10101 /* WSAEDISCON */, 0xc0000237 /* GRACEFUL_DISCONNECT */],
  [10056 /* WSAEISCONN */, 0xc000023b /* CONNECTION_ACTIVE */],
  [10065 /* WSAEHOSTUNREACH */, 0xc000023d /* HOST_UNREACHABLE */],
  [WSAEINTR, 0xc0000240 /* REQUEST_ABORTED */],
  [10064 /* WSAEHOSTDOWN */, 0xc0000350 /* HOST_DOWN */],
];
const WINDOWS_BY_STATUS = new Map(
  WINDOWS_WSA_ERRORS.flatMap(([error, ...statuses]) => statuses.map((st) => [st, error])),
);

/** NT_SUCCESS: severity success or informational (the top bit clear). */
export function ntSuccess(status: number): boolean {
  return status >>> 0 < 0x80000000;
}

/**
 * What WSAGetOverlappedResult reports for an Internal value that is no success (STATUS_PENDING
 * included): Windows' Winsock error for it, WSAEINVAL for a status it has none for. One status of
 * ws2web's own differs: STATUS_HANDLES_CLOSED, written for an operation whose socket was closed
 * under it, reports WSA_OPERATION_ABORTED (Windows: WSAEINVAL).
 */
export function wsaErrorOf(status: number): number {
  const st = status >>> 0;
  if (st === STATUS_SUCCESS) return 0;
  if (st === STATUS_HANDLES_CLOSED) return WSA_OPERATION_ABORTED;
  return WINDOWS_BY_STATUS.get(st) ?? 10022; // WSAEINVAL
}

/** What GetOverlappedResult / GetQueuedCompletionStatus report for an Internal value. */
export function win32ErrorOf(status: number): number {
  if (status === STATUS_SUCCESS) return 0;
  return BY_STATUS.get(status >>> 0)?.[2] ?? 317; // ERROR_MR_MID_NOT_FOUND: RtlNtStatusToDosError's "no mapping"
}
