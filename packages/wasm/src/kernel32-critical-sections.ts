/**
 * CRITICAL_SECTION (ws2web/kernel32-threads.h): Initialize(AndSpinCount/Ex), Enter, TryEnter,
 * Leave, Delete, SetCriticalSectionSpinCount. The state lives here, keyed by the structure's
 * address; the structure's OwningThread, RecursionCount and LockCount fields are kept up to date
 * for programs and debuggers that read them. Recursive for the owner. Enter on a section another
 * thread owns blocks the caller (other threads run) until Leave hands ownership to the longest
 * waiter; spinning would be pointless with one CPU, so the spin count is only stored.
 */
import type { GlueContext, ImportGroup } from './context.js';
import type { WasmThread } from './scheduler.js';

/** Field offsets of RTL_CRITICAL_SECTION on 32-bit Windows (24 bytes). */
const LOCK_COUNT = 4;
const RECURSION_COUNT = 8;
const OWNING_THREAD = 12;
const SPIN_COUNT = 20;
const SIZE = 24;

interface Section {
  owner: WasmThread | null;
  recursion: number;
  waiters: { thread: WasmThread; granted(): void }[];
}

export function criticalSectionImports(ctx: GlueContext): ImportGroup {
  const s = ctx.scheduler;
  const sections = new Map<number, Section>();

  function section(p: number): Section {
    let sec = sections.get(p);
    if (!sec) {
      // Used without InitializeCriticalSection (zeroed static storage): Windows would fault
      // sooner or later; here it simply starts unowned.
      sec = { owner: null, recursion: 0, waiters: [] };
      sections.set(p, sec);
    }
    return sec;
  }

  /** The XP-era field meanings: LockCount -1 free, else the number of waiters. */
  function mirror(p: number, sec: Section): void {
    const m = ctx.m;
    if (!m.inBounds(p, SIZE)) return;
    m.setI32(p + LOCK_COUNT, sec.owner ? sec.waiters.length : -1);
    m.setI32(p + RECURSION_COUNT, sec.recursion);
    m.setU32(p + OWNING_THREAD, sec.owner?.id ?? 0);
  }

  function initialize(p: number, spinCount: number): number {
    const m = ctx.m;
    if (m.inBounds(p, SIZE)) {
      m.fill(p, SIZE, 0);
      m.setU32(p + SPIN_COUNT, spinCount >>> 0);
    }
    const sec: Section = { owner: null, recursion: 0, waiters: [] };
    sections.set(p, sec);
    mirror(p, sec);
    return 1;
  }

  function take(p: number, sec: Section, thread: WasmThread): void {
    sec.owner = thread;
    sec.recursion++;
    mirror(p, sec);
  }

  function enter(p: number): void | Promise<void> {
    const sec = section(p);
    const me = s.current;
    if (sec.owner === null || sec.owner === me) return take(p, sec, me);
    const granted = new Promise<void>((resolve) => {
      sec.waiters.push({ thread: me, granted: resolve });
      mirror(p, sec);
    });
    return s.blockCurrentThread(granted, false);
  }

  function tryEnter(p: number): number {
    const sec = section(p);
    const me = s.current;
    if (sec.owner !== null && sec.owner !== me) return 0;
    take(p, sec, me);
    return 1;
  }

  function leave(p: number): void {
    const sec = sections.get(p);
    // Leaving a section one does not own is undefined on Windows; here it changes nothing.
    if (!sec || sec.owner !== s.current) return;
    if (--sec.recursion > 0) return mirror(p, sec);
    const next = sec.waiters.shift();
    sec.owner = null;
    if (next) {
      // Handed over, not released: no third thread can take it before the waiter runs.
      sec.owner = next.thread;
      sec.recursion = 1;
      next.granted();
    }
    mirror(p, sec);
  }

  return {
    sync: {
      InitializeCriticalSection: (p: number) => {
        initialize(p, 0);
      },
      InitializeCriticalSectionAndSpinCount: (p: number, spin: number) => initialize(p, spin),
      InitializeCriticalSectionEx: (p: number, spin: number, _flags: number) => initialize(p, spin),
      SetCriticalSectionSpinCount: (p: number, spin: number) => {
        const m = ctx.m;
        if (!m.inBounds(p, SIZE)) return 0;
        const previous = m.u32(p + SPIN_COUNT);
        m.setU32(p + SPIN_COUNT, spin >>> 0);
        return previous;
      },
      TryEnterCriticalSection: tryEnter,
      LeaveCriticalSection: leave,
      DeleteCriticalSection: (p: number) => {
        sections.delete(p);
      },
    },
    blocking: {
      EnterCriticalSection: enter,
    },
  };
}
