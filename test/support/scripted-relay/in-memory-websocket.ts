/**
 * The scripted relay behind an in-memory WebSocket class, for unit tests of the page's socket
 * logic in Node: `createWinsock({ relay: url, WebSocket: InMemoryWebSocket })` talks to the
 * script registered for `url` with `listenInMemory`, with no network and no timers of its own
 * beyond the event-loop turns a real WebSocket takes (each message and event arrives in a later
 * task, in order, as a browser delivers them).
 */
import { ScriptedConnection, type RelayScript } from './script.js';

type Listener = (event: { data?: unknown; code?: number; reason?: string }) => void;

const relays = new Map<string, { script: RelayScript; connections: ScriptedConnection[] }>();

/** Registers `script` for WebSockets opened to `url`; returns the connections as they are made, and how to stop. */
export function listenInMemory(url: string, script: RelayScript): { connections: ScriptedConnection[]; close(): void } {
  if (relays.has(url)) throw new Error(`an in-memory relay already listens on ${url}`);
  const entry = { script, connections: [] as ScriptedConnection[] };
  relays.set(url, entry);
  return { connections: entry.connections, close: () => relays.delete(url) };
}

/** A later task: what separates two WebSocket events in a browser. */
const later = (run: () => void): void => {
  setTimeout(run, 0);
};

export class InMemoryWebSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;

  readonly url: string;
  binaryType = 'blob';
  #readyState = InMemoryWebSocket.CONNECTING;
  readonly #listeners = new Map<string, Set<Listener>>();
  #conn: ScriptedConnection | null = null;

  constructor(url: string) {
    this.url = url;
    const relay = relays.get(url);
    if (!relay) {
      // Nothing listens: the handshake fails, as a refused connection does.
      later(() => {
        this.#emit('error', {});
        this.#finish(1006, '');
      });
      return;
    }
    const conn = new ScriptedConnection(
      {
        sendBinary: (bytes) => {
          const copy = bytes.slice();
          later(() => this.#deliver(copy.buffer));
        },
        sendText: (text) => later(() => this.#deliver(text)),
        close: (code, reason) => later(() => this.#finish(code, reason)),
      },
      relay.script,
    );
    this.#conn = conn;
    relay.connections.push(conn);
    later(() => {
      if (this.#readyState !== InMemoryWebSocket.CONNECTING) return;
      this.#readyState = InMemoryWebSocket.OPEN;
      this.#emit('open', {});
    });
  }

  get readyState(): number {
    return this.#readyState;
  }

  send(data: Uint8Array): void {
    if (this.#readyState !== InMemoryWebSocket.OPEN) throw new Error('InvalidStateError: the WebSocket is not open');
    const conn = this.#conn;
    if (!conn) return;
    const copy = data.slice();
    later(() => conn.receive(copy));
  }

  close(code = 1005, reason = ''): void {
    if (this.#readyState >= InMemoryWebSocket.CLOSING) return;
    // A browser lets a script close only with 1000 or 3000–4999.
    if (code !== 1005 && code !== 1000 && (code < 3000 || code > 4999))
      throw new Error(`InvalidAccessError: close code ${code}`);
    this.#readyState = InMemoryWebSocket.CLOSING;
    later(() => this.#finish(code, reason));
  }

  addEventListener(type: string, listener: Listener): void {
    let set = this.#listeners.get(type);
    if (!set) {
      set = new Set();
      this.#listeners.set(type, set);
    }
    set.add(listener);
  }

  removeEventListener(type: string, listener: Listener): void {
    this.#listeners.get(type)?.delete(listener);
  }

  #deliver(data: ArrayBuffer | string): void {
    if (this.#readyState !== InMemoryWebSocket.OPEN) return;
    this.#emit('message', { data });
  }

  #finish(code: number, reason: string): void {
    if (this.#readyState === InMemoryWebSocket.CLOSED) return;
    this.#readyState = InMemoryWebSocket.CLOSED;
    this.#conn?.closed(code);
    this.#emit('close', { code, reason });
  }

  #emit(type: string, event: { data?: unknown; code?: number; reason?: string }): void {
    for (const listener of [...(this.#listeners.get(type) ?? [])]) listener(event);
  }
}
