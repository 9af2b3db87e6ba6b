// Runs an action at most once per interval: at once when it has been quiet, otherwise once at the end of the
// interval however many times it was asked in between (so the last change is never lost). No vscode import.

export class Throttle {
  private lastRun = -Infinity;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly action: () => void,
    private readonly now: () => number = () => Date.now(),
  ) {}

  schedule(): void {
    if (this.timer !== undefined) return; // a trailing run is already due; it will see the latest state
    const wait = this.lastRun + this.intervalMs - this.now();
    if (wait <= 0) {
      this.run();
      return;
    }
    this.timer = setTimeout(() => this.run(), wait);
  }

  /** Drops a pending run (e.g. when the panel is hidden or closed). */
  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private run(): void {
    this.timer = undefined;
    this.lastRun = this.now();
    this.action();
  }
}
