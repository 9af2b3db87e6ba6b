// A character n-gram model with PPM-style blending (escape method C, i.e. Witten-Bell interpolation, orders
// 0..N): the baseline the seq2seq model must beat. Counts live in open-addressing hash tables of typed arrays,
// so tens of millions of contexts fit without JavaScript Map limits.
import { advance, Phase, STOP, StopAt } from '../inference/tokens';
import { Vocabulary } from '../graph/vocab';

/** Hash table from a 52-bit integer key to a count, linear probing, doubling at half load. */
class CountTable {
  private keys: Float64Array;
  private counts: Uint32Array;
  private used = 0;

  constructor(capacity = 1 << 16) {
    this.keys = new Float64Array(capacity).fill(-1);
    this.counts = new Uint32Array(capacity);
  }

  private slot(key: number): number {
    const mask = this.keys.length - 1;
    let i = (Math.imul(key | 0, 0x9e3779b1) ^ Math.imul((key / 4294967296) | 0, 0x85ebca6b)) & mask;
    while (this.keys[i] !== -1 && this.keys[i] !== key) i = (i + 1) & mask;
    return i;
  }

  add(key: number, by = 1): number {
    if (this.used * 2 >= this.keys.length) this.grow();
    const i = this.slot(key);
    if (this.keys[i] === -1) {
      this.keys[i] = key;
      this.used++;
    }
    return (this.counts[i] = (this.counts[i] as number) + by);
  }

  get(key: number): number {
    const i = this.slot(key);
    return this.keys[i] === -1 ? 0 : (this.counts[i] as number);
  }

  get size(): number {
    return this.used;
  }

  private grow(): void {
    const { keys, counts } = this;
    this.keys = new Float64Array(keys.length * 2).fill(-1);
    this.counts = new Uint32Array(keys.length * 2);
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] === -1) continue;
      const j = this.slot(keys[i] as number);
      this.keys[j] = keys[i] as number;
      this.counts[j] = counts[i] as number;
    }
  }
}

/** Context hashes stay below 2^45 so that (context, symbol) keys are exact integers below 2^52. */
const CONTEXT_SPACE = 2 ** 45;

export class CharNgram {
  private readonly pairs: CountTable[] = [];
  private readonly totals: CountTable[] = [];
  private readonly distinct: CountTable[] = [];
  private readonly vocabSize: number;
  trainedChars = 0;

  constructor(readonly vocab: Vocabulary, readonly order = 8) {
    this.vocabSize = vocab.size;
    for (let k = 0; k <= order; k++) {
      this.pairs.push(new CountTable());
      this.totals.push(new CountTable());
      this.distinct.push(new CountTable());
    }
  }

  /** Hash of the k ids before position p (START beyond the text's beginning), per order k. */
  private contextHashes(ids: ArrayLike<number>, p: number): number[] {
    const hashes = [0];
    let h = 0;
    for (let k = 1; k <= this.order; k++) {
      const id = p - k >= 0 ? (ids[p - k] as number) : this.vocab.startId;
      h = ((h * 131 + id + 1) % CONTEXT_SPACE + k * 7919) % CONTEXT_SPACE;
      hashes.push(h);
    }
    return hashes;
  }

  train(text: string): void {
    const ids = this.vocab.encode(Vocabulary.normalise(text));
    for (let p = 0; p <= ids.length; p++) {
      const next = p < ids.length ? (ids[p] as number) : this.vocab.endId;
      const hashes = this.contextHashes(ids, p);
      for (let k = 0; k <= this.order; k++) {
        const ctx = hashes[k] as number;
        if (this.pairs[k]!.add(ctx * 128 + next) === 1) this.distinct[k]!.add(ctx);
        this.totals[k]!.add(ctx);
      }
    }
    this.trainedChars += ids.length;
  }

  /** Probabilities of every vocabulary id after `before` (ids), blended from order 0 up to N. */
  distribution(before: ArrayLike<number>, p = before.length): Float64Array {
    const V = this.vocabSize;
    const probs = new Float64Array(V).fill(1 / V);
    const hashes = this.contextHashes(before, p);
    for (let k = 0; k <= this.order; k++) {
      const ctx = hashes[k] as number;
      const total = this.totals[k]!.get(ctx);
      if (total === 0) break; // a longer context cannot have been seen either
      const d = this.distinct[k]!.get(ctx);
      const denom = total + d;
      for (let id = 0; id < V; id++) probs[id] = (this.pairs[k]!.get(ctx * 128 + id) + d * (probs[id] as number)) / denom;
    }
    return probs;
  }

  /** Probability of one id after position p: the same blend as distribution(), for that id only. */
  probability(ids: ArrayLike<number>, p: number, id: number): number {
    let prob = 1 / this.vocabSize;
    const hashes = this.contextHashes(ids, p);
    for (let k = 0; k <= this.order; k++) {
      const ctx = hashes[k] as number;
      const total = this.totals[k]!.get(ctx);
      if (total === 0) break;
      const d = this.distinct[k]!.get(ctx);
      prob = (this.pairs[k]!.get(ctx * 128 + id) + d * prob) / (total + d);
    }
    return prob;
  }

  /** Mean bits per character over every character of the given texts. */
  bitsPerChar(texts: string[]): { bpc: number; chars: number } {
    let bits = 0;
    let chars = 0;
    for (const text of texts) {
      const ids = this.vocab.encode(Vocabulary.normalise(text));
      for (let p = 0; p < ids.length; p++) {
        bits -= Math.log2(this.probability(ids, p, ids[p] as number));
        chars++;
      }
    }
    return { bpc: chars === 0 ? NaN : bits / chars, chars };
  }

  /** Greedy completion under the same stopping rule as the seq2seq decoder. */
  complete(before: string, stopAt: StopAt = 'token', maxChars = 32): { text: string; logProb: number } {
    const ids = this.vocab.encode(Vocabulary.normalise(before.slice(-this.order - 1)));
    let phase = Phase.Lead;
    let text = '';
    let logProb = 0;
    for (let step = 0; step < maxChars; step++) {
      const probs = this.distribution(ids);
      let stopMass = 0;
      let bestId = -1;
      let best = 0;
      for (let id = 0; id < probs.length; id++) {
        const pr = probs[id] as number;
        if (advance(phase, this.vocab.charOf(id), stopAt) === STOP) stopMass += pr;
        else if (pr > best) {
          best = pr;
          bestId = id;
        }
      }
      if (bestId < 0 || stopMass >= best) return { text: phase === Phase.Lead ? '' : text, logProb: logProb + Math.log(stopMass) };
      phase = advance(phase, this.vocab.charOf(bestId), stopAt) as Phase;
      text += this.vocab.charOf(bestId);
      logProb += Math.log(best);
      ids.push(bestId);
    }
    return { text: phase === Phase.Lead ? '' : text, logProb };
  }

  get contexts(): number {
    return this.totals.reduce((n, t) => n + t.size, 0);
  }
}

