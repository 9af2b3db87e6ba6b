// One piece of work done ahead of need: what follows the suggestion on screen, computed once the suggestion has
// stayed there a while, so that after Tab the next one is ready. At most one is pending; it is named by where its
// answer will be looked for (a line and the text before the cursor there). No vscode import.

interface Pending {
  key: string;
  before: string;
  timer: ReturnType<typeof setTimeout>;
  abort: AbortController;
  /** Set once the work has started; resolves when it is over, whatever its outcome. */
  started: Promise<void> | null;
}

export class Lookahead {
  private pending: Pending | null = null;

  constructor(private readonly delayMs: number) {}

  /**
   * Runs `work` after the delay unless something else is scheduled or cancelled first; scheduling the same key and
   * text again leaves the pending one as it is. `work` gets a signal that aborts when the work is dropped.
   */
  schedule(key: string, before: string, work: (signal: AbortSignal) => Promise<void>): void {
    if (this.pending && this.pending.key === key && this.pending.before === before) return;
    this.cancel();
    const abort = new AbortController();
    const pending: Pending = {
      key,
      before,
      abort,
      started: null,
      timer: setTimeout(() => (pending.started = work(abort.signal).catch(() => undefined)), this.delayMs),
    };
    this.pending = pending;
  }

  /**
   * A request for `key` and `before`: when the work ahead is for exactly that and has started, the promise of its
   * end (wait for it rather than ask again); otherwise the work ahead is dropped and null returned.
   */
  join(key: string, before: string): Promise<void> | null {
    const p = this.pending;
    if (p && p.key === key && p.before === before && p.started) return p.started;
    this.cancel();
    return null;
  }

  cancel(): void {
    if (!this.pending) return;
    clearTimeout(this.pending.timer);
    this.pending.abort.abort();
    this.pending = null;
  }
}
