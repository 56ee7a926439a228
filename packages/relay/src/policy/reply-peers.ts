/**
 * Which sources an unconnected UDP socket may receive from under `udpReplyOnly` (default on a
 * relay listening beyond loopback): only peers the page has sent to (as a NAT lets replies
 * through). Without it a page's socket hears whatever reaches its port — the relay host's
 * statsd, syslog or discovery traffic. A fixed port bound under the inbound policy (`listen`)
 * is a server the operator allowed, and hears any source.
 *
 * Bounded: the most recent MAX_REPLY_PEERS destinations are remembered; an older one falls out
 * (its later replies are dropped as `unsolicited`, as a NAT's expired mapping would drop them).
 */

/** Destinations remembered per socket. */
export const MAX_REPLY_PEERS = 1024;

export class ReplyPeers {
  readonly #keys = new Set<string>();

  /** The page sent to `key` (a Target key: `1.2.3.4:53`, `[2001:db8::1]:53`). */
  sentTo(key: string): void {
    if (this.#keys.delete(key)) {
      this.#keys.add(key); // most recent last
      return;
    }
    if (this.#keys.size >= MAX_REPLY_PEERS) {
      const oldest = this.#keys.values().next();
      if (!oldest.done) this.#keys.delete(oldest.value);
    }
    this.#keys.add(key);
  }

  /** Whether a datagram from `key` may reach the page. */
  admits(key: string): boolean {
    return this.#keys.has(key);
  }
}
