/**
 * Winsock constants with their Windows values (winsock2.h, ws2def.h, ws2ipdef.h, mswsock.h, qos.h).
 * Every name here is a named export of @ws2web/browser. Each is a numeric literal (or an alias of
 * one), so its type is the literal value: `FD_READ` is of type `1`, as `AF_INET` is of type `2`.
 */
export * from './error-codes.js';

// Handles and return values
export const INVALID_SOCKET = 0xffffffff;
export const SOCKET_ERROR = -1;

// WSAStartup / WSADATA
export const WSADESCRIPTION_LEN = 256;
export const WSASYS_STATUS_LEN = 128;

// Address families
export const AF_UNSPEC = 0;
export const AF_UNIX = 1;
export const AF_INET = 2;
export const AF_IRDA = 26;
export const AF_INET6 = 23;
export const AF_BTH = 32;
export const PF_UNSPEC = AF_UNSPEC;
export const PF_INET = AF_INET;
export const PF_INET6 = AF_INET6;

// Socket types
export const SOCK_STREAM = 1;
export const SOCK_DGRAM = 2;
export const SOCK_RAW = 3;
export const SOCK_RDM = 4;
export const SOCK_SEQPACKET = 5;

// Protocols and option levels
export const IPPROTO_IP = 0;
export const IPPROTO_ICMP = 1;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_IPV6 = 41;
export const IPPROTO_ICMPV6 = 58;
export const IPPROTO_RAW = 255;
export const SOL_SOCKET = 0xffff;

// SOL_SOCKET options
export const SO_DEBUG = 0x0001;
export const SO_ACCEPTCONN = 0x0002;
export const SO_REUSEADDR = 0x0004;
export const SO_KEEPALIVE = 0x0008;
export const SO_DONTROUTE = 0x0010;
export const SO_BROADCAST = 0x0020;
export const SO_USELOOPBACK = 0x0040;
export const SO_LINGER = 0x0080;
export const SO_OOBINLINE = 0x0100;
/** `(int)(~SO_LINGER)` */
export const SO_DONTLINGER = -0x81;
/** `(int)(~SO_REUSEADDR)` */
export const SO_EXCLUSIVEADDRUSE = -0x5;
export const SO_SNDBUF = 0x1001;
export const SO_RCVBUF = 0x1002;
export const SO_SNDLOWAT = 0x1003;
export const SO_RCVLOWAT = 0x1004;
export const SO_SNDTIMEO = 0x1005;
export const SO_RCVTIMEO = 0x1006;
export const SO_ERROR = 0x1007;
export const SO_TYPE = 0x1008;
export const SO_GROUP_ID = 0x2001;
export const SO_GROUP_PRIORITY = 0x2002;
export const SO_MAX_MSG_SIZE = 0x2003;
export const SO_PROTOCOL_INFOA = 0x2004;
export const SO_PROTOCOL_INFOW = 0x2005;
export const SO_PROTOCOL_INFO = SO_PROTOCOL_INFOW;
export const SO_CONDITIONAL_ACCEPT = 0x3002;
// WSAPROTOCOL_INFO (WSAEnumProtocols, SO_PROTOCOL_INFO, WSASocket's lpProtocolInfo)
export const FROM_PROTOCOL_INFO = -1;
export const BASE_PROTOCOL = 1;
export const XP1_CONNECTIONLESS = 0x1;
export const XP1_GUARANTEED_DELIVERY = 0x2;
export const XP1_GUARANTEED_ORDER = 0x4;
export const XP1_MESSAGE_ORIENTED = 0x8;
export const XP1_PSEUDO_STREAM = 0x10;
export const XP1_GRACEFUL_CLOSE = 0x20;
export const XP1_EXPEDITED_DATA = 0x40;
export const XP1_CONNECT_DATA = 0x80;
export const XP1_DISCONNECT_DATA = 0x100;
export const XP1_SUPPORT_BROADCAST = 0x200;
export const XP1_SUPPORT_MULTIPOINT = 0x400;
export const XP1_QOS_SUPPORTED = 0x2000;
export const XP1_IFS_HANDLES = 0x20000;
export const PFL_MULTIPLE_PROTO_ENTRIES = 0x1;
export const PFL_RECOMMENDED_PROTO_ENTRY = 0x2;
export const PFL_HIDDEN = 0x4;
export const PFL_MATCHES_PROTOCOL_ZERO = 0x8;
export const BIGENDIAN = 0x0;
export const LITTLEENDIAN = 0x1;
export const SECURITY_PROTOCOL_NONE = 0x0;
/** Bytes of WSAPROTOCOL_INFOA (szProtocol is 256 CHARs) and WSAPROTOCOL_INFOW (256 WCHARs). */
export const WSAPROTOCOL_INFOA_SIZE = 372;
export const WSAPROTOCOL_INFOW_SIZE = 628;
export const SO_CONNDATA = 0x7000;
export const SO_CONNOPT = 0x7001;
export const SO_DISCDATA = 0x7002;
export const SO_DISCOPT = 0x7003;
export const SO_CONNDATALEN = 0x7004;
export const SO_CONNOPTLEN = 0x7005;
export const SO_DISCDATALEN = 0x7006;
export const SO_DISCOPTLEN = 0x7007;
export const SO_OPENTYPE = 0x7008;
export const SO_MAXDG = 0x7009;
export const SO_MAXPATHDG = 0x700a;
export const SO_UPDATE_ACCEPT_CONTEXT = 0x700b;
export const SO_CONNECT_TIME = 0x700c;
export const SO_UPDATE_CONNECT_CONTEXT = 0x7010;

// IPPROTO_TCP options
export const TCP_NODELAY = 0x0001;
export const TCP_EXPEDITED_1122 = 0x0002;
export const TCP_KEEPALIVE = 3;
export const TCP_MAXSEG = 4;
export const TCP_MAXRT = 5;
export const TCP_KEEPCNT = 16;
export const TCP_KEEPIDLE = TCP_KEEPALIVE;
export const TCP_KEEPINTVL = 17;

// IPPROTO_IP options
export const IP_PKTINFO = 19;

// IPPROTO_IPV6 options
export const IPV6_V6ONLY = 27;
export const IPV6_PKTINFO = 19;

// ioctlsocket commands
export const FIONBIO = 0x8004667e;
export const FIONREAD = 0x4004667f;
export const SIOCATMARK = 0x40047307;

// shutdown
export const SD_RECEIVE = 0;
export const SD_SEND = 1;
export const SD_BOTH = 2;

// send/recv flags
export const MSG_OOB = 0x1;
export const MSG_PEEK = 0x2;
export const MSG_DONTROUTE = 0x4;
export const MSG_WAITALL = 0x8;
export const MSG_PUSH_IMMEDIATE = 0x20;
export const MSG_PARTIAL = 0x8000;
/** WSARecvMsg's dwFlags on return: datagram cut to the buffers / control data cut to Control. */
export const MSG_TRUNC = 0x0100;
export const MSG_CTRUNC = 0x0200;
export const MSG_BCAST = 0x0400;
export const MSG_MCAST = 0x0800;

// Network events (WSAEventSelect / WSAAsyncSelect). The masks are written as literals, not as
// `1 << FD_x_BIT`, so their types are the literal values; a test pins them to the bits.
export const FD_READ_BIT = 0;
export const FD_WRITE_BIT = 1;
export const FD_OOB_BIT = 2;
export const FD_ACCEPT_BIT = 3;
export const FD_CONNECT_BIT = 4;
export const FD_CLOSE_BIT = 5;
export const FD_QOS_BIT = 6;
export const FD_GROUP_QOS_BIT = 7;
export const FD_ROUTING_INTERFACE_CHANGE_BIT = 8;
export const FD_ADDRESS_LIST_CHANGE_BIT = 9;
export const FD_MAX_EVENTS = 10;
export const FD_READ = 0x1; // 1 << FD_READ_BIT
export const FD_WRITE = 0x2; // 1 << FD_WRITE_BIT
export const FD_OOB = 0x4; // 1 << FD_OOB_BIT
export const FD_ACCEPT = 0x8; // 1 << FD_ACCEPT_BIT
export const FD_CONNECT = 0x10; // 1 << FD_CONNECT_BIT
export const FD_CLOSE = 0x20; // 1 << FD_CLOSE_BIT
export const FD_QOS = 0x40; // 1 << FD_QOS_BIT
export const FD_GROUP_QOS = 0x80; // 1 << FD_GROUP_QOS_BIT
export const FD_ROUTING_INTERFACE_CHANGE = 0x100; // 1 << FD_ROUTING_INTERFACE_CHANGE_BIT
export const FD_ADDRESS_LIST_CHANGE = 0x200; // 1 << FD_ADDRESS_LIST_CHANGE_BIT
export const FD_ALL_EVENTS = 0x3ff; // (1 << FD_MAX_EVENTS) - 1

// select
export const FD_SETSIZE = 64;

// WSAWaitForMultipleEvents
export const WSA_MAXIMUM_WAIT_EVENTS = 64;
export const WSA_WAIT_EVENT_0 = 0;
export const WSA_WAIT_IO_COMPLETION = 0xc0;
export const WSA_WAIT_ABANDONED_0 = 0x80;
export const WSA_WAIT_TIMEOUT = 258;
export const WSA_WAIT_FAILED = 0xffffffff;
export const WSA_INFINITE = 0xffffffff;

// WSASocket flags
export const WSA_FLAG_OVERLAPPED = 0x01;
export const WSA_FLAG_MULTIPOINT_C_ROOT = 0x02;
export const WSA_FLAG_MULTIPOINT_C_LEAF = 0x04;
export const WSA_FLAG_MULTIPOINT_D_ROOT = 0x08;
export const WSA_FLAG_MULTIPOINT_D_LEAF = 0x10;
export const WSA_FLAG_ACCESS_SYSTEM_SECURITY = 0x40;
export const WSA_FLAG_NO_HANDLE_INHERIT = 0x80;

// Addresses
export const INADDR_ANY = 0x00000000;
export const INADDR_LOOPBACK = 0x7f000001;
export const INADDR_BROADCAST = 0xffffffff;
export const INADDR_NONE = 0xffffffff;
export const SOMAXCONN = 0x7fffffff;

// WSAAccept condition results
export const CF_ACCEPT = 0x0000;
export const CF_REJECT = 0x0001;
export const CF_DEFER = 0x0002;

// QOS service types (qos.h): FLOWSPEC.ServiceType
export const SERVICETYPE_NOTRAFFIC = 0x00000000;
export const SERVICETYPE_BESTEFFORT = 0x00000001;
export const SERVICETYPE_CONTROLLEDLOAD = 0x00000002;
export const SERVICETYPE_GUARANTEED = 0x00000003;
export const SERVICETYPE_NETWORK_UNAVAILABLE = 0x00000004;
export const SERVICETYPE_GENERAL_INFORMATION = 0x00000005;
export const SERVICETYPE_NOCHANGE = 0x00000006;
export const SERVICETYPE_NONCONFORMING = 0x00000009;
export const SERVICETYPE_NETWORK_CONTROL = 0x0000000a;
export const SERVICETYPE_QUALITATIVE = 0x0000000d;
export const SERVICE_NO_TRAFFIC_CONTROL = 0x81000000;
export const SERVICE_NO_QOS_SIGNALING = 0x40000000;
export const QOS_NOT_SPECIFIED = 0xffffffff;

// getaddrinfo flags (ws2def.h)
export const AI_PASSIVE = 0x00000001;
export const AI_CANONNAME = 0x00000002;
export const AI_NUMERICHOST = 0x00000004;
export const AI_NUMERICSERV = 0x00000008;
export const AI_DNS_ONLY = 0x00000010;
export const AI_ALL = 0x00000100;
export const AI_ADDRCONFIG = 0x00000400;
export const AI_V4MAPPED = 0x00000800;
export const AI_NON_AUTHORITATIVE = 0x00004000;
export const AI_SECURE = 0x00008000;
export const AI_RETURN_PREFERRED_NAMES = 0x00010000;
export const AI_FQDN = 0x00020000;
export const AI_FILESERVER = 0x00040000;
export const AI_DISABLE_IDN_ENCODING = 0x00080000;

// getnameinfo flags and buffer sizes
export const NI_NOFQDN = 0x01;
export const NI_NUMERICHOST = 0x02;
export const NI_NAMEREQD = 0x04;
export const NI_NUMERICSERV = 0x08;
export const NI_DGRAM = 0x10;
export const NI_MAXHOST = 1025;
export const NI_MAXSERV = 32;

// Name spaces (GetAddrInfoEx) and the WSAAsyncGetXByY buffer size
export const NS_ALL = 0;
export const NS_DNS = 12;
export const MAXGETHOSTSTRUCT = 1024;

// WSAIoctl codes
export const SIO_GET_EXTENSION_FUNCTION_POINTER = 0xc8000006;
export const SIO_KEEPALIVE_VALS = 0x98000004;

// Overlapped status (NTSTATUS in WSAOVERLAPPED.Internal while an operation is pending)
export const STATUS_PENDING = 0x103;
export const ERROR_IO_PENDING = 997;
