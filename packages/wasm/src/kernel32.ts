/**
 * kernel32 imports from <windows.h>: Sleep (blocking: a timer the program waits on),
 * GetTickCount and GetTickCount64 (the page's monotonic clock, in milliseconds).
 */
import type { ImportGroup } from './context.js';

const INFINITE = 0xffffffff;

function ticks(): number {
  return Math.floor(performance.now());
}

export function kernel32Imports(): ImportGroup {
  return {
    sync: {
      GetTickCount: () => ticks() >>> 0,
      GetTickCount64: () => BigInt(ticks()),
    },
    blocking: {
      /** Sleep(INFINITE) never returns, as on Windows; Sleep(0) still yields to the page. */
      Sleep: (ms: number) => new Promise<void>((resolve) => {
        if (ms >>> 0 !== INFINITE) setTimeout(resolve, ms >>> 0);
      }),
    },
  };
}
