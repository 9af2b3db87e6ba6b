// Runs one fine-tune, or one adaptation to a document, in its own worker thread and turns its messages into a
// promise and callbacks. Cancelling asks the worker to stop between steps; the worker then discards its staging folder.
import { Worker } from 'node:worker_threads';
import type { NamedArray } from '../shared/namedArray';
import { AdaptOptions, AdaptResult, FineTuneOptions, FineTuneResult, HostToTrainer, isTrainerToHost, TrainerToHost, TrainFile, TrainPoint } from '../shared/trainProtocol';

export interface FineTuneCallbacks {
  onProgress(point: TrainPoint): void;
  /** A gain was saved (background runs save each one as it comes). */
  onSaved?(step: number): void;
  /** Background runs: the worker holds before its next step (paused), after `step` steps. */
  onHeld?(step: number): void;
  log(level: 'info' | 'warn' | 'error', message: string): void;
}

/** One worker thread for one run: it ends with the run, and hears cancel, pause and resume between steps. */
abstract class TrainThread<T> {
  protected readonly worker: Worker;
  readonly done: Promise<T>;

  protected constructor(workerPath: string, crashed: string, listen: (m: TrainerToHost, resolve: (v: T) => void, reject: (e: Error) => void) => void, log: FineTuneCallbacks['log']) {
    this.worker = new Worker(workerPath);
    this.done = new Promise<T>((resolve, reject) => {
      this.worker.on('message', (m: unknown) => {
        if (!isTrainerToHost(m)) return log('warn', `ignored a malformed message from the ${crashed}`);
        if (m.kind === 'failed') reject(new Error(m.message));
        else if (m.kind === 'log') log(m.level, m.message);
        else listen(m, resolve, reject);
      });
      this.worker.on('error', (e) => reject(new Error(`${crashed} crashed: ${e.message}`)));
      this.worker.on('exit', (code) => reject(new Error(`${crashed} exited with code ${code}`)));
    });
    // The worker's job ends with the run, whatever the outcome.
    this.done.then(
      () => void this.worker.terminate(),
      () => void this.worker.terminate(),
    );
  }

  protected post(m: HostToTrainer): void {
    this.worker.postMessage(m);
  }

  /** Stop before the next step; the previous model stays. */
  cancel(): void {
    this.post({ kind: 'cancel' });
  }

  /** Background runs: hold before the next step (the user is typing) / go on. */
  pause(): void {
    this.post({ kind: 'pause' });
  }

  resume(): void {
    this.post({ kind: 'resume' });
  }
}

export class FineTuneRun extends TrainThread<FineTuneResult> {
  constructor(workerPath: string, files: TrainFile[], options: FineTuneOptions, callbacks: FineTuneCallbacks) {
    super(workerPath, 'fine-tune worker', (m, resolve) => {
      switch (m.kind) {
        case 'progress':
          return callbacks.onProgress(m.point);
        case 'saved':
          return callbacks.onSaved?.(m.step);
        case 'held':
          return callbacks.onHeld?.(m.step);
        case 'finished':
          return resolve(m.result);
        case 'adapted':
          return callbacks.log('warn', 'the fine-tune worker answered as an adaptation');
      }
    }, callbacks.log);
    this.post({ kind: 'start', files, options });
  }
}

/** One adaptation of the engine's model to a document (src/model/training/adapt.ts), held while the user types. */
export class AdaptRun extends TrainThread<{ result: AdaptResult; weights: NamedArray[] | null }> {
  constructor(workerPath: string, document: TrainFile, options: AdaptOptions, log: FineTuneCallbacks['log']) {
    super(workerPath, 'learning worker', (m, resolve) => {
      if (m.kind === 'adapted') resolve({ result: m.result, weights: m.weights });
    }, log);
    this.post({ kind: 'adapt', document, options });
  }
}
