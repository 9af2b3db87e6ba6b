// Seq2Seq: Snooze: suggestions off for a while, back on by themselves when the time is up (or at Resume). Pure:
// the extension asks `until` and hears each change.
import { realTimers, Timers } from './timers';

export class Snooze {
  private endsAt: number | null = null;
  private timer: unknown = null;

  constructor(
    private readonly onChange: () => void,
    private readonly timers: Timers = realTimers,
  ) {}

  /** When the snooze ends (epoch ms), or null when suggestions are not snoozed. */
  get until(): number | null {
    return this.endsAt;
  }

  snooze(minutes: number): void {
    this.clear();
    this.endsAt = this.timers.now() + minutes * 60_000;
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      this.endsAt = null;
      this.onChange();
    }, minutes * 60_000);
    this.onChange();
  }

  resume(): void {
    const was = this.endsAt;
    this.clear();
    this.endsAt = null;
    if (was !== null) this.onChange();
  }

  private clear(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  dispose(): void {
    this.clear();
  }
}
