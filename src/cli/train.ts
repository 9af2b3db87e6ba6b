// `train`: trains a new model or resumes a checkpoint (--resume) with the base recipe (src/node/baseTraining.ts),
// saving the best model by validation loss to --out after each evaluation with the optimiser state; or fine-tunes
// one (--from) with the extension's one recipe (src/model/training/fineTune.ts). This file parses and prints. Either way --out is written by one process at a time, atomically, and
// only with a model that beat what it started from.
import { cpSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_MODEL_CONFIG, DEFAULT_TRAIN_CONFIG, FINE_TUNE_TRAIN_CONFIG, ModelConfig, TrainConfig, validateModelConfig } from '../model/graph/config';
import { Seq2SeqModel } from '../model/graph/seq2seq';
import { assertCompatible, MODEL_FILE } from '../model/graph/serialize';
import { Vocabulary } from '../model/graph/vocab';
import { fineTunedState, runFineTune } from '../model/training/fineTune';
import { memoryOf } from '../shared/memory';
import { BaseStart, bpc, logCorpus, MakeLearner, progressLine, trainBase } from '../node/baseTraining';
import { defaultWorkers, ParallelLearner } from '../node/parallelLearner';
import type { BackendName } from '../shared/engineProtocol';
import { initBackend } from '../node/backend';
import { readCorpus } from '../node/corpus';
import { loadModelDir, modelFolderPath, ModelWriter, openModelWriter } from '../node/modelFiles';
import { FINE_TUNE_MAX_CORPUS_CHARS, FINE_TUNE_MAX_FILE_BYTES } from '../workspace/filePolicy';
import { backendOption, countOption, numberOption, parse, requireString } from './options';
import { stdoutLines } from './output';

type Values = Record<string, unknown>;
type Log = (line: string, obj?: unknown) => void;

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

/** --from: the extension's fine-tune recipe and file policy; --out gets the model only once it beats --from. */
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

/** A new model, or --resume of the checkpoint in --out, or --grow-from: the options parsed, the base recipe run. */
async function trainOrResume(values: Values, corpora: string[], writer: ModelWriter, log: Log, makeLearner: MakeLearner): Promise<number> {
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
  if (values['grow-from'] !== undefined && values.hidden === undefined) throw new Error('--grow-from needs --hidden, the new number of hidden units');
  const start: BaseStart = values.resume === true
    ? { kind: 'resume', shapeGiven: ['hidden', 'layers', 'peephole'].some((k) => values[k] !== undefined), decoderPrimeGiven: values['decoder-prime'] !== undefined }
    : values['grow-from'] !== undefined ? { kind: 'grow', from: values['grow-from'] as string } : { kind: 'new' };
  await trainBase({
    train: trainConfig(values, DEFAULT_TRAIN_CONFIG),
    requested,
    start,
    name: values.name as string | undefined,
    corpora,
    maxCorpusChars: numberOption(values, 'max-corpus-chars', Infinity, 1),
    budget: (startStep, charsPerEpoch, targetsPerStep) => budget(values, startStep, charsPerEpoch, targetsPerStep),
    learningRateEnd: values['lr-end'] === undefined ? null : numberOption(values, 'lr-end', 0, 0),
    stopSignal: stopOnSignal,
    snapshot: (step) => snapshotter(values, writer.dir, undefined, log, step),
  }, writer, log, makeLearner);
  return 0;
}
