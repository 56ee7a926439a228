/**
 * Small integer handles for JavaScript objects that C holds as HANDLEs (WSAEVENT). 0 is never
 * issued: it is NULL / WSA_INVALID_EVENT. Handles are multiples of 4 from 0x1000, like Windows'
 * kernel handles, so a socket number is unlikely to be mistaken for one.
 */
export class HandleTable<T extends object> {
  readonly #objects = new Map<number, T>();
  #next = 0x1000;

  add(object: T): number {
    const handle = this.#next;
    this.#next += 4;
    this.#objects.set(handle, object);
    return handle;
  }

  get(handle: number): T | undefined {
    return this.#objects.get(handle >>> 0);
  }

  delete(handle: number): void {
    this.#objects.delete(handle >>> 0);
  }
}
