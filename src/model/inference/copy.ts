// The copy prior: code repeats itself, and most of what a user types next has already been written once in the
// same file or workspace. Like the pointer half of a pointer-generator network, the decoder may copy: at each
// step it finds the longest earlier occurrences of the text just before the next character (hash chains over
// MIN_MATCH-character keys, as LZ77 compressors use) and mixes the characters that followed them into the LSTM's
// distribution, trusting them more the longer the match.
import type { Vocabulary } from '../graph/vocab';
import { MAX_MATCH } from '../graph/config';
import type { CopyOrigin } from '../../shared/copySources';

/**
 * Shortest match worth copying from; also the length of the hash keys (MatchIndex.append unrolls the hash for 3).
 * 3 and 4 were tried (docs/figures.md).
 */
export const MIN_MATCH = 3;
/** The copy weight is len / (len + COPY_HALF_WEIGHT_LENGTH): a match this long gets half the mass. */
export const COPY_HALF_WEIGHT_LENGTH = 4;
/** How many occurrences at the longest length vote on the next character. */
const MAX_VOTES = 16;
/** How many chain links a query follows at most, so a very common key costs bounded time. */
const MAX_CHAIN = 256;

/** The hash of the MIN_MATCH characters before `end`, read by `at`: a query's string or an index's code units. */
function key(at: (i: number) => number, end: number, mask: number): number {
  let h = 0;
  for (let i = end - MIN_MATCH; i < end; i++) h = (Math.imul(h, 0x2f0b3) + at(i)) | 0;
  return (h ^ (h >>> 15)) & mask;
}

/** Hash buckets of an index over `chars` characters: about one per position, between 2^10 and 2^20. */
const bucketBits = (chars: number): number => Math.min(20, Math.max(10, Math.ceil(Math.log2(chars + 1))));

/**
 * One searchable text: every position that follows MIN_MATCH characters is chained under their hash. Text can be
 * appended (typing at the end of a document, or a large text indexed a chunk at a time in idle time), and a floor
 * hides the text before it, so a window that slides forward is searched without rebuilding.
 */
export class MatchIndex {
  private readonly head: Int32Array;
  private prev: Int32Array;
  private readonly mask: number;
  private chars = '';
  /**
   * The text's UTF-16 code units, grown by doubling: appending to a string makes V8 re-flatten all of it at the next
   * character read, which made indexing a 300,000-character ring a slice at a time quadratic.
   */
  private codes: Uint16Array;
  /** Positions before the floor are not offered, nor compared: the index behaves as if its text began there. */
  floor = 0;

  /** `expectedChars` sizes the hash table (the text may grow past it); by default, the text's own length. */
  constructor(text = '', expectedChars = text.length) {
    this.mask = (1 << bucketBits(expectedChars)) - 1;
    this.head = new Int32Array(this.mask + 1).fill(-1);
    this.prev = new Int32Array(Math.max(16, text.length));
    this.codes = new Uint16Array(Math.max(16, text.length));
    this.append(text);
  }

  get text(): string {
    return this.chars;
  }

  /** The searchable length: from the floor to the end. */
  get length(): number {
    return this.chars.length - this.floor;
  }

  /** Bytes held: the two chain tables and the text (2 bytes a character at most). */
  get residentBytes(): number {
    return this.head.byteLength + this.prev.byteLength + this.codes.byteLength + 2 * this.chars.length;
  }

  /**
   * Indexes `text` from scratch in the same tables: a jump in the document rebuilds its indexes, and allocating new
   * tables each time (with the garbage they leave) cost more than the indexing itself.
   */
  reset(text: string): void {
    this.chars = '';
    this.floor = 0;
    this.head.fill(-1);
    this.append(text);
  }

  /** Adds `more` at the end; costs O(more.length). */
  append(more: string): void {
    if (more === '') return;
    const from = this.chars.length;
    this.chars += more;
    const length = this.chars.length;
    if (this.prev.length < length) {
      const size = Math.max(length, 2 * this.prev.length);
      const prev = new Int32Array(size);
      prev.set(this.prev);
      this.prev = prev;
      const codes = new Uint16Array(size);
      codes.set(this.codes);
      this.codes = codes;
    }
    const codes = this.codes;
    for (let i = 0; i < more.length; i++) codes[from + i] = more.charCodeAt(i);
    // `key` unrolled for MIN_MATCH = 3 with the tables in locals: a jump rebuilds two 64,000-character indexes,
    // and the closure call per position made that 4 ms each (p50; now under 1 ms).
    const { prev, head, mask } = this;
    // End positions run up to length - 1 so that every occurrence has a next character to offer.
    for (let end = Math.max(MIN_MATCH, from); end < length; end++) {
      const h = (Math.imul((Math.imul(codes[end - 3] as number, 0x2f0b3) + (codes[end - 2] as number)) | 0, 0x2f0b3) + (codes[end - 1] as number)) | 0;
      const k = (h ^ (h >>> 15)) & mask;
      prev[end] = head[k] as number;
      head[k] = end;
    }
  }

  /**
   * Adds to `votes` the characters after the longest occurrences of `tail`'s suffix (latest first), if they are at
   * least `atLeast` long and their next character lies in [floor, limit) outside `skip`; returns the longest length
   * found (0 if none reaches `atLeast`). `found` receives the positions of the next characters that voted.
   */
  collect(tail: string, atLeast: number, votes: Map<string, number>, limit = this.chars.length, skip?: { from: number; to: number }, found: number[] = []): number {
    if (tail.length < MIN_MATCH) return 0;
    const codes = this.codes;
    let best = 0;
    found.length = 0; // the end positions of the occurrences at the best length
    let end = this.head[key((i) => tail.charCodeAt(i), tail.length, this.mask)] as number;
    for (let links = 0; end >= this.floor && links < MAX_CHAIN; links++, end = this.prev[end] as number) {
      if (end >= limit) continue; // fitting reads a whole file but may only copy from before the position
      if (skip && end >= skip.from && end - MIN_MATCH < skip.to) continue;
      let len = 0;
      const most = Math.min(MAX_MATCH, end - this.floor, tail.length);
      while (len < most && codes[end - 1 - len] === tail.charCodeAt(tail.length - 1 - len)) len++;
      if (len < MIN_MATCH || len < atLeast || len < best) continue;
      if (len > best) {
        best = len;
        found.length = 0;
      }
      if (found.length < MAX_VOTES) found.push(end);
    }
    if (best === 0) return 0;
    if (best > atLeast) votes.clear(); // a longer match elsewhere outranks what earlier indexes offered
    for (const at of found) {
      const next = String.fromCharCode(codes[at] as number);
      votes.set(next, (votes.get(next) ?? 0) + 1);
    }
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
  /** The other files whose occurrences voted, by name (only for sources that can name a position). */
  files: string[];
  /** How many of the votes came from the document (above the cursor or below its line) and from the workspace memory. */
  documentVotes: number;
  memoryVotes: number;
}

/** A text to copy from, and where in it copying must stop (its end, unless fitting reads a whole file). */
export interface CopySource {
  index: MatchIndex;
  limit?: number;
  /** Next-character positions never offered: the document itself, where it also sits among the other files. */
  skip?: { from: number; to: number };
  origin?: CopyOrigin;
  /** The file a position of `index` belongs to, for sources that hold several files. */
  nameAt?: (position: number) => string;
}

/** The votes of the longest occurrences of `tail`'s suffix over all sources; equal lengths pool their votes. */
export function copyGuess(tail: string, sources: readonly CopySource[]): CopyGuess {
  const votes = new Map<string, number>();
  let length = 0;
  let from: CopyOrigin[] = [];
  let files: string[] = [];
  let documentVotes = 0;
  let memoryVotes = 0;
  const ends: number[] = [];
  for (const { index, limit, skip, origin, nameAt } of sources) {
    const found = index.collect(tail, length, votes, limit, skip, ends);
    if (found === 0) continue;
    // A longer match replaces the votes so far (collect cleared them); an equal one adds to them.
    if (found > length) {
      from = [];
      files = [];
      documentVotes = 0;
      memoryVotes = 0;
    }
    if (origin === 'above' || origin === 'below') documentVotes += ends.length;
    if (origin === 'memory') memoryVotes += ends.length;
    length = found;
    if (origin && !from.includes(origin)) from.push(origin);
    if (nameAt) for (const end of ends) if (!files.includes(nameAt(end))) files.push(nameAt(end));
  }
  let total = 0;
  for (const n of votes.values()) total += n;
  return { length, votes, total, from, files, documentVotes, memoryVotes };
}

/**
 * The copy prior's weight per match length 0..MAX_MATCH, fitted on held-out text (`fit-copy`): one table for every
 * source, and optionally one per source, since a match above the cursor, below it, in another file or in the
 * workspace memory is not equally good evidence.
 */
export interface CopyWeights {
  all?: readonly number[];
  bySource?: Partial<Record<CopyOrigin, readonly number[]>>;
}

/**
 * The workspace memory holds the workspace's other files, as the other-files ring does: where a model has no table
 * of its own for the memory, a match there is weighed as one in another file. The rule (len / (len + 4)) trusts a
 * short match in a large memory far more than such matches earn: on the fit projects' replay, the memory under the
 * rule showed 3.53 wrong suggestions per 100 characters, under the other files' table 2.86 (docs/figures.md).
 */
const SAME_EVIDENCE: Partial<Record<CopyOrigin, CopyOrigin>> = { memory: 'files' };

/** The weight for a match of `length` whose first (highest-priority) source is `origin`: fitted if fitted, else the rule. */
export function copyWeight(weights: CopyWeights | undefined, length: number, origin: CopyOrigin | undefined): number {
  if (length < MIN_MATCH) return 0;
  const at = Math.min(length, MAX_MATCH);
  const like = origin && SAME_EVIDENCE[origin];
  const table = origin ? (weights?.bySource?.[origin] ?? (like ? weights?.bySource?.[like] : undefined)) : undefined;
  return table?.[at] ?? weights?.all?.[at] ?? ruleWeight(length);
}

/**
 * The texts a suggestion may copy from (in priority order: the document before the cursor, below its line, the
 * other files, the workspace memory) and the last characters before the cursor, to which the decoder's own
 * characters are appended.
 */
export class CopyPrior {
  private readonly tail: string;
  private readonly sources: CopySource[];

  constructor(
    private readonly vocab: Vocabulary,
    indexes: readonly (MatchIndex | CopySource)[],
    before: string,
    private readonly weights?: CopyWeights,
  ) {
    this.tail = before.slice(-MAX_MATCH);
    this.sources = indexes.map((i) => (i instanceof MatchIndex ? { index: i } : i));
  }

  guess(generated: string): CopyGuess {
    return copyGuess((this.tail + generated).slice(-MAX_MATCH), this.sources);
  }

  /**
   * The copied text that follows `generated`, while every occurrence of a match at least `minLength` long agrees on
   * the next character: up to the end of the line (not included) or `maxChars` characters. Code repeats in runs (a
   * call copied with its arguments, a statement written again below), and an agreeing long match is right far more
   * often than the decoder's probability of its characters says.
   */
  run(generated: string, maxChars: number, minLength: number, minVotes = 1): string {
    let text = '';
    while (text.length < maxChars) {
      const g = this.guess(generated + text);
      // The memory holds the workspace's files, this one's older copy among them: where the document votes too,
      // the memory's occurrences are likely the same lines again, not more evidence.
      const votes = g.total - (g.documentVotes > 0 ? g.memoryVotes : 0);
      if (g.length < minLength || g.votes.size !== 1 || votes < minVotes) break;
      const next = g.votes.keys().next().value as string;
      if (next === '\n' || next === '\r') break;
      text += next;
    }
    return text;
  }

  /** The weight of the copy distribution for a guess: by its length and the source it came from first. */
  weight(guess: Pick<CopyGuess, 'length' | 'from'>): number {
    return copyWeight(this.weights, guess.length, guess.from[0]);
  }

  /**
   * Mixes the copy guess into logp[offset .. offset + V) in place: log((1 − w)·p_lstm + w·p_copy). Returns the
   * match length, the weight given to copying (0 when nothing matched) and where the copied text was.
   */
  mixInto(logp: Float32Array, offset: number, generated: string): { length: number; weight: number; from: CopyOrigin[]; files: string[] } {
    const g = this.guess(generated);
    const w = this.weight(g);
    if (w === 0 || g.total === 0) return { length: 0, weight: 0, from: [], files: [] };
    const keep = Math.log(1 - w);
    for (let id = 0; id < this.vocab.size; id++) logp[offset + id] = (logp[offset + id] as number) + keep;
    for (const [ch, n] of g.votes) {
      const id = this.vocab.idOf(ch); // unknown characters vote for UNK, which ends a suggestion
      const p = Math.exp(logp[offset + id] as number) + (w * n) / g.total;
      logp[offset + id] = Math.log(p);
    }
    return { length: g.length, weight: w, from: g.from, files: g.files };
  }
}
