// Training windows from source files: a cursor position, the encoder window before it and the targets after
// it. Files, never windows, are split between training and validation, so no validation text is ever trained on.
import type { ModelConfig } from '../graph/config';
import { decoderPrime, encoderTokens } from '../graph/context';
import type { LanguageFamily } from '../../shared/language';
import { hashString, Rng } from '../graph/rng';
import type { Batch } from '../graph/seq2seq';
import { Vocabulary } from '../graph/vocab';

export interface SourceFile {
  path: string;
  text: string;
  family: LanguageFamily;
  /** Files of one project go to the same side of a split when it is given. */
  project?: string;
}

export interface Split {
  train: SourceFile[];
  validation: SourceFile[];
}

/** Deterministic split by file (or by project where files name one). */
export function splitByFile(files: SourceFile[], validationFraction: number, seed: number): Split {
  const split: Split = { train: [], validation: [] };
  if (files.length === 1) return { train: files, validation: [] };
  for (const f of files) {
    const u = hashString(`${seed}:${f.project ?? f.path}`) / 4294967296;
    (u < validationFraction ? split.validation : split.train).push(f);
  }
  const keyOf = (f: SourceFile): string => f.project ?? f.path;
  // A few files can all draw validation: training keeps all but one of them (and all of one alone), never none.
  if (split.train.length === 0) {
    const drawn = [...new Set(split.validation.map(keyOf))];
    if (drawn.length === 1) return { train: split.validation, validation: [] };
    const held = drawn[drawn.length - 1];
    return { train: split.validation.filter((f) => keyOf(f) !== held), validation: split.validation.filter((f) => keyOf(f) === held) };
  }
  // Every non-trivial corpus gets some validation text, so early stopping has something to look at.
  const keys = [...new Set(split.train.map(keyOf))];
  if (split.validation.length === 0 && validationFraction > 0 && keys.length > 1) {
    const held = keys[keys.length - 1];
    split.validation = split.train.filter((f) => keyOf(f) === held);
    split.train = split.train.filter((f) => keyOf(f) !== held);
  }
  return split;
}

/**
 * Names a validation set (its files' paths and lengths), so that a checkpoint's best loss is compared only with
 * losses on the same text: a resume on a changed corpus re-measures the checkpoint instead.
 */
export function validationSetId(files: SourceFile[]): string {
  const parts = files.map((f) => `${f.path}:${f.text.length}`).sort();
  return `${files.length}:${hashString(parts.join('\n')).toString(16)}`;
}

export class WindowSampler {
  private readonly texts: string[];
  private readonly ids: Int32Array[];
  private readonly cumulative: number[];
  readonly totalChars: number;

  constructor(readonly files: SourceFile[], private readonly vocab: Vocabulary, private readonly config: ModelConfig) {
    const kept = files.filter((f) => f.text.length >= 2);
    this.files = kept;
    this.texts = kept.map((f) => Vocabulary.normalise(f.text));
    this.ids = this.texts.map((t) => Int32Array.from(vocab.encode(t)));
    let total = 0;
    this.cumulative = this.ids.map((a) => (total += a.length));
    this.totalChars = total;
  }

  get isEmpty(): boolean {
    return this.totalChars === 0;
  }

  /** A batch of windows drawn with rng: files by length, cursor positions uniformly, one window length per batch. */
  sample(rng: Rng, batchSize: number): Batch {
    if (this.isEmpty) throw new Error('no text to sample windows from');
    const { minContextChars: min, maxContextChars: max, targetChars: T, decoderPrime: P } = this.config;
    const contextLen = rng.int(min, max + 1);
    const rows: number[][] = [];
    const targets = new Int32Array(batchSize * T);
    const D = P + T; // decoder steps per row
    const decoderInputs = new Int32Array(batchSize * D);
    const sources = new Int32Array(batchSize * 2);
    for (let r = 0; r < batchSize; r++) {
      const f = this.pickFile(rng);
      const ids = this.ids[f] as Int32Array;
      const text = this.texts[f] as string;
      const p = rng.int(1, ids.length);
      const start = Math.max(0, p - contextLen);
      sources[2 * r] = f;
      sources[2 * r + 1] = p;
      const window = text.slice(start, p);
      rows.push(encoderTokens(this.vocab, (this.files[f] as SourceFile).family, window, start === 0));
      decoderInputs.set(decoderPrime(this.vocab, window, P), r * D);
      for (let t = 0; t < T; t++) {
        const target = p + t < ids.length ? (ids[p + t] as number) : this.vocab.endId;
        targets[r * T + t] = target;
        if (t > 0) decoderInputs[r * D + P + t] = targets[r * T + t - 1] as number;
      }
    }
    const L = rows.reduce((m, row) => Math.max(m, row.length), 0);
    const encoderIds = new Int32Array(batchSize * L);
    const encoderPad = new Int32Array(batchSize);
    rows.forEach((row, r) => {
      encoderPad[r] = L - row.length;
      encoderIds.set(row, r * L + (L - row.length));
    });
    return { batchSize, encoderLength: L, encoderIds, encoderPad, targetLength: T, primeLength: P, decoderInputs, targets, sources };
  }

  /** The normalised text and ids of file i, as sampled (for scoring other models on the same targets). */
  fileIds(i: number): Int32Array {
    return this.ids[i] as Int32Array;
  }

  /** The normalised text of file i: character k is id k of fileIds(i). */
  fileText(i: number): string {
    return this.texts[i] as string;
  }

  /** The path of file i, as the corpus gave it. */
  filePath(i: number): string {
    return (this.files[i] as SourceFile).path;
  }

  private pickFile(rng: Rng): number {
    const x = rng.next() * this.totalChars;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.cumulative[mid] as number) > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

/**
 * Rows [from, to) of a batch, as a batch of its own with the same encoder length (data-parallel training gives each
 * worker a share). The loss is a mean over rows, so the full batch's gradient is the row-weighted mean of the shares'.
 */
export function sliceBatch(batch: Batch, from: number, to: number): Batch {
  const L = batch.encoderLength;
  const D = batch.primeLength + batch.targetLength;
  const T = batch.targetLength;
  return {
    batchSize: to - from,
    encoderLength: L,
    encoderIds: batch.encoderIds.slice(from * L, to * L),
    encoderPad: batch.encoderPad.slice(from, to),
    targetLength: T,
    primeLength: batch.primeLength,
    decoderInputs: batch.decoderInputs.slice(from * D, to * D),
    targets: batch.targets.slice(from * T, to * T),
    ...(batch.sources ? { sources: batch.sources.slice(2 * from, 2 * to) } : {}),
  };
}

/** Characters the network reads for a batch (encoder + decoder steps) and characters it is scored on. */
export function batchChars(batch: Batch): { processed: number; targets: number } {
  const targets = batch.batchSize * batch.targetLength;
  const padding = batch.encoderPad.reduce((a, b) => a + b, 0);
  return { processed: batch.batchSize * (batch.encoderLength + batch.primeLength) - padding + targets, targets };
}
