// Held-out quality figures: bits per character (teacher-forced over sampled windows) and next-token exact
// match (the suggestion at a sampled cursor equals the rest of the real token), per language family.
import { WindowSampler, SourceFile } from './dataset';
import type { CompletionEngine } from './engine';
import type { LanguageFamily } from './language';
import { Rng } from './rng';
import { batchLoss, Seq2SeqModel } from './seq2seq';
import { tf } from './tf';
import { referenceCompletion } from './tokens';
import { Vocabulary } from './vocab';

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
}

/** Mean teacher-forced cross-entropy in bits per character over `batches` sampled batches. */
export function bitsPerChar(model: Seq2SeqModel, files: SourceFile[], batches: number, batchSize: number, seed: number): { bpc: number; chars: number } | null {
  const sampler = new WindowSampler(files, model.vocab, model.config);
  if (sampler.isEmpty) return null;
  let nats = 0;
  let chars = 0;
  for (let i = 0; i < batches; i++) {
    const batch = sampler.sample(Rng.derive(seed, i), batchSize);
    const n = batch.batchSize * batch.targetLength;
    nats += tf.tidy(() => batchLoss(model, batch).dataSync()[0] as number) * n;
    chars += n;
  }
  return { bpc: nats / chars / Math.LN2, chars };
}

export function exactMatch(engine: CompletionEngine, cursors: CursorSample[], beamWidth = 1): number | null {
  if (cursors.length === 0) return null;
  let hits = 0;
  for (const c of cursors) {
    const { candidates } = engine.suggest({ prefix: c.file.text.slice(0, c.offset), language: c.file.family, beamWidth });
    if ((candidates[0]?.text ?? '') === c.reference) hits++;
  }
  return hits / cursors.length;
}

export function byFamily(files: SourceFile[]): Map<LanguageFamily, SourceFile[]> {
  const m = new Map<LanguageFamily, SourceFile[]>();
  for (const f of files) m.set(f.family, [...(m.get(f.family) ?? []), f]);
  return m;
}
