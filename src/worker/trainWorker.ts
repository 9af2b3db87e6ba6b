// The fine-tune worker: runs the one fine-tune recipe (src/model/training/fineTune.ts) on the workspace's files,
// off the extension host's thread, and saves the result only when it beat the model it started from; the save
// is atomic (src/node/modelFiles.ts), so a cancel or a crash leaves the previous model as it was.
import { setPriority } from 'node:os';
import { join } from 'node:path';
import { parentPort } from 'node:worker_threads';
import { ParallelLearner } from '../node/parallelLearner';
import type { BackendName } from '../shared/engineProtocol';
import { FINE_TUNE_TRAIN_CONFIG } from '../model/graph/config';
import { FineTuneReport, fineTunedState, runFineTune } from '../model/training/fineTune';
import { memoryOf } from '../shared/memory';
import { learnWorkspace, LearnHooks } from '../model/training/learn';
import { LEARN_STEPS } from '../shared/learning';
import { BackendPreference, initBackend } from '../node/backend';
import { loadModelDir, ModelWriter, openModelWriter } from '../node/modelFiles';
import { weightArrays } from '../model/graph/serialize';
import { AdaptOptions, FineTuneOptions, FineTuneResult, isHostToTrainer, TrainerToHost, TrainFile } from '../shared/trainProtocol';
import { adaptToDocument } from '../model/training/adapt';

const port = parentPort;
if (!port) throw new Error('trainWorker must run in a worker thread');
const post = (m: TrainerToHost): void => port.postMessage(m);
const abort = new AbortController();
let started = false;
/** Background runs: set while the user types; the next step waits for `resume` (or a cancel). */
let paused = false;
let wake: (() => void) | null = null;
const release = (): void => {
  wake?.();
  wake = null;
};
/** Steps taken so far in this run (for the `held` message). */
let stepsTaken = 0;
const gate = (): Promise<void> => {
  if (!paused || abort.signal.aborted) return Promise.resolve();
  post({ kind: 'held', step: stepsTaken });
  return new Promise((resolve) => (wake = resolve));
};

/**
 * Below the editor's priority. On Linux a thread is its own scheduling entity and setpriority(0) names the calling
 * thread only; elsewhere it would lower the whole extension host, so there the pauses alone keep out of the way.
 */
function lowerPriority(): void {
  if (process.platform !== 'linux') return;
  try {
    setPriority(19);
  } catch (e) {
    post({ kind: 'log', level: 'warn', message: `could not lower the learner's priority: ${(e as Error).message}` });
  }
}

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
  // Before the backend starts any thread of its own.
  if (o.background) lowerPriority();
  const backend = await initBackend(o.backend as BackendPreference);
  const { model, metadata } = await loadModelDir(o.baseModelDir);
  post({ kind: 'log', level: 'info', message: `${o.background ? 'learning the workspace' : 'fine-tuning'} from ${metadata.name ?? o.baseModelDir} on ${backend.name}${o.background ? `, ${o.maxSteps ?? LEARN_STEPS} step(s), one thread` : ''}` });
  const config = { ...FINE_TUNE_TRAIN_CONFIG, seed: o.seed };
  let peakRss = process.memoryUsage().rss;
  const budgetMs = o.minutes === null ? null : o.minutes * 60_000;
  const memory = memoryOf(files);
  /** The step of the last gain saved (background runs save each one). */
  let savedStep: number | null = null;
  const save = async (step: number, loss: number, trainedChars: number, validatedOn: FineTuneReport['validatedOn']): Promise<void> => {
    await writer.save(model, { training: fineTunedState(metadata, o.baseModelDir, { step, loss, trainedChars, validatedOn }, o.seed), name: o.outName, memory });
    savedStep = step;
    post({ kind: 'saved', step });
  };
  if (o.workers > 1) post({ kind: 'log', level: 'info', message: `data-parallel over ${o.workers} threads` });
  const hooks: LearnHooks = {
    signal: abort.signal,
    onProgress: (p) => {
      stepsTaken = p.step;
      if (p.validationLoss === null && p.step % 5 !== 0) return;
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      const remaining = p.fraction > 0 ? (p.elapsedMs / p.fraction) * (1 - p.fraction) : (budgetMs ?? 0);
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
  };
  // The background learner runs the one learning recipe on this thread (as `suggest --learn` and `eval --replay
  // --learn` do), held while the user types and saving each gain; the command runs the fine-tune data-parallel
  // (src/node/parallelLearner.ts) against a deadline.
  const report = o.background
    ? await learnWorkspace(model, files, o.maxSteps ?? LEARN_STEPS, {
      ...hooks,
      gate,
      onEvaluation: async (p, improved, validatedOn) => {
        if (improved && p.validationLoss !== null) await save(p.step, p.validationLoss, p.trainedChars, validatedOn);
      },
    })
    : await runFineTune(model, files, config, {
      ...hooks,
      learner: (m, c) => ParallelLearner.start(m, c, { workers: o.workers, workerPath: join(__dirname, 'gradientWorker.js'), backend: backend.name as BackendName }),
      deadline: budgetMs === null ? undefined : t0 + budgetMs,
      maxSteps: o.maxSteps,
    });
  // A cancel keeps the previous model even after a gain: the user asked to stop, not to replace it. A background
  // run has saved its gains as they came: what it saved stays.
  const outcome = report.outcome === 'improved' || savedStep !== null ? 'saved' : report.outcome;
  if (outcome === 'saved' && savedStep !== report.bestStep && report.outcome === 'improved') {
    await save(report.bestStep, report.bestLoss, report.trainedChars, report.validatedOn);
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

/**
 * Adapts the engine's model to the document in hand (src/model/training/adapt.ts) as a background run: below the
 * editor's priority, one thread, held while the user types; the weights go back to the host, nothing is saved.
 */
async function adapt(document: TrainFile, o: AdaptOptions): Promise<void> {
  const t0 = Date.now();
  lowerPriority();
  await initBackend(o.backend as BackendPreference);
  const { model } = await loadModelDir(o.modelDir);
  try {
    const report = await adaptToDocument(model, document, o.steps, {
      signal: abort.signal,
      gate: () => {
        const held = gate();
        stepsTaken++;
        return held;
      },
    });
    const weights = report.outcome === 'adapted' ? weightArrays(model.weights) : null;
    post({ kind: 'adapted', result: { ...report, seconds: (Date.now() - t0) / 1000 }, weights });
  } finally {
    model.dispose();
  }
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
    case 'adapt':
      if (started) return;
      started = true;
      adapt(m.document, m.options).catch((e: Error) => post({ kind: 'failed', message: e.message }));
      return;
    case 'cancel':
      abort.abort();
      release();
      return;
    case 'pause':
      paused = true;
      return;
    case 'resume':
      paused = false;
      release();
      return;
  }
});
