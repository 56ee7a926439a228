/**
 * The thread's message queue, as GetMessage/PeekMessage see it: posted messages first in, first
 * out; then WM_QUIT once PostQuitMessage was called and no posted message is left; then WM_TIMER
 * for timers that have elapsed. Timer messages are made when they are retrieved, one per timer
 * however often it elapsed meanwhile, as Windows does (they never pile up in the queue).
 */

export const WM_QUIT = 0x0012;
export const WM_TIMER = 0x0113;
/** USER_TIMER_MINIMUM: shorter timers run at 10 ms. */
const USER_TIMER_MINIMUM = 10;

export interface Message {
  hwnd: number;
  message: number;
  wParam: number;
  lParam: number;
  time: number;
}

/** Which messages a GetMessage/PeekMessage call takes: a window (0: any, -1: thread messages only) and a range. */
export interface MessageFilter {
  hwnd: number;
  min: number;
  max: number;
}

interface Timer {
  hwnd: number;
  id: number;
  interval: number;
  proc: number;
  due: number;
}

function ticks(): number {
  return Math.floor(performance.now());
}

export class MessageQueue {
  readonly #posted: Message[] = [];
  readonly #timers = new Map<string, Timer>();
  #quit: number | null = null;
  #wake: (() => void) | null = null;
  #nextThreadTimer = 1;

  post(hwnd: number, message: number, wParam: number, lParam: number): void {
    this.#posted.push({ hwnd, message, wParam: wParam >>> 0, lParam: lParam | 0, time: ticks() >>> 0 });
    this.#notify();
  }

  postQuit(code: number): void {
    this.#quit = code | 0;
    this.#notify();
  }

  /** Messages of a window that is gone are not delivered; its timers stop. */
  forgetWindow(hwnd: number): void {
    for (let i = this.#posted.length - 1; i >= 0; i--) if (this.#posted[i]!.hwnd === hwnd) this.#posted.splice(i, 1);
    for (const [k, t] of this.#timers) if (t.hwnd === hwnd) this.#timers.delete(k);
  }

  /** SetTimer: replaces the window's timer of the same id; a thread timer (hwnd 0) gets a new id. */
  setTimer(hwnd: number, id: number, ms: number, proc: number): number {
    const timerId = hwnd === 0 ? (id !== 0 && this.#timers.has(`0:${id}`) ? id : this.#nextThreadTimer++) : id;
    const interval = Math.max(USER_TIMER_MINIMUM, ms >>> 0);
    this.#timers.set(`${hwnd}:${timerId}`, { hwnd, id: timerId, interval, proc, due: ticks() + interval });
    this.#notify();
    return hwnd === 0 ? timerId : timerId || 1;
  }

  killTimer(hwnd: number, id: number): boolean {
    return this.#timers.delete(`${hwnd}:${id}`);
  }

  /** The next message `filter` accepts (removed when `remove`), or null. */
  take(filter: MessageFilter, remove: boolean): Message | null {
    const inRange = (msg: number) => (filter.min === 0 && filter.max === 0) || (msg >= filter.min && msg <= filter.max);
    const forWindow = (hwnd: number) =>
      filter.hwnd === 0 || (filter.hwnd === -1 ? hwnd === 0 : hwnd === filter.hwnd >>> 0);
    const i = this.#posted.findIndex((m) => forWindow(m.hwnd) && inRange(m.message));
    if (i >= 0) return remove ? this.#posted.splice(i, 1)[0]! : this.#posted[i]!;
    if (this.#quit !== null && inRange(WM_QUIT)) {
      const quit = { hwnd: 0, message: WM_QUIT, wParam: this.#quit >>> 0, lParam: 0, time: ticks() >>> 0 };
      if (remove) this.#quit = null;
      return quit;
    }
    if (!inRange(WM_TIMER)) return null;
    const now = ticks();
    let next: Timer | null = null;
    for (const t of this.#timers.values()) {
      if (t.due <= now && forWindow(t.hwnd) && (!next || t.due < next.due)) next = t;
    }
    if (!next) return null;
    if (remove) next.due = now + next.interval;
    return { hwnd: next.hwnd, message: WM_TIMER, wParam: next.id, lParam: next.proc, time: now >>> 0 };
  }

  /** Resolves at the next post, PostQuitMessage, SetTimer, or when the earliest timer is due. */
  changed(): Promise<void> {
    return new Promise<void>((resolve) => {
      let timer: ReturnType<typeof setTimeout> | null = null;
      const earliest = Math.min(...[...this.#timers.values()].map((t) => t.due));
      const wake = () => {
        if (timer) clearTimeout(timer);
        if (this.#wake === wake) this.#wake = null;
        resolve();
      };
      if (Number.isFinite(earliest)) timer = setTimeout(wake, Math.max(0, earliest - ticks()));
      this.#wake = wake;
    });
  }

  #notify(): void {
    this.#wake?.();
  }
}
