// Whether the user is at work: busy from their first keystroke or cursor move until `idleMs` pass without one.
// The background learner holds its training while busy, so no keystroke ever waits for a training step.
// Pure: the timers are passed in, so the tests drive time.

import { realTimers, Timers } from './timers';

export class IdleGate {
  private idle: boolean;
  private timer: unknown = null;
  private disposed = false;

  /** `onChange(idle)` hears each change once; the gate starts busy (the user has just opened the editor). */
  constructor(
    private readonly idleMs: number,
    private readonly onChange: (idle: boolean) => void,
    private readonly timers: Timers = realTimers,
  ) {
    this.idle = false;
    this.arm();
  }

  get isIdle(): boolean {
    return this.idle;
  }

  /** The user typed or moved: busy now, idle again `idleMs` after the last such call. */
  activity(): void {
    if (this.disposed) return;
    if (this.idle) {
      this.idle = false;
      this.onChange(false);
    }
    this.arm();
  }

  private arm(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      this.idle = true;
      this.onChange(true);
    }, this.idleMs);
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }
}
