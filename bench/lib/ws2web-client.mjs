// The @ws2web/browser library in Node: the built package with `ws`'s WebSocket class (which
// uses bufferutil for masking when it is installed, as it is here), one Winsock object per
// WebSocket to the relay.
import { WebSocket } from 'ws';
import * as ws2web from '../../packages/browser/dist/index.js';
import { openWs2webPipe } from './ws2web-pipe.mjs';

export { ws2web };

/** A fresh Winsock object on its own WebSocket to the relay. */
export function openWinsock(relayUrl) {
  const w = ws2web.createWinsock({ relay: relayUrl, WebSocket });
  const rc = w.WSAStartup(0x0202, {});
  if (rc !== 0) throw new Error(`WSAStartup failed: ${rc}`);
  return w;
}

/** `open` for cases.mjs: a new socket of `w` to 127.0.0.1:port. */
export function ws2webOpener(w, port) {
  return () => openWs2webPipe(ws2web, w, port);
}
