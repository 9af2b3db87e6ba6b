import type { Timers } from '../../src/completion/timers';

/** Timers driven by hand: `advance(ms)` moves the clock and runs what falls due, in order. */
export function fakeTimers(): Timers & { advance(ms: number): void } {
  let now = 0;
  let next = 0;
  const due = new Map<number, { at: number; fn: () => void }>();
  return {
    setTimeout: (fn, ms) => {
      due.set(++next, { at: now + ms, fn });
      return next;
    },
    clearTimeout: (h) => void due.delete(h as number),
    now: () => now,
    advance(ms) {
      now += ms;
      for (const [h, t] of [...due].sort((a, b) => a[1].at - b[1].at)) {
        if (t.at <= now && due.delete(h)) t.fn();
      }
    },
  };
}
