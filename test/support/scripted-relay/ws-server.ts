/**
 * The scripted relay on a real WebSocket server (`ws`), for tests that must run in Node and in
 * Chromium with their real WebSocket classes. Node only (runs inside the control server).
 */
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { ScriptedConnection, type RelayScript } from './script.js';

export class WsScriptedRelay {
  readonly connections: ScriptedConnection[] = [];
  readonly #server: WebSocketServer;
  readonly #script: RelayScript;
  readonly #sockets = new Set<WebSocket>();

  private constructor(server: WebSocketServer, script: RelayScript) {
    this.#server = server;
    this.#script = script;
    server.on('connection', (socket) => this.#onConnection(socket));
  }

  static async start(script: RelayScript): Promise<WsScriptedRelay> {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    return new WsScriptedRelay(server, script);
  }

  get url(): string {
    const { port } = this.#server.address() as AddressInfo;
    return `ws://127.0.0.1:${port}/`;
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.terminate();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #onConnection(socket: WebSocket): void {
    this.#sockets.add(socket);
    const conn = new ScriptedConnection(
      {
        sendBinary: (bytes) => {
          if (socket.readyState === socket.OPEN) socket.send(bytes);
        },
        sendText: (text) => {
          if (socket.readyState === socket.OPEN) socket.send(text);
        },
        close: (code, reason) => socket.close(code, reason),
      },
      this.#script,
    );
    this.connections.push(conn);
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      conn.receive(isBinary ? new Uint8Array(data) : data.toString('utf8'));
    });
    socket.on('close', (code: number) => {
      conn.closed(code);
      this.#sockets.delete(socket);
    });
    socket.on('error', () => {
      /* the close event follows */
    });
  }
}
