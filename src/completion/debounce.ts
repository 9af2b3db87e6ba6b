// Adaptive debounce: fast typists get a longer wait (a suggestion that the next key replaces is wasted work),
// slow typists get the base delay. Waits are cancellable through an AbortSignal.

export class AdaptiveDebounce {
  private last = 0;
  private readonly intervals: number[] = [];

  constructor(private baseMs: number, private readonly maxMs = 150, private readonly now: () => number = () => Date.now()) {}

  setBase(ms: number): void {
    this.baseMs = ms;
  }

  /** Records a keystroke and returns the delay to wait before asking the engine. */
  next(): number {
    const t = this.now();
    if (this.last > 0) {
      const gap = t - this.last;
      // Pauses longer than a second are thinking, not typing speed.
      if (gap < 1000) {
        this.intervals.push(gap);
        if (this.intervals.length > 8) this.intervals.shift();
      }
    }
    this.last = t;
    if (this.intervals.length < 3) return this.baseMs;
    const sorted = [...this.intervals].sort((a, b) => a - b);
    const median = sorted[sorted.length >> 1] as number;
    return Math.round(Math.min(this.maxMs, Math.max(this.baseMs, median * 0.6)));
  }
}

/** Resolves true after ms, or false at once when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
