/**
 * A minimal user32 for programs that drive sockets through window messages: window classes
 * (RegisterClass(Ex)A/W, UnregisterClassA/W), windows that are never drawn (CreateWindowExA/W,
 * message-only under HWND_MESSAGE or hidden; DestroyWindow, IsWindow), the thread's message
 * queue (GetMessageA/W, PeekMessageA/W, PostMessageA/W, PostThreadMessageA/W, PostQuitMessage,
 * SetTimer, KillTimer) and WSAAsyncSelect and the WSAAsyncGet* lookups, whose notifications are
 * posted to that queue.
 *
 * Window procedures are C functions and only C calls them: ws2web/user32.h has DispatchMessage,
 * SendMessage, DefWindowProc and the messages CreateWindowEx/DestroyWindow send (WM_NCCREATE,
 * WM_CREATE, WM_DESTROY, WM_NCDESTROY), asking this file for a window's procedure.
 */
import type { GlueContext, ImportGroup } from './context.js';
import type { WasmMemory } from './memory.js';
import { asyncLookupImports } from './user32-async-lookups.js';
import { MessageQueue, WM_QUIT, type Message } from './user32-queue.js';
import { SOCKET_ERROR, WSAEINVAL } from './values.js';

const ERROR_INVALID_WINDOW_HANDLE = 1400;
const ERROR_CANNOT_FIND_WND_CLASS = 1407;
const ERROR_CLASS_ALREADY_EXISTS = 1410;
const ERROR_CLASS_DOES_NOT_EXIST = 1411;
const ERROR_INVALID_PARAMETER = 87;
/** HWND_MESSAGE, ((HWND)-3): the parent of message-only windows. */
const HWND_MESSAGE = 0xfffffffd;
const PM_REMOVE = 0x0001;
/** sizeof(MSG) on wasm32: hwnd, message, wParam, lParam, time, pt (x, y). */
const MSG_SIZE = 28;
const WNDCLASS_SIZE = 40;
const WNDCLASSEX_SIZE = 48;
/** Class atoms as Windows numbers registered classes. */
const FIRST_ATOM = 0xc000;
/** Window handles: even numbers in a range of their own (events 0x1000…, ports 0xc00000…). */
const FIRST_HWND = 0x00020010;

interface WindowClass {
  atom: number;
  name: string;
  proc: number;
}

interface Window {
  cls: WindowClass;
  messageOnly: boolean;
}

/** A class or window name: ANSI (UTF-8 here) or UTF-16; null for NULL. */
function readName(m: WasmMemory, ptr: number, wide: boolean): string | null {
  if (ptr === 0) return null;
  if (!wide) return m.cString(ptr);
  let s = '';
  for (let p = ptr; p + 2 <= m.size && s.length < 1024; p += 2) {
    const c = m.u16(p);
    if (c === 0) break;
    s += String.fromCharCode(c);
  }
  return s;
}

export function user32Imports(ctx: GlueContext): { user32: ImportGroup; ws2_32: ImportGroup } {
  const classes = new Map<string, WindowClass>();
  const windows = new Map<number, Window>();
  const queue = new MessageQueue();
  let nextAtom = FIRST_ATOM;
  let nextHwnd = FIRST_HWND;

  const classKey = (name: string) => name.toLowerCase();
  /**
   * A class by name, or by the atom RegisterClass returned (MAKEINTATOM). Windows tells atoms
   * from pointers by their size (< 0x10000), but wasm's static strings live at low addresses
   * too, so only a value that is a registered class's atom is taken as one.
   */
  function findClass(ptr: number, wide: boolean): WindowClass | undefined {
    const byAtom = [...classes.values()].find((c) => c.atom === ptr >>> 0);
    if (byAtom) return byAtom;
    const name = readName(ctx.m, ptr, wide);
    return name === null ? undefined : classes.get(classKey(name));
  }

  function register(proc: number, namePtr: number, wide: boolean): number {
    const name = readName(ctx.m, namePtr, wide);
    if (!name || proc === 0) return ctx.fail(ERROR_INVALID_PARAMETER, 0);
    if (classes.has(classKey(name))) return ctx.fail(ERROR_CLASS_ALREADY_EXISTS, 0);
    const cls = { atom: nextAtom++, name, proc };
    classes.set(classKey(name), cls);
    return cls.atom;
  }

  /** RegisterClassA/W(const WNDCLASS *): lpfnWndProc@4, lpszClassName@36. */
  const registerClass = (wide: boolean) => (p: number) =>
    ctx.m.inBounds(p, WNDCLASS_SIZE) ? register(ctx.m.u32(p + 4), ctx.m.u32(p + 36), wide) : ctx.fail(998, 0);

  /** RegisterClassExA/W(const WNDCLASSEX *): cbSize@0 (must be 48), lpfnWndProc@8, lpszClassName@40. */
  const registerClassEx = (wide: boolean) => (p: number) => {
    const m = ctx.m;
    if (!m.inBounds(p, WNDCLASSEX_SIZE) || m.u32(p) !== WNDCLASSEX_SIZE) return ctx.fail(ERROR_INVALID_PARAMETER, 0);
    return register(m.u32(p + 8), m.u32(p + 40), wide);
  };

  const unregisterClass = (wide: boolean) => (namePtr: number, _hInstance: number) => {
    const cls = findClass(namePtr, wide);
    if (!cls) return ctx.fail(ERROR_CLASS_DOES_NOT_EXIST, 0);
    classes.delete(classKey(cls.name));
    return 1;
  };

  /** The window itself; the C wrapper then sends WM_NCCREATE and WM_CREATE (ws2web/user32.h). */
  const createWindow =
    (wide: boolean) =>
    (_exStyle: number, classPtr: number, ...rest: number[]) => {
      const cls = findClass(classPtr, wide);
      if (!cls) return ctx.fail(ERROR_CANNOT_FIND_WND_CLASS, 0);
      const parent = rest[6]! >>> 0;
      if (parent !== 0 && parent !== HWND_MESSAGE && !windows.has(parent))
        return ctx.fail(ERROR_INVALID_WINDOW_HANDLE, 0);
      const hwnd = nextHwnd;
      nextHwnd += 4;
      windows.set(hwnd, { cls, messageOnly: parent === HWND_MESSAGE });
      return hwnd;
    };

  /** Removes the window once the C wrapper has sent WM_DESTROY and WM_NCDESTROY. */
  function DestroyWindow(hwnd: number): number {
    if (!windows.delete(hwnd >>> 0)) return ctx.fail(ERROR_INVALID_WINDOW_HANDLE, 0);
    queue.forgetWindow(hwnd >>> 0);
    return 1;
  }

  function writeMessage(p: number, msg: Message): void {
    const m = ctx.m;
    m.setU32(p, msg.hwnd);
    m.setU32(p + 4, msg.message);
    m.setU32(p + 8, msg.wParam);
    m.setI32(p + 12, msg.lParam);
    m.setU32(p + 16, msg.time);
    m.setU32(p + 20, 0);
    m.setU32(p + 24, 0);
  }

  function validFilter(hwnd: number): boolean {
    return hwnd === 0 || hwnd === -1 || windows.has(hwnd >>> 0);
  }

  /** GetMessage: blocks while nothing the filter accepts is queued. 0 for WM_QUIT, -1 for a bad window. */
  async function getMessage(lpMsg: number, hwnd: number, min: number, max: number): Promise<number> {
    if (!ctx.m.inBounds(lpMsg, MSG_SIZE)) return ctx.fail(998, -1);
    const filter = { hwnd, min: min >>> 0, max: max >>> 0 };
    for (;;) {
      if (!validFilter(hwnd)) return ctx.fail(ERROR_INVALID_WINDOW_HANDLE, -1);
      const msg = queue.take(filter, true);
      if (msg) {
        writeMessage(lpMsg, msg);
        return msg.message === WM_QUIT ? 0 : 1;
      }
      await queue.changed();
    }
  }

  /**
   * PeekMessage: never waits for a message, but when none is queued it lets the page run once
   * before answering FALSE, so a PeekMessage loop does not freeze the page (nor starve the
   * network events it is waiting for).
   */
  async function peekMessage(lpMsg: number, hwnd: number, min: number, max: number, flags: number): Promise<number> {
    if (!ctx.m.inBounds(lpMsg, MSG_SIZE)) return ctx.fail(998, 0);
    if (!validFilter(hwnd)) return ctx.fail(ERROR_INVALID_WINDOW_HANDLE, 0);
    const msg = queue.take({ hwnd, min: min >>> 0, max: max >>> 0 }, (flags & PM_REMOVE) !== 0);
    if (msg) {
      writeMessage(lpMsg, msg);
      return 1;
    }
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
    return 0;
  }

  function postMessage(hwnd: number, message: number, wParam: number, lParam: number): number {
    if (hwnd !== 0 && !windows.has(hwnd >>> 0)) return ctx.fail(ERROR_INVALID_WINDOW_HANDLE, 0);
    queue.post(hwnd >>> 0, message >>> 0, wParam, lParam);
    return 1;
  }

  function postThreadMessage(_threadId: number, message: number, wParam: number, lParam: number): number {
    queue.post(0, message >>> 0, wParam, lParam);
    return 1;
  }

  function SetTimer(hwnd: number, id: number, ms: number, proc: number): number {
    if (hwnd !== 0 && !windows.has(hwnd >>> 0)) return ctx.fail(ERROR_INVALID_WINDOW_HANDLE, 0);
    return queue.setTimer(hwnd >>> 0, id >>> 0, ms, proc >>> 0);
  }

  /**
   * WSAAsyncSelect: each network event the library records becomes a posted
   * (hWnd, wMsg, socket, WSAMAKESELECTREPLY(event, error)) message, in the order recorded.
   */
  function WSAAsyncSelect(s: number, hwnd: number, wMsg: number, lEvent: number): number {
    if (lEvent !== 0 && !windows.has(hwnd >>> 0)) return ctx.fail(WSAEINVAL, SOCKET_ERROR);
    const target = hwnd >>> 0;
    const notify = (msg: number, socket: number, lParam: number): void => {
      if (windows.has(target)) queue.post(target, msg >>> 0, socket, lParam);
    };
    return ctx.w.WSAAsyncSelect(s >>> 0, notify, wMsg >>> 0, lEvent);
  }

  return {
    user32: {
      sync: {
        RegisterClassA: registerClass(false),
        RegisterClassW: registerClass(true),
        RegisterClassExA: registerClassEx(false),
        RegisterClassExW: registerClassEx(true),
        UnregisterClassA: unregisterClass(false),
        UnregisterClassW: unregisterClass(true),
        CreateWindowExA: createWindow(false),
        CreateWindowExW: createWindow(true),
        DestroyWindow,
        IsWindow: (hwnd: number) => (windows.has(hwnd >>> 0) ? 1 : 0),
        ws2web_window_proc: (hwnd: number) => windows.get(hwnd >>> 0)?.cls.proc ?? 0,
        PostMessageA: postMessage,
        PostMessageW: postMessage,
        PostThreadMessageA: postThreadMessage,
        PostThreadMessageW: postThreadMessage,
        PostQuitMessage: (code: number) => {
          queue.postQuit(code);
        },
        SetTimer,
        KillTimer: (hwnd: number, id: number) => (queue.killTimer(hwnd >>> 0, id >>> 0) ? 1 : 0),
      },
      blocking: {
        GetMessageA: getMessage,
        GetMessageW: getMessage,
        PeekMessageA: peekMessage,
        PeekMessageW: peekMessage,
      },
    },
    ws2_32: {
      sync: {
        WSAAsyncSelect,
        ...asyncLookupImports(ctx, (hwnd, msg, wParam, lParam) => {
          if (windows.has(hwnd)) queue.post(hwnd, msg >>> 0, wParam, lParam);
        }),
      },
      blocking: {},
    },
  };
}
