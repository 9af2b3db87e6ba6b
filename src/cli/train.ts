// `train`: trains a new model or resumes a checkpoint (--resume), saving the best model by validation loss to
// --out after each evaluation with the optimiser state; or fine-tunes one (--from) with the extension's one
// recipe (src/model/training/fineTune.ts). Either way --out is written by one process at a time, atomically, and
// only with a model that beat what it started from.
import { cpSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_MODEL_CONFIG, DEFAULT_TRAIN_CONFIG, FINE_TUNE_TRAIN_CONFIG, ModelConfig, TrainConfig, validateModelConfig } from '../model/graph/config';
import { Rng } from '../model/graph/rng';
import { Batch, Seq2SeqModel } from '../model/graph/seq2seq';
import { widenModel } from '../model/graph/widen';
import { assertCompatible, MODEL_FILE, NamedArray, TrainingState } from '../model/graph/serialize';
import { Vocabulary } from '../model/graph/vocab';
import { batchChars, splitByFile, validationSetId, WindowSampler } from '../model/training/dataset';
import { fineTunedState, memoryOf, runFineTune } from '../model/training/fineTune';
import { defaultWorkers, ParallelLearner } from '../node/parallelLearner';
import type { BackendName } from '../shared/engineProtocol';
import { trainLoop, TrainProgress } from '../model/training/trainer';
import { budgetFraction, learningRateAt, LearningRateSchedule } from '../model/training/schedule';
import { initBackend } from '../node/backend';
import { readCorpus } from '../node/corpus';
import { loadModelDir, loadOptimizerState, modelFolderPath, ModelWriter, openModelWriter, OPTIMIZER_MANIFEST, OPTIMIZER_WEIGHTS } from '../node/modelFiles';
import { FINE_TUNE_MAX_CORPUS_CHARS, FINE_TUNE_MAX_FILE_BYTES } from '../workspace/filePolicy';
import { backendOption, countOption, numberOption, parse, requireString } from './options';
import { stdoutLines } from './output';

type Values = Record<string, unknown>;
type Log = (line: string, obj?: unknown) => void;

const bpc = (nats: number | null): string => (nats === null ? 'n/a' : `${(nats / Math.LN2).toFixed(3)} bpc`);

export async function runTrain(args: string[]): Promise<number> {
  const values = parse(args, {
    corpus: { type: 'string', multiple: true },
    out: { type: 'string' },
    from: { type: 'string' },
    resume: { type: 'boolean' },
    'grow-from': { type: 'string' },
    minutes: { type: 'string' },
    epochs: { type: 'string' },
    steps: { type: 'string' },
    hidden: { type: 'string' },
    layers: { type: 'string' },
    peephole: { type: 'boolean' },
    'min-context': { type: 'string' },
    'max-context': { type: 'string' },
    'target-chars': { type: 'string' },
    'decoder-prime': { type: 'string' },
    batch: { type: 'string' },
    lr: { type: 'string' },
    'lr-end': { type: 'string' },
    seed: { type: 'string' },
    'eval-every': { type: 'string' },
    'validation-fraction': { type: 'string' },
    'snapshot-dir': { type: 'string' },
    'snapshot-minutes': { type: 'string' },
    'max-corpus-chars': { type: 'string' },
    name: { type: 'string' },
    replace: { type: 'boolean' },
    json: { type: 'boolean' },
    workers: { type: 'string' },
  });
  const corpora = (values.corpus as string[] | undefined) ?? [];
  if (corpora.length === 0) throw new Error('--corpus is required (repeat it for several folders)');
  const out = modelFolderPath(requireString(values, 'out'));
  if (values.from !== undefined && values.resume === true) throw new Error('--from fine-tunes a model and --resume continues the checkpoint in --out: use one of them');
  if (values['lr-end'] !== undefined && values.from !== undefined) throw new Error('--lr-end anneals a base-model run (new, --resume or --grow-from); --from fine-tunes with the recipe\'s own rate');
  if (values['grow-from'] !== undefined && (values.from !== undefined || values.resume === true)) throw new Error('--grow-from starts a new run from a grown model: not with --from or --resume');
  const json = values.json === true;
  const writeOut = stdoutLines({ goOn: 'training goes on and saves to --out as before' });
  const log: Log = (line, obj) => writeOut(json && obj !== undefined ? JSON.stringify(obj) : line);

  // The writer comes first: its lock proves --out can be written, and it refuses an --out it could not safely
  // replace, before any training is spent. A resume continues the model in --out and a fine-tune of --out itself
  // improves it; any other run replaces a model there only with --replace.
  const sameModel = values.resume === true || (values.from !== undefined && modelFolderPath(values.from as string) === out);
  const writer = await openModelWriter(out, { replaceModel: sameModel || values.replace === true });
  try {
    const backend = await initBackend(backendOption(values));
    log(`backend: ${backend.name}${backend.notes.length ? ` (${backend.notes.join('; ')})` : ''}`, { event: 'backend', ...backend });
    // Data-parallel over worker threads: each gets a replica on its own backend (one core each on wasm).
    const workers = countOption(values, 'workers', defaultWorkers(), 1, 64);
    const makeLearner = (model: Seq2SeqModel, config: TrainConfig): Promise<ParallelLearner> =>
      ParallelLearner.start(model, config, { workers, workerPath: join(__dirname, 'gradientWorker.js'), backend: backend.name as BackendName });
    log(`training on ${workers} thread(s)${workers > 1 ? ' (data-parallel: the batch is shared out, the gradients summed)' : ''}`, { event: 'workers', workers });
    return values.from !== undefined ? await fineTune(values, corpora, writer, log, makeLearner) : await trainOrResume(values, corpora, writer, log, makeLearner);
  } finally {
    await writer.release();
  }
}

/** Options shared by both paths, over the defaults of the one they run. */
function trainConfig<T extends TrainConfig>(values: Values, defaults: T): T {
  const config = {
    ...defaults,
    batchSize: countOption(values, 'batch', defaults.batchSize, 1, 4096),
    learningRate: numberOption(values, 'lr', defaults.learningRate, 0),
    seed: countOption(values, 'seed', defaults.seed, 0, 2 ** 31 - 1),
    evalEvery: countOption(values, 'eval-every', defaults.evalEvery, 1, 1e9),
    validationFraction: numberOption(values, 'validation-fraction', defaults.validationFraction, 0),
  };
  if (config.validationFraction >= 1) throw new Error('--validation-fraction must be below 1');
  return config;
}

/** Stops the run on Ctrl+C or SIGTERM (the model saved so far stays); returns the signal and its removal. */
function stopOnSignal(): { signal: AbortSignal; off: () => void } {
  const abort = new AbortController();
  const onSignal = (): void => abort.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return { signal: abort.signal, off: () => { process.off('SIGINT', onSignal); process.off('SIGTERM', onSignal); } };
}

/** Snapshots: the best model so far, copied at every snapshot-minutes mark (a curve of gain against time from one run). */
function snapshotter(values: Values, out: string, fallback: string | undefined, log: Log, step: () => number): (final: boolean) => void {
  const dir = values['snapshot-dir'] as string | undefined;
  const minutes = numberOption(values, 'snapshot-minutes', 1, 0.01);
  const started = Date.now();
  let taken = 0;
  return (final) => {
    if (!dir) return;
    const elapsed = (Date.now() - started) / 60_000;
    while ((taken + 1) * minutes <= elapsed + (final ? minutes * 0.05 : 0)) {
      taken++;
      const best = existsSync(join(out, MODEL_FILE)) ? out : fallback;
      if (!best) return;
      const dest = join(dir, `min-${+(taken * minutes).toFixed(2)}`);
      cpSync(best, dest, { recursive: true });
      log(`snapshot of the best model at ${(taken * minutes).toFixed(2)} min: ${dest}`, { event: 'snapshot', minutes: taken * minutes, dir: dest, step: step() });
    }
  };
}

function budget(values: Values, startStep: number, charsPerEpoch: number, targetsPerStep: number): { maxSteps: number; deadline: number | undefined } {
  const epochs = numberOption(values, 'epochs', values.minutes === undefined && values.steps === undefined ? 1 : Infinity, 0);
  const stepsFromEpochs = Number.isFinite(epochs) ? Math.ceil((epochs * charsPerEpoch) / targetsPerStep) : Infinity;
  const maxSteps = startStep + Math.min(stepsFromEpochs, countOption(values, 'steps', Infinity, 1, Infinity));
  const minutes = numberOption(values, 'minutes', Infinity, 0);
  return { maxSteps, deadline: Number.isFinite(minutes) ? Date.now() + minutes * 60_000 : undefined };
}

const progressLine = (p: TrainProgress): string => {
  const val = p.validationLoss === null ? '' : `  val ${bpc(p.validationLoss)}`;
  return `step ${p.step}  train ${bpc(p.trainLoss)}${val}  ${Math.round(p.charsPerSecond)} chars/s (${Math.round(p.targetCharsPerSecond)} targets/s)  ${(p.elapsedMs / 1000).toFixed(0)} s`;
};

/** --from: the extension's fine-tune recipe and file policy; --out gets the model only once it beats --from. */
type MakeLearner = (model: Seq2SeqModel, config: TrainConfig) => Promise<ParallelLearner>;

async function fineTune(values: Values, corpora: string[], writer: ModelWriter, log: Log, makeLearner: MakeLearner): Promise<number> {
  const out = writer.dir;
  const from = values.from as string;
  const loaded = await loadModelDir(from);
  let model = loaded.model;
  const explicitShape = ['hidden', 'layers', 'peephole'].some((k) => values[k] !== undefined);
  assertCompatible(model, explicitShape ? { ...model.config, hiddenSize: countOption(values, 'hidden', model.config.hiddenSize, 1, 4096), layers: countOption(values, 'layers', model.config.layers, 1, 8), peephole: values.peephole === true } : model.config, Vocabulary.createDefault());
  if (values['decoder-prime'] !== undefined) {
    // The prime changes what the decoder reads, not the weights' shapes, so a model can be fine-tuned to use one.
    const config = { ...model.config, decoderPrime: countOption(values, 'decoder-prime', 0, 0, 1e9) };
    validateModelConfig(config);
    model = new Seq2SeqModel(config, model.vocab, model.weights);
  }
  log(`fine-tuning from ${from} (step ${loaded.metadata.training.step})`, { event: 'start', from, resume: false });
  const config = trainConfig(values, FINE_TUNE_TRAIN_CONFIG);
  // A fine-tuned model keeps its files' text as its memory, which the loader reads only up to a limit: the corpus is
  // capped there before training starts, so what is saved always loads.
  const maxCorpusChars = numberOption(values, 'max-corpus-chars', FINE_TUNE_MAX_CORPUS_CHARS, 1);
  if (maxCorpusChars > FINE_TUNE_MAX_CORPUS_CHARS) throw new Error(`--max-corpus-chars: a fine-tuned model holds at most ${FINE_TUNE_MAX_CORPUS_CHARS} characters of workspace memory`);
  const { files, skipped } = await readCorpus(corpora, { maxFileBytes: FINE_TUNE_MAX_FILE_BYTES, maxTotalChars: maxCorpusChars });
  logCorpus(log, files.length, skipped);
  const chars = files.reduce((n, f) => n + f.text.length, 0);
  const { maxSteps, deadline } = budget(values, 0, chars * (1 - config.validationFraction), config.batchSize * model.config.targetChars);
  const stop = stopOnSignal();
  let step = 0;
  let saved: { step: number; loss: number } | null = null;
  const snapshot = snapshotter(values, out, from, log, () => step);
  const memoryText = memoryOf(files);
  const report = await runFineTune(model, files, config, {
    learner: makeLearner,
    signal: stop.signal,
    deadline,
    maxSteps,
    onProgress: (p) => {
      step = p.step;
      if (p.validationLoss !== null || p.step % 10 === 0) log(progressLine(p), { event: 'progress', ...p });
    },
    onEvaluation: async (p, improved, validatedOn) => {
      if (improved && p.validationLoss !== null) {
        const training = fineTunedState(loaded.metadata, from, { step: p.step, loss: p.validationLoss, trainedChars: p.trainedChars, validatedOn }, config.seed);
        await writer.save(model, { training, name: values.name as string | undefined, memory: memoryText });
        saved = { step: p.step, loss: p.validationLoss };
      }
      snapshot(false);
    },
  });
  snapshot(true);
  stop.off();
  const peakRssMB = Math.round(process.resourceUsage().maxRSS / 1024);
  const on = report.validatedOn === 'training files' ? ' (no file could be held out: measured on the training files)' : '';
  const best = saved as { step: number; loss: number } | null;
  const verdict = best
    ? `saved to ${out}: validation ${bpc(report.startLoss)} -> ${bpc(best.loss)}${on} at step ${best.step}`
    : `nothing saved (${report.outcome === 'diverged' ? 'training diverged' : report.outcome === 'cancelled' ? 'stopped before any gain' : `no evaluation beat ${from}'s ${bpc(report.startLoss)}${on}`}); ${out} is unchanged`;
  log(`stopped (${report.stopReason}) at step ${report.steps}: ${report.outcome}; ${verdict}; peak RSS ${peakRssMB} MB`, {
    event: 'done', stopReason: report.stopReason, outcome: report.outcome, step: report.steps, startValidationLoss: report.startLoss, bestValidationLoss: best?.loss ?? null, saved: best !== null, validatedOn: report.validatedOn, peakRssMB,
  });
  model.dispose();
  return 0;
}

function logCorpus(log: Log, files: number, skipped: { path: string; reason: string }[]): void {
  const reasons = new Map<string, number>();
  for (const s of skipped) reasons.set(s.reason, (reasons.get(s.reason) ?? 0) + 1);
  const why = [...reasons].map(([r, n]) => `${n} ${r}`).join(', ');
  log(`corpus: ${files} files read, ${skipped.length} skipped${why ? ` (${why})` : ''}`, { event: 'files', files, skipped: skipped.length, reasons: Object.fromEntries(reasons) });
}

/** A new model, or --resume of the checkpoint in --out (never a silent fresh start when a resume was asked for). */
async function trainOrResume(values: Values, corpora: string[], writer: ModelWriter, log: Log, makeLearner: MakeLearner): Promise<number> {
  const out = writer.dir;
  const train = trainConfig(values, DEFAULT_TRAIN_CONFIG);
  const requested: ModelConfig = {
    hiddenSize: countOption(values, 'hidden', DEFAULT_MODEL_CONFIG.hiddenSize, 1, 4096),
    layers: countOption(values, 'layers', DEFAULT_MODEL_CONFIG.layers, 1, 8),
    peephole: values.peephole === true,
    minContextChars: countOption(values, 'min-context', DEFAULT_MODEL_CONFIG.minContextChars, 1, 1e6),
    maxContextChars: countOption(values, 'max-context', DEFAULT_MODEL_CONFIG.maxContextChars, 1, 1e6),
    targetChars: countOption(values, 'target-chars', DEFAULT_MODEL_CONFIG.targetChars, 1, 1e6),
    decoderPrime: 0,
  };
  // A small window caps the default prime; an explicit one that does not fit is refused by validateModelConfig.
  requested.decoderPrime = countOption(values, 'decoder-prime', Math.min(DEFAULT_MODEL_CONFIG.decoderPrime, requested.minContextChars), 0, 1e6);
  validateModelConfig(requested);

  const vocab = Vocabulary.createDefault();
  let model: Seq2SeqModel;
  let state: TrainingState = { step: 0, bestValidationLoss: null, trainedChars: 0, seed: train.seed };
  let name = values.name as string | undefined;
  if (values.resume === true) {
    if (!existsSync(join(out, MODEL_FILE))) throw new Error(`--resume: there is no checkpoint in ${out} (no ${MODEL_FILE}); drop --resume to train a new model there`);
    const loaded = await loadModelDir(out);
    model = loaded.model;
    const explicitShape = ['hidden', 'layers', 'peephole'].some((k) => values[k] !== undefined);
    assertCompatible(model, explicitShape ? requested : model.config, vocab);
    state = { ...loaded.metadata.training, seed: train.seed };
    // A resumed run is the same model: it keeps its name unless told otherwise.
    name ??= loaded.metadata.name;
    if (values['decoder-prime'] !== undefined && requested.decoderPrime !== model.config.decoderPrime) {
      const config = { ...model.config, decoderPrime: requested.decoderPrime };
      validateModelConfig(config);
      model = new Seq2SeqModel(config, model.vocab, model.weights);
      // Validation losses with another prime measure something else: the next evaluation sets a new best.
      state = { ...state, bestValidationLoss: null };
    }
    log(`resuming from ${out} (step ${loaded.metadata.training.step})`, { event: 'start', from: out, resume: true });
  } else if (values['grow-from'] !== undefined) {
    // A larger model that starts out computing what a trained one computes (widen.ts): its step count goes on, its
    // validation figure is measured afresh.
    const from = values['grow-from'] as string;
    if (values.hidden === undefined) throw new Error('--grow-from needs --hidden, the new number of hidden units');
    const loaded = await loadModelDir(from);
    model = widenModel(loaded.model, requested.hiddenSize, train.seed);
    loaded.model.dispose();
    state = { ...loaded.metadata.training, bestValidationLoss: null, seed: train.seed };
    log(`grown from ${from} (step ${loaded.metadata.training.step}, ${loaded.metadata.config.hiddenSize} units) to ${requested.hiddenSize} units`, { event: 'start', from, grown: requested.hiddenSize });
  } else {
    model = Seq2SeqModel.create(requested, vocab, train.seed);
  }
  const config = model.config;

  const { files, skipped } = await readCorpus(corpora, { maxTotalChars: numberOption(values, 'max-corpus-chars', Infinity, 1) });
  logCorpus(log, files.length, skipped);
  const split = splitByFile(files, train.validationFraction, train.seed);
  const trainSampler = new WindowSampler(split.train, vocab, config);
  const validationSampler = new WindowSampler(split.validation, vocab, config);
  if (trainSampler.isEmpty) throw new Error(`no usable source files under ${corpora.join(', ')} (${skipped.length} skipped)`);
  log(
    `corpus: ${split.train.length} training files (${trainSampler.totalChars} chars), ${split.validation.length} validation files (${validationSampler.totalChars} chars), ${skipped.length} skipped`,
    { event: 'corpus', trainFiles: split.train.length, trainChars: trainSampler.totalChars, validationFiles: split.validation.length, validationChars: validationSampler.totalChars, skipped: skipped.length },
  );
  log(`model: hidden ${config.hiddenSize}, layers ${config.layers}, peephole ${config.peephole}, decoder prime ${config.decoderPrime}, ${model.parameterCount} parameters`, { event: 'model', config, parameters: model.parameterCount });

  // Read (and checked) before any thread starts: a damaged checkpoint is refused with nothing to stop.
  const optimizer = values.resume === true ? await loadOptimizerState(out) : null;
  if (values.resume === true && !optimizer) log(`${out} has no optimiser state (${OPTIMIZER_MANIFEST}, ${OPTIMIZER_WEIGHTS}): resuming with a fresh optimiser`, { event: 'fresh-optimizer' });
  const parallel = await makeLearner(model, train);
  try {
    return await runTraining(parallel, optimizer);
  } finally {
    // The gradient threads end however training ends (a failed save included), so the process can exit.
    await parallel.dispose();
    model.dispose();
  }

  async function runTraining(parallel: ParallelLearner, optimizer: NamedArray[] | null): Promise<number> {
    // The optimiser lives on this thread (the workers only compute gradients): its state goes into checkpoints.
    const learner = parallel.learner;
    if (optimizer) await learner.restoreOptimizerState(optimizer);
    const validationBatches: Batch[] = validationSampler.isEmpty
      ? []
      : Array.from({ length: train.validationBatches }, (_, i) => validationSampler.sample(Rng.derive(train.seed ^ 0x5eed, i), train.batchSize));
    const { maxSteps, deadline } = budget(values, state.step, trainSampler.totalChars, train.batchSize * config.targetChars);
    const stop = stopOnSignal();
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
    const snapshot = snapshotter(values, out, undefined, log, () => state.step);
    // --lr-end anneals from --lr along a half cosine over this run's budget (--steps, --minutes or --epochs).
    const schedule: LearningRateSchedule = { start: train.learningRate, end: values['lr-end'] === undefined ? null : numberOption(values, 'lr-end', 0, 0) };
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
    return 0;
  }
}
