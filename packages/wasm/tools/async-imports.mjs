/**
 * The imports that may block: they return a Promise in @ws2web/browser, so the C code must be
 * suspended while they wait. The JSPI glue wraps exactly these in WebAssembly.Suspending; the
 * Asyncify build instruments only the call paths that reach them (`asyncify-imports`), which is
 * what keeps its code-size and speed cost down. src/imports-table.ts marks the same names
 * (a unit test checks the two lists agree).
 */
export const BLOCKING_IMPORTS = Object.freeze([
  'ws2_32.accept',
  'ws2_32.bind',
  'ws2_32.connect',
  'ws2_32.WSAConnect',
  'ws2_32.WSAConnectByNameA',
  'ws2_32.WSAConnectByNameW',
  'ws2_32.WSAConnectByList',
  'ws2_32.send',
  'ws2_32.recv',
  'ws2_32.sendto',
  'ws2_32.recvfrom',
  'ws2_32.WSASend',
  'ws2_32.WSARecv',
  'ws2_32.WSASendTo',
  'ws2_32.WSARecvFrom',
  'ws2_32.select',
  'ws2_32.WSAPoll',
  'ws2_32.WSAWaitForMultipleEvents',
  'ws2_32.getaddrinfo',
  'ws2_32.getnameinfo',
  'ws2_32.gethostbyname',
  'ws2_32.GetAddrInfoW',
  'ws2_32.GetNameInfoW',
  'ws2_32.GetAddrInfoExW',
  'kernel32.Sleep',
  'kernel32.WaitForSingleObject',
  'kernel32.WaitForMultipleObjects',
  // Overlapped I/O and completion ports (src/ws2-overlapped.ts, src/iocp.ts): starting an
  // operation awaits the library's call; the result calls and GetQueuedCompletionStatus wait.
  'ws2_32.ConnectEx',
  'ws2_32.AcceptEx',
  'ws2_32.WSAGetOverlappedResult',
  // WSASendMsg / WSARecvMsg (src/ws2-messages.ts): blocking, or starting an overlapped operation.
  'ws2_32.WSASendMsg',
  'ws2_32.WSARecvMsg',
  'kernel32.GetOverlappedResult',
  'kernel32.GetQueuedCompletionStatus',
  'kernel32.GetQueuedCompletionStatusEx',
  // The message queue (src/user32.ts): GetMessage waits for a message, PeekMessage yields once.
  'user32.GetMessageA',
  'user32.GetMessageW',
  'user32.PeekMessageA',
  'user32.PeekMessageW',
  // threads (src/kernel32-threads.ts, src/kernel32-critical-sections.ts)
  'kernel32.SwitchToThread',
  'kernel32.EnterCriticalSection',
]);
