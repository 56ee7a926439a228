/** The pieces every relay stream is built from: its state machine and its credit window. */
import { describe, expect, it } from 'vitest';
import { CreditWindow } from '../src/streams/credit-window.js';
import { StateInvariantError, StateMachine } from '../src/streams/state-machine.js';

describe('StateMachine', () => {
  const machine = () => new StateMachine<'A' | 'B' | 'C'>('test stream 7', 'A', { A: ['B', 'C'], B: ['C'], C: [] });

  it('moves only along the table and answers is() for up to three states', () => {
    const m = machine();
    expect(m.current).toBe('A');
    expect(m.is('A')).toBe(true);
    expect(m.is('B', 'C')).toBe(false);
    m.to('B');
    expect([m.current, m.is('A', 'B'), m.is('C')]).toEqual(['B', true, false]);
    m.to('C');
    expect(m.is('A', 'B', 'C')).toBe(true);
  });

  it('throws an invariant error naming the machine for a move the table does not list', () => {
    const m = machine();
    m.to('C');
    expect(() => m.to('A')).toThrow(new StateInvariantError('test stream 7: no transition C → A'));
    expect(() => m.to('C')).toThrow(StateInvariantError);
    expect(m.current).toBe('C');
  });
});

describe('CreditWindow', () => {
  it('consumes within the window and refuses an overrun without spending', () => {
    const w = new CreditWindow(100);
    expect(w.consume(60)).toBe(true);
    expect(w.consume(41)).toBe(false);
    expect(w.available).toBe(40);
    expect(w.consume(40)).toBe(true);
    expect(w.consume(1)).toBe(false);
  });

  it('grants what is owed as one CREDIT and makes it available again', () => {
    const w = new CreditWindow(10);
    w.consume(10);
    w.owe(3);
    w.owe(4);
    expect(w.owed).toBe(7);
    expect(w.grant()).toBe(7);
    expect([w.owed, w.available, w.grant()]).toEqual([0, 7, 0]);
  });

  it('owes and grants nothing once closed', () => {
    const w = new CreditWindow(10);
    w.consume(5);
    w.owe(5);
    w.close();
    w.owe(2);
    expect(w.grant()).toBe(0);
    expect(w.available).toBe(5);
  });
});
