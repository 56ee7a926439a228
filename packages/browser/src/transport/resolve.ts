/**
 * A name lookup through the relay: a one-shot RESOLVE stream on the relay connection, answered by
 * RESOLVED or OPEN_FAILED. Apart from the connection so that only the name calls carry it.
 */
import { FrameType, Reason, encodePageFrame, resolveFrameDecoders, type Endpoint } from '@ws2web/protocol';
import type { RelayConnection } from './relay-connection.js';

/** Outcome of a RESOLVE: the addresses, or the wire reason it failed. */
export type ResolveOutcome =
  | { ok: true; canonName: string; addresses: Endpoint[] }
  | { ok: false; reason: number; code?: number };

/** Resolves a host name through the relay (RESOLVE → RESOLVED / OPEN_FAILED). */
export function resolveThrough(
  conn: RelayConnection,
  host: string,
  family: number,
  flags: number,
): Promise<ResolveOutcome> {
  return new Promise((settle) => {
    conn.openStream(
      {
        onFrame: (frame) => {
          if (frame.type === FrameType.RESOLVED)
            settle({ ok: true, canonName: frame.canonName, addresses: frame.addresses });
          else if (frame.type === FrameType.OPEN_FAILED) settle({ ok: false, reason: frame.reason });
        },
        onLost: (code) => settle({ ok: false, reason: Reason.ABORTED, code }),
      },
      (stream) => encodePageFrame({ type: FrameType.RESOLVE, stream, family, flags, host }),
      resolveFrameDecoders,
    );
  });
}
