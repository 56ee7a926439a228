// A ws2web TCP socket as a Pipe (see cases.mjs): the @ws2web/browser library through the relay,
// driven the way a Winsock program with a sender and a receiver thread drives it — blocking
// send() of each chunk in turn, blocking recv() into one 64 KiB buffer in a loop. Runs in Node
// and in the page: the library module (`ws2web`) and the Winsock object are passed in.

const RECV_BUFFER = 64 * 1024;

/**
 * Opens a TCP socket to 127.0.0.1:port through `w` (TCP_NODELAY on, as the baselines) and
 * starts its receive loop.
 */
export async function openWs2webPipe(ws2web, w, port) {
  const { AF_INET, INVALID_SOCKET, IPPROTO_TCP, SOCKET_ERROR, SOCK_STREAM, TCP_NODELAY } = ws2web;
  const check = (call, rc) => {
    if (rc === SOCKET_ERROR || rc === INVALID_SOCKET)
      throw new Error(`${call} failed with Winsock error ${w.WSAGetLastError()}`);
    return rc;
  };
  const s = check('socket', w.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP));
  check('setsockopt(TCP_NODELAY)', w.setsockopt(s, IPPROTO_TCP, TCP_NODELAY, Uint8Array.of(1, 0, 0, 0), 4));
  const address = ws2web.sockaddrIn('127.0.0.1', port);
  check('connect', await w.connect(s, address, address.length));

  let onData = () => {};
  let onDrain = () => {};
  let closed = false;
  /** Chunks written and not yet taken by send(); the send loop runs while it is non-empty. */
  const queue = [];

  async function sendLoop() {
    while (queue.length > 0) {
      const chunk = queue[0];
      const rc = await w.send(s, chunk, chunk.length, 0);
      if (closed) return;
      check('send', rc);
      queue.shift();
    }
    onDrain();
  }
  async function receiveLoop() {
    const buffer = new Uint8Array(RECV_BUFFER);
    for (;;) {
      const n = await w.recv(s, buffer, buffer.length, 0);
      if (closed || n <= 0) return; // closesocket (WSAEINTR), or the peer closed
      onData(buffer.subarray(0, n));
    }
  }
  void receiveLoop();

  return {
    write(bytes) {
      queue.push(bytes);
      if (queue.length === 1) void sendLoop();
      return false; // one chunk in flight at a time: the next write waits for onDrain
    },
    onData: (fn) => {
      onData = fn;
    },
    onDrain: (fn) => {
      onDrain = fn;
    },
    close() {
      closed = true;
      w.closesocket(s);
    },
  };
}
