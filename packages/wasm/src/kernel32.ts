/**
 * kernel32 imports from <windows.h>: Sleep (blocking: a timer the program waits on),
 * (other threads run meanwhile), GetTickCount and GetTickCount64 (the page's monotonic clock, in milliseconds),
 * GetLastError/SetLastError (the Winsock object's last error: one value on Windows too) and
 * FormatMessageA for system messages (system-messages.ts). The rest of kernel32 that the
 * headers offer is inline C (ws2web/kernel32-basics.h).
 */
import type { GlueContext, ImportGroup } from './context.js';
import { SYSTEM_MESSAGES } from './system-messages.js';

const INFINITE = 0xffffffff;
const FORMAT_MESSAGE_ALLOCATE_BUFFER = 0x100;
const FORMAT_MESSAGE_FROM_STRING = 0x400;
const FORMAT_MESSAGE_FROM_HMODULE = 0x800;
const FORMAT_MESSAGE_FROM_SYSTEM = 0x1000;
const FORMAT_MESSAGE_MAX_WIDTH_MASK = 0xff;
const ERROR_INVALID_PARAMETER = 87;
const ERROR_INSUFFICIENT_BUFFER = 122;
const ERROR_MR_MID_NOT_FOUND = 317;
const ERROR_NOT_ENOUGH_MEMORY = 8;

function ticks(): number {
  return Math.floor(performance.now());
}

/**
 * FormatMessageA(FROM_SYSTEM): Windows' text plus "\r\n" (no line break when the width mask is
 * FORMAT_MESSAGE_MAX_WIDTH_MASK). Returns the characters written without the NUL, or 0 with the
 * last error set.
 */
function formatMessageA(
  ctx: GlueContext,
  flags: number,
  _source: number,
  id: number,
  _lang: number,
  buffer: number,
  size: number,
): number {
  if (
    (flags & (FORMAT_MESSAGE_FROM_STRING | FORMAT_MESSAGE_FROM_HMODULE)) !== 0 ||
    (flags & FORMAT_MESSAGE_FROM_SYSTEM) === 0
  ) {
    return ctx.fail(ERROR_INVALID_PARAMETER, 0);
  }
  const message = SYSTEM_MESSAGES[id >>> 0];
  if (message === undefined) return ctx.fail(ERROR_MR_MID_NOT_FOUND, 0);
  const text = (flags & FORMAT_MESSAGE_MAX_WIDTH_MASK) === FORMAT_MESSAGE_MAX_WIDTH_MASK ? message : `${message}\r\n`;
  const bytes = new TextEncoder().encode(`${text}\0`);
  const m = ctx.m;
  if (flags & FORMAT_MESSAGE_ALLOCATE_BUFFER) {
    // lpBuffer is an LPSTR*: the copy is the program's to LocalFree (free).
    const p = m.malloc(Math.max(bytes.length, size >>> 0));
    if (!p) return ctx.fail(ERROR_NOT_ENOUGH_MEMORY, 0);
    m.write(p, bytes);
    m.setU32(buffer, p);
  } else {
    if (buffer === 0 || size >>> 0 < bytes.length) return ctx.fail(ERROR_INSUFFICIENT_BUFFER, 0);
    m.write(buffer, bytes);
  }
  return bytes.length - 1;
}

export function kernel32Imports(ctx: GlueContext): ImportGroup {
  return {
    sync: {
      GetTickCount: () => ticks() >>> 0,
      GetTickCount64: () => BigInt(ticks()),
      GetLastError: () => ctx.w.WSAGetLastError() >>> 0,
      SetLastError: (code: number) => {
        ctx.w.WSASetLastError(code >>> 0);
      },
      FormatMessageA: (flags: number, source: number, id: number, lang: number, buffer: number, size: number) =>
        formatMessageA(ctx, flags, source, id, lang, buffer, size),
    },
    blocking: {
      /** Sleep(INFINITE) never returns, as on Windows; Sleep(0) still yields to the page. */
      Sleep: (ms: number) =>
        ctx.scheduler.blockCurrentThread(
          new Promise<void>((resolve) => {
            if (ms >>> 0 !== INFINITE) setTimeout(resolve, ms >>> 0);
          }),
          false,
        ),
    },
  };
}
