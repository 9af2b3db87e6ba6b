// Fitting the copy prior's weights to a model. For each match length, the weight w that makes held-out text
// likeliest under (1 − w)·p_lstm + w·p_copy, found by expectation-maximisation (the classic way to set the
// weights of an interpolated language model). A better LSTM, or a longer match, earns a different w; the rule
// len / (len + 4) is only where fitting starts and what thin buckets are pulled towards.
import { copyGuess, CopySource, MatchIndex, MIN_MATCH, ruleWeight } from '../inference/copy';
import { MAX_MATCH } from '../graph/config';
import { ContextFiles } from '../inference/contextFiles';
import { neighbourFiles, TargetSample } from './evaluation';
import type { SourceFile } from '../training/dataset';
import type { CopyOrigin } from '../../shared/copySources';
import { Seq2SeqModel, targetLogProbs } from '../graph/seq2seq';
import { tf } from '../graph/tf';

/** One held-out character: the longest match before it (0: none), where it was, and what the LSTM and copying gave it. */
export interface CopyObservation {
  length: number;
  /** The first source (in the copy prior's priority order) that matched at that length. */
  origin?: CopyOrigin;
  lstm: number;
  copy: number;
}

/** The sources fitting may copy from besides the text before the target, as the editor's requests do. */
export interface FitContext {
  /** The file below the target's line. */
  below?: boolean;
  /** The N files nearest to the target's file, chosen from `corpus`. */
  neighbours?: number;
  corpus?: readonly SourceFile[];
}

/**
 * The LSTM's teacher-forced probability and the copy prior's for every target of the sample. Copying may use the
 * file's text before the target, below the target's line (with `below`), the neighbouring files and the memory,
 * never the target itself or the rest of its line.
 */
export function copyObservations(model: Seq2SeqModel, sample: TargetSample, memory: MatchIndex | null, context: FitContext = {}): CopyObservation[] {
  const out: CopyObservation[] = [];
  const indexes = new Map<number, MatchIndex>();
  const neighbours = new Map<number, ReturnType<ContextFiles['source']>>();
  const V = model.vocab.size;
  for (const batch of sample.batches) {
    const values = tf.tidy(() => targetLogProbs(model, batch).dataSync()); // tidy: the graph's intermediates too
    const sources = batch.sources as Int32Array;
    for (let r = 0; r < batch.batchSize; r++) {
      const f = sources[2 * r] as number;
      const p = sources[2 * r + 1] as number;
      const text = sample.sampler.fileText(f);
      let index = indexes.get(f);
      if (!index) indexes.set(f, (index = new MatchIndex(text)));
      let files = neighbours.get(f);
      if (files === undefined) neighbours.set(f, (files = neighbourSource(sample.sampler.filePath(f), context)));
      for (let t = 0; t < batch.targetLength && p + t < text.length; t++) {
        const at = p + t;
        const tail = text.slice(Math.max(0, at - MAX_MATCH), at);
        const lineEnd = text.indexOf('\n', at);
        const sources: CopySource[] = [
          { index, limit: at, origin: 'above' },
          // Below the target's line: the same file's index with everything before the next line skipped.
          ...(context.below && lineEnd >= 0 ? [{ index, skip: { from: 0, to: lineEnd + 1 }, origin: 'below' as const }] : []),
          ...(files ? [{ ...files, origin: 'files' as const }] : []),
          ...(memory ? [{ index: memory, origin: 'memory' as const }] : []),
        ];
        const { length, votes, total, from } = copyGuess(tail, sources);
        const target = batch.targets[r * batch.targetLength + t] as number;
        out.push({
          length,
          ...(from[0] ? { origin: from[0] } : {}),
          lstm: Math.exp(values[(t * batch.batchSize + r) * V + target] as number),
          copy: total ? (votes.get(text[at] as string) ?? 0) / total : 0,
        });
      }
    }
  }
  return out;
}

/** The neighbouring files of a sampled file as one copy source (see neighbourFiles), or null without any. */
function neighbourSource(path: string, context: FitContext): ReturnType<ContextFiles['source']> {
  const n = context.neighbours ?? 0;
  const file = context.corpus?.find((f) => f.path === path);
  if (n <= 0 || !file || !context.corpus) return null;
  const ring = new ContextFiles();
  for (const f of neighbourFiles(file, context.corpus, n).reverse()) ring.put(f.path, f.text);
  ring.prepareAll();
  return ring.source();
}

export interface CopyFit {
  /** Weight per match length 0..MAX_MATCH (0 below MIN_MATCH), one table for every source. */
  weights: number[];
  /** Observations per match length. */
  counts: number[];
  /** A table per source that matched first (only sources with observations). */
  bySource: Partial<Record<CopyOrigin, { weights: number[]; counts: number[] }>>;
  /** Bits per character over all observations: the LSTM alone, the rule, one fitted table, a table per source. */
  bitsPerChar: { lstm: number; rule: number; fitted: number; fittedBySource: number };
}

/** EM on one group of observations (one match length, maybe one source), started at and pulled towards `start`. */
function emWeight(group: readonly CopyObservation[], start: number, prior: number, iterations: number): number {
  let w = start;
  for (let k = 0; k < iterations; k++) {
    let responsibility = 0;
    for (const o of group) {
      const mixed = (1 - w) * o.lstm + w * o.copy;
      if (mixed > 0) responsibility += (w * o.copy) / mixed;
    }
    w = Math.min(0.995, (responsibility + prior * start) / (group.length + prior));
  }
  return w;
}

/** EM per match length, all sources together; `prior` pseudo-observations at `start(length)` keep thin buckets sensible. */
function fitTable(observations: readonly CopyObservation[], start: (length: number) => number, prior: number, iterations: number): { weights: number[]; counts: number[] } {
  const byLength: CopyObservation[][] = Array.from({ length: MAX_MATCH + 1 }, () => []);
  for (const o of observations) byLength[Math.min(o.length, MAX_MATCH)]!.push(o);
  return {
    weights: byLength.map((group, length) => (length < MIN_MATCH ? 0 : emWeight(group, start(length), prior, iterations))),
    counts: byLength.map((g) => g.length),
  };
}

/**
 * EM per match length (one table), and per source and match length (a table per source, each pulled towards the
 * one table where its own observations are thin).
 */
export function fitCopyWeights(observations: CopyObservation[], prior = 20, iterations = 200): CopyFit {
  const all = fitTable(observations, ruleWeight, prior, iterations);
  const shared = (length: number): number => all.weights[Math.min(length, MAX_MATCH)] as number;
  const bySource: CopyFit['bySource'] = {};
  for (const origin of new Set(observations.map((o) => o.origin))) {
    if (!origin) continue;
    bySource[origin] = fitTable(observations.filter((o) => o.origin === origin), shared, prior, iterations);
  }
  const bits = (weight: (o: CopyObservation) => number): number => {
    let sum = 0;
    for (const o of observations) sum -= Math.log2((1 - weight(o)) * o.lstm + weight(o) * o.copy);
    return observations.length ? sum / observations.length : NaN;
  };
  const at = (o: CopyObservation): number => Math.min(o.length, MAX_MATCH);
  return {
    weights: all.weights,
    counts: all.counts,
    bySource,
    bitsPerChar: {
      lstm: bits(() => 0),
      rule: bits((o) => ruleWeight(o.length)),
      fitted: bits((o) => all.weights[at(o)] as number),
      fittedBySource: bits((o) => ((o.origin ? bySource[o.origin]?.weights : undefined) ?? all.weights)[at(o)] as number),
    },
  };
}
