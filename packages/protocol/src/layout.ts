/**
 * The wire layout both directions of the codec share: address-kind bytes, which family bytes and
 * endpoint kinds each field allows, and which frames live on stream 0. One definition, so the
 * encoder refuses (RangeError) exactly what the decoder rejects (BAD_BODY / BAD_ADDRESS /
 * BAD_STREAM).
 */
import { FrameType, ResolveFamily } from './frames.js';

/** Address kind bytes (docs/protocol.md, "Endpoints"). */
export const ADDR_NONE = 0;
export const ADDR_IPV4 = 4;
export const ADDR_IPV6 = 6;
export const ADDR_NAME = 0x4e; // 'N'

/** Family bytes each frame accepts (dgramFamilies also serves LISTEN and BIND). */
export const dgramFamilies: ReadonlySet<number> = new Set([ResolveFamily.IPV4, ResolveFamily.IPV6]);
export const resolveFamilies: ReadonlySet<number> = new Set([
  ResolveFamily.ANY,
  ResolveFamily.IPV4,
  ResolveFamily.IPV6,
]);

/** Frame types that belong to the connection (stream 0) rather than to a stream. */
export const connectionFrames: ReadonlySet<number> = new Set<number>([
  FrameType.HELLO,
  FrameType.WELCOME,
  FrameType.GOAWAY,
]);

/**
 * Which endpoints a field may hold.
 * destination: IP or name; socket: IP; bind and peer: IP or none.
 */
export type EndpointSlot = 'destination' | 'bind' | 'socket' | 'peer';

export const optionalSlots: ReadonlySet<EndpointSlot> = new Set<EndpointSlot>(['bind', 'peer']);

const names = new Map<number, string>(Object.entries(FrameType).map(([k, v]) => [v, k]));

/** Name of a frame type for logs: `frameName(0x20) === 'DATA'`. */
export function frameName(type: number): string {
  return names.get(type) ?? `0x${type.toString(16)}`;
}
