/**
 * The few Winsock values the glue itself returns. Kept here rather than imported at run time so
 * the glue has no runtime dependency on @ws2web/browser (it is handed a Winsock object);
 * test/values.test.ts checks each against the library's export of the same name.
 */
export const SOCKET_ERROR = -1;
export const INVALID_SOCKET = 0xffffffff;
export const AF_INET = 2;
export const AF_INET6 = 23;
export const WSA_NOT_ENOUGH_MEMORY = 8;
export const WSA_INVALID_PARAMETER = 87;
export const WSAEFAULT = 10014;
export const WSAEINVAL = 10022;
export const WSAEMSGSIZE = 10040;
export const WSAEOPNOTSUPP = 10045;
export const WSAEAFNOSUPPORT = 10047;
