// The demo's client, written the way a Winsock program is: WSAStartup, socket, a non-blocking
// connect driven by WSAEventSelect + WSAWaitForMultipleEvents + WSAEnumNetworkEvents, then
// send/recv on the events. Every call returns what Windows would; errors come from
// WSAGetLastError() and are shown by name.
import {
  AF_INET,
  AF_INET6,
  FD_CLOSE,
  FD_CLOSE_BIT,
  FD_CONNECT,
  FD_CONNECT_BIT,
  FD_MAX_EVENTS,
  FD_READ,
  FD_WRITE,
  INVALID_SOCKET,
  IPPROTO_TCP,
  SOCKET_ERROR,
  SOCK_STREAM,
  WSAEWOULDBLOCK,
  WSA_INFINITE,
  WSA_WAIT_EVENT_0,
  WSA_WAIT_FAILED,
  createWinsock,
  parseSockaddr,
  sockaddrIn,
  sockaddrIn6,
  type ADDRINFO,
} from '@ws2web/browser';
import { appendReply, logLine, setStatus, ui } from './ui.ts';
import { NETWORK_EVENTS, errorName } from './winsock-names.ts';

/** Set by serve.mjs through Vite's `define`; absent when the page is served some other way. */
declare const __DEMO_CONFIG__: { relay: string; echoHost: string; echoPort: number } | undefined;

type Winsock = ReturnType<typeof createWinsock>;
type WsaEvent = ReturnType<Winsock['WSACreateEvent']>;

/** One connection's state. `phase` only moves forward: connecting → connected → closed. */
interface Session {
  s: number;
  networkEvent: WsaEvent; // signalled by the socket's FD_* events
  stopEvent: WsaEvent; // signalled by Disconnect, to wake the event loop
  phase: 'connecting' | 'connected' | 'closed';
  outbox: Uint8Array[]; // bytes typed but not yet taken by send()
  flushing: boolean;
  decoder: TextDecoder;
}

const config = readConfig();
const w: Winsock = createWinsock({ relay: config.relay });
const encoder = new TextEncoder();
let session: Session | null = null;

function readConfig() {
  const defaults =
    typeof __DEMO_CONFIG__ === 'undefined'
      ? { relay: 'ws://127.0.0.1:8787/', echoHost: '127.0.0.1', echoPort: 7777 }
      : __DEMO_CONFIG__;
  const query = new URLSearchParams(location.search);
  return {
    relay: query.get('relay') ?? defaults.relay,
    host: query.get('host') ?? defaults.echoHost,
    port: Number(query.get('port') ?? defaults.echoPort),
  };
}

/**
 * A sockaddr for an IP literal, or the first IPv4 getaddrinfo answer (the relay resolves) for a
 * name: a one-address demo; a real client would try each address of the chain in turn.
 */
async function resolveTarget(host: string, port: number): Promise<Uint8Array | null> {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(host)) return sockaddrIn(host, port);
  if (host.includes(':')) return sockaddrIn6(host.replace(/^\[|\]$/g, ''), port);
  const hints: ADDRINFO = {
    ai_flags: 0,
    ai_family: AF_INET,
    ai_socktype: SOCK_STREAM,
    ai_protocol: IPPROTO_TCP,
    ai_addrlen: 0,
    ai_canonname: null,
    ai_addr: null,
    ai_next: null,
  };
  const result: { value: ADDRINFO | null } = { value: null };
  const rc = await w.getaddrinfo(host, String(port), hints, result);
  const address = result.value?.ai_addr;
  if (rc !== 0 || !address) {
    logLine('getaddrinfo', `${host}: ${errorName(rc)}`, true);
    return null;
  }
  w.freeaddrinfo(result.value);
  logLine('getaddrinfo', `${host} → ${parseSockaddr(address).address}`);
  return address;
}

async function onConnectSubmit(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  if (session) {
    endSession(session, 'idle', 'disconnected');
    return;
  }
  const host = ui.host.value.trim();
  const port = Number(ui.port.value);
  setStatus('connecting', `connecting to ${host}:${port}…`);
  const address = await resolveTarget(host, port);
  if (!address) {
    setStatus('failed', 'name not resolved');
    return;
  }
  const family = parseSockaddr(address).family === AF_INET6 ? AF_INET6 : AF_INET;

  const s = w.socket(family, SOCK_STREAM, IPPROTO_TCP);
  if (s === INVALID_SOCKET) {
    reportFailure('socket', w.WSAGetLastError());
    return;
  }
  const current: Session = {
    s,
    networkEvent: w.WSACreateEvent(),
    stopEvent: w.WSACreateEvent(),
    phase: 'connecting',
    outbox: [],
    flushing: false,
    decoder: new TextDecoder(),
  };
  session = current;
  logLine('socket', `→ ${s}`);

  // As on Windows, WSAEventSelect also switches the socket to non-blocking mode.
  if (w.WSAEventSelect(s, current.networkEvent, FD_CONNECT | FD_READ | FD_WRITE | FD_CLOSE) === SOCKET_ERROR) {
    failSession(current, 'WSAEventSelect', w.WSAGetLastError());
    releaseEvents(current);
    return;
  }
  logLine('WSAEventSelect', 'FD_CONNECT | FD_READ | FD_WRITE | FD_CLOSE → 0');

  const rc = await w.connect(s, address, address.length);
  const error = rc === SOCKET_ERROR ? w.WSAGetLastError() : 0;
  if (rc === SOCKET_ERROR && error !== WSAEWOULDBLOCK) {
    failSession(current, 'connect', error);
    releaseEvents(current);
    return;
  }
  logLine('connect', rc === 0 ? '→ 0' : '→ SOCKET_ERROR, WSAEWOULDBLOCK: the outcome comes as FD_CONNECT');
  void runEventLoop(current);
}

/** The classic loop: wait for either event, read and reset the network events, act on each. */
async function runEventLoop(current: Session): Promise<void> {
  const handles = [current.networkEvent, current.stopEvent];
  const events = { lNetworkEvents: 0, iErrorCode: new Array<number>(FD_MAX_EVENTS).fill(0) };
  try {
    while (!isClosed(current)) {
      const signalled = await w.WSAWaitForMultipleEvents(handles.length, handles, false, WSA_INFINITE, false);
      if (signalled === WSA_WAIT_FAILED) {
        failSession(current, 'WSAWaitForMultipleEvents', w.WSAGetLastError());
        return;
      }
      if (signalled === WSA_WAIT_EVENT_0 + 1 || isClosed(current)) return;
      if (w.WSAEnumNetworkEvents(current.s, current.networkEvent, events) === SOCKET_ERROR) {
        failSession(current, 'WSAEnumNetworkEvents', w.WSAGetLastError());
        return;
      }
      logNetworkEvents(events);
      await handleNetworkEvents(current, events);
    }
  } finally {
    releaseEvents(current);
  }
}

async function handleNetworkEvents(current: Session, events: { lNetworkEvents: number; iErrorCode: number[] }) {
  const happened = events.lNetworkEvents;
  if (happened & FD_CONNECT) {
    const error = events.iErrorCode[FD_CONNECT_BIT] ?? 0;
    if (error !== 0) {
      failSession(current, 'connect', error);
      return;
    }
    current.phase = 'connected';
    setStatus('connected', `connected to ${ui.host.value}:${ui.port.value}`);
  }
  if (happened & FD_READ) await receiveAvailable(current);
  if (happened & FD_WRITE) await flushOutbox(current);
  if (happened & FD_CLOSE) {
    // Data may still be queued behind the close: read it before closing the socket.
    await receiveAvailable(current);
    const error = events.iErrorCode[FD_CLOSE_BIT] ?? 0;
    endSession(
      current,
      error === 0 ? 'idle' : 'failed',
      error === 0 ? 'closed by the server' : `closed: ${errorName(error)}`,
    );
  }
}

/** recv until the socket would block: FD_READ is re-armed by each recv, as on Windows. */
async function receiveAvailable(current: Session): Promise<void> {
  const buffer = new Uint8Array(4096);
  while (current.phase === 'connected') {
    const n = await w.recv(current.s, buffer, buffer.length, 0);
    if (n === SOCKET_ERROR) {
      const error = w.WSAGetLastError();
      if (error !== WSAEWOULDBLOCK) logLine('recv', errorName(error), true);
      return;
    }
    if (n === 0) return; // the server finished sending; FD_CLOSE follows
    appendReply(current.decoder.decode(buffer.subarray(0, n), { stream: true }));
  }
}

/** send what is queued; on WSAEWOULDBLOCK stop and let the next FD_WRITE resume. */
async function flushOutbox(current: Session): Promise<void> {
  if (current.flushing) return; // one sender at a time, or bytes could go out twice
  current.flushing = true;
  try {
    while (current.phase === 'connected' && current.outbox.length > 0) {
      const chunk = current.outbox[0]!;
      const n = await w.send(current.s, chunk, chunk.length, 0);
      if (n === SOCKET_ERROR) {
        const error = w.WSAGetLastError();
        if (error !== WSAEWOULDBLOCK) logLine('send', errorName(error), true);
        return;
      }
      if (n < chunk.length) current.outbox[0] = chunk.subarray(n);
      else current.outbox.shift();
      logLine('send', `→ ${n} bytes`);
    }
  } finally {
    current.flushing = false;
  }
}

function onSendSubmit(event: SubmitEvent): void {
  event.preventDefault();
  if (session?.phase !== 'connected') return;
  session.outbox.push(encoder.encode(`${ui.message.value}\n`));
  ui.message.value = '';
  void flushOutbox(session);
}

function logNetworkEvents(events: { lNetworkEvents: number; iErrorCode: number[] }): void {
  for (const { name, mask, bit } of NETWORK_EVENTS) {
    if ((events.lNetworkEvents & mask) === 0) continue;
    const error = events.iErrorCode[bit] ?? 0;
    logLine(name, error === 0 ? 'ok' : errorName(error), error !== 0);
  }
}

function reportFailure(call: string, error: number): void {
  logLine(call, errorName(error), true);
  setStatus('failed', `${call} failed: ${errorName(error)}`);
}

function failSession(current: Session, call: string, error: number): void {
  logLine(call, errorName(error), true);
  endSession(current, 'failed', `${call} failed: ${errorName(error)}`);
}

/** closesocket and wake the loop; the loop itself closes the event handles when it ends. */
function endSession(current: Session, status: 'idle' | 'failed', text: string): void {
  if (current.phase === 'closed') return;
  current.phase = 'closed';
  w.closesocket(current.s);
  w.WSASetEvent(current.stopEvent);
  logLine('closesocket', `${current.s}: ${text}`);
  if (session === current) session = null;
  setStatus(status, text);
}

/** Disconnect can close the session while the loop awaits; a function keeps TS from narrowing that away. */
function isClosed(current: Session): boolean {
  return current.phase === 'closed';
}

function releaseEvents(current: Session): void {
  w.WSACloseEvent(current.networkEvent);
  w.WSACloseEvent(current.stopEvent);
}

function main(): void {
  ui.relayUrl.textContent = config.relay;
  ui.host.value = config.host;
  ui.port.value = String(config.port);
  const startup = w.WSAStartup(0x0202, {});
  logLine('WSAStartup', startup === 0 ? '2.2 → 0' : errorName(startup), startup !== 0);
  setStatus('idle', 'not connected');
  ui.connectForm.addEventListener('submit', (event) => void onConnectSubmit(event));
  ui.sendForm.addEventListener('submit', onSendSubmit);
  window.addEventListener('pagehide', function onPageHide() {
    if (session) endSession(session, 'idle', 'page closed');
    w.WSACleanup();
  });
}

main();
