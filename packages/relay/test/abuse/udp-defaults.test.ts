/**
 * UDP on a relay that might face the internet: off unless the relay listens on loopback only,
 * and when on beyond loopback only to listed ports; the classic amplification ports refused
 * unless listed. PEER CHECK judges without sending anything, so the public destinations below
 * are never sent a packet.
 */
import { describe, expect, it } from 'vitest';
import { FrameType, PeerMode, Reason } from '@ws2web/protocol';
import { resolveOptions } from '../../src/config/options.js';
import { parseCommandLine } from '../../src/config/cli-options.js';
import { AMPLIFICATION_PORTS } from '../../src/policy/policy.js';
import { ipv4, useRelay, usePage } from '../support/index.js';

const PUBLIC = '93.184.216.34';

describe('UDP defaults by where the relay listens', () => {
  it('on for a loopback relay, off for one listening beyond loopback', () => {
    expect(resolveOptions({}).udp).toBe(true);
    expect(resolveOptions({ host: 'localhost' }).udp).toBe(true);
    expect(resolveOptions({ host: '0.0.0.0' }).udp).toBe(false);
    expect(resolveOptions({ host: '::' }).udp).toBe(false);
  });

  it('beyond loopback, turning UDP on needs udpPorts: a clear start-up error otherwise', () => {
    expect(() => resolveOptions({ host: '0.0.0.0', udp: true })).toThrow(
      /udp: a relay listening beyond loopback \(0\.0\.0\.0\) sends UDP only to listed ports: give udpPorts/,
    );
    expect(resolveOptions({ host: '0.0.0.0', udp: true, udpPorts: ['4433', '9000-9009'] }).udp).toBe(true);
    expect(parseCommandLine(['--host', '0.0.0.0', '--udp', '--udp-port', '4433'], {})).toMatchObject({
      udp: true,
      udpPorts: ['4433'],
    });
    expect(parseCommandLine(['--no-udp'], {})).toMatchObject({ udp: false });
  });
});

describe('UDP destination ports', () => {
  it('the classic amplification ports are refused by default (PEER CHECK: nothing sent); others pass', async () => {
    const relay = await useRelay({ allow: [] });
    const p = await usePage(relay);
    expect(await p.dgramOpen(1, 4)).toMatchObject({ type: FrameType.DGRAM_OPENED });
    let seq = 1;
    for (const port of [53, 123, 11211, 19, 389, 1900, 161, 3702, 27015]) {
      expect(await p.peer(1, seq++, PeerMode.CHECK, ipv4(port, PUBLIC))).toMatchObject({
        reason: Reason.POLICY_DENIED,
      });
    }
    expect(await p.peer(1, seq++, PeerMode.CHECK, ipv4(4433, PUBLIC))).toMatchObject({ reason: Reason.OK });
    expect(relay.metrics().policyRefusalsByReason).toEqual({ port: 9 });
    expect(AMPLIFICATION_PORTS).toEqual(expect.arrayContaining([53, 123, 11211, 19, 389, 1900, 161, 3702, 27015]));
  });

  it('udpPorts: only the listed ports, and listing an amplification port opens it', async () => {
    const p = await usePage(await useRelay({ allow: [], udpPorts: ['53', '9000-9009'] }));
    expect(await p.dgramOpen(1, 4)).toMatchObject({ type: FrameType.DGRAM_OPENED });
    expect(await p.peer(1, 1, PeerMode.CHECK, ipv4(53, PUBLIC))).toMatchObject({ reason: Reason.OK });
    expect(await p.peer(1, 2, PeerMode.CHECK, ipv4(9005, PUBLIC))).toMatchObject({ reason: Reason.OK });
    expect(await p.peer(1, 3, PeerMode.CHECK, ipv4(4433, PUBLIC))).toMatchObject({ reason: Reason.POLICY_DENIED });
    expect(await p.peer(1, 4, PeerMode.CHECK, ipv4(123, PUBLIC))).toMatchObject({ reason: Reason.POLICY_DENIED });
  });

  it('a relay with UDP off refuses DGRAM_OPEN (the beyond-loopback default)', async () => {
    const relay = await useRelay({ udp: false });
    const p = await usePage(relay);
    expect(await p.dgramOpen(1, 4)).toEqual({ type: FrameType.OPEN_FAILED, stream: 1, reason: Reason.POLICY_DENIED });
  });
});
