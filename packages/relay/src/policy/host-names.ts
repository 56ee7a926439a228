/**
 * Host names as the relay accepts them from pages, and the name patterns of operator rules and
 * ticket scopes.
 *
 * A page's name is checked before any resolver sees it: RFC 1035 lengths (253 bytes of text, a
 * trailing dot aside; labels of 1..63), and only letters, digits, `-`, `_` and dots. Spaces,
 * NUL, `%`, `/`, `@`, non-ASCII (send punycode) are refused: resolvers disagree on them, and
 * an ambiguous name is how a check and a lookup come to mean different hosts.
 */

/** RFC 1035 §2.3.4: a name is at most 253 characters of text (255 octets on the wire). */
export const MAX_NAME_BYTES = 253;
const MAX_LABEL = 63;
const LABEL = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?$/;

/** Why `name` is not an acceptable host name, or null when it is. */
export function hostNameProblem(name: string): string | null {
  if (name.length === 0 || name === '.') return 'empty name';
  const bare = name.endsWith('.') ? name.slice(0, -1) : name;
  const bytes = Buffer.byteLength(bare);
  if (bytes > MAX_NAME_BYTES) return `name of ${bytes} bytes (at most ${MAX_NAME_BYTES})`;
  for (const label of bare.split('.')) {
    if (label.length === 0) return 'empty label';
    if (label.length > MAX_LABEL) return `label of ${label.length} bytes (at most ${MAX_LABEL})`;
    if (!LABEL.test(label)) return `label ${JSON.stringify(label)} has a character outside letters, digits, - and _`;
  }
  return null;
}

/** Lower case, no trailing dot: the form names are compared in. */
export function normalizeHostName(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.') && lower.length > 1 ? lower.slice(0, -1) : lower;
}

/**
 * A name pattern: `example.com` (that name only), `*.example.com` (any name below it, not
 * itself), or `*` (any name).
 */
export class HostPattern {
  readonly text: string;
  readonly #exact: string | null;
  readonly #suffix: string | null;

  /** @throws TypeError for a pattern that is not a name, `*.name` or `*`. */
  constructor(pattern: string) {
    const text = normalizeHostName(pattern.trim());
    this.text = text;
    if (text === '*') {
      this.#exact = null;
      this.#suffix = '';
      return;
    }
    const wildcard = text.startsWith('*.');
    const base = wildcard ? text.slice(2) : text;
    if (hostNameProblem(base) !== null) {
      throw new TypeError(
        `host pattern ${JSON.stringify(pattern)} is not a name, *.name or * (${hostNameProblem(base)})`,
      );
    }
    this.#exact = wildcard ? null : base;
    this.#suffix = wildcard ? `.${base}` : null;
  }

  matches(name: string): boolean {
    const n = normalizeHostName(name);
    if (this.#exact !== null) return n === this.#exact;
    return this.#suffix === '' || n.endsWith(this.#suffix!);
  }
}
