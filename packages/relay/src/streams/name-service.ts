/**
 * Where the relay's name answers come from: DNS servers asked directly with c-ares (default: the
 * system's configured servers; or those of `dns.servers`), the OS resolver (`dns: 'os'`), or a
 * lookup a test injects. One interface for RESOLVE and for OPEN with
 * a host name, so both see the same answers.
 *
 * Errors are Node/c-ares `err.code`s; `reasonForLookupError` turns them into wire reasons.
 */
import dns from 'node:dns';
import { Reason, reasonForErrno } from '@ws2web/protocol';

export interface LookupAddress {
  address: string;
  family: number;
}

/** 0 = any family, 4 = A only, 6 = AAAA only. */
export type LookupFamily = 0 | 4 | 6;

/** Who asks, and until when the answer is wanted. */
export interface LookupOptions {
  /** Aborted when the stream that asked is gone: the query is cancelled and its place freed. */
  signal?: AbortSignal;
  /** The client address that asked, for per-client caps. */
  client?: string;
}

/**
 * Resolves a host name to its addresses, in resolver order. Rejects with an `err.code`
 * (ENOTFOUND, ENODATA, ETIMEOUT, ECANCELLED once `signal` aborts…). An injected lookup may ignore
 * `family` and `options`: callers filter again, and the gate frees a cancelled lookup's place.
 */
export type Lookup = (host: string, family: LookupFamily, options?: LookupOptions) => Promise<LookupAddress[]>;

export interface NameService {
  readonly lookup: Lookup;
  /**
   * The canonical name of `host` (CNAMEs followed) when the service can tell, else `host`
   * itself. Never rejects.
   */
  canonicalName(host: string): Promise<string>;
  /**
   * The PTR names of an IP literal, in answer order (no trailing dots). Rejects with an
   * `err.code` (ENOTFOUND when there is none). Absent: the service cannot do reverse lookups.
   */
  reverse?(address: string): Promise<string[]>;
  /** For logs: `os`, `dns 127.0.0.1:5353`, `injected`. */
  readonly description: string;
}

export interface DnsOptions {
  /**
   * Name servers, `ip` or `ip:port` (`[v6]:port`). Omitted: the system's configured servers
   * (`dns.getServers()`, from /etc/resolv.conf), still asked by c-ares, never the hosts file.
   */
  servers?: readonly string[];
  /** Per-try timeout of a query. Default 2000. */
  timeoutMs?: number;
  /** Tries per server before ETIMEOUT. Default 2. */
  tries?: number;
}

/**
 * The OS resolver, as `getaddrinfo` answers (hosts file, then DNS…), in its order. Runs on
 * libuv's thread pool (4 threads by default) and cannot be cancelled: lookups that never answer
 * hold those threads, and with them every `getaddrinfo` and file operation of the process.
 */
export const osLookup: Lookup = function dnsLookupAll(host, family) {
  return dns.promises.lookup(host, { all: true, verbatim: true, family });
};

export function osNameService(): NameService {
  return {
    lookup: osLookup,
    // getaddrinfo's canonical name is not exposed by Node; the name itself is what we know.
    canonicalName: async (host) => host,
    reverse: (address) => dns.promises.reverse(address),
    description: 'os',
  };
}

export function injectedNameService(lookup: Lookup): NameService {
  return { lookup, canonicalName: async (host) => host, description: 'injected' };
}

/** How many CNAME links are followed before giving up on finding the canonical name. */
const MAX_CNAME_CHAIN = 8;

/**
 * Asks the given DNS servers directly (c-ares), never the OS resolver or its hosts file.
 * `localhost` and `*.localhost` answer loopback without a query (RFC 6761 §6.3), as a stub
 * resolver must.
 * @throws TypeError when a server address does not parse.
 */
export function dnsServerNameService(options: DnsOptions = {}): NameService {
  const servers = options.servers ?? dns.getServers();
  if (!Array.isArray(servers) || servers.length === 0) {
    throw new TypeError(
      options.servers === undefined
        ? 'startRelay: the system has no DNS servers configured: give dns.servers, or dns: "os"'
        : 'startRelay: dns.servers must be a non-empty array of "ip" or "ip:port"',
    );
  }
  const settings = { timeout: options.timeoutMs ?? 2000, tries: options.tries ?? 2 };
  const shared = newResolver();
  function newResolver(): dns.promises.Resolver {
    const r = new dns.promises.Resolver(settings);
    try {
      r.setServers(servers);
    } catch (err) {
      throw new TypeError(`startRelay: dns.servers ${JSON.stringify(servers)}: ${(err as Error).message}`);
    }
    return r;
  }

  async function lookup(host: string, family: LookupFamily, opts?: LookupOptions): Promise<LookupAddress[]> {
    const name = stripDot(host);
    if (isLocalhost(name)) return loopbackAnswers(family);
    const signal = opts?.signal;
    if (signal?.aborted) throw cancelled(host);
    // A cancellable lookup gets a resolver of its own: `cancel()` ends every query of a resolver.
    const resolver = signal ? newResolver() : shared;
    const onAbort = () => resolver.cancel();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await lookupWith(resolver, name, family);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  async function lookupWith(
    resolver: dns.promises.Resolver,
    name: string,
    family: LookupFamily,
  ): Promise<LookupAddress[]> {
    const [v4, v6] = await Promise.allSettled([
      family === 6 ? Promise.resolve([]) : resolver.resolve4(name),
      family === 4 ? Promise.resolve([]) : resolver.resolve6(name),
    ]);
    const answers = [
      ...(v4.status === 'fulfilled' ? v4.value.map((address) => ({ address, family: 4 })) : []),
      ...(v6.status === 'fulfilled' ? v6.value.map((address) => ({ address, family: 6 })) : []),
    ];
    if (answers.length > 0) return answers;
    throw worstError([v4, v6]);
  }

  async function canonicalName(host: string): Promise<string> {
    let name = stripDot(host);
    if (isLocalhost(name)) return name;
    for (let hop = 0; hop < MAX_CNAME_CHAIN; hop++) {
      let targets: string[];
      try {
        targets = await shared.resolveCname(name);
      } catch {
        return name; // ENODATA: `name` has no CNAME, so it is the canonical one (or the chain broke)
      }
      const [target] = targets;
      if (target === undefined) return name;
      name = stripDot(target);
    }
    return name;
  }

  async function reverse(address: string): Promise<string[]> {
    return (await shared.reverse(address)).map(stripDot);
  }

  return { lookup, canonicalName, reverse, description: `dns ${servers.join(',')}` };
}

function cancelled(host: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${host}: lookup cancelled`), { code: 'ECANCELLED' });
}

/**
 * Wire reason for a failed lookup. Mostly the shared errno table; c-ares' own codes that mean
 * something else in a name context are mapped here first (e.g. ECONNREFUSED: the name server
 * could not be reached, a temporary condition — not a refused TCP connection).
 */
export function reasonForLookupError(code: string | undefined): number {
  switch (code) {
    case 'ECONNREFUSED':
      return Reason.TRY_AGAIN;
    case 'EAI_NODATA':
      return Reason.NO_DATA;
    case 'EAI_NONAME':
      return Reason.HOST_NOT_FOUND;
    case 'EAI_FAIL':
    case 'EOF':
      return Reason.NO_RECOVERY;
    case 'EBADNAME':
    case 'EBADFAMILY':
    case 'EBADQUERY':
    case 'EBADSTR':
    case 'EBADFLAGS':
    case 'EBADHINTS':
      return Reason.INVALID_ARGUMENT;
    case 'EAI_MEMORY':
      return Reason.LIMIT;
    default:
      return reasonForErrno(code);
  }
}

/**
 * Of two failed queries (A and AAAA), the error that describes the name: NXDOMAIN wins (the
 * name does not exist at all), then any real failure (timeout, SERVFAIL…), and ENODATA only
 * when both said "exists, but not this type".
 */
function worstError(results: PromiseSettledResult<unknown>[]): Error {
  const errors = results
    .filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    .map((r) => r.reason as NodeJS.ErrnoException);
  const rank = (e: NodeJS.ErrnoException): number => (e.code === 'ENOTFOUND' ? 0 : e.code === 'ENODATA' ? 2 : 1);
  errors.sort((a, b) => rank(a) - rank(b));
  // Both fulfilled but empty cannot happen with c-ares (it rejects with ENODATA); be explicit anyway.
  return errors[0] ?? Object.assign(new Error('no addresses'), { code: 'ENODATA' });
}

function loopbackAnswers(family: LookupFamily): LookupAddress[] {
  const out: LookupAddress[] = [];
  if (family !== 6) out.push({ address: '127.0.0.1', family: 4 });
  if (family !== 4) out.push({ address: '::1', family: 6 });
  return out;
}

/** `localhost`, `a.b.localhost`, any case (RFC 6761 §6.3). */
export function isLocalhost(name: string): boolean {
  const lower = name.toLowerCase();
  return lower === 'localhost' || lower.endsWith('.localhost');
}

function stripDot(name: string): string {
  return name.endsWith('.') && name.length > 1 ? name.slice(0, -1) : name;
}
