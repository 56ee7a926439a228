/**
 * Frame dispatch: each frame from the page goes to the connection (HELLO and the frames that
 * open streams) or to the live stream it names, checked for kind: a frame of one kind on a
 * stream of another (DATAGRAM on TCP, DATA on UDP, CREDIT on a listener…) is a protocol error,
 * and so is a frame only the relay sends. A frame for an id that is gone crossed its CLOSE and
 * is ignored.
 */
import {
  FrameType,
  frameName,
  type BindFrame,
  type DgramOpenFrame,
  type Frame,
  type HelloFrame,
  type ListenFrame,
  type OpenFrame,
  type ResolveFrame,
} from '@ws2web/protocol';
import type { TcpStream } from '../streams/tcp-stream.js';
import type { UdpStream } from '../streams/udp-stream.js';
import type { LiveStream } from './stream-table.js';

/** Where frames go: the connection's handlers and its stream table. */
export interface FrameRoutes {
  readonly maxFrameBody: number;
  stream(id: number): LiveStream | undefined;
  protocolError(message: string): void;
  hello(frame: HelloFrame): void;
  open(frame: OpenFrame): void;
  dgramOpen(frame: DgramOpenFrame): void;
  resolve(frame: ResolveFrame): void;
  listen(frame: ListenFrame): void;
  bind(frame: BindFrame): void;
}

/** Routes one frame; `awaitingHello`: only HELLO is legal before WELCOME. */
export function dispatchFrame(routes: FrameRoutes, frame: Frame, awaitingHello: boolean): void {
  if (awaitingHello && frame.type !== FrameType.HELLO) {
    return routes.protocolError(`${frameName(frame.type)} before HELLO`);
  }
  switch (frame.type) {
    case FrameType.HELLO:
      return routes.hello(frame);
    case FrameType.OPEN:
      return routes.open(frame);
    case FrameType.DGRAM_OPEN:
      return routes.dgramOpen(frame);
    case FrameType.RESOLVE:
      return routes.resolve(frame);
    case FrameType.LISTEN:
      return routes.listen(frame);
    case FrameType.BIND:
      return routes.bind(frame);
    case FrameType.DATA:
      if (frame.data.length > routes.maxFrameBody) {
        return routes.protocolError(`DATA of ${frame.data.length} bytes exceeds maxFrameBody ${routes.maxFrameBody}`);
      }
      return tcp(routes, frame.stream, frame.type)?.onData(frame.data);
    case FrameType.FIN: {
      // FIN has no meaning on a UDP stream (docs/protocol.md): ignored there.
      const stream = routes.stream(frame.stream);
      return stream?.kind === 'UDP' ? undefined : tcp(routes, frame.stream, frame.type)?.onFin();
    }
    case FrameType.SETOPT:
      return tcp(routes, frame.stream, frame.type)?.onSetopt(frame.option, frame.value);
    case FrameType.DATAGRAM:
      return udp(routes, frame.stream, frame.type)?.onDatagram(frame);
    case FrameType.PEER:
      return udp(routes, frame.stream, frame.type)?.onPeer(frame);
    case FrameType.CREDIT: {
      const stream = routes.stream(frame.stream);
      if (stream === undefined) return;
      if (stream.kind === 'RESOLVE' || stream.kind === 'LISTEN')
        return routes.protocolError(`CREDIT on ${stream.kind} stream ${frame.stream}`);
      return stream.onCredit(frame.bytes);
    }
    case FrameType.CLOSE:
      return routes.stream(frame.stream)?.onClose(frame.reason);
    case FrameType.WELCOME:
    case FrameType.GOAWAY:
    case FrameType.OPENED:
    case FrameType.OPEN_FAILED:
    case FrameType.DGRAM_OPENED:
    case FrameType.VERDICT:
    case FrameType.RESOLVED:
    case FrameType.LISTENING:
    case FrameType.INCOMING:
      return routes.protocolError(`${frameName(frame.type)} is sent by the relay, not the page`);
  }
}

/** The live TCP stream `id`, or undefined: none when it is gone, a protocol error when it is of another kind. */
function tcp(routes: FrameRoutes, id: number, type: number): TcpStream | undefined {
  const stream = routes.stream(id);
  if (stream === undefined || stream.kind === 'TCP') return stream;
  routes.protocolError(`${frameName(type)} on ${stream.kind} stream ${id}`);
  return undefined;
}

/** As `tcp`, for UDP streams. */
function udp(routes: FrameRoutes, id: number, type: number): UdpStream | undefined {
  const stream = routes.stream(id);
  if (stream === undefined || stream.kind === 'UDP') return stream;
  routes.protocolError(`${frameName(type)} on ${stream.kind} stream ${id}`);
  return undefined;
}
