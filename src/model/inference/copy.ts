// The copy prior: code repeats itself, and most of what a user types next has already been written once in the
// same file or workspace. Like the pointer half of a pointer-generator network, the decoder may copy: at each
// step it finds the longest earlier occurrences of the text just before the next character (hash chains over
// MIN_MATCH-character keys, as LZ77 compressors use) and mixes the characters that followed them into the LSTM's
// distribution, trusting them more the longer the match.
import type { Vocabulary } from '../graph/vocab';
import type { CopyOrigin } from '../../shared/encoderStateView';

/** Shortest match worth copying from; also the length of the hash keys. 3 and 4 were tried (docs/figures.md). */
export const MIN_MATCH = 3;
/** Longest match measured; beyond it, a longer one would not change the weight much. */
export const MAX_MATCH = 32;
/** The copy weight is len / (len + COPY_HALF_WEIGHT_LENGTH): a match this long gets half the mass. */
export const COPY_HALF_WEIGHT_LENGTH = 4;
/** How many occurrences at the longest length vote on the next character. */
const MAX_VOTES = 16;
/** How many chain links a query follows at most, so a very common key costs bounded time. */
const MAX_CHAIN = 256;

function key(text: string, end: number, mask: number): number {
  let h = 0;
  for (let i = end - MIN_MATCH; i < end; i++) h = (Math.imul(h, 0x2f0b3) + text.charCodeAt(i)) | 0;
  return (h ^ (h >>> 15)) & mask;
}

/** One searchable text: every position that follows MIN_MATCH characters is chained under their hash. */
export class MatchIndex {
  private readonly head: Int32Array;
  private readonly prev: Int32Array;
  private readonly mask: number;

  constructor(readonly text: string) {
    // About one bucket per position (between 2^10 and 2^20): a document's index is rebuilt per request.
    const bits = Math.min(20, Math.max(10, Math.ceil(Math.log2(text.length + 1))));
    this.mask = (1 << bits) - 1;
    this.head = new Int32Array(1 << bits).fill(-1);
    this.prev = new Int32Array(text.length);
    // End positions run up to length - 1 so that every occurrence has a next character to offer.
    for (let end = MIN_MATCH; end < text.length; end++) {
      const k = key(text, end, this.mask);
      this.prev[end] = this.head[k] as number;
      this.head[k] = end;
    }
  }

  /**
   * Adds to `votes` the characters after the longest occurrences of `tail`'s suffix (latest first), if they are at
   * least `atLeast` long and their next character lies before `limit`; returns the longest length found (0 if none
   * reaches `atLeast`).
   */
  collect(tail: string, atLeast: number, votes: Map<string, number>, limit = this.text.length): number {
    if (tail.length < MIN_MATCH) return 0;
    let best = 0;
    const found: string[] = []; // the next characters of the occurrences at the best length
    let end = this.head[key(tail, tail.length, this.mask)] as number;
    for (let links = 0; end >= 0 && links < MAX_CHAIN; links++, end = this.prev[end] as number) {
      if (end >= limit) continue; // fitting reads a whole file but may only copy from before the position
      let len = 0;
      const most = Math.min(MAX_MATCH, end, tail.length);
      while (len < most && this.text.charCodeAt(end - 1 - len) === tail.charCodeAt(tail.length - 1 - len)) len++;
      if (len < MIN_MATCH || len < atLeast || len < best) continue;
      if (len > best) {
        best = len;
        found.length = 0;
      }
      if (found.length < MAX_VOTES) found.push(this.text[end] as string);
    }
    if (best === 0) return 0;
    if (best > atLeast) votes.clear(); // a longer match elsewhere outranks what earlier indexes offered
    for (const next of found) votes.set(next, (votes.get(next) ?? 0) + 1);
    return best;
  }
}

/** The weight before fitting (and for models without a fitted table): half the mass at COPY_HALF_WEIGHT_LENGTH. */
export function ruleWeight(length: number): number {
  return length < MIN_MATCH ? 0 : length / (length + COPY_HALF_WEIGHT_LENGTH);
}

/** What the copy prior offers after some context: the match length and the next characters' share of the votes. */
export interface CopyGuess {
  length: number;
  votes: Map<string, number>;
  total: number;
  /** The sources whose occurrences voted (those at the winning length), in source order. */
  from: CopyOrigin[];
}

/** A text to copy from, and where in it copying must stop (its end, unless fitting reads a whole file). */
export interface CopySource {
  index: MatchIndex;
  limit?: number;
  origin?: CopyOrigin;
}

/** The votes of the longest occurrences of `tail`'s suffix over all sources; equal lengths pool their votes. */
export function copyGuess(tail: string, sources: readonly CopySource[]): CopyGuess {
  const votes = new Map<string, number>();
  let length = 0;
  let from: CopyOrigin[] = [];
  for (const { index, limit, origin } of sources) {
    const found = index.collect(tail, length, votes, limit);
    if (found === 0) continue;
    // A longer match replaces the votes so far (collect cleared them); an equal one adds to them.
    if (found > length) from = [];
    length = found;
    if (origin && !from.includes(origin)) from.push(origin);
  }
  let total = 0;
  for (const n of votes.values()) total += n;
  return { length, votes, total, from };
}

/**
 * The texts a suggestion may copy from (the document before the cursor first, then the workspace memory) and
 * the last characters before the cursor, to which the decoder's own characters are appended.
 */
export class CopyPrior {
  private readonly tail: string;
  private readonly sources: CopySource[];

  constructor(
    private readonly vocab: Vocabulary,
    indexes: readonly (MatchIndex | { index: MatchIndex; origin: CopyOrigin })[],
    before: string,
    private readonly weights?: readonly number[],
  ) {
    this.tail = before.slice(-MAX_MATCH);
    this.sources = indexes.map((i) => (i instanceof MatchIndex ? { index: i } : i));
  }

  guess(generated: string): CopyGuess {
    return copyGuess((this.tail + generated).slice(-MAX_MATCH), this.sources);
  }

  /** The weight of the copy distribution for a match of this length: the model's fitted table, else the rule. */
  weight(length: number): number {
    if (length < MIN_MATCH) return 0;
    return this.weights?.[Math.min(length, MAX_MATCH)] ?? ruleWeight(length);
  }

  /**
   * Mixes the copy guess into logp[offset .. offset + V) in place: log((1 − w)·p_lstm + w·p_copy). Returns the
   * match length and the weight given to copying (0 when nothing matched).
   */
  mixInto(logp: Float32Array, offset: number, generated: string): { length: number; weight: number; from: CopyOrigin[] } {
    const g = this.guess(generated);
    const w = this.weight(g.length);
    if (w === 0 || g.total === 0) return { length: 0, weight: 0, from: [] };
    const keep = Math.log(1 - w);
    for (let id = 0; id < this.vocab.size; id++) logp[offset + id] = (logp[offset + id] as number) + keep;
    for (const [ch, n] of g.votes) {
      const id = this.vocab.idOf(ch); // unknown characters vote for UNK, which ends a suggestion
      const p = Math.exp(logp[offset + id] as number) + (w * n) / g.total;
      logp[offset + id] = Math.log(p);
    }
    return { length: g.length, weight: w, from: g.from };
  }
}
