/**
 * Which local ports a page may listen on (TCP) or bind explicitly (UDP): a set of port ranges,
 * plus whether "port 0" means an OS-chosen ephemeral port. Pure; no I/O.
 *
 *   '20000-20999'            fixed ports 20000..20999; port 0 → the relay picks a free one of them
 *   'ephemeral' (or '0')     port 0 → an ephemeral port the OS picks; no fixed port
 *   ['0', '7000', '20000-20999'], '0,7000,20000-20999'   both
 *
 * A ticket's `listenPorts` is a PortSet too; the effective set is the intersection of the
 * operator's and the ticket's (`intersect`): a scope narrows, never widens.
 */

type Range = readonly [number, number];

export type PortSpec = number | string | readonly (number | string)[];

export class PortSet {
  readonly #ranges: readonly Range[];
  /** Port 0 may be given to the OS (an ephemeral port outside the ranges). */
  readonly ephemeral: boolean;

  private constructor(ranges: readonly Range[], ephemeral: boolean) {
    this.#ranges = mergeRanges(ranges);
    this.ephemeral = ephemeral;
  }

  /** Nothing at all: every LISTEN refused. */
  static readonly NONE = new PortSet([], false);

  /**
   * Parses `'20000-20999'`, `7000`, `'ephemeral'`/`'0'`, comma lists and arrays of those.
   * @throws TypeError naming the entry that is not a port, a range or `ephemeral`.
   */
  static parse(spec: PortSpec, what = 'ports'): PortSet {
    const entries = (Array.isArray(spec) ? spec : [spec])
      .flatMap((e) => String(e).split(','))
      .map((e) => e.trim())
      .filter((e) => e !== '');
    const ranges: Range[] = [];
    let ephemeral = false;
    for (const entry of entries) {
      if (entry === '0' || entry.toLowerCase() === 'ephemeral') {
        ephemeral = true;
        continue;
      }
      const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(entry);
      const lo = m ? Number(m[1]) : NaN;
      const hi = m ? Number(m[2] ?? m[1]) : NaN;
      if (!(lo >= 1 && hi <= 65535 && lo <= hi)) {
        throw new TypeError(
          `ws2web relay: ${what} entry ${JSON.stringify(entry)} is not a port (1-65535), a range like 20000-20999, or "ephemeral"`,
        );
      }
      ranges.push([lo, hi]);
    }
    return new PortSet(ranges, ephemeral);
  }

  /** True when no port at all may be used (not even an ephemeral one). */
  get empty(): boolean {
    return this.#ranges.length === 0 && !this.ephemeral;
  }

  /** How many fixed ports the set holds. */
  get size(): number {
    return this.#ranges.reduce((n, [a, b]) => n + b - a + 1, 0);
  }

  /** Whether the fixed port `port` (1..65535) is in the set. */
  has(port: number): boolean {
    return this.#ranges.some(([a, b]) => port >= a && port <= b);
  }

  /** The ports both sets allow; ephemeral only if both allow it. */
  intersect(other: PortSet): PortSet {
    const out: Range[] = [];
    for (const [a, b] of this.#ranges) {
      for (const [c, d] of other.#ranges) {
        const lo = Math.max(a, c);
        const hi = Math.min(b, d);
        if (lo <= hi) out.push([lo, hi]);
      }
    }
    return new PortSet(out, this.ephemeral && other.ephemeral);
  }

  /**
   * Up to `max` distinct fixed ports of the set, starting at a random one and wrapping around,
   * for a port-0 request the relay answers from the ranges. `random` ∈ [0, 1) is injectable.
   */
  candidates(max: number, random: () => number = Math.random): number[] {
    const size = this.size;
    if (size === 0) return [];
    const count = Math.min(max, size);
    const start = Math.floor(random() * size);
    const out: number[] = [];
    for (let i = 0; i < count; i++) out.push(this.#nth((start + i) % size));
    return out;
  }

  /** `20000-20999,ephemeral`, for logs and `describe()`. */
  toString(): string {
    const parts = this.#ranges.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`));
    if (this.ephemeral) parts.push('ephemeral');
    return parts.join(',') || '(none)';
  }

  #nth(index: number): number {
    let i = index;
    for (const [a, b] of this.#ranges) {
      const n = b - a + 1;
      if (i < n) return a + i;
      i -= n;
    }
    throw new RangeError(`PortSet: index ${index} out of range`);
  }
}

/** Sorted, overlapping and adjacent ranges joined. */
function mergeRanges(ranges: readonly Range[]): Range[] {
  const sorted = [...ranges].sort((x, y) => x[0] - y[0]);
  const out: Array<[number, number]> = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}
