import { describe, expect, it } from 'vitest';
import { CreditWindow } from '../src/socket/credit.js';

describe('CreditWindow', () => {
  it('spends what the relay granted and adds what CREDIT returns', () => {
    const w = new CreditWindow(1024);
    expect(w.sendable).toBe(0);
    w.setSendable(10);
    w.credit(5);
    expect(w.sendable).toBe(15);
    w.spend(15);
    expect(w.sendable).toBe(0);
  });

  it('accepts inbound bytes up to the grant and reports an overrun without changing it', () => {
    const w = new CreditWindow(1024);
    expect(w.receive(1)).toBe(false); // nothing granted before OPEN
    w.grantWindow();
    expect(w.granted).toBe(1024);
    expect(w.receive(1000)).toBe(true);
    expect(w.granted).toBe(24);
    expect(w.receive(25)).toBe(false);
    expect(w.granted).toBe(24);
    expect(w.receive(24)).toBe(true);
    expect(w.granted).toBe(0);
  });

  it('returns consumed bytes in quarter-window batches, or at once when forced', () => {
    const w = new CreditWindow(1024);
    w.grantWindow();
    w.receive(1024);
    w.consume(100);
    expect(w.takeGrant(false)).toBe(0); // under a quarter (256): held back
    w.consume(200);
    expect(w.takeGrant(false)).toBe(300);
    expect(w.granted).toBe(300);
    expect(w.takeGrant(true)).toBe(0); // nothing consumed since
    w.consume(1);
    expect(w.takeGrant(true)).toBe(1);
    expect(w.granted).toBe(301);
  });
});
