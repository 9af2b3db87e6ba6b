// The fine-tune worker: runs the one fine-tune recipe (src/model/training/fineTune.ts) on the workspace's files,
// off the extension host's thread, and saves the result only when it beat the model it started from; the save
// is atomic (src/node/modelFiles.ts), so a cancel or a crash leaves the previous model as it was.
import { join } from 'node:path';
import { parentPort } from 'node:worker_threads';
import { ParallelLearner } from '../node/parallelLearner';
import type { BackendName } from '../shared/engineProtocol';
import { FINE_TUNE_TRAIN_CONFIG } from '../model/graph/config';
import { fineTunedState, runFineTune } from '../model/training/fineTune';
import { BackendPreference, initBackend } from '../node/backend';
import { loadModelDir, ModelWriter, openModelWriter } from '../node/modelFiles';
import { FineTuneOptions, FineTuneResult, isHostToTrainer, TrainerToHost, TrainFile } from '../shared/trainProtocol';

const port = parentPort;
if (!port) throw new Error('trainWorker must run in a worker thread');
const post = (m: TrainerToHost): void => port.postMessage(m);
const abort = new AbortController();
let started = false;

async function run(files: TrainFile[], o: FineTuneOptions): Promise<void> {
  const t0 = Date.now();
  // The writer's lock is held for the whole run: no other process saves or rewrites the workspace model meanwhile,
  // and a folder that cannot be written is refused before any training. The command replaces its own model.
  const writer = await openModelWriter(o.outDir, { replaceModel: true });
  let result: FineTuneResult;
  try {
    result = await fineTuneInto(writer, files, o, t0);
  } finally {
    await writer.release();
  }
  // Only once the lock is released: the host ends this thread as soon as it hears the run is over.
  post({ kind: 'finished', result });
}

async function fineTuneInto(writer: ModelWriter, files: TrainFile[], o: FineTuneOptions, t0: number): Promise<FineTuneResult> {
  const backend = await initBackend(o.backend as BackendPreference);
  const { model, metadata } = await loadModelDir(o.baseModelDir);
  post({ kind: 'log', level: 'info', message: `fine-tuning ${metadata.name ?? o.baseModelDir} on ${backend.name}` });
  const config = { ...FINE_TUNE_TRAIN_CONFIG, seed: o.seed };
  let peakRss = process.memoryUsage().rss;
  if (o.workers > 1) post({ kind: 'log', level: 'info', message: `data-parallel over ${o.workers} threads` });
  const report = await runFineTune(model, files, config, {
    // Data-parallel over gradient workers (src/node/parallelLearner.ts); one thread is the plain learner.
    learner: (m, c) => ParallelLearner.start(m, c, { workers: o.workers, workerPath: join(__dirname, 'gradientWorker.js'), backend: backend.name as BackendName }),
    signal: abort.signal,
    deadline: t0 + o.minutes * 60_000,
    onProgress: (p) => {
      if (p.validationLoss === null && p.step % 5 !== 0) return;
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
    },
  });
  // A cancel keeps the previous model even after a gain: the user asked to stop, not to replace it.
  const outcome = report.outcome === 'improved' ? 'saved' : report.outcome;
  if (outcome === 'saved') {
    await writer.save(model, {
      training: fineTunedState(metadata, o.baseModelDir, { step: report.bestStep, loss: report.bestLoss, trainedChars: report.trainedChars, validatedOn: report.validatedOn }, o.seed),
      name: o.outName,
      memory: report.memory,
    });
  }
  model.dispose();
  return {
    outcome,
    validatedOn: report.validatedOn,
    modelDir: outcome === 'saved' ? o.outDir : null,
    baseValidationBpc: report.startLoss / Math.LN2,
    bestValidationBpc: report.bestLoss / Math.LN2,
    steps: report.steps,
    seconds: (Date.now() - t0) / 1000,
    peakRssMB: peakRss / 2 ** 20,
    trainFiles: report.trainFiles,
    validationFiles: report.validationFiles,
  };
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
