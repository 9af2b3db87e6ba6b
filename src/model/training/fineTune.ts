// The one fine-tune recipe, run by the extension's fine-tune worker and by `train --from`: split the files,
// validate on the held-out ones (on the training files when none are held out, and say so), train until the
// deadline, early stopping or a cancel, and keep the best weights. It saves nothing: it leaves the model holding
// its best weights and says whether they beat the model it started from; the caller saves only then.
import type { FineTuneConfig } from '../graph/config';
import { Rng } from '../graph/rng';
import type { Batch, Seq2SeqModel } from '../graph/seq2seq';
import { assignWeights, TrainingState, weightArrays } from '../graph/serialize';
import type { NamedArray } from '../../shared/namedArray';
import { batchChars, SourceFile, splitByFile, WindowSampler } from './dataset';
import { Seq2SeqLearner, StepLearner } from './learner';
import { StopReason, trainLoop, TrainProgress } from './trainer';
import { memoryOf } from '../../shared/memory';

export interface FineTuneHooks {
  signal?: AbortSignal;
  /** Date.now() value at which to stop. */
  deadline?: number;
  maxSteps?: number;
  /** Awaited before each step: the background learner holds training here while the user types. */
  gate?(): Promise<void>;
  onProgress?(p: TrainProgress): void;
  /** After each validation, with whether it beat every earlier one (and the model it started from), and on what text it was measured. */
  onEvaluation?(p: TrainProgress, improved: boolean, validatedOn: FineTuneReport['validatedOn']): void | Promise<void>;
  /** Makes the learner (default: one thread); the caller may give a data-parallel one. */
  learner?(model: Seq2SeqModel, config: FineTuneConfig): StepLearner | Promise<StepLearner>;
}

/**
 * improved: the model now holds weights that validate better than it did at the start; the only outcome to save.
 * diverged: the training loss stopped being a finite number before any gain. The model leaves with its best
 * weights, or as it came in when nothing beat its start.
 */
export type FineTuneOutcome = 'improved' | 'cancelled' | 'no-improvement' | 'diverged';

export interface FineTuneReport {
  outcome: FineTuneOutcome;
  /** Whether the model now holds weights better than its start: true for improved, and for a cancel after a gain. */
  improved: boolean;
  /** Why training stopped: the deadline, the step budget, early stopping, a cancel, or divergence. */
  stopReason: StopReason;
  /** Validation loss (nats per character) of the model as it came in, and of its best weights. */
  startLoss: number;
  bestLoss: number;
  steps: number;
  trainFiles: number;
  validationFiles: number;
  /** Which text the validation loss was measured on: held-out files, or the training files when none were held out. */
  validatedOn: 'held-out files' | 'training files';
  /** The text of every file, validation ones too: a fine-tuned model's workspace memory for the copy prior. */
  memory: string;
  /** The step of the best evaluation (the weights the model leaves with), 0 when none beat the start. */
  bestStep: number;
  /** Target characters trained on up to the best evaluation. */
  trainedChars: number;
}

/** Whether a model's training state says it was fine-tuned (learnt from a workspace) from another model. */
export const wasFineTuned = (training: TrainingState): boolean => typeof training.fineTunedFrom === 'string';

/**
 * The training state a fine-tuned model is saved with, by every writer (the CLI and the extension's worker): the
 * best evaluation's step and loss, what this run trained, and what it was fine-tuned from. Nothing is inherited
 * from the base's own run (its validation set and trained characters describe other text).
 */
export function fineTunedState(
  base: { training: TrainingState; name?: string },
  baseLabel: string,
  best: { step: number; loss: number; trainedChars: number; validatedOn: FineTuneReport['validatedOn'] },
  seed: number,
): TrainingState {
  // Measured on the training files (none could be held out), the loss is no validation figure, and says so.
  const measured = best.validatedOn === 'held-out files'
    ? { validationBitsPerChar: best.loss / Math.LN2 }
    : { trainingBitsPerChar: best.loss / Math.LN2, lossMeasuredOn: 'training files (none could be held out)' };
  return {
    step: best.step,
    bestValidationLoss: best.loss,
    ...measured,
    trainedChars: best.trainedChars,
    seed,
    fineTunedFrom: base.name ?? baseLabel,
    baseStep: base.training.step,
  };
}

export async function runFineTune(model: Seq2SeqModel, files: SourceFile[], config: FineTuneConfig, hooks: FineTuneHooks = {}): Promise<FineTuneReport> {
  const split = splitByFile(files, config.validationFraction, config.seed);
  const train = new WindowSampler(split.train, model.vocab, model.config);
  if (train.isEmpty) throw new Error('the selected files hold no text to learn from');
  const heldOut = new WindowSampler(split.validation, model.vocab, model.config);
  const validatedOn = heldOut.isEmpty ? 'training files' : 'held-out files';
  const validation = heldOut.isEmpty ? train : heldOut;
  const validationBatches: Batch[] = Array.from({ length: config.validationBatches }, (_, i) => validation.sample(Rng.derive(config.seed ^ 0x5eed, i), config.batchSize));
  const learner = hooks.learner ? await hooks.learner(model, config) : new Seq2SeqLearner(model, config);
  try {
    const validate = (): number => validationBatches.reduce((s, b) => s + learner.score(b), 0) / validationBatches.length;
    const startLoss = validate();
    if (!Number.isFinite(startLoss)) throw new Error(`the model to fine-tune scores ${startLoss} on these files`);
    const start = weightArrays(model.weights);
    let best: NamedArray[] | null = null;
    let bestAt = { step: 0, trainedChars: 0 };
    const result = await trainLoop({
      startStep: 0,
      bestValidationLoss: startLoss,
      maxSteps: hooks.maxSteps ?? Number.MAX_SAFE_INTEGER,
      deadline: hooks.deadline,
      evalEvery: config.evalEvery,
      signal: hooks.signal,
      gate: hooks.gate,
      patience: config.patience,
      step: async (step) => {
        const batch = train.sample(Rng.derive(config.seed, step), config.batchSize);
        const loss = await learner.trainStep(batch);
        const chars = batchChars(batch);
        return { loss, processedChars: chars.processed, targetChars: chars.targets };
      },
      // A loss that is not a finite number never counts as an improvement (NaN < best is false).
      validate,
      onProgress: hooks.onProgress,
      onEvaluation: async (p, improved) => {
        const better = improved && p.validationLoss !== null && Number.isFinite(p.validationLoss);
        if (better) {
          best = weightArrays(model.weights);
          bestAt = { step: p.step, trainedChars: p.trainedChars };
        }
        await hooks.onEvaluation?.(p, better, validatedOn);
      },
    });
    const bestWeights = best as NamedArray[] | null;
    // The model leaves with its best weights, or as it came in.
    assignWeights(model.weights, bestWeights ?? start);
    const outcome: FineTuneOutcome =
      result.stopReason === 'aborted' ? 'cancelled' : bestWeights ? 'improved' : result.stopReason === 'diverged' ? 'diverged' : 'no-improvement';
    return {
      outcome,
      improved: bestWeights !== null,
      stopReason: result.stopReason,
      startLoss,
      bestLoss: bestWeights ? (result.bestValidationLoss ?? startLoss) : startLoss,
      steps: result.step,
      trainFiles: split.train.length,
      validationFiles: split.validation.length,
      validatedOn,
      memory: memoryOf(files),
      bestStep: bestWeights ? bestAt.step : 0,
      trainedChars: bestWeights ? bestAt.trainedChars : 0,
    };
  } finally {
    await learner.dispose();
  }
}
