// `train`: trains a new model, fine-tunes one (--from) or resumes a checkpoint (--resume), saving the best
// model by validation loss to --out after each evaluation (atomically, with the optimiser state for resume).
import { cpSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_MODEL_CONFIG, DEFAULT_TRAIN_CONFIG, FINE_TUNE_TRAIN_CONFIG, ModelConfig, TrainConfig, validateModelConfig } from '../model/graph/config';
import { batchChars, splitByFile, WindowSampler } from '../model/training/dataset';
import { Seq2SeqLearner } from '../model/training/learner';
import { Rng } from '../model/graph/rng';
import { Batch, Seq2SeqModel } from '../model/graph/seq2seq';
import { assertCompatible, MODEL_FILE, TrainingState } from '../model/graph/serialize';
import { trainLoop, TrainProgress } from '../model/training/trainer';
import { Vocabulary } from '../model/graph/vocab';
import { initBackend } from '../node/backend';
import { readCorpus } from '../node/corpus';
import { loadModelDir, loadOptimizerState, saveModelDir } from '../node/modelFiles';
import { backendOption, numberOption, parse, requireString } from './options';

export async function runTrain(args: string[]): Promise<number> {
  const values = parse(args, {
    corpus: { type: 'string', multiple: true },
    out: { type: 'string' },
    from: { type: 'string' },
    resume: { type: 'boolean' },
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
    seed: { type: 'string' },
    'eval-every': { type: 'string' },
    'validation-fraction': { type: 'string' },
    'snapshot-dir': { type: 'string' },
    'snapshot-minutes': { type: 'string' },
    'max-corpus-chars': { type: 'string' },
    name: { type: 'string' },
    json: { type: 'boolean' },
  });
  const corpora = (values.corpus as string[] | undefined) ?? [];
  if (corpora.length === 0) throw new Error('--corpus is required (repeat it for several folders)');
  const out = requireString(values, 'out');
  const json = values.json === true;
  const log = (line: string, obj?: unknown): void => {
    process.stdout.write(json && obj !== undefined ? `${JSON.stringify(obj)}\n` : `${line}\n`);
  };

  const backend = await initBackend(backendOption(values));
  log(`backend: ${backend.name}${backend.notes.length ? ` (${backend.notes.join('; ')})` : ''}`, { event: 'backend', ...backend });

  // --from fine-tunes with the extension's fine-tune settings unless told otherwise.
  const defaults = values.from !== undefined ? FINE_TUNE_TRAIN_CONFIG : DEFAULT_TRAIN_CONFIG;
  const train: TrainConfig = {
    ...defaults,
    batchSize: numberOption(values, 'batch', defaults.batchSize, 1),
    learningRate: numberOption(values, 'lr', defaults.learningRate, 0),
    seed: numberOption(values, 'seed', defaults.seed, 0),
    evalEvery: numberOption(values, 'eval-every', defaults.evalEvery, 1),
    validationFraction: numberOption(values, 'validation-fraction', defaults.validationFraction, 0),
  };
  if (train.validationFraction >= 1) throw new Error('--validation-fraction must be below 1');
  const requested: ModelConfig = {
    hiddenSize: numberOption(values, 'hidden', DEFAULT_MODEL_CONFIG.hiddenSize, 1),
    layers: numberOption(values, 'layers', DEFAULT_MODEL_CONFIG.layers, 1),
    peephole: values.peephole === true,
    minContextChars: numberOption(values, 'min-context', DEFAULT_MODEL_CONFIG.minContextChars, 1),
    maxContextChars: numberOption(values, 'max-context', DEFAULT_MODEL_CONFIG.maxContextChars, 1),
    targetChars: numberOption(values, 'target-chars', DEFAULT_MODEL_CONFIG.targetChars, 1),
    decoderPrime: 0,
  };
  // A small window caps the default prime; an explicit one that does not fit is refused by validateModelConfig.
  requested.decoderPrime = numberOption(values, 'decoder-prime', Math.min(DEFAULT_MODEL_CONFIG.decoderPrime, requested.minContextChars), 0);
  validateModelConfig(requested);

  const vocab = Vocabulary.createDefault();
  let model: Seq2SeqModel;
  let state: TrainingState = { step: 0, bestValidationLoss: null, trainedChars: 0, seed: train.seed };
  // --resume continues the checkpoint in --out when there is one, and starts afresh otherwise.
  const resumeFrom = values.resume === true && existsSync(join(out, MODEL_FILE)) ? out : undefined;
  const from = (values.from as string | undefined) ?? resumeFrom;
  if (from) {
    const loaded = await loadModelDir(from);
    model = loaded.model;
    const explicitShape = ['hidden', 'layers', 'peephole'].some((k) => values[k] !== undefined);
    assertCompatible(model, explicitShape ? requested : model.config, vocab);
    const primeChanged = values['decoder-prime'] !== undefined && requested.decoderPrime !== model.config.decoderPrime;
    if (primeChanged) {
      // The prime changes what the decoder reads, not the weights' shapes, so a model can be retrained to use one.
      const config = { ...model.config, decoderPrime: requested.decoderPrime };
      validateModelConfig(config);
      model = new Seq2SeqModel(config, model.vocab, model.weights);
    }
    if (resumeFrom) state = { ...loaded.metadata.training, seed: train.seed };
    // Validation losses with another prime measure something else: the next evaluation sets a new best.
    if (primeChanged) state = { ...state, bestValidationLoss: null };
    log(`${resumeFrom ? 'resuming' : 'fine-tuning'} from ${from} (step ${loaded.metadata.training.step})`, { event: 'start', from, resume: !!resumeFrom });
  } else {
    model = Seq2SeqModel.create(requested, vocab, train.seed);
  }
  const config = model.config;

  const { files, skipped } = await readCorpus(corpora, {
    maxTotalChars: numberOption(values, 'max-corpus-chars', Infinity, 1),
  });
  const split = splitByFile(files, train.validationFraction, train.seed);
  // A fine-tuned model keeps the text it learned from, for its copy prior (as the extension's fine-tune does).
  const memory = values.from !== undefined ? files.map((f) => f.text).join('\n') : undefined;
  const trainSampler = new WindowSampler(split.train, vocab, config);
  const validationSampler = new WindowSampler(split.validation, vocab, config);
  if (trainSampler.isEmpty) throw new Error(`no usable source files under ${corpora.join(', ')} (${skipped.length} skipped)`);
  log(
    `corpus: ${split.train.length} training files (${trainSampler.totalChars} chars), ${split.validation.length} validation files (${validationSampler.totalChars} chars), ${skipped.length} skipped`,
    { event: 'corpus', trainFiles: split.train.length, trainChars: trainSampler.totalChars, validationFiles: split.validation.length, validationChars: validationSampler.totalChars, skipped: skipped.length },
  );
  log(`model: hidden ${config.hiddenSize}, layers ${config.layers}, peephole ${config.peephole}, decoder prime ${config.decoderPrime}, ${model.parameterCount} parameters`, { event: 'model', config, parameters: model.parameterCount });

  const learner = new Seq2SeqLearner(model, train);
  if (resumeFrom) {
    const optimizer = await loadOptimizerState(resumeFrom);
    if (optimizer) await learner.restoreOptimizerState(optimizer);
  }
  const validationBatches: Batch[] = validationSampler.isEmpty
    ? []
    : Array.from({ length: train.validationBatches }, (_, i) => validationSampler.sample(Rng.derive(train.seed ^ 0x5eed, i), train.batchSize));

  const targetsPerStep = train.batchSize * config.targetChars;
  const epochs = numberOption(values, 'epochs', values.minutes === undefined && values.steps === undefined ? 1 : Infinity, 0);
  const stepsFromEpochs = Number.isFinite(epochs) ? Math.ceil((epochs * trainSampler.totalChars) / targetsPerStep) : Infinity;
  const maxSteps = state.step + Math.min(stepsFromEpochs, numberOption(values, 'steps', Infinity, 1));
  const minutes = numberOption(values, 'minutes', Infinity, 0);
  const deadline = Number.isFinite(minutes) ? Date.now() + minutes * 60_000 : undefined;

  const abort = new AbortController();
  const onSignal = (): void => abort.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  let trainedChars = state.trainedChars;
  const validate = (): number | null =>
    validationBatches.length === 0 ? null : validationBatches.reduce((s, b) => s + learner.score(b), 0) / validationBatches.length;
  const save = async (p: TrainProgress): Promise<void> => {
    state = { ...state, step: p.step, bestValidationLoss: p.bestValidationLoss, trainedChars, seed: train.seed };
    await saveModelDir(out, model, { training: { ...state, validationBitsPerChar: p.bestValidationLoss === null ? null : p.bestValidationLoss / Math.LN2 }, name: values.name as string | undefined, optimizer: await learner.optimizerState(), ...(memory === undefined ? {} : { memory }) });
  };
  // Snapshots: the best model so far, copied at every snapshot-minutes mark, for a curve of gain against time
  // from one uninterrupted run (what the extension's fine-tune would have saved had it stopped then).
  const snapshotDir = values['snapshot-dir'] as string | undefined;
  const snapshotMinutes = numberOption(values, 'snapshot-minutes', 1, 0.01);
  const started = Date.now();
  let snapshots = 0;
  const snapshot = (final: boolean): void => {
    if (!snapshotDir) return;
    const elapsed = (Date.now() - started) / 60_000;
    while ((snapshots + 1) * snapshotMinutes <= elapsed + (final ? snapshotMinutes * 0.05 : 0)) {
      snapshots++;
      const best = existsSync(join(out, MODEL_FILE)) ? out : from;
      if (!best) return;
      const dest = join(snapshotDir, `min-${+(snapshots * snapshotMinutes).toFixed(2)}`);
      cpSync(best, dest, { recursive: true });
      log(`snapshot of the best model at ${(snapshots * snapshotMinutes).toFixed(2)} min: ${dest}`, { event: 'snapshot', minutes: snapshots * snapshotMinutes, dir: dest, step: state.step });
    }
  };
  const result = await trainLoop({
    startStep: state.step,
    bestValidationLoss: state.bestValidationLoss,
    maxSteps,
    deadline,
    evalEvery: train.evalEvery,
    signal: abort.signal,
    step: (step) => {
      const batch = trainSampler.sample(Rng.derive(train.seed, step), train.batchSize);
      const loss = learner.trainStep(batch);
      const chars = batchChars(batch);
      trainedChars += chars.targets;
      return { loss, processedChars: chars.processed, targetChars: chars.targets };
    },
    validate,
    onProgress: (p) => {
      if (p.validationLoss === null && p.step % 10 !== 0) return;
      const val = p.validationLoss === null ? '' : `  val ${(p.validationLoss / Math.LN2).toFixed(3)} bpc`;
      log(
        `step ${p.step}  train ${(p.trainLoss / Math.LN2).toFixed(3)} bpc${val}  ${Math.round(p.charsPerSecond)} chars/s (${Math.round(p.targetCharsPerSecond)} targets/s)  ${(p.elapsedMs / 1000).toFixed(0)} s`,
        { event: 'progress', ...p },
      );
    },
    onEvaluation: async (p, improved) => {
      if (improved) await save(p);
      snapshot(false);
    },
  });
  snapshot(true);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  const peakRssMB = Math.round(process.resourceUsage().maxRSS / 1024);
  log(
    `stopped (${result.stopReason}) at step ${result.step}; best validation ${result.bestValidationLoss === null ? 'n/a' : (result.bestValidationLoss / Math.LN2).toFixed(3) + ' bpc'}; saved to ${out}; peak RSS ${peakRssMB} MB`,
    { event: 'done', ...result, peakRssMB },
  );
  learner.dispose();
  model.dispose();
  return 0;
}
