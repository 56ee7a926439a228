/**
 * Relay-wide bounds on name lookups, around whichever name service answers (OS, DNS servers,
 * injected): RESOLVE and OPEN by name both pass here. Per client the open rate already bounds
 * lookups; these bound what many clients together can make the relay ask:
 *
 * - `lookupsPerSecond` (token bucket, burst one second's worth) and `maxLookupsInFlight`: a
 *   lookup over either fails at once with EAI_AGAIN (→ TRY_AGAIN → `WSATRY_AGAIN`), counted
 *   as `lookup_rate` / `lookups_in_flight`. A storm of fresh names cannot queue work without end.
 * - `maxLookupsInFlightPerClient`: the same, per client address (`lookups_in_flight_per_client`),
 *   so one client's names that never answer cannot take every relay-wide place.
 * - A lookup whose stream went (its `signal` aborted) fails with ECANCELLED and frees its places
 *   at once; the name service cancels the query itself when it can (c-ares).
 * - `lookupTimeoutMs`: a lookup not answered by then fails with ETIMEOUT and frees its place
 *   (an OS lookup, `dns: 'os'`, may still hold a libuv thread).
 * - `negativeCacheMs`: a name that does not exist (ENOTFOUND, ENODATA) is answered from memory
 *   for that long, at most NEGATIVE_ENTRIES names, without asking again.
 */
import type { LookupAddress, LookupFamily, LookupOptions, NameService } from '../streams/name-service.js';
import { TokenBucket } from './limits.js';

export interface LookupGateOptions {
  lookupsPerSecond: number;
  maxLookupsInFlight: number;
  maxLookupsInFlightPerClient: number;
  lookupTimeoutMs: number;
  negativeCacheMs: number;
  /** A lookup refused by a bound: which one. */
  refused(limit: 'lookup_rate' | 'lookups_in_flight' | 'lookups_in_flight_per_client'): void;
  /** Lookups pending now, relay-wide (for the gauge). */
  inFlight?(count: number): void;
}

/** Names remembered as not existing, at most (the oldest forgotten first). */
const NEGATIVE_ENTRIES = 10_000;

export function gatedNameService(inner: NameService, options: LookupGateOptions): NameService {
  const bucket = new TokenBucket(options.lookupsPerSecond, options.lookupsPerSecond);
  /** `family host` → when its negative answer expires, and the error it was. */
  const negative = new Map<string, { until: number; code: string }>();
  let inFlight = 0;
  /** Client address → its lookups pending now (absent: none). */
  const perClient = new Map<string, number>();

  function failure(code: string, message: string): NodeJS.ErrnoException {
    return Object.assign(new Error(message), { code });
  }

  /**
   * `ask` under every bound; `key` names the question for the negative cache, `host` what the
   * errors say. Forward and reverse lookups share the bounds: both are queries the relay makes.
   */
  async function gated<T>(
    key: string,
    host: string,
    opts: LookupOptions | undefined,
    ask: (opts: LookupOptions) => Promise<T>,
  ): Promise<T> {
    const known = negative.get(key);
    if (known !== undefined) {
      if (known.until > performance.now()) throw failure(known.code, `${host}: ${known.code} (cached)`);
      negative.delete(key);
    }
    if (options.maxLookupsInFlight > 0 && inFlight >= options.maxLookupsInFlight) {
      options.refused('lookups_in_flight');
      throw failure('EAI_AGAIN', `${host}: ${inFlight} lookups in flight`);
    }
    const client = opts?.client;
    const mine = client === undefined ? 0 : (perClient.get(client) ?? 0);
    if (
      client !== undefined &&
      options.maxLookupsInFlightPerClient > 0 &&
      mine >= options.maxLookupsInFlightPerClient
    ) {
      options.refused('lookups_in_flight_per_client');
      throw failure('EAI_AGAIN', `${host}: ${mine} lookups of this client in flight`);
    }
    if (!bucket.take()) {
      options.refused('lookup_rate');
      throw failure('EAI_AGAIN', `${host}: more than ${options.lookupsPerSecond} lookups per second`);
    }
    inFlight++;
    if (client !== undefined) perClient.set(client, mine + 1);
    options.inFlight?.(inFlight);
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const signal = opts?.signal;
    try {
      const bounds = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(failure('ETIMEOUT', `${host}: no answer in ${options.lookupTimeoutMs} ms`)),
          options.lookupTimeoutMs,
        );
        onAbort = () => reject(failure('ECANCELLED', `${host}: lookup cancelled, its stream went`));
        if (signal?.aborted) onAbort();
        else signal?.addEventListener('abort', onAbort, { once: true });
      });
      return await Promise.race([ask({ signal, client }), bounds]);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException)?.code;
      if (options.negativeCacheMs > 0 && (code === 'ENOTFOUND' || code === 'ENODATA')) {
        if (negative.size >= NEGATIVE_ENTRIES) negative.delete(negative.keys().next().value!);
        negative.set(key, { until: performance.now() + options.negativeCacheMs, code });
      }
      throw err;
    } finally {
      clearTimeout(timer);
      if (onAbort) signal?.removeEventListener('abort', onAbort);
      inFlight--;
      if (client !== undefined) {
        const left = (perClient.get(client) ?? 1) - 1;
        if (left > 0) perClient.set(client, left);
        else perClient.delete(client);
      }
      options.inFlight?.(inFlight);
    }
  }

  const gatedLookup = (host: string, family: LookupFamily, opts?: LookupOptions): Promise<LookupAddress[]> =>
    gated(`${family} ${host.toLowerCase()}`, host, opts, (o) => inner.lookup(host, family, o));
  const reverse = inner.reverse?.bind(inner);
  return {
    lookup: gatedLookup,
    canonicalName: (host) => inner.canonicalName(host),
    ...(reverse && {
      reverse: (address: string) => gated(`ptr ${address}`, address, undefined, () => reverse(address)),
    }),
    description: inner.description,
  };
}
