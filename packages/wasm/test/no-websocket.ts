/**
 * A WebSocket class for tests whose Winsock object must never open a relay connection: it has
 * the surface createWinsock's WebSocket option asks for, and constructing it throws.
 */
export class NoWebSocket {
  binaryType = 'arraybuffer';
  readonly readyState = 3;
  constructor() {
    throw new Error('this test opens no relay connection');
  }
  send(): void {}
  close(): void {}
  addEventListener(): void {}
}
