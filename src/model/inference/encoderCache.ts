// Keeps the encoder's state after every token of recent windows, so a keystroke that appends one character
// costs one encoder step and a backspace costs none. Entries are matched by longest common token prefix.
import type { InferenceNet, NetState } from './inference';

interface Entry {
  tokens: number[];
  /** State after each token: per position, per layer, h then c ([hidden] each). */
  states: Float32Array[];
}

export interface EncodeResult {
  state: NetState;
  /** Tokens read by the network for this request (the rest came from the cache). */
  stepsRun: number;
}

export class EncoderCache {
  private entries: Entry[] = [];

  constructor(private readonly net: InferenceNet, private readonly capacity = 4) {}

  encode(tokens: readonly number[]): EncodeResult {
    const { best, shared } = this.lookup(tokens);
    // Extend the matching entry in place when the request only appends to it; otherwise branch a copy so
    // that jumping back to the other text still hits.
    const entry: Entry =
      best && shared === best.tokens.length
        ? best
        : { tokens: best ? best.tokens.slice(0, shared) : [], states: best ? best.states.slice(0, shared) : [] };
    const state = shared > 0 ? this.unpack(entry.states[shared - 1] as Float32Array) : this.net.zeroState(1);
    for (let p = shared; p < tokens.length; p++) {
      this.net.step('encoderLstm', [tokens[p] as number], state);
      entry.tokens.push(tokens[p] as number);
      entry.states.push(this.pack(state));
    }
    this.entries = [entry, ...this.entries.filter((e) => e !== entry)].slice(0, this.capacity);
    return { state, stepsRun: tokens.length - shared };
  }

  /** How many leading tokens of `tokens` some entry already holds the state for. */
  cachedLength(tokens: readonly number[]): number {
    return this.lookup(tokens).shared;
  }

  private lookup(tokens: readonly number[]): { best: Entry | null; shared: number } {
    let best: Entry | null = null;
    let shared = 0;
    for (const e of this.entries) {
      const limit = Math.min(e.tokens.length, tokens.length);
      let k = 0;
      while (k < limit && e.tokens[k] === tokens[k]) k++;
      if (k > shared) {
        best = e;
        shared = k;
      }
    }
    return { best, shared };
  }

  private pack(state: NetState): Float32Array {
    const H = this.net.hidden;
    const out = new Float32Array(2 * this.net.layers * H);
    for (let l = 0; l < this.net.layers; l++) {
      out.set(state.h[l] as Float32Array, 2 * l * H);
      out.set(state.c[l] as Float32Array, (2 * l + 1) * H);
    }
    return out;
  }

  private unpack(packed: Float32Array): NetState {
    const H = this.net.hidden;
    const s = this.net.zeroState(1);
    for (let l = 0; l < this.net.layers; l++) {
      s.h[l] = packed.slice(2 * l * H, (2 * l + 1) * H);
      s.c[l] = packed.slice((2 * l + 1) * H, (2 * l + 2) * H);
    }
    return s;
  }
}
