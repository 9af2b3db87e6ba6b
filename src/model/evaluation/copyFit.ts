// Fitting the copy prior's weights to a model. For each match length, the weight w that makes held-out text
// likeliest under (1 − w)·p_lstm + w·p_copy, found by expectation-maximisation (the classic way to set the
// weights of an interpolated language model). A better LSTM, or a longer match, earns a different w; the rule
// len / (len + 4) is only where fitting starts and what thin buckets are pulled towards.
import { copyGuess, MatchIndex, MAX_MATCH, MIN_MATCH, ruleWeight } from '../inference/copy';
import type { TargetSample } from './evaluation';
import { Seq2SeqModel, targetLogProbs } from '../graph/seq2seq';
import { tf } from '../graph/tf';

/** One held-out character: the longest match before it (0: none) and what the LSTM and copying gave it. */
export interface CopyObservation {
  length: number;
  lstm: number;
  copy: number;
}

/**
 * The LSTM's teacher-forced probability and the copy prior's for every target of the sample. Copying may use the
 * file's text before the target and the memory, never the target itself or what follows it.
 */
export function copyObservations(model: Seq2SeqModel, sample: TargetSample, memory: MatchIndex | null): CopyObservation[] {
  const out: CopyObservation[] = [];
  const indexes = new Map<number, MatchIndex>();
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
      for (let t = 0; t < batch.targetLength && p + t < text.length; t++) {
        const at = p + t;
        const tail = text.slice(Math.max(0, at - MAX_MATCH), at);
        const { length, votes, total } = copyGuess(tail, [{ index, limit: at }, ...(memory ? [{ index: memory }] : [])]);
        const target = batch.targets[r * batch.targetLength + t] as number;
        out.push({
          length,
          lstm: Math.exp(values[(t * batch.batchSize + r) * V + target] as number),
          copy: total ? (votes.get(text[at] as string) ?? 0) / total : 0,
        });
      }
    }
  }
  return out;
}

export interface CopyFit {
  /** Weight per match length 0..MAX_MATCH (0 below MIN_MATCH). */
  weights: number[];
  /** Observations per match length. */
  counts: number[];
  /** Bits per character over all observations: the LSTM alone, with the rule, with the fitted weights. */
  bitsPerChar: { lstm: number; rule: number; fitted: number };
}

/** EM per match length; `prior` pseudo-observations at the rule's weight keep thin buckets sensible. */
export function fitCopyWeights(observations: CopyObservation[], prior = 20, iterations = 200): CopyFit {
  const byLength: CopyObservation[][] = Array.from({ length: MAX_MATCH + 1 }, () => []);
  for (const o of observations) byLength[Math.min(o.length, MAX_MATCH)]!.push(o);
  const weights = byLength.map((group, length) => {
    if (length < MIN_MATCH) return 0;
    const start = ruleWeight(length);
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
  });
  const bits = (weight: (length: number) => number): number => {
    let sum = 0;
    for (const o of observations) sum -= Math.log2((1 - weight(o.length)) * o.lstm + weight(o.length) * o.copy);
    return observations.length ? sum / observations.length : NaN;
  };
  return {
    weights,
    counts: byLength.map((g) => g.length),
    bitsPerChar: { lstm: bits(() => 0), rule: bits(ruleWeight), fitted: bits((l) => weights[Math.min(l, MAX_MATCH)] as number) },
  };
}
