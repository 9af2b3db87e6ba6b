// The base-model recipe: a new model, a resumed checkpoint or a grown one, trained on a corpus with the base
// training configuration, the best saved by validation loss with the optimiser state after each evaluation. The CLI's
// `train` parses its options into BaseTrainingOptions and prints what this logs; the fine-tune recipe is its sibling
// (src/model/training/fineTune.ts).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ModelConfig, TrainConfig, validateModelConfig } from '../model/graph/config';
import { Rng } from '../model/graph/rng';
import { Batch, Seq2SeqModel } from '../model/graph/seq2seq';
import { widenModel } from '../model/graph/widen';
import { assertCompatible, MODEL_FILE, TrainingState } from '../model/graph/serialize';
import type { NamedArray } from '../shared/namedArray';
import { Vocabulary } from '../model/graph/vocab';
import { batchChars, splitByFile, validationSetId, WindowSampler } from '../model/training/dataset';
import { trainLoop, TrainProgress } from '../model/training/trainer';
import { budgetFraction, learningRateAt, LearningRateSchedule } from '../model/training/schedule';
import { readCorpus } from './corpus';
import { loadModelDir, loadOptimizerState, ModelWriter, OPTIMIZER_MANIFEST, OPTIMIZER_WEIGHTS } from './modelFiles';
import type { ParallelLearner } from './parallelLearner';

/** A line for people and, with --json, an object for programs. */
export type TrainingLog = (line: string, obj?: unknown) => void;
export type MakeLearner = (model: Seq2SeqModel, config: TrainConfig) => Promise<ParallelLearner>;

/** Where a base run starts. */
export type BaseStart =
  | { kind: 'new' }
  /** The checkpoint in the writer's folder; the shape asked for is checked against it only when given. */
  | { kind: 'resume'; shapeGiven: boolean; decoderPrimeGiven: boolean }
  /** A trained model widened to the requested hidden size (src/model/graph/widen.ts). */
  | { kind: 'grow'; from: string };

export interface BaseTrainingOptions {
  train: TrainConfig;
  requested: ModelConfig;
  start: BaseStart;
  name: string | undefined;
  corpora: string[];
  maxCorpusChars: number;
  /** The run's step budget and deadline, given where it starts and what an epoch is. */
  budget(startStep: number, charsPerEpoch: number, targetsPerStep: number): { maxSteps: number; deadline: number | undefined };
  /** Where a half-cosine anneal of the learning rate ends (null: a constant rate). */
  learningRateEnd: number | null;
  /** Starts listening for a stop (Ctrl+C); the model saved so far stays. */
  stopSignal(): { signal: AbortSignal; off: () => void };
  /** Copies of the best model at time marks, given the current step; called after each evaluation and at the end. */
  snapshot(step: () => number): (final: boolean) => void;
}

export const bpc = (nats: number | null): string => (nats === null ? 'n/a' : `${(nats / Math.LN2).toFixed(3)} bpc`);

export const progressLine = (p: TrainProgress): string => {
  const val = p.validationLoss === null ? '' : `  val ${bpc(p.validationLoss)}`;
  return `step ${p.step}  train ${bpc(p.trainLoss)}${val}  ${Math.round(p.charsPerSecond)} chars/s (${Math.round(p.targetCharsPerSecond)} targets/s)  ${(p.elapsedMs / 1000).toFixed(0)} s`;
};

export function logCorpus(log: TrainingLog, files: number, skipped: { path: string; reason: string }[]): void {
  const reasons = new Map<string, number>();
  for (const s of skipped) reasons.set(s.reason, (reasons.get(s.reason) ?? 0) + 1);
  const why = [...reasons].map(([r, n]) => `${n} ${r}`).join(', ');
  log(`corpus: ${files} files read, ${skipped.length} skipped${why ? ` (${why})` : ''}`, { event: 'files', files, skipped: skipped.length, reasons: Object.fromEntries(reasons) });
}

/** The model a base run starts from, with its training state and name: new, the checkpoint in `out`, or grown. */
async function startingModel(o: BaseTrainingOptions, out: string, vocab: Vocabulary, log: TrainingLog): Promise<{ model: Seq2SeqModel; state: TrainingState; name: string | undefined }> {
  const { train, requested } = o;
  let model: Seq2SeqModel;
  let state: TrainingState = { step: 0, bestValidationLoss: null, trainedChars: 0, seed: train.seed };
  let name = o.name;
  if (o.start.kind === 'resume') {
    if (!existsSync(join(out, MODEL_FILE))) throw new Error(`--resume: there is no checkpoint in ${out} (no ${MODEL_FILE}); drop --resume to train a new model there`);
    const loaded = await loadModelDir(out);
    model = loaded.model;
    assertCompatible(model, o.start.shapeGiven ? requested : model.config, vocab);
    state = { ...loaded.metadata.training, seed: train.seed };
    // A resumed run is the same model: it keeps its name unless told otherwise.
    name ??= loaded.metadata.name;
    if (o.start.decoderPrimeGiven && requested.decoderPrime !== model.config.decoderPrime) {
      const config = { ...model.config, decoderPrime: requested.decoderPrime };
      validateModelConfig(config);
      model = new Seq2SeqModel(config, model.vocab, model.weights);
      // Validation losses with another prime measure something else: the next evaluation sets a new best.
      state = { ...state, bestValidationLoss: null };
    }
    log(`resuming from ${out} (step ${loaded.metadata.training.step})`, { event: 'start', from: out, resume: true });
  } else if (o.start.kind === 'grow') {
    // A larger model that starts out computing what a trained one computes (widen.ts): its step count goes on, its
    // validation figure is measured afresh.
    const from = o.start.from;
    const loaded = await loadModelDir(from);
    model = widenModel(loaded.model, requested.hiddenSize, train.seed);
    loaded.model.dispose();
    state = { ...loaded.metadata.training, bestValidationLoss: null, seed: train.seed };
    log(`grown from ${from} (step ${loaded.metadata.training.step}, ${loaded.metadata.config.hiddenSize} units) to ${requested.hiddenSize} units`, { event: 'start', from, grown: requested.hiddenSize });
  } else {
    model = Seq2SeqModel.create(requested, vocab, train.seed);
  }
  return { model, state, name };
}

/**
 * A new model, a resumed checkpoint (never a silent fresh start when a resume was asked for) or a grown one,
 * trained on the corpus with the base recipe; the writer saves the best by validation loss with the optimiser state.
 */
export async function trainBase(o: BaseTrainingOptions, writer: ModelWriter, log: TrainingLog, makeLearner: MakeLearner): Promise<void> {
  const out = writer.dir;
  const { train, requested } = o;
  validateModelConfig(requested);

  const vocab = Vocabulary.createDefault();
  const started = await startingModel(o, out, vocab, log);
  const { model, name } = started;
  let state = started.state;
  const config = model.config;

  const { files, skipped } = await readCorpus(o.corpora, { maxTotalChars: o.maxCorpusChars });
  logCorpus(log, files.length, skipped);
  const split = splitByFile(files, train.validationFraction, train.seed);
  const trainSampler = new WindowSampler(split.train, vocab, config);
  const validationSampler = new WindowSampler(split.validation, vocab, config);
  if (trainSampler.isEmpty) throw new Error(`no usable source files under ${o.corpora.join(', ')} (${skipped.length} skipped)`);
  log(
    `corpus: ${split.train.length} training files (${trainSampler.totalChars} chars), ${split.validation.length} validation files (${validationSampler.totalChars} chars), ${skipped.length} skipped`,
    { event: 'corpus', trainFiles: split.train.length, trainChars: trainSampler.totalChars, validationFiles: split.validation.length, validationChars: validationSampler.totalChars, skipped: skipped.length },
  );
  log(`model: hidden ${config.hiddenSize}, layers ${config.layers}, peephole ${config.peephole}, decoder prime ${config.decoderPrime}, ${model.parameterCount} parameters`, { event: 'model', config, parameters: model.parameterCount });

  // Read (and checked) before any thread starts: a damaged checkpoint is refused with nothing to stop.
  const optimizer = o.start.kind === 'resume' ? await loadOptimizerState(out) : null;
  if (o.start.kind === 'resume' && !optimizer) log(`${out} has no optimiser state (${OPTIMIZER_MANIFEST}, ${OPTIMIZER_WEIGHTS}): resuming with a fresh optimiser`, { event: 'fresh-optimizer' });
  const parallel = await makeLearner(model, train);
  try {
    await runTraining(parallel, optimizer);
  } finally {
    // The gradient threads end however training ends (a failed save included), so the process can exit.
    await parallel.dispose();
    model.dispose();
  }

  async function runTraining(parallel: ParallelLearner, optimizer: NamedArray[] | null): Promise<void> {
    // The optimiser lives on this thread (the workers only compute gradients): its state goes into checkpoints.
    const learner = parallel.learner;
    if (optimizer) await learner.restoreOptimizerState(optimizer);
    const validationBatches: Batch[] = validationSampler.isEmpty
      ? []
      : Array.from({ length: train.validationBatches }, (_, i) => validationSampler.sample(Rng.derive(train.seed ^ 0x5eed, i), train.batchSize));
    const { maxSteps, deadline } = o.budget(state.step, trainSampler.totalChars, train.batchSize * config.targetChars);
    const stop = o.stopSignal();
    let trainedChars = state.trainedChars;
    let saves = 0;
    const validate = (): number | null =>
      validationBatches.length === 0 ? null : validationBatches.reduce((s, b) => s + learner.score(b), 0) / validationBatches.length;
    const validationSet = validationSetId(split.validation);
    if (state.bestValidationLoss !== null && state.validationSet !== validationSet) {
      // The corpus changed since the checkpoint was saved: its best loss was on other text, so the bar to beat is
      // the checkpoint itself, measured on this validation set.
      const start = validate();
      log(`the validation set differs from the checkpoint's: the checkpoint measures ${bpc(start)} on it`, { event: 'revalidated', validationLoss: start });
      state = { ...state, bestValidationLoss: start };
    }
    state = { ...state, validationSet };
    const snapshot = o.snapshot(() => state.step);
    // A learning-rate end anneals from the start along a half cosine over this run's budget (steps, minutes or epochs).
    const schedule: LearningRateSchedule = { start: train.learningRate, end: o.learningRateEnd };
    const startedAt = Date.now();
    const startStep = state.step; // state.step moves with every save
    const rateAt = (step: number): number => learningRateAt(schedule, budgetFraction({ startStep, step, maxSteps, startedAt, deadline, now: Date.now() }));
    if (schedule.end !== null) log(`learning rate ${schedule.start} -> ${schedule.end} (half cosine over the budget)`, { event: 'schedule', ...schedule });
    const result = await trainLoop({
      startStep: state.step,
      bestValidationLoss: state.bestValidationLoss,
      maxSteps,
      deadline,
      evalEvery: train.evalEvery,
      signal: stop.signal,
      step: async (step) => {
        if (schedule.end !== null) learner.setLearningRate(rateAt(step));
        const batch = trainSampler.sample(Rng.derive(train.seed, step), train.batchSize);
        const loss = await parallel.trainStep(batch);
        const chars = batchChars(batch);
        trainedChars += chars.targets;
        return { loss, processedChars: chars.processed, targetChars: chars.targets };
      },
      validate,
      onProgress: (p) => {
        const rate = schedule.end === null ? '' : `  lr ${learner.learningRate.toExponential(2)}`;
        if (p.validationLoss !== null || p.step % 10 === 0) log(`${progressLine(p)}${rate}`, { event: 'progress', ...p, learningRate: learner.learningRate });
      },
      onEvaluation: async (p, improved) => {
        // A loss that is not a finite number is never saved, whatever it is compared with.
        if (improved && p.bestValidationLoss !== null && Number.isFinite(p.bestValidationLoss)) {
          state = { ...state, step: p.step, bestValidationLoss: p.bestValidationLoss, trainedChars, seed: train.seed };
          // Without validation files the loop's best is a training loss: stored as such, never as a validation figure.
          const measured = validationBatches.length === 0
            ? { trainingBitsPerChar: p.bestValidationLoss / Math.LN2, lossMeasuredOn: 'training batches (no validation files)' }
            : { validationBitsPerChar: p.bestValidationLoss / Math.LN2 };
          const { validationBitsPerChar: _old, trainingBitsPerChar: _oldTraining, lossMeasuredOn: _oldOn, ...kept } = state;
          await writer.save(model, { training: { ...kept, ...measured }, name, optimizer: await learner.optimizerState() });
          saves++;
        }
        snapshot(false);
      },
    });
    snapshot(true);
    stop.off();
    const peakRssMB = Math.round(process.resourceUsage().maxRSS / 1024);
    const measure = validationBatches.length === 0 ? 'best training loss (no validation files)' : 'best validation';
    const verdict = saves > 0 ? `saved to ${out}` : `nothing saved${result.stopReason === 'diverged' ? ' (training diverged)' : ''}; ${out} is unchanged`;
    log(
      `stopped (${result.stopReason}) at step ${result.step}; ${measure} ${bpc(result.bestValidationLoss)}; ${verdict}; peak RSS ${peakRssMB} MB`,
      { event: 'done', ...result, saved: saves > 0, peakRssMB },
    );
  }
}
