// Adapting to the document being edited, a form of dynamic evaluation (Krause et al., 2018): a few steps of the
// fine-tune recipe on that one document's text, from the model in use. The adapted weights are never saved: they
// serve until another document is adapted to, which starts again from the saved model, so nothing drifts. The extension's train worker, `eval --replay --learn` and the tests run this one function.
import { FINE_TUNE_TRAIN_CONFIG } from '../graph/config';
import { Rng } from '../graph/rng';
import type { Seq2SeqModel } from '../graph/seq2seq';
import { LEARN_SEED } from '../../shared/learning';
import { SourceFile, WindowSampler } from './dataset';
import { Seq2SeqLearner } from './learner';

export interface AdaptHooks {
  signal?: AbortSignal;
  /** Awaited before each step: the extension holds here while the user types. */
  gate?(): Promise<void>;
}

/**
 * adapted: every step ran and the loss stayed a finite number; the model holds the adapted weights.
 * cancelled / diverged: the model holds weights part-way; the caller throws them away.
 * empty: the document holds no text to learn from; the model is untouched.
 */
export interface AdaptReport {
  outcome: 'adapted' | 'cancelled' | 'diverged' | 'empty';
  steps: number;
  /** Mean training loss of the steps taken, bits per character (null before any). */
  bitsPerChar: number | null;
}

const allFinite = (model: Seq2SeqModel): boolean => [...model.weights.values()].every((v) => (v.dataSync() as Float32Array).every(Number.isFinite));

/** Trains `model` for `steps` steps on windows of `document`; deterministic for a document. */
export async function adaptToDocument(model: Seq2SeqModel, document: SourceFile, steps: number, hooks: AdaptHooks = {}): Promise<AdaptReport> {
  const sampler = new WindowSampler([document], model.vocab, model.config);
  if (sampler.isEmpty || steps <= 0) return { outcome: 'empty', steps: 0, bitsPerChar: null };
  const config = FINE_TUNE_TRAIN_CONFIG;
  const learner = new Seq2SeqLearner(model, config);
  let total = 0;
  let taken = 0;
  try {
    for (let s = 0; s < steps; s++) {
      await hooks.gate?.();
      if (hooks.signal?.aborted) return { outcome: 'cancelled', steps: taken, bitsPerChar: taken ? total / taken / Math.LN2 : null };
      const loss = learner.trainStep(sampler.sample(Rng.derive(LEARN_SEED ^ 0xd0c, s), config.batchSize));
      taken++;
      if (!Number.isFinite(loss)) return { outcome: 'diverged', steps: taken, bitsPerChar: null };
      total += loss;
    }
    // The losses are read before each update: the last one could still have left weights that are not numbers.
    if (!allFinite(model)) return { outcome: 'diverged', steps: taken, bitsPerChar: null };
    return { outcome: 'adapted', steps: taken, bitsPerChar: total / taken / Math.LN2 };
  } finally {
    learner.dispose();
  }
}
