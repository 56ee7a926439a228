/**
 * createWinsock: a Winsock object with every call (the whole {@link Winsock} interface). It is
 * createWinsockWith (winsock-core.ts) given every feature; a page that needs fewer calls names
 * its features instead and ships only their code.
 */
import { allFeatures } from './features.js';
import { createWinsockWith, type WinsockOptions } from './winsock-core.js';
import type { Winsock } from './winsock-api.js';

export type { WinsockOptions } from './winsock-core.js';

/**
 * createWinsock: a new, independent Winsock object (see {@link Winsock} for every call). Nothing
 * touches the network until a call needs the relay; throws TypeError without `options.relay` or a
 * WebSocket class.
 */
export function createWinsock(options: WinsockOptions): Winsock {
  // The return type checks that allFeatures and the core together implement every call.
  return createWinsockWith(options, allFeatures);
}
