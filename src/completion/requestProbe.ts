// The one probe of the inline provider's calls: each call's record, kept for the latency figures (the integration
// tests' takeLatencies), the last 100 for the tests' API, and handed to a sink where one listens (the UI test's
// console). Measurement lives here, not in the decision of what is shown. No vscode import.

/** One provider call: when the editor called it (epoch ms), how long it waited, what the engine did, what it showed. */
export interface RequestRecord {
  enteredAt: number;
  /** The debounce it waited out, or null when it never asked the engine (cache hit, filtered, cancelled early). */
  delayMs: number | null;
  /** The engine's own time, or null when the engine was not asked or the request was cancelled. */
  engineMs: number | null;
  /** Encoder steps the engine ran for it (1-2 while typing; a cold window 128 or more), null when not asked. */
  encoderSteps: number | null;
  shown: number;
  /** From entry to the items returned, waiting included. */
  totalMs: number;
}

const KEPT_RECORDS = 100;
const KEPT_LATENCIES = 5000;

export class RequestProbe {
  private provider: number[] = [];
  private engine: number[] = [];
  /** The last calls (up to 100), oldest first. */
  readonly recent: RequestRecord[] = [];

  constructor(private readonly sink?: (record: RequestRecord) => void) {}

  /** A call that computed or served its answer: the provider's own time (debounce excluded) and the engine's (null: from the cache). */
  answered(providerMs: number, engineMs: number | null): void {
    this.provider.push(providerMs);
    if (engineMs !== null) this.engine.push(engineMs);
    if (this.provider.length > KEPT_LATENCIES) this.provider.shift();
    if (this.engine.length > KEPT_LATENCIES) this.engine.shift();
  }

  /** Every call, however it ended. */
  called(record: RequestRecord): void {
    this.recent.push(record);
    if (this.recent.length > KEPT_RECORDS) this.recent.shift();
    this.sink?.(record);
  }

  /** The provider and engine times since the last take. */
  takeLatencies(): { provider: number[]; engine: number[] } {
    const out = { provider: this.provider, engine: this.engine };
    this.provider = [];
    this.engine = [];
    return out;
  }
}
