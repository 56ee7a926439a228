/**
 * @ws2web/browser — the Winsock 2 API for web pages, over one WebSocket to @ws2web/relay.
 * See docs/winsock.md for what each call does and where it differs from Windows.
 */
export * from './win/constants.js';
export { createWinsock } from './winsock.js';
export { createWinsockWith } from './winsock-core.js';
export type {
  WinsockOptions,
  WinsockFeature,
  AnyWinsockFeature,
  WinsockWith,
  WinsockCoreCall,
  FeatureCalls,
} from './winsock-core.js';
export {
  withTcp,
  withUdp,
  withOptions,
  withConnect,
  withConnectByName,
  withData,
  withSelect,
  withIoctl,
  withOverlapped,
  withPoll,
  withProtocolInfo,
  withNames,
  withAddressStrings,
  withAccept,
  withMessages,
  withAsyncLookups,
  allFeatures,
} from './features.js';
export type { Winsock, WSADATA } from './winsock-api.js';
export type { WSABUF, Ref, timeval } from './api/context.js';
export type { WSANETWORKEVENTS } from './api/select.js';
export {
  POLLRDNORM,
  POLLRDBAND,
  POLLIN,
  POLLPRI,
  POLLWRNORM,
  POLLOUT,
  POLLWRBAND,
  POLLERR,
  POLLHUP,
  POLLNVAL,
  type WSAPOLLFD,
} from './api/poll.js';
export type { ADDRINFO, HOSTENT, PROTOENT, SERVENT } from './api/names.js';
export type { StringRef } from './api/address-strings.js';
export {
  WSAMAKEASYNCREPLY,
  WSAGETASYNCBUFLEN,
  WSAGETASYNCERROR,
  hostentBufferSize,
  serventBufferSize,
  protoentBufferSize,
  type AsyncEntryRef,
} from './api/async-lookups.js';
export type { ADDRINFOEXW, AddrInfoExResult, GAI_OVERLAPPED, LookupCompletionRoutine } from './api/names-ex.js';
export type { SOCKET_ADDRESS_LIST } from './api/connect.js';
export type { ConditionProc } from './api/accept.js';
export type { WSAOVERLAPPED, CompletionRoutine } from './win/overlapped.js';
export type { WSAMSG } from './api/messages.js';
export {
  readControlMessages,
  WSACMSGHDR_SIZE,
  IN_PKTINFO_SIZE,
  IN6_PKTINFO_SIZE,
  cmsgLen as WSA_CMSG_LEN,
  cmsgSpace as WSA_CMSG_SPACE,
  type ControlMessage,
} from './win/control-data.js';
export {
  WSAID_CONNECTEX,
  WSAID_ACCEPTEX,
  WSAID_GETACCEPTEXSOCKADDRS,
  WSAID_DISCONNECTEX,
  WSAID_WSARECVMSG,
  WSAID_WSASENDMSG,
} from './win/extension-ids.js';
export { sockaddrIn, sockaddrIn6, parseSockaddr, SOCKADDR_IN_SIZE, SOCKADDR_IN6_SIZE } from './win/sockaddr.js';
export { parseProtocolInfo, type ProtocolEntry } from './win/protocol-info.js';
export { FD_SET, FD_CLR, FD_ISSET, FD_ZERO, fdSet, type FdSet } from './win/fd-set.js';
export { WSAMAKESELECTREPLY, WSAGETSELECTEVENT, WSAGETSELECTERROR, type WindowProc } from './win/network-events.js';
export { htons, ntohs, htonl, ntohl, inet_addr, inet_ntoa } from './win/inet.js';
export { errorName } from './win/errors.js';
export { WsaEvent as WSAEVENT } from './win/event.js';
export type { QOS, FLOWSPEC } from './win/qos.js';
export type { WebSocketConstructor } from './transport/relay-connection.js';
export type { WebSocketStreamConstructor, WebSocketStreamLike } from './transport/websocket-stream.js';

/** MAKEWORD(low, high), for WSAStartup(MAKEWORD(2, 2), …). */
export function MAKEWORD(low: number, high: number): number {
  return ((low & 0xff) | ((high & 0xff) << 8)) >>> 0;
}
