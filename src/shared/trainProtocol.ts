// Messages between the extension host and the fine-tune worker (one worker per run). Defined once for both
// sides; incoming messages are checked by the guards before an exhaustive switch handles them.
import { isObject } from './guards';
import { BACKEND_NAMES, BackendName } from './engineProtocol';
import { isNamedArrayList, NamedArray } from './namedArray';
import type { LanguageFamily } from './language';

export interface TrainFile {
  path: string;
  text: string;
  family: LanguageFamily;
}

export interface FineTuneOptions {
  baseModelDir: string;
  /** Where the result goes; written only when training improved on the base model, atomically. */
  outDir: string;
  outName: string;
  /** Time budget; null: none (the background learner's run ends by its step budget). */
  minutes: number | null;
  /** Step budget; absent: none. */
  maxSteps?: number;
  /**
   * The background learner's run: the thread runs below the editor's priority, holds between steps while paused,
   * and saves every gain as it comes (a run cut short by a restart resumes from what it saved).
   */
  background?: boolean;
  backend: BackendName;
  seed: number;
  /** Threads that compute gradients (data-parallel), this one included; the host keeps one core for the editor. */
  workers: number;
}

export interface TrainPoint {
  step: number;
  /** Share of the time budget used, [0, 1]. */
  fraction: number;
  charsPerSecond: number;
  trainBpc: number;
  validationBpc: number | null;
  bestValidationBpc: number | null;
  etaSeconds: number;
  rssMB: number;
}

/** diverged: the loss stopped being a number before any gain (nothing is saved, as for no-improvement). */
export type FineTuneOutcome = 'saved' | 'cancelled' | 'no-improvement' | 'diverged';

export interface FineTuneResult {
  outcome: FineTuneOutcome;
  /** What the validation figures were measured on: held-out files, or the training files when none were held out. */
  validatedOn: 'held-out files' | 'training files';
  modelDir: string | null;
  baseValidationBpc: number | null;
  bestValidationBpc: number | null;
  steps: number;
  seconds: number;
  peakRssMB: number;
  trainFiles: number;
  validationFiles: number;
}

/** Adapting a model to the document in hand: nothing is saved, the weights come back to the host. */
export interface AdaptOptions {
  /** The folder of the model the engine serves; the host sends the weights to the engine for that load only. */
  modelDir: string;
  steps: number;
  backend: BackendName;
}

const ADAPT_OUTCOMES: readonly string[] = ['adapted', 'cancelled', 'diverged', 'empty'];

/** How an adaptation ended; weights come with `adapted` only. */
export interface AdaptResult {
  outcome: 'adapted' | 'cancelled' | 'diverged' | 'empty';
  steps: number;
  bitsPerChar: number | null;
  seconds: number;
}

export type HostToTrainer =
  /** Host, once per worker: the files to learn from and where to put the result. */
  | { kind: 'start'; files: TrainFile[]; options: FineTuneOptions }
  /** Host, once per worker, instead of `start`: adapt a model to one document (runs as a background run). */
  | { kind: 'adapt'; document: TrainFile; options: AdaptOptions }
  /** Host, when the user presses Cancel: stop before the next step, keep the previous model. */
  | { kind: 'cancel' }
  /** Host, when the user types (background runs): hold before the next step until resumed. */
  | { kind: 'pause' }
  | { kind: 'resume' };

export type TrainerToHost =
  /** Worker, after each batch that is worth reporting (every evaluation and every few steps). */
  | { kind: 'progress'; point: TrainPoint }
  /** Worker, background runs: it is holding before its next step (paused), with the steps taken so far. */
  | { kind: 'held'; step: number }
  /** Worker, after it saved a gain (background runs save each one; the command saves once, at the end). */
  | { kind: 'saved'; step: number }
  /** Worker, at the end of a run that did not fail. */
  | { kind: 'finished'; result: FineTuneResult }
  /** Worker, at the end of an adaptation that did not fail: the adapted weights when it adapted. */
  | { kind: 'adapted'; result: AdaptResult; weights: NamedArray[] | null }
  /** Worker, when the run failed; nothing was written. */
  | { kind: 'failed'; message: string }
  | { kind: 'log'; level: 'info' | 'warn' | 'error'; message: string };

const isTrainFile = (f: unknown): f is TrainFile => isObject(f) && typeof f.path === 'string' && typeof f.text === 'string' && typeof f.family === 'string';

export function isHostToTrainer(m: unknown): m is HostToTrainer {
  if (!isObject(m)) return false;
  switch (m.kind) {
    case 'start':
      return (
        Array.isArray(m.files) &&
        m.files.every(isTrainFile) &&
        isObject(m.options) &&
        typeof m.options.baseModelDir === 'string' &&
        typeof m.options.outDir === 'string' &&
        (typeof m.options.minutes === 'number' || m.options.minutes === null) &&
        (m.options.maxSteps === undefined || (Number.isInteger(m.options.maxSteps) && (m.options.maxSteps as number) >= 0)) &&
        Number.isInteger(m.options.workers) && (m.options.workers as number) >= 1
      );
    case 'adapt':
      return (
        isTrainFile(m.document) && isObject(m.options) && typeof m.options.modelDir === 'string' &&
        Number.isInteger(m.options.steps) && (m.options.steps as number) >= 0 && (BACKEND_NAMES as readonly unknown[]).includes(m.options.backend)
      );
    case 'cancel':
    case 'pause':
    case 'resume':
      return true;
    default:
      return false;
  }
}

export function isTrainerToHost(m: unknown): m is TrainerToHost {
  if (!isObject(m)) return false;
  switch (m.kind) {
    case 'progress':
      return isObject(m.point) && typeof m.point.step === 'number' && typeof m.point.fraction === 'number';
    case 'finished':
      return isObject(m.result) && typeof m.result.outcome === 'string';
    case 'adapted':
      return (
        isObject(m.result) && ADAPT_OUTCOMES.includes(m.result.outcome as string) && Number.isInteger(m.result.steps) && typeof m.result.seconds === 'number' &&
        (m.result.bitsPerChar === null || typeof m.result.bitsPerChar === 'number') && (m.weights === null || isNamedArrayList(m.weights))
      );
    case 'saved':
    case 'held':
      return typeof m.step === 'number';
    case 'failed':
      return typeof m.message === 'string';
    case 'log':
      return typeof m.message === 'string' && ['info', 'warn', 'error'].includes(m.level as string);
    default:
      return false;
  }
}
