/**
 * A state machine with string-valued states and a transition table: the one shape every socket
 * kind (TCP, UDP, the relay side of a listening socket) keeps its state in. A transition the
 * table does not list is a bug in this library, never a caller's error, so it throws.
 */

/** state → the states that may follow it. */
export type Transitions<S extends string> = { readonly [K in S]: readonly S[] };

export class StateMachine<S extends string> {
  #state: S;

  /** `subject` names the machine in the invariant error ("socket cannot go from … to …"). */
  constructor(
    readonly subject: string,
    readonly transitions: Transitions<S>,
    initial: S,
  ) {
    this.#state = initial;
  }

  get state(): S {
    return this.#state;
  }

  is(...states: S[]): boolean {
    return states.includes(this.#state);
  }

  /** Moves to `next` (staying put is always allowed); a transition the table does not list throws. */
  to(next: S): void {
    if (next === this.#state) return;
    if (!this.transitions[this.#state].includes(next)) {
      throw new Error(`ws2web invariant: ${this.subject} cannot go from ${this.#state} to ${next}`);
    }
    this.#state = next;
  }
}
