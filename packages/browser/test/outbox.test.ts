import { describe, expect, it } from 'vitest';
import { Outbox } from '../src/transport/outbox.js';

describe('Outbox', () => {
  it('packs queued frames in order into messages within the limit', () => {
    const box = new Outbox();
    const a = Uint8Array.of(1, 2, 3);
    const b = Uint8Array.of(4, 5, 6, 7);
    const c = Uint8Array.of(8, 9, 10, 11, 12);
    box.push(a);
    box.push(b);
    box.push(c);
    const messages = box.drain(8);
    expect(messages.map((m) => [...m])).toEqual([
      [1, 2, 3, 4, 5, 6, 7],
      [8, 9, 10, 11, 12],
    ]);
    expect(messages[1]).toBe(c); // a message of one frame is that frame, uncopied
    expect(box.empty).toBe(true);
  });

  it('sends a frame larger than the limit alone, and drops everything on clear', () => {
    const box = new Outbox();
    box.push(new Uint8Array(10));
    box.push(Uint8Array.of(1));
    expect(box.drain(4).map((m) => m.length)).toEqual([10, 1]);
    box.push(Uint8Array.of(1));
    box.clear();
    expect(box.empty).toBe(true);
    expect(box.drain(4)).toEqual([]);
  });
});
