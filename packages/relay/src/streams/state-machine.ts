/**
 * One state machine shape for every relay stream (and the connection): string-valued states, a
 * transition table, `is` to ask and `to` to move. A move the table does not list is a bug in the
 * relay, not something a page can cause, so it throws an invariant error instead of being
 * answered; every caller checks the state it needs with `is` first.
 */

/** For each state, the states it may move to. */
export type TransitionTable<S extends string> = { readonly [From in S]: readonly S[] };

/** Thrown by `to` for a move the table does not allow. */
export class StateInvariantError extends Error {
  override name = 'StateInvariantError';
}

export class StateMachine<S extends string> {
  readonly #what: string;
  readonly #table: TransitionTable<S>;
  #current: S;

  /** `what` names the machine in invariant errors (`TCP stream 5`). */
  constructor(what: string, initial: S, table: TransitionTable<S>) {
    this.#what = what;
    this.#current = initial;
    this.#table = table;
  }

  get current(): S {
    return this.#current;
  }

  /**
   * Whether the state is one of the given ones. Fixed parameters rather than a rest array: this
   * runs for every frame and socket chunk.
   */
  is(a: S, b?: S, c?: S): boolean {
    const s = this.#current;
    return s === a || s === b || s === c;
  }

  /** Moves to `next`. @throws StateInvariantError when the table has no such transition */
  to(next: S): void {
    if (!this.#table[this.#current].includes(next)) {
      throw new StateInvariantError(`${this.#what}: no transition ${this.#current} → ${next}`);
    }
    this.#current = next;
  }
}
