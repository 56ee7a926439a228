/**
 * @ws2web/browser — the Winsock 2 API for web pages, over one WebSocket to @ws2web/relay.
 * See docs/winsock.md for what each call does and where it differs from Windows.
 */
export * from './constants.js';
export { createWinsock } from './winsock.js';
export type { Winsock, WinsockOptions, WSADATA } from './winsock.js';
export type { WSABUF, Ref, timeval } from './context.js';
export type { WSANETWORKEVENTS } from './api-select.js';
export { POLLRDNORM, POLLRDBAND, POLLIN, POLLPRI, POLLWRNORM, POLLOUT, POLLWRBAND, POLLERR, POLLHUP, POLLNVAL, type WSAPOLLFD } from './api-poll.js';
export type { ADDRINFO, HOSTENT, SERVENT } from './api-names.js';
export type { SOCKET_ADDRESS_LIST } from './api-connect-ex.js';
export type { ConditionProc } from './api-accept.js';
export type { WSAOVERLAPPED, CompletionRoutine } from './overlapped.js';
export { WSAID_CONNECTEX, WSAID_ACCEPTEX, WSAID_GETACCEPTEXSOCKADDRS, WSAID_DISCONNECTEX } from './extension-ids.js';
export { sockaddrIn, sockaddrIn6, parseSockaddr, SOCKADDR_IN_SIZE, SOCKADDR_IN6_SIZE } from './sockaddr.js';
export { FD_SET, FD_CLR, FD_ISSET, FD_ZERO, fdSet, type FdSet } from './fd-set.js';
export { WSAMAKESELECTREPLY, WSAGETSELECTEVENT, WSAGETSELECTERROR, type WindowProc } from './network-events.js';
export { htons, ntohs, htonl, ntohl, inet_addr, inet_ntoa } from './inet.js';
export { errorName } from './errors.js';
export { WsaEvent as WSAEVENT } from './event.js';
export type { QOS, FLOWSPEC } from './qos.js';
export type { WebSocketConstructor } from './transport.js';

/** MAKEWORD(low, high), for WSAStartup(MAKEWORD(2, 2), …). */
export function MAKEWORD(low: number, high: number): number {
  return ((low & 0xff) | ((high & 0xff) << 8)) >>> 0;
}
