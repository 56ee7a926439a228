/**
 * The features createWinsockWith composes a Winsock object from: the two socket types and the
 * groups of calls (one api/ file each). Each is a plain value that refers to its code, so a
 * bundler drops every feature a page does not name. createWinsock uses allFeatures.
 *
 * A new group of calls becomes a feature here (`withX = feature(xCalls)`) and an entry of
 * allFeatures; its calls must be declared in the Winsock interface (winsock-api.ts), which
 * feature() checks.
 */
import { IPPROTO_TCP, IPPROTO_UDP, SOCK_DGRAM, SOCK_STREAM } from './win/constants.js';
import { acceptCalls } from './api/accept.js';
import { addressStringCalls } from './api/address-strings.js';
import { asyncLookupCalls } from './api/async-lookups.js';
import { connectCalls } from './api/connect.js';
import { connectByCalls } from './api/connect-by.js';
import type { WinsockContext } from './api/context.js';
import { dataCalls } from './api/data.js';
import { ioctlCalls } from './api/ioctl.js';
import { messageCalls } from './api/messages.js';
import { nameCalls } from './api/names.js';
import { addrInfoExCalls } from './api/names-ex.js';
import { optionCalls } from './api/options.js';
import { overlappedCalls } from './api/overlapped.js';
import { pollCalls } from './api/poll.js';
import { protocolCalls } from './api/protocols.js';
import { selectCalls } from './api/select.js';
import { openListener } from './socket/listener.js';
import { DatagramSocket } from './socket/udp.js';
import { StreamSocket } from './socket/tcp.js';
import type { WinsockFeature } from './winsock-core.js';
import type { Winsock } from './winsock-api.js';

/** A group of calls as a feature; the compiler checks each call against the Winsock interface. */
function feature<K extends keyof Winsock>(calls: (ctx: WinsockContext) => Pick<Winsock, K>): WinsockFeature<K> {
  return { calls };
}

/** TCP sockets: socket(AF_INET | AF_INET6, SOCK_STREAM, 0 | IPPROTO_TCP). */
export const withTcp: WinsockFeature = {
  socketType: SOCK_STREAM,
  provider: (handle, af, host) => new StreamSocket(handle, af, SOCK_STREAM, IPPROTO_TCP, host),
};

/** UDP sockets: socket(AF_INET | AF_INET6, SOCK_DGRAM, 0 | IPPROTO_UDP). */
export const withUdp: WinsockFeature = {
  socketType: SOCK_DGRAM,
  provider: (handle, af, host) => new DatagramSocket(handle, af, SOCK_DGRAM, IPPROTO_UDP, host),
};

/** setsockopt and getsockopt (SO_RCVTIMEO, TCP_NODELAY, SO_LINGER…). */
export const withOptions = feature(optionCalls);

/** connect, WSAConnect, ConnectEx and DisconnectEx (the two handed out by WSAIoctl with withIoctl). */
export const withConnect = feature(connectCalls);

/** WSAConnectByName (resolving needs withNames) and WSAConnectByList. */
export const withConnectByName = feature(connectByCalls);

/** send, recv, sendto, recvfrom, WSASend, WSARecv, WSASendTo, WSARecvFrom. */
export const withData = feature(dataCalls);

/**
 * WSASendMsg and WSARecvMsg (IN_PKTINFO / IN6_PKTINFO control data; WSAIoctl hands out
 * WSARecvMsg with withIoctl).
 */
export const withMessages = feature(messageCalls);

/** select, WSAEventSelect, WSAAsyncSelect, WSAEnumNetworkEvents and the WSAEVENT calls. */
export const withSelect = feature(selectCalls);

/** ioctlsocket and WSAIoctl (extension functions of the features given: ConnectEx, AcceptEx). */
export const withIoctl = feature(ioctlCalls);

/** WSAGetOverlappedResult (the overlapped calls themselves are in withData, withConnect, withAccept). */
export const withOverlapped = feature(overlappedCalls);

/** WSAPoll. */
export const withPoll = feature(pollCalls);

/** WSAEnumProtocolsA/W: the provider catalog (getsockopt(SO_PROTOCOL_INFO) is in withOptions). */
export const withProtocolInfo = feature(protocolCalls);

/**
 * getaddrinfo, GetAddrInfoW, GetAddrInfoExW (and its overlapped forms), getnameinfo,
 * gethostbyname, getservbyname, getprotobyname, inet_pton… (resolving through the relay).
 */
export const withNames = feature((ctx) => ({ ...nameCalls(ctx), ...addrInfoExCalls(ctx) }));

/** WSAAddressToStringA/W, WSAStringToAddressA/W, InetPtonW, InetNtopW: address text, no network. */
export const withAddressStrings = feature(addressStringCalls);

/**
 * WSAAsyncGetHostByName, WSAAsyncGetHostByAddr, WSAAsyncGetServByName/Port,
 * WSAAsyncGetProtoByName/Number, WSACancelAsyncRequest: lookups answered as window messages.
 */
export const withAsyncLookups = feature(asyncLookupCalls);

/**
 * accept, WSAAccept, AcceptEx, GetAcceptExSockaddrs: connections to a listening socket, and the
 * relay listener listen opens (without withAccept, listen fails with WSAEOPNOTSUPP).
 */
export const withAccept: WinsockFeature<keyof ReturnType<typeof acceptCalls>> = {
  calls: acceptCalls,
  listener: openListener,
};

/** Every feature, in the order createWinsock assembles them. */
export const allFeatures = [
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
] as const;
