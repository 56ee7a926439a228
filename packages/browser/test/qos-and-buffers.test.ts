import { describe, expect, it } from 'vitest';
import { checkQos } from '../src/win/qos.js';
import { ReceiveBuffer } from '../src/socket/receive-buffer.js';
import { serviceByName, serviceByPort } from '../src/win/services.js';
import { WSAID_CONNECTEX, sameGuid } from '../src/win/extension-ids.js';
import {
  SERVICETYPE_BESTEFFORT,
  SERVICETYPE_GUARANTEED,
  SERVICETYPE_CONTROLLEDLOAD,
  SERVICETYPE_NOTRAFFIC,
  SERVICE_NO_QOS_SIGNALING,
  WSAEFAULT,
  WSAEOPNOTSUPP,
} from '../src/win/constants.js';

describe('lpSQOS satisfiability', () => {
  it('accepts no QOS and best-effort flowspecs', () => {
    expect(checkQos(null)).toBe(0);
    expect(
      checkQos({
        SendingFlowspec: { ServiceType: SERVICETYPE_BESTEFFORT },
        ReceivingFlowspec: { ServiceType: SERVICETYPE_NOTRAFFIC },
      }),
    ).toBe(0);
    expect(checkQos({ SendingFlowspec: { ServiceType: SERVICETYPE_BESTEFFORT | SERVICE_NO_QOS_SIGNALING } })).toBe(0);
  });
  it('refuses guarantees and provider-specific data with WSAEOPNOTSUPP', () => {
    expect(checkQos({ SendingFlowspec: { ServiceType: SERVICETYPE_GUARANTEED } })).toBe(WSAEOPNOTSUPP);
    expect(checkQos({ ReceivingFlowspec: { ServiceType: SERVICETYPE_CONTROLLEDLOAD } })).toBe(WSAEOPNOTSUPP);
    expect(checkQos({ ProviderSpecific: { len: 4, buf: new Uint8Array(4) } })).toBe(WSAEOPNOTSUPP);
    expect(checkQos(42)).toBe(WSAEFAULT);
  });
});

describe('receive buffer', () => {
  it('reads across chunks, peeks without consuming, and clears', () => {
    const b = new ReceiveBuffer();
    b.push(Uint8Array.of(1, 2, 3));
    b.push(Uint8Array.of(4, 5));
    const out = new Uint8Array(4);
    expect(b.read(out, 0, 4, true)).toBe(4);
    expect([...out]).toEqual([1, 2, 3, 4]);
    expect(b.available).toBe(5);
    expect(b.read(out, 0, 2, false)).toBe(2);
    expect(b.read(out, 2, 2, false)).toBe(2);
    expect([...out]).toEqual([1, 2, 3, 4]);
    expect(b.available).toBe(1);
    expect(b.clear()).toBe(1);
    expect(b.available).toBe(0);
  });
});

describe('services and extension GUIDs', () => {
  it('finds well-known services by name, alias and port', () => {
    expect(serviceByName('http', 'tcp')?.port).toBe(80);
    expect(serviceByName('WWW')?.port).toBe(80);
    expect(serviceByName('ntp', 'tcp')).toBeUndefined();
    expect(serviceByName('ntp', 'udp')?.port).toBe(123);
    expect(serviceByPort(443)?.name).toBe('https');
  });
  it('lays WSAID_CONNECTEX out as Windows memory does', () => {
    expect(Buffer.from(WSAID_CONNECTEX).toString('hex')).toBe('b907a225f3dd60468ee976e58c74063e');
    expect(sameGuid(Uint8Array.from(WSAID_CONNECTEX), WSAID_CONNECTEX)).toBe(true);
    expect(sameGuid(new Uint8Array(16), WSAID_CONNECTEX)).toBe(false);
  });
});
