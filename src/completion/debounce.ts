// When to ask the engine after a keystroke. Measured (docs/figures.md, "Ghost text latency"): VS Code itself
// waits 50 ms before it asks an inline provider, an engine request costs 2-5 ms in the worker, and a request the
// next key supersedes is cancelled at once. So by default nothing is added: a user who pauses gets the answer as
// soon as VS Code asks. Only inside a fast burst of keys does waiting pay: there the next key is due before an
// answer could be read, so the request waits until that key is overdue, and a key the next one replaces costs no
// engine call (as few calls as the rule before at 10 keys/s). Bursts are learnt per kind of key, because people
// pause after words and symbols, not inside names.

/** VS Code's own wait before it asks an inline provider (InlineCompletionsDebounce: min = max = 50 ms, 1.139). */
export const EDITOR_DEBOUNCE_MS = 50;
/** Typical gaps at or above this are not a burst: the answer (~5 ms) is read before the next key comes. */
export const BURST_GAP_MS = 130;
/** A key counts as overdue at this multiple of the typical gap after keys of its kind (a quarter more covers the spread of gaps inside a burst, so few replaced keys reach the engine). */
export const OVERDUE = 1.25;
const HISTORY = 8;
/** Gaps longer than this are thinking, not typing speed. */
const THINKING_MS = 1000;

export type KeyKind = 'word' | 'other';

/** What kind of key the text before the cursor ends with: inside a name or a number, or anything else. */
export function keyKind(textBeforeCursor: string): KeyKind {
  return /[A-Za-z0-9_$]$/.test(textBeforeCursor) ? 'word' : 'other';
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1] as number;

export interface Debounce {
  /**
   * Records a provider call (one per keystroke the editor asks about) and returns how long to wait before asking
   * the engine, in ms; `cached` says the answer is already in the suggestion cache (no wait is needed then).
   */
  next(kind: KeyKind, cached: boolean): number;
}

/** The rule: no wait, except inside a burst of keys of this kind, where it waits until the next key is overdue. */
export class TypingRhythm implements Debounce {
  private last = 0;
  private lastKind: KeyKind = 'other';
  private readonly gaps: Record<KeyKind, number[]> = { word: [], other: [] };

  constructor(private readonly baseMs: number, private readonly maxMs = 150, private readonly now: () => number = () => Date.now()) {}

  next(kind: KeyKind, cached: boolean): number {
    const t = this.now();
    if (this.last > 0 && t - this.last < THINKING_MS) {
      // The gap after a key predicts the gap after the next key of the same kind.
      const gaps = this.gaps[this.lastKind];
      gaps.push(t - this.last);
      if (gaps.length > HISTORY) gaps.shift();
    }
    this.last = t;
    this.lastKind = kind;
    const gaps = this.gaps[kind];
    if (cached || gaps.length < 3) return cached ? 0 : this.baseMs;
    const typical = median(gaps);
    if (typical >= BURST_GAP_MS) return this.baseMs;
    return Math.round(Math.min(this.maxMs, Math.max(this.baseMs, OVERDUE * typical - EDITOR_DEBOUNCE_MS)));
  }
}

/**
 * The rule before 0.2, kept only so that the UI test can measure it beside TypingRhythm in the same run
 * (setting seq2seq.debounceRule = "medianGap"): min(max, max(base, 0.6 x median gap)), which makes anyone typing
 * slower than ~4 keys/s wait the full 150 ms.
 */
export class MedianGapDebounce implements Debounce {
  private last = 0;
  private readonly intervals: number[] = [];

  constructor(private readonly baseMs: number, private readonly maxMs = 150, private readonly now: () => number = () => Date.now()) {}

  next(_kind: KeyKind, cached: boolean): number {
    // As before: only requests that missed the suggestion cache were timed.
    if (cached) return 0;
    const t = this.now();
    if (this.last > 0 && t - this.last < THINKING_MS) {
      this.intervals.push(t - this.last);
      if (this.intervals.length > HISTORY) this.intervals.shift();
    }
    this.last = t;
    if (this.intervals.length < 3) return this.baseMs;
    return Math.round(Math.min(this.maxMs, Math.max(this.baseMs, median(this.intervals) * 0.6)));
  }
}

/** No rhythm at all: the base delay always (VS Code's own 50 ms wait only). Measured beside the others. */
export class FixedDebounce implements Debounce {
  constructor(private readonly baseMs: number) {}

  next(_kind: KeyKind, cached: boolean): number {
    return cached ? 0 : this.baseMs;
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
