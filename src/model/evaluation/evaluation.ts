// Held-out quality figures: bits per character (teacher-forced over sampled windows) and next-token exact
// match (the suggestion at a sampled cursor equals the rest of the real token), per language family.
import { SourceFile, WindowSampler } from '../training/dataset';
import { COPY_CONTEXT_CHARS, textBelow } from '../../shared/window';
import { languageOfPath } from '../../shared/language';
import { CopyPrior, MatchIndex } from '../inference/copy';
import type { ColdWindow, CompletionEngine } from '../inference/engine';
import { Rng } from '../graph/rng';
import type { CharNgram } from './ngram';
import type { ValueSample } from './suggestionValue';
import { Batch, Seq2SeqModel, targetLogProbs } from '../graph/seq2seq';
import { tf } from '../graph/tf';
import { advance, Phase, referenceCompletion, STOP } from '../inference/tokens';
import { Vocabulary } from '../graph/vocab';

export interface CursorSample {
  file: SourceFile;
  offset: number;
  /** What a perfect suggestion would be at this cursor. */
  reference: string;
}

/** Cursor positions drawn uniformly over characters, keeping those where a suggestion is due. */
export function sampleCursors(files: SourceFile[], count: number, rng: Rng, maxChars = 32): CursorSample[] {
  const texts = files.map((f) => Vocabulary.normalise(f.text));
  const total = texts.reduce((n, t) => n + t.length, 0);
  const out: CursorSample[] = [];
  if (total === 0) return out;
  for (let attempt = 0; out.length < count && attempt < count * 20; attempt++) {
    let x = rng.int(0, total);
    let f = 0;
    while (x >= (texts[f] as string).length) x -= (texts[f++] as string).length;
    const text = texts[f] as string;
    const reference = referenceCompletion(text.slice(x, x + maxChars + 1), 'token', maxChars);
    if (reference.trim() === '') continue;
    out.push({ file: { ...(files[f] as SourceFile), text }, offset: x, reference });
  }
  return out;
}

export interface FamilyFigures {
  bitsPerChar: number | null;
  exactMatch: number | null;
  cursors: number;
  targetChars: number;
  baseline?: { bitsPerChar: number | null; exactMatch: number | null };
  /** The same context, as right after a jump: answered from the engine's short window (coldWindow 'short'). */
  exactMatchAfterJump?: number | null;
  /** Exact match of the LSTM without the copy prior, and of copying alone. */
  lstmExactMatch?: number | null;
  copyOnlyExactMatch?: number | null;
  /** With --below or --files: the exact match on the same cursors when copying only from above the cursor. */
  exactMatchAboveOnly?: number | null;
  /** With --below and --files: copying from the whole document but not from other files. */
  exactMatchWithBelow?: number | null;
  /** With --below or --files: where the answers could be copied from at all (referenceFoundIn). */
  referenceFoundIn?: { above: number; below: number; files: number; nowhere: number };
}

/** Sampled windows whose targets both the seq2seq model and the n-gram are scored on. */
export interface TargetSample {
  sampler: WindowSampler;
  batches: Batch[];
}

export function sampleTargets(model: Seq2SeqModel, files: SourceFile[], batches: number, batchSize: number, seed: number): TargetSample | null {
  const sampler = new WindowSampler(files, model.vocab, model.config);
  if (sampler.isEmpty) return null;
  return { sampler, batches: Array.from({ length: batches }, (_, i) => sampler.sample(Rng.derive(seed, i), batchSize)) };
}

/** Calls fn(row, t, fileIds, offset) for every target that lies inside its file (END padding is skipped). */
function forEachTarget(sample: TargetSample, batch: Batch, fn: (row: number, t: number, ids: Int32Array, offset: number) => void): void {
  const sources = batch.sources as Int32Array;
  for (let r = 0; r < batch.batchSize; r++) {
    const ids = sample.sampler.fileIds(sources[2 * r] as number);
    const p = sources[2 * r + 1] as number;
    for (let t = 0; t < batch.targetLength && p + t < ids.length; t++) fn(r, t, ids, p + t);
  }
}

/** Teacher-forced bits per character of the model on the sampled targets. */
export function modelBitsPerChar(model: Seq2SeqModel, sample: TargetSample): { bpc: number; chars: number } {
  let nats = 0;
  let chars = 0;
  for (const batch of sample.batches) {
    const values = tf.tidy(() => targetLogProbs(model, batch).dataSync()); // tidy: the graph's intermediates too
    const V = model.vocab.size;
    forEachTarget(sample, batch, (r, t) => {
      nats -= values[(t * batch.batchSize + r) * V + (batch.targets[r * batch.targetLength + t] as number)] as number;
      chars++;
    });
  }
  return { bpc: nats / chars / Math.LN2, chars };
}

/** The n-gram's bits per character on exactly the same targets. */
export function ngramBitsPerChar(ngram: CharNgram, sample: TargetSample): { bpc: number; chars: number } {
  let bits = 0;
  let chars = 0;
  for (const batch of sample.batches) {
    forEachTarget(sample, batch, (_r, _t, ids, at) => {
      bits -= Math.log2(ngram.probability(ids, at, ids[at] as number));
      chars++;
    });
  }
  return { bpc: bits / chars, chars };
}

/** Share of cursors where the n-gram's greedy completion equals the reference. */
export function ngramExactMatch(ngram: CharNgram, cursors: CursorSample[]): number | null {
  if (cursors.length === 0) return null;
  let hits = 0;
  for (const c of cursors) if (ngram.complete(c.file.text.slice(0, c.offset)).text === c.reference) hits++;
  return hits / cursors.length;
}

/** The top suggestion at each cursor: its confidence and whether it equals the reference. */
export interface Judged {
  confidence: number;
  shown: boolean; // non-empty
  correct: boolean;
  /** For the suggestion-value figures (suggestionValue.ts): the suggestion, what could follow it, the truth. */
  value: ValueSample;
}

/**
 * What a suggestion may see besides the text before the cursor, as in the editor: the rest of the document below
 * the cursor's line, and the N files nearest to the cursor's file (the other open files of a user at work there).
 */
export interface EvalContext {
  below?: boolean;
  neighbours?: number;
  /** Every file of the corpus, where the neighbours are chosen from. */
  corpus?: readonly SourceFile[];
}

/**
 * The `n` files nearest to `file` in the corpus: those sharing the deepest folder first (the same project, then
 * the same package), then the closest in path order; never the file itself.
 */
export function neighbourFiles(file: SourceFile, corpus: readonly SourceFile[], n: number): SourceFile[] {
  if (n <= 0) return [];
  const dirs = (p: string): string[] => p.split('/').slice(0, -1);
  const mine = dirs(file.path);
  const sorted = [...corpus].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const at = sorted.findIndex((f) => f.path === file.path);
  const shared = (p: string): number => {
    const d = dirs(p);
    let k = 0;
    while (k < d.length && k < mine.length && d[k] === mine[k]) k++;
    return k;
  };
  return sorted
    .map((f, i) => ({ f, depth: shared(f.path), distance: Math.abs(i - at) }))
    .filter((x) => x.f.path !== file.path && x.depth > 0)
    .sort((a, b) => b.depth - a.depth || a.distance - b.distance)
    .slice(0, n)
    .map((x) => x.f);
}

/** Runs `fn` over the cursors file by file, with the engine's other-files context set to each file's neighbours. */
function withNeighbours<T>(engine: CompletionEngine, cursors: CursorSample[], context: EvalContext, fn: (c: CursorSample) => T): T[] {
  const n = context.neighbours ?? 0;
  engine.context.clear();
  if (n <= 0 || !context.corpus) return cursors.map(fn);
  const out = new Array<T>(cursors.length);
  const byFile = new Map<string, number[]>();
  cursors.forEach((c, i) => byFile.set(c.file.path, [...(byFile.get(c.file.path) ?? []), i]));
  for (const [, indexes] of byFile) {
    const file = (cursors[indexes[0] as number] as CursorSample).file;
    engine.context.clear();
    for (const f of neighbourFiles(file, context.corpus, n).reverse()) engine.context.put(f.path, f.text); // nearest newest
    engine.context.prepareAll();
    for (const i of indexes) out[i] = fn(cursors[i] as CursorSample);
  }
  engine.context.clear();
  return out;
}

/**
 * `maxChars` bounds the suggestions; `value: false` skips the next tokens after the first (the suggestion-value
 * figures need them, exact match does not).
 */
export interface JudgeOptions {
  maxChars?: number;
  value?: boolean;
  /**
   * 'full' (the default here): every cursor reads its full window, as while typing; 'short': as right after a
   * jump, when the engine answers from a short window first (engine.ts, coldWindow).
   */
  coldWindow?: ColdWindow;
}

/**
 * The engine's top suggestion at each cursor; `copy: false` scores the LSTM alone, without the copy prior; the
 * context lets it copy from the file below the cursor's line and from neighbouring files too, as the editor does.
 */
export function judge(engine: CompletionEngine, cursors: CursorSample[], beamWidth = 1, copy = true, context: EvalContext = {}, options: JudgeOptions = {}): Judged[] {
  const { maxChars = 32, value = true, coldWindow = 'full' } = options;
  return withNeighbours(engine, cursors, context, (c) => {
    const prefix = c.file.text.slice(0, c.offset);
    const after = c.file.text.slice(c.offset);
    const request = {
      prefix,
      language: c.file.family,
      beamWidth,
      maxChars,
      coldWindow,
      path: c.file.path,
      // The figures judge the decoder's token (and score the extension past it themselves): no copy run.
      copyRun: 0,
      // Every next token the decoder would add, none kept: the figures apply each extension threshold afterwards.
      // The next line too (multiline), never kept: nextLineValue applies each threshold to it afterwards.
      ...(value ? { length: 'auto' as const, extendThreshold: Infinity, multiline: true, nextLineThreshold: Infinity } : {}),
      ...(copy ? {} : { copy: false }),
      ...(context.below ? { below: textBelow(after) } : {}),
    };
    const result = engine.suggest(request);
    const best = result.candidates[0];
    const text = best?.text ?? '';
    const lineEnd = after.indexOf('\n');
    return {
      confidence: best?.confidence ?? 0,
      shown: text !== '',
      correct: text === c.reference,
      value: {
        token: text,
        confidence: best?.confidence ?? 0,
        nextTokens: result.nextTokens ?? [],
        restOfLine: lineEnd < 0 ? after : after.slice(0, lineEnd),
        nextLine: result.nextLine ?? null,
        nextLineRef: lineEnd < 0 ? null : after.slice(lineEnd + 1).split('\n', 1)[0] as string,
      },
    };
  });
}

/** Characters before the cursor that must come with the reference for it to count as found somewhere. */
const FOUND_CONTEXT = 6;

/**
 * Where copying could find each cursor's answer at all: the share of cursors whose reference, with the
 * FOUND_CONTEXT characters before it, occurs above the cursor, else only below its line, else only in the
 * neighbouring files, else nowhere. The ceiling of what each source can add.
 */
export function referenceFoundIn(cursors: CursorSample[], context: EvalContext): { above: number; below: number; files: number; nowhere: number } {
  const found = { above: 0, below: 0, files: 0, nowhere: 0 };
  for (const c of cursors) {
    const t = c.file.text;
    const key = t.slice(Math.max(0, c.offset - FOUND_CONTEXT), c.offset) + c.reference;
    if (t.slice(0, c.offset).includes(key)) found.above++;
    else if (context.below && textBelow(t.slice(c.offset)).includes(key)) found.below++;
    else if (context.corpus && neighbourFiles(c.file, context.corpus, context.neighbours ?? 0).some((f) => Vocabulary.normalise(f.text).includes(key))) found.files++;
    else found.nowhere++;
  }
  const n = Math.max(1, cursors.length);
  return { above: found.above / n, below: found.below / n, files: found.files / n, nowhere: found.nowhere / n };
}

export function exactMatch(engine: CompletionEngine, cursors: CursorSample[], beamWidth = 1, copy = true, context: EvalContext = {}, maxChars = 32, coldWindow: ColdWindow = 'full'): number | null {
  if (cursors.length === 0) return null;
  return judge(engine, cursors, beamWidth, copy, context, { maxChars, value: false, coldWindow }).filter((j) => j.correct).length / cursors.length;
}

/**
 * Share of cursors where copying alone is right: the likeliest next character after the longest earlier
 * occurrences, character by character, under the same stop rule. What the copy prior brings without the LSTM.
 */
export function copyOnlyExactMatch(vocab: Vocabulary, memory: MatchIndex | null, cursors: CursorSample[], maxChars = 32): number | null {
  if (cursors.length === 0) return null;
  let hits = 0;
  for (const c of cursors) {
    const before = c.file.text.slice(Math.max(0, c.offset - COPY_CONTEXT_CHARS), c.offset);
    const prior = new CopyPrior(vocab, [new MatchIndex(before), ...(memory ? [memory] : [])], before);
    let phase = Phase.Lead;
    let text = '';
    while (text.length < maxChars) {
      const { votes } = prior.guess(text);
      let next = '';
      let most = 0;
      for (const [ch, n] of votes) if (n > most) [next, most] = [ch, n];
      const after: Phase | typeof STOP = next === '' ? STOP : advance(phase, next, 'token');
      if (after === STOP) break;
      phase = after;
      text += next;
    }
    if ((phase === Phase.Lead ? '' : text) === c.reference) hits++;
  }
  return hits / cursors.length;
}

export interface CalibrationRow {
  threshold: number;
  /** Share of cursors where a suggestion is shown. */
  coverage: number;
  /** Share of shown suggestions that are exactly right. */
  precision: number | null;
}

/** Precision of shown suggestions against coverage as the confidence threshold rises. */
export function calibration(judged: readonly Pick<Judged, 'confidence' | 'shown' | 'correct'>[], thresholds = Array.from({ length: 20 }, (_, i) => i / 20)): CalibrationRow[] {
  return thresholds.map((threshold) => {
    const shown = judged.filter((j) => j.shown && j.confidence >= threshold);
    return {
      threshold,
      coverage: judged.length ? shown.length / judged.length : 0,
      precision: shown.length ? shown.filter((j) => j.correct).length / shown.length : null,
    };
  });
}

/** The lowest threshold (highest coverage) whose precision reaches the target, or null if none does. */
export function pickThreshold(rows: CalibrationRow[], targetPrecision = 0.7): number | null {
  const ok = rows.filter((r) => r.precision !== null && r.precision >= targetPrecision && r.coverage > 0);
  return ok.length ? Math.min(...ok.map((r) => r.threshold)) : null;
}

/** Reporting groups: TypeScript and JavaScript apart (they share one encoder marker), Python, other. */
export function byLanguage(files: SourceFile[]): Map<string, SourceFile[]> {
  const m = new Map<string, SourceFile[]>();
  for (const f of files) {
    const reported = languageOfPath(f.path);
    const language = reported === 'plaintext' ? 'other' : reported;
    m.set(language, [...(m.get(language) ?? []), f]);
  }
  return m;
}
