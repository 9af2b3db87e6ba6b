// The fine-tune worker: trains from the current model on the workspace's files, off the extension host's
// thread. It writes the result only if validation improved, to a staging folder renamed into place at the end,
// so a cancel or a crash leaves the previous model as it was.
import { existsSync, promises as fs } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { FINE_TUNE_TRAIN_CONFIG, TrainConfig } from '../model/graph/config';
import { batchChars, splitByFile, WindowSampler } from '../model/training/dataset';
import { Seq2SeqLearner } from '../model/training/learner';
import { Rng } from '../model/graph/rng';
import type { Batch } from '../model/graph/seq2seq';
import { trainLoop } from '../model/training/trainer';
import { BackendPreference, initBackend } from '../node/backend';
import { loadModelDir, saveModelDir } from '../node/modelFiles';
import { FineTuneOptions, isHostToTrainer, TrainerToHost, TrainFile } from '../shared/trainProtocol';

const port = parentPort;
if (!port) throw new Error('trainWorker must run in a worker thread');
const post = (m: TrainerToHost): void => port.postMessage(m);
const abort = new AbortController();
let started = false;

const FINE_TUNE: TrainConfig = FINE_TUNE_TRAIN_CONFIG;

async function run(files: TrainFile[], o: FineTuneOptions): Promise<void> {
  const t0 = Date.now();
  const backend = await initBackend(o.backend as BackendPreference);
  const { model, metadata } = await loadModelDir(o.baseModelDir);
  post({ kind: 'log', level: 'info', message: `fine-tuning ${metadata.name ?? o.baseModelDir} on ${backend.name}` });
  const config = { ...FINE_TUNE, seed: o.seed };
  const split = splitByFile(files.map((f) => ({ ...f })), config.validationFraction, o.seed);
  const train = new WindowSampler(split.train, model.vocab, model.config);
  const validation = new WindowSampler(split.validation.length > 0 ? split.validation : split.train, model.vocab, model.config);
  if (train.isEmpty) throw new Error('the selected files hold no text to learn from');
  const learner = new Seq2SeqLearner(model, config);
  const validationBatches: Batch[] = Array.from({ length: config.validationBatches }, (_, i) => validation.sample(Rng.derive(o.seed ^ 0x5eed, i), config.batchSize));
  const validate = (): number => validationBatches.reduce((s, b) => s + learner.score(b), 0) / validationBatches.length;
  const baseLoss = validate();
  // Every selected file, validation ones too, is text the copy prior may search once the model is in use.
  const memory = files.map((f) => f.text).join('\n');
  const staging = `${o.outDir}.staging`;
  await fs.rm(staging, { recursive: true, force: true });
  let peakRss = process.memoryUsage().rss;
  let savedAny = false;
  const report = (p: { step: number; fraction: number; charsPerSecond: number; trainLoss: number; validationLoss: number | null; bestValidationLoss: number | null; elapsedMs: number }): void => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    const remaining = p.fraction > 0 ? (p.elapsedMs / p.fraction) * (1 - p.fraction) : o.minutes * 60_000;
    post({
      kind: 'progress',
      point: {
        step: p.step,
        fraction: p.fraction,
        charsPerSecond: p.charsPerSecond,
        trainBpc: p.trainLoss / Math.LN2,
        validationBpc: p.validationLoss === null ? null : p.validationLoss / Math.LN2,
        bestValidationBpc: p.bestValidationLoss === null ? null : p.bestValidationLoss / Math.LN2,
        etaSeconds: remaining / 1000,
        rssMB: peakRss / 2 ** 20,
      },
    });
  };
  const result = await trainLoop({
    startStep: 0,
    bestValidationLoss: baseLoss,
    maxSteps: Number.MAX_SAFE_INTEGER,
    deadline: t0 + o.minutes * 60_000,
    evalEvery: config.evalEvery,
    signal: abort.signal,
    patience: 6,
    step: (step) => {
      const batch = train.sample(Rng.derive(o.seed, step), config.batchSize);
      const loss = learner.trainStep(batch);
      const chars = batchChars(batch);
      return { loss, processedChars: chars.processed, targetChars: chars.targets };
    },
    validate,
    onProgress: (p) => {
      if (p.validationLoss !== null || p.step % 5 === 0) report(p);
    },
    onEvaluation: async (p, improved) => {
      if (!improved || abort.signal.aborted) return;
      await saveModelDir(staging, model, {
        training: { ...metadata.training, step: p.step, bestValidationLoss: p.bestValidationLoss, fineTunedFrom: metadata.name ?? o.baseModelDir, seed: o.seed },
        name: o.outName,
        memory,
      });
      savedAny = true;
    },
  });
  learner.dispose();
  model.dispose();
  let outcome: 'saved' | 'cancelled' | 'no-improvement' = 'no-improvement';
  if (result.stopReason === 'aborted') {
    outcome = 'cancelled';
    await fs.rm(staging, { recursive: true, force: true });
  } else if (savedAny && existsSync(staging)) {
    // Swap the staging folder in: the old model moves aside first so that a failure leaves one of the two.
    const old = `${o.outDir}.old`;
    await fs.rm(old, { recursive: true, force: true });
    if (existsSync(o.outDir)) await fs.rename(o.outDir, old);
    await fs.rename(staging, o.outDir);
    await fs.rm(old, { recursive: true, force: true });
    outcome = 'saved';
  }
  post({
    kind: 'finished',
    result: {
      outcome,
      modelDir: outcome === 'saved' ? o.outDir : null,
      baseValidationBpc: baseLoss / Math.LN2,
      bestValidationBpc: result.bestValidationLoss === null ? null : result.bestValidationLoss / Math.LN2,
      steps: result.step,
      seconds: (Date.now() - t0) / 1000,
      peakRssMB: peakRss / 2 ** 20,
      trainFiles: split.train.length,
      validationFiles: split.validation.length,
    },
  });
}

port.on('message', (m: unknown) => {
  if (!isHostToTrainer(m)) {
    post({ kind: 'log', level: 'warn', message: 'train worker ignored a malformed message' });
    return;
  }
  switch (m.kind) {
    case 'start':
      if (started) return;
      started = true;
      run(m.files, m.options).catch((e: Error) => post({ kind: 'failed', message: e.message }));
      return;
    case 'cancel':
      abort.abort();
      return;
  }
});
