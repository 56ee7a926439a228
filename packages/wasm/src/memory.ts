/**
 * Typed access to a wasm32 module's linear memory, plus its malloc/free.
 *
 * @note Views are made fresh on every access: memory.grow (a malloc in C, or in the glue while
 * the program is suspended) detaches the old ArrayBuffer, so no view may be kept across calls.
 */

export interface WasmAllocator {
  malloc(size: number): number;
  free(ptr: number): void;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class WasmMemory {
  readonly #memory: WebAssembly.Memory;
  readonly #allocator: WasmAllocator;

  constructor(memory: WebAssembly.Memory, allocator: WasmAllocator) {
    this.#memory = memory;
    this.#allocator = allocator;
  }

  get size(): number {
    return this.#memory.buffer.byteLength;
  }

  /** True when [ptr, ptr + len) lies inside memory (what Windows calls a valid user buffer). */
  inBounds(ptr: number, len: number): boolean {
    return Number.isInteger(len) && len >= 0 && ptr >>> 0 === ptr && ptr + len <= this.size;
  }

  /** A copy of `len` bytes at `ptr`. */
  copy(ptr: number, len: number): Uint8Array {
    return new Uint8Array(this.#memory.buffer, ptr, len).slice();
  }

  write(ptr: number, bytes: Uint8Array): void {
    new Uint8Array(this.#memory.buffer).set(bytes, ptr);
  }

  fill(ptr: number, len: number, value = 0): void {
    new Uint8Array(this.#memory.buffer, ptr, len).fill(value);
  }

  u8(ptr: number): number {
    return new DataView(this.#memory.buffer).getUint8(ptr);
  }
  u16(ptr: number): number {
    return new DataView(this.#memory.buffer).getUint16(ptr, true);
  }
  i32(ptr: number): number {
    return new DataView(this.#memory.buffer).getInt32(ptr, true);
  }
  u32(ptr: number): number {
    return new DataView(this.#memory.buffer).getUint32(ptr, true);
  }

  setU8(ptr: number, v: number): void {
    new DataView(this.#memory.buffer).setUint8(ptr, v);
  }
  setU16(ptr: number, v: number): void {
    new DataView(this.#memory.buffer).setUint16(ptr, v, true);
  }
  setI16(ptr: number, v: number): void {
    new DataView(this.#memory.buffer).setInt16(ptr, v, true);
  }
  setI32(ptr: number, v: number): void {
    new DataView(this.#memory.buffer).setInt32(ptr, v | 0, true);
  }
  setU32(ptr: number, v: number): void {
    new DataView(this.#memory.buffer).setUint32(ptr, v >>> 0, true);
  }
  setU64(ptr: number, v: bigint): void {
    new DataView(this.#memory.buffer).setBigUint64(ptr, v, true);
  }

  /** The NUL-terminated UTF-8 string at `ptr`, or null for a NULL pointer. */
  cString(ptr: number, max = 65536): string | null {
    if (ptr === 0) return null;
    const bytes = new Uint8Array(this.#memory.buffer);
    const limit = Math.min(bytes.length, ptr + max);
    let end = ptr;
    while (end < limit && bytes[end] !== 0) end++;
    return decoder.decode(bytes.subarray(ptr, end));
  }

  /**
   * Writes `text` NUL-terminated into [ptr, ptr + capacity). Returns false (writing nothing)
   * when it does not fit, as Winsock's "buffer too small" cases require.
   */
  writeCString(ptr: number, text: string, capacity: number): boolean {
    const bytes = encoder.encode(text);
    if (bytes.length + 1 > capacity) return false;
    const view = new Uint8Array(this.#memory.buffer);
    view.set(bytes, ptr);
    view[ptr + bytes.length] = 0;
    return true;
  }

  /** malloc in the program's own heap; 0 when it is exhausted. */
  malloc(size: number): number {
    return this.#allocator.malloc(size) >>> 0;
  }
  free(ptr: number): void {
    if (ptr !== 0) this.#allocator.free(ptr);
  }
}

export function utf8Length(text: string): number {
  return encoder.encode(text).length;
}
