/**
 * Names and address text: getaddrinfo, GetAddrInfoW, freeaddrinfo, gai_strerror, getnameinfo,
 * gethostbyname, gethostname, getservbyname, getservbyport, getprotobyname, getprotobynumber,
 * inet_pton, inet_ntop, inet_addr, inet_ntoa, htons, ntohs, htonl, ntohl. The page has no DNS: names are resolved by the relay
 * (RESOLVE); numeric hosts and services never leave the page.
 */
import { Capability, ResolveFamily, ResolveFlag, formatIPv6, parseIPv4, parseIPv6 } from '@ws2web/protocol';
import {
  AF_INET,
  AF_INET6,
  AF_UNSPEC,
  AI_ADDRCONFIG,
  AI_ALL,
  AI_CANONNAME,
  AI_DISABLE_IDN_ENCODING,
  AI_DNS_ONLY,
  AI_FILESERVER,
  AI_FQDN,
  AI_NON_AUTHORITATIVE,
  AI_NUMERICHOST,
  AI_NUMERICSERV,
  AI_PASSIVE,
  AI_RETURN_PREFERRED_NAMES,
  AI_SECURE,
  AI_V4MAPPED,
  INADDR_NONE,
  NI_DGRAM,
  NI_NAMEREQD,
  NI_NUMERICHOST,
  NI_NUMERICSERV,
  NI_NOFQDN,
  SOCK_DGRAM,
  SOCK_RAW,
  SOCK_STREAM,
  WSAEAFNOSUPPORT,
  WSAEFAULT,
  WSAEINVAL,
  WSAENETDOWN,
  WSAESOCKTNOSUPPORT,
  WSAHOST_NOT_FOUND,
  WSANOTINITIALISED,
  WSANO_DATA,
  WSANO_RECOVERY,
  WSATYPE_NOT_FOUND,
  WSA_NOT_ENOUGH_MEMORY,
  WSATRY_AGAIN,
} from '../win/constants.js';
import type { WinsockContext } from './context.js';
import { resolveThrough } from '../transport/resolve.js';
import { errorName, wsaErrorForReason } from '../win/errors.js';
import { htonl, htons, inetNtop, inetPton, inet_addr, inet_ntoa, ntohl, ntohs } from '../win/inet.js';
import { readIpv6Text } from '../win/ip-text.js';
import { fromEndpoint, readSockaddr, writeSockaddr, type SockAddr } from '../win/sockaddr.js';
import { protocolByName, protocolByNumber, type Protocol } from '../win/protocols.js';
import { serviceByName, serviceByPort, type Service } from '../win/services.js';

/** ADDRINFO / ADDRINFOW: one link of getaddrinfo's result chain. */
export interface ADDRINFO {
  ai_flags: number;
  ai_family: number;
  ai_socktype: number;
  ai_protocol: number;
  ai_addrlen: number;
  ai_canonname: string | null;
  ai_addr: Uint8Array | null;
  ai_next: ADDRINFO | null;
}

/** hostent, as gethostbyname returns it (IPv4 only, as Windows). */
export interface HOSTENT {
  h_name: string;
  h_aliases: string[];
  h_addrtype: number;
  h_length: number;
  h_addr_list: Uint8Array[];
}
/** servent: s_port is in network byte order, as Windows returns it. */
export interface SERVENT {
  s_name: string;
  s_aliases: string[];
  s_port: number;
  s_proto: string;
}
/** protoent, as getprotobyname / getprotobynumber return it. */
export interface PROTOENT {
  p_name: string;
  p_aliases: string[];
  p_proto: number;
}

const KNOWN_FLAGS =
  AI_PASSIVE |
  AI_CANONNAME |
  AI_NUMERICHOST |
  AI_NUMERICSERV |
  AI_DNS_ONLY |
  AI_ALL |
  AI_ADDRCONFIG |
  AI_V4MAPPED |
  AI_NON_AUTHORITATIVE |
  AI_SECURE |
  AI_RETURN_PREFERRED_NAMES |
  AI_FQDN |
  AI_FILESERVER |
  AI_DISABLE_IDN_ENCODING;

/** gai_strerror texts (Windows' messages for the codes getaddrinfo returns). */
const GAI_MESSAGES: Record<number, string> = {
  [WSATRY_AGAIN]:
    'This is usually a temporary error during hostname resolution and means that the local server did not receive a response from an authoritative server.',
  [WSAEINVAL]: 'An invalid argument was supplied.',
  [WSANO_RECOVERY]: 'A non-recoverable error occurred during a database lookup.',
  [WSAEAFNOSUPPORT]: 'An address incompatible with the requested protocol was used.',
  [WSA_NOT_ENOUGH_MEMORY]: 'Not enough memory resources are available to process this command.',
  [WSAHOST_NOT_FOUND]: 'No such host is known.',
  [WSATYPE_NOT_FOUND]: 'The specified class was not found.',
  [WSAESOCKTNOSUPPORT]: 'The support for the specified socket type does not exist in this address family.',
  [WSANO_DATA]: 'The requested name is valid, but no data of the requested type was found.',
  [WSAENETDOWN]: 'A socket operation encountered a dead network.',
};

/** The page's host name: the page's own host when there is one (no relay detail leaks). */
function pageHostName(): string {
  const host = (globalThis as { location?: { hostname?: string } }).location?.hostname;
  return host && /^[A-Za-z0-9.-]+$/.test(host) ? host : 'localhost';
}

/**
 * The name as DNS knows it: a name with non-ASCII characters in punycode (IDNA, as the URL
 * parser writes host names), as Windows 8 and later encode it. Null when it has no such form, or
 * when AI_DISABLE_IDN_ENCODING asks for it as given: no DNS name holds those characters.
 */
function dnsName(name: string, idnDisabled: boolean): string | null {
  if ([...name].every((c) => c.charCodeAt(0) < 0x80)) return name;
  if (idnDisabled || /[/\\?#@:%\s]/.test(name)) return null;
  try {
    return new URL(`http://${name}/`).hostname || null;
  } catch {
    return null;
  }
}

/** A numeric host literal as addresses of `family` (AF_UNSPEC: its own), or null if not numeric. */
function numericHost(host: string, family: number, v4mapped: boolean): SockAddr[] | null | 'family' {
  if (host.startsWith('[')) {
    // "[v6]", "[v6%scope]" and "[v6]:port" are IPv6 literals to Windows (the port is not used).
    const bytes = new Uint8Array(16);
    const read = readIpv6Text(host, true, bytes);
    if (!read.ok) return null;
    if (family === AF_INET) return 'family';
    return [{ family: AF_INET6, address: formatIPv6(bytes), port: 0, flowinfo: 0, scopeId: read.scopeId }];
  }
  const zone = host.indexOf('%');
  const text = zone >= 0 ? host.slice(0, zone) : host;
  const scopeId = zone >= 0 && /^\d+$/.test(host.slice(zone + 1)) ? Number(host.slice(zone + 1)) : 0;
  if (parseIPv4(text)) {
    if (family === AF_INET6)
      return v4mapped ? [{ family: AF_INET6, address: `::ffff:${text}`, port: 0, flowinfo: 0, scopeId: 0 }] : 'family';
    return [{ family: AF_INET, address: text, port: 0, flowinfo: 0, scopeId: 0 }];
  }
  const v6 = parseIPv6(text);
  if (v6) {
    if (family === AF_INET) return 'family';
    return [{ family: AF_INET6, address: formatIPv6(v6), port: 0, flowinfo: 0, scopeId }];
  }
  return null;
}

/** Parses a service: a decimal port, or a name for the socket type's protocol. */
function resolveService(service: string | null, socktype: number, numericOnly: boolean): number | 'bad' {
  if (service === null || service === undefined || service === '') return 0;
  if (/^\d+$/.test(service)) {
    const port = Number(service);
    return port <= 0xffff ? port : 'bad';
  }
  if (numericOnly) return 'bad';
  const proto = socktype === SOCK_DGRAM ? 'udp' : socktype === SOCK_STREAM ? 'tcp' : undefined;
  return serviceByName(service, proto)?.port ?? 'bad';
}

function servent(s: Service, proto: string | null): SERVENT {
  return { s_name: s.name, s_aliases: [...s.aliases], s_port: htons(s.port), s_proto: proto ?? s.protocols[0] };
}

/** Resolves a host name through the relay: addresses of `family`, or a Winsock error. */
export async function resolveName(
  ctx: WinsockContext,
  host: string,
  family: number,
  canon: boolean,
): Promise<{ canonName: string; addresses: SockAddr[] } | number> {
  if (host.length === 0 || new TextEncoder().encode(host).length > 255) return WSAHOST_NOT_FOUND;
  const conn = ctx.host.relay();
  const ready = await conn.ready();
  if (ready) return WSAENETDOWN;
  if (!(conn.capabilities & Capability.RESOLVE)) return WSANO_RECOVERY;
  const wireFamily =
    family === AF_INET ? ResolveFamily.IPV4 : family === AF_INET6 ? ResolveFamily.IPV6 : ResolveFamily.ANY;
  const outcome = await resolveThrough(conn, host, wireFamily, canon ? ResolveFlag.CANONNAME : 0);
  if (!outcome.ok) return outcome.code ?? wsaErrorForReason(outcome.reason);
  // RESOLVED carries IP endpoints only (the codec refuses names there), with port 0.
  const addresses = outcome.addresses.map(fromEndpoint);
  return { canonName: outcome.canonName || host, addresses };
}

/**
 * The PTR name of an address through the relay (RESOLVE REVERSE), or null when there is none
 * the page may learn: no record, a relay policy refusal, no relay, or a relay too old to know
 * the flag (it answers the literal itself, with an empty or numeric name).
 */
export async function reverseName(ctx: WinsockContext, addr: SockAddr): Promise<string | null> {
  const conn = ctx.host.relay();
  if (await conn.ready()) return null;
  if (!(conn.capabilities & Capability.RESOLVE)) return null;
  const family = addr.family === AF_INET ? ResolveFamily.IPV4 : ResolveFamily.IPV6;
  const outcome = await resolveThrough(conn, addr.address, family, ResolveFlag.REVERSE);
  if (!outcome.ok || outcome.canonName === '' || outcome.canonName === addr.address) return null;
  return outcome.canonName;
}

/**
 * gethostbyname's lookup without the last error (WSAAsyncGetHostByName reports it in its
 * message): IPv4 addresses of a name, or WSAEFAULT / WSAHOST_NOT_FOUND / WSANO_DATA /
 * WSATRY_AGAIN / WSAENETDOWN.
 */
export async function hostByName(ctx: WinsockContext, name: string): Promise<HOSTENT | number> {
  if (typeof name !== 'string') return WSAEFAULT;
  const literal = parseIPv4(name);
  let h_name = name;
  let h_aliases: string[] = [];
  let list: SockAddr[];
  const host = name === '' ? pageHostName() : name;
  if (literal || host.toLowerCase() === 'localhost') {
    // A literal is itself; "localhost" is loopback without DNS, as for getaddrinfo.
    list = [{ family: AF_INET, address: literal ? name : '127.0.0.1', port: 0, flowinfo: 0, scopeId: 0 }];
    if (!literal) h_name = host;
  } else {
    const resolved = await resolveName(ctx, host, AF_INET, true);
    if (typeof resolved === 'number') return resolved;
    if (resolved.addresses.length === 0) return WSANO_DATA;
    h_name = resolved.canonName;
    // The name asked for is an alias when it led to another canonical name (a CNAME).
    if (name !== '' && h_name.toLowerCase() !== name.toLowerCase()) h_aliases = [name];
    list = resolved.addresses;
  }
  return {
    h_name,
    h_aliases,
    h_addrtype: AF_INET,
    h_length: 4,
    h_addr_list: list.flatMap((a) => parseIPv4(a.address) ?? []),
  };
}

/** getservbyname's lookup: the well-known service (s_port in network order), or WSANO_DATA. */
export function serviceEntryByName(name: string, proto: string | null): SERVENT | number {
  const p = proto === null || proto === undefined ? undefined : proto.toLowerCase();
  if (p !== undefined && p !== 'tcp' && p !== 'udp') return WSANO_DATA;
  const s = typeof name === 'string' ? serviceByName(name, p) : undefined;
  return s ? servent(s, p ?? null) : WSANO_DATA;
}

/** getservbyport's lookup: `port` in network order, as Windows; WSANO_DATA when unknown. */
export function serviceEntryByPort(port: number, proto: string | null): SERVENT | number {
  const p = proto === null || proto === undefined ? undefined : proto.toLowerCase();
  const s = p === undefined || p === 'tcp' || p === 'udp' ? serviceByPort(ntohs(port & 0xffff), p) : undefined;
  return s ? servent(s, p ?? null) : WSANO_DATA;
}

/** A protocol table entry as a PROTOENT (getprotoby*, WSAAsyncGetProtoBy*). */
export function protoent(p: Protocol): PROTOENT {
  return { p_name: p.name, p_aliases: [...p.aliases], p_proto: p.number };
}

export function nameCalls(ctx: WinsockContext) {
  const { failWith } = ctx;
  const errors = { set: (code: number) => ctx.setLastError(code) };

  /**
   * getaddrinfo(pNodeName, pServiceName, pHints, ppResult): 0 and ppResult.value = the first
   * ADDRINFO, or the error code (also the last error). Numeric hosts and null hosts are answered
   * in the page; names go to the relay.
   */
  async function getaddrinfo(
    pNodeName: string | null,
    pServiceName: string | null,
    pHints: Partial<ADDRINFO> | null,
    ppResult: { value: ADDRINFO | null } | null,
  ): Promise<number> {
    const failCode = (code: number) => {
      ctx.setLastError(code);
      return code;
    };
    if (!ctx.started()) return failCode(WSANOTINITIALISED);
    if (!ppResult || typeof ppResult !== 'object') return failCode(WSAEINVAL);
    ppResult.value = null;
    const hints = pHints ?? {};
    const flags = hints.ai_flags ?? 0;
    const family = hints.ai_family ?? AF_UNSPEC;
    const socktype = hints.ai_socktype ?? 0;
    const protocol = hints.ai_protocol ?? 0;
    if ((pNodeName === null || pNodeName === undefined) && (pServiceName === null || pServiceName === undefined))
      return failCode(WSAHOST_NOT_FOUND);
    if (flags & ~KNOWN_FLAGS) return failCode(WSAEINVAL);
    if (flags & AI_CANONNAME && (pNodeName === null || pNodeName === undefined)) return failCode(WSAEINVAL);
    if (family !== AF_UNSPEC && family !== AF_INET && family !== AF_INET6) return failCode(WSAEAFNOSUPPORT);
    if (socktype !== 0 && socktype !== SOCK_STREAM && socktype !== SOCK_DGRAM && socktype !== SOCK_RAW)
      return failCode(WSAESOCKTNOSUPPORT);
    const port = resolveService(pServiceName, socktype, (flags & AI_NUMERICSERV) !== 0);
    if (port === 'bad') return failCode(WSATYPE_NOT_FOUND);

    let addresses: SockAddr[];
    let canonName: string | null = null;
    const v4mapped = (flags & AI_V4MAPPED) !== 0;
    const localhost = typeof pNodeName === 'string' && pNodeName.toLowerCase() === 'localhost';
    if (localhost && flags & AI_NUMERICHOST) return failCode(WSAHOST_NOT_FOUND);
    if (pNodeName === null || pNodeName === undefined || pNodeName === '' || localhost) {
      // No host: the wildcard for a passive socket, else loopback (IPv6 first, as Windows).
      // "localhost" is loopback too, answered here as Windows answers it without asking DNS.
      const passive = (flags & AI_PASSIVE) !== 0 && !localhost;
      const v6: SockAddr = { family: AF_INET6, address: passive ? '::' : '::1', port: 0, flowinfo: 0, scopeId: 0 };
      const v4: SockAddr = {
        family: AF_INET,
        address: passive ? '0.0.0.0' : '127.0.0.1',
        port: 0,
        flowinfo: 0,
        scopeId: 0,
      };
      addresses = family === AF_INET ? [v4] : family === AF_INET6 ? [v6] : [v6, v4];
      if (localhost && flags & AI_CANONNAME) canonName = pNodeName;
    } else {
      const asciiName = dnsName(pNodeName, (flags & AI_DISABLE_IDN_ENCODING) !== 0);
      if (asciiName === null) return failCode(WSAHOST_NOT_FOUND);
      const numeric = numericHost(asciiName, family, v4mapped);
      if (numeric === 'family') return failCode(WSAHOST_NOT_FOUND);
      if (numeric) {
        addresses = numeric;
        if (flags & AI_CANONNAME) canonName = pNodeName;
      } else {
        if (flags & AI_NUMERICHOST) return failCode(WSAHOST_NOT_FOUND);
        const resolved = await resolveName(
          ctx,
          asciiName,
          v4mapped && family === AF_INET6 ? AF_UNSPEC : family,
          (flags & AI_CANONNAME) !== 0,
        );
        if (typeof resolved === 'number') return failCode(resolved);
        addresses = resolved.addresses.map((a) =>
          a.family === AF_INET && family === AF_INET6
            ? ({ ...a, family: AF_INET6, address: `::ffff:${a.address}` } as SockAddr)
            : a,
        );
        if (
          v4mapped &&
          family === AF_INET6 &&
          !(flags & AI_ALL) &&
          addresses.some((a) => !a.address.startsWith('::ffff:'))
        ) {
          addresses = addresses.filter((a) => !a.address.startsWith('::ffff:'));
        }
        if (addresses.length === 0) return failCode(WSANO_DATA);
        if (flags & AI_CANONNAME) canonName = resolved.canonName;
      }
    }
    let head: ADDRINFO | null = null;
    let tail: ADDRINFO | null = null;
    for (const a of addresses) {
      const addr = writeSockaddr({ ...a, port });
      const entry: ADDRINFO = {
        ai_flags: 0,
        ai_family: a.family,
        ai_socktype: socktype,
        // The hint's protocol as given, 0 included, as Windows returns it.
        ai_protocol: protocol,
        ai_addrlen: addr.length,
        ai_canonname: head === null ? canonName : null,
        ai_addr: addr,
        ai_next: null,
      };
      if (tail) tail.ai_next = entry;
      else head = entry;
      tail = entry;
    }
    ppResult.value = head;
    ctx.setLastError(0); // success clears the last error, as Windows
    return 0;
  }

  return {
    getaddrinfo,

    /** GetAddrInfoW: getaddrinfo with wide strings (JavaScript strings are already Unicode). */
    GetAddrInfoW: getaddrinfo,

    /** freeaddrinfo: nothing to free in JavaScript; accepts the chain for symmetry. */
    freeaddrinfo(pAddrInfo: ADDRINFO | null): void {
      void pAddrInfo;
    },

    /** FreeAddrInfoW. */
    FreeAddrInfoW(pAddrInfo: ADDRINFO | null): void {
      void pAddrInfo;
    },

    /** gai_strerror: the message for a getaddrinfo error code. */
    gai_strerror(ecode: number): string {
      return GAI_MESSAGES[ecode] ?? `Unknown error ${ecode} (${errorName(ecode)})`;
    },

    /**
     * getnameinfo: host and service text for a sockaddr. Without NI_NUMERICHOST the host name is
     * the address's PTR name, asked of the relay (RESOLVE REVERSE, under its policy); with no name
     * (none recorded, the relay refusing, or no relay) the numeric text, or WSAHOST_NOT_FOUND with
     * NI_NAMEREQD. NI_NOFQDN keeps the first label. Buffers are `{ value: string }` refs; a size
     * smaller than the text + NUL → WSAEFAULT.
     */
    async getnameinfo(
      pSockaddr: Uint8Array,
      SockaddrLength: number,
      pNodeBuffer: { value: string } | null,
      NodeBufferSize: number,
      pServiceBuffer: { value: string } | null,
      ServiceBufferSize: number,
      Flags: number,
    ): Promise<number> {
      const failCode = (code: number) => {
        ctx.setLastError(code);
        return code;
      };
      if (!ctx.started()) return failCode(WSANOTINITIALISED);
      const addr = readSockaddr(pSockaddr, SockaddrLength);
      if (typeof addr === 'number') return failCode(addr === WSAEAFNOSUPPORT ? WSAEAFNOSUPPORT : WSAEFAULT);
      if (!pNodeBuffer && !pServiceBuffer) return failCode(WSAHOST_NOT_FOUND);
      let hostText: string | null = null;
      if (pNodeBuffer) {
        const numeric = addr.family === AF_INET6 && addr.scopeId ? `${addr.address}%${addr.scopeId}` : addr.address;
        const name = Flags & NI_NUMERICHOST ? null : await reverseName(ctx, addr);
        if (name === null && Flags & NI_NAMEREQD) return failCode(WSAHOST_NOT_FOUND);
        hostText = name === null ? numeric : Flags & NI_NOFQDN ? (name.split('.')[0] ?? name) : name;
        if (NodeBufferSize < hostText.length + 1) return failCode(WSAEFAULT);
      }
      let servText: string | null = null;
      if (pServiceBuffer) {
        const named = Flags & NI_NUMERICSERV ? undefined : serviceByPort(addr.port, Flags & NI_DGRAM ? 'udp' : 'tcp');
        servText = named ? named.name : String(addr.port);
        if (ServiceBufferSize < servText.length + 1) return failCode(WSAEFAULT);
      }
      if (pNodeBuffer && hostText !== null) pNodeBuffer.value = hostText;
      if (pServiceBuffer && servText !== null) pServiceBuffer.value = servText;
      return 0;
    },

    /**
     * gethostbyname: IPv4 addresses of a name (a Promise: the relay resolves it). null with
     * WSAHOST_NOT_FOUND / WSANO_DATA / WSATRY_AGAIN / WSAENETDOWN as the last error.
     */
    async gethostbyname(name: string): Promise<HOSTENT | null> {
      if (!ctx.started()) return failWith(WSANOTINITIALISED, null);
      const h = await hostByName(ctx, name);
      return typeof h === 'number' ? failWith(h, null) : h;
    },

    /**
     * gethostname(name, namelen): writes the page's host name, NUL-terminated, into `name`
     * (a Uint8Array). WSAEFAULT when it does not fit.
     */
    gethostname(name: Uint8Array | null, namelen: number): number {
      if (!ctx.started()) return failWith(WSANOTINITIALISED);
      const bytes = new TextEncoder().encode(pageHostName());
      if (
        !(name instanceof Uint8Array) ||
        !Number.isInteger(namelen) ||
        namelen < bytes.length + 1 ||
        name.length < bytes.length + 1
      ) {
        return failWith(WSAEFAULT);
      }
      name.set(bytes);
      name[bytes.length] = 0;
      return 0;
    },

    /** getservbyname(name, proto): the well-known service, s_port in network order; null + WSANO_DATA. */
    getservbyname(name: string, proto: string | null): SERVENT | null {
      if (!ctx.started()) return failWith(WSANOTINITIALISED, null);
      const s = serviceEntryByName(name, proto);
      return typeof s === 'number' ? failWith(s, null) : s;
    },

    /** getservbyport(port, proto): `port` in network order, as Windows. */
    getservbyport(port: number, proto: string | null): SERVENT | null {
      if (!ctx.started()) return failWith(WSANOTINITIALISED, null);
      const s = serviceEntryByPort(port, proto);
      return typeof s === 'number' ? failWith(s, null) : s;
    },

    /** getprotobyname(name): Windows' protocol table, names and aliases in any case; null + WSANO_DATA. */
    getprotobyname(name: string): PROTOENT | null {
      if (!ctx.started()) return failWith(WSANOTINITIALISED, null);
      const p = typeof name === 'string' ? protocolByName(name) : undefined;
      return p ? protoent(p) : failWith(WSANO_DATA, null);
    },

    /** getprotobynumber(number): null + WSANO_DATA for a number the table does not have. */
    getprotobynumber(number: number): PROTOENT | null {
      if (!ctx.started()) return failWith(WSANOTINITIALISED, null);
      const p = Number.isInteger(number) ? protocolByNumber(number) : undefined;
      return p ? protoent(p) : failWith(WSANO_DATA, null);
    },

    /** inet_pton: 1 on success (bytes written to pAddrBuf), 0 for invalid text, -1 on error. */
    inet_pton(Family: number, pszAddrString: string | null, pAddrBuf: Uint8Array | null): number {
      return inetPton(Family, pszAddrString, pAddrBuf, errors);
    },

    /** inet_ntop: the text, or null with WSAEAFNOSUPPORT / WSAEFAULT. */
    inet_ntop(Family: number, pAddr: Uint8Array): string | null {
      return inetNtop(Family, pAddr, errors);
    },

    /** inet_addr; no string (C's NULL) is INADDR_NONE with WSAEFAULT, as Windows. */
    inet_addr(cp: string | null): number {
      if (typeof cp !== 'string') return failWith(WSAEFAULT, INADDR_NONE);
      return inet_addr(cp);
    },
    inet_ntoa,
    htons,
    ntohs,
    htonl,
    ntohl,
  };
}
