// Runs one fine-tune, or one adaptation to a document, in its own worker thread and turns its messages into a
// promise and callbacks. Cancelling asks the worker to stop between steps; the worker then discards its staging folder.
import { Worker } from 'node:worker_threads';
import type { WeightArray } from '../shared/engineProtocol';
import { AdaptOptions, AdaptResult, FineTuneOptions, FineTuneResult, HostToTrainer, isTrainerToHost, TrainFile, TrainPoint } from '../shared/trainProtocol';

export interface FineTuneCallbacks {
  onProgress(point: TrainPoint): void;
  /** A gain was saved (background runs save each one as it comes). */
  onSaved?(step: number): void;
  /** Background runs: the worker holds before its next step (paused), after `step` steps. */
  onHeld?(step: number): void;
  log(level: 'info' | 'warn' | 'error', message: string): void;
}

export class FineTuneRun {
  private readonly worker: Worker;
  readonly done: Promise<FineTuneResult>;

  constructor(workerPath: string, files: TrainFile[], options: FineTuneOptions, callbacks: FineTuneCallbacks) {
    this.worker = new Worker(workerPath);
    this.done = new Promise<FineTuneResult>((resolve, reject) => {
      this.worker.on('message', (m: unknown) => {
        if (!isTrainerToHost(m)) {
          callbacks.log('warn', 'ignored a malformed message from the fine-tune worker');
          return;
        }
        switch (m.kind) {
          case 'progress':
            callbacks.onProgress(m.point);
            return;
          case 'saved':
            callbacks.onSaved?.(m.step);
            return;
          case 'held':
            callbacks.onHeld?.(m.step);
            return;
          case 'log':
            callbacks.log(m.level, m.message);
            return;
          case 'finished':
            resolve(m.result);
            return;
          case 'adapted':
            callbacks.log('warn', 'the fine-tune worker answered as an adaptation');
            return;
          case 'failed':
            reject(new Error(m.message));
            return;
        }
      });
      this.worker.on('error', (e) => reject(new Error(`fine-tune worker crashed: ${e.message}`)));
      this.worker.on('exit', (code) => reject(new Error(`fine-tune worker exited with code ${code}`)));
    });
    // The worker's job ends with the run, whatever the outcome.
    this.done.then(
      () => void this.worker.terminate(),
      () => void this.worker.terminate(),
    );
    this.post({ kind: 'start', files, options });
  }

  private post(m: HostToTrainer): void {
    this.worker.postMessage(m);
  }

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

/** One adaptation of the engine's model to a document (src/model/training/adapt.ts), held while the user types. */
export class AdaptRun {
  private readonly worker: Worker;
  readonly done: Promise<{ result: AdaptResult; weights: WeightArray[] | null }>;

  constructor(workerPath: string, document: TrainFile, options: AdaptOptions, log: FineTuneCallbacks['log']) {
    this.worker = new Worker(workerPath);
    this.done = new Promise((resolve, reject) => {
      this.worker.on('message', (m: unknown) => {
        if (!isTrainerToHost(m)) return log('warn', 'ignored a malformed message from the learning worker');
        if (m.kind === 'adapted') resolve({ result: m.result, weights: m.weights });
        else if (m.kind === 'failed') reject(new Error(m.message));
        else if (m.kind === 'log') log(m.level, m.message);
      });
      this.worker.on('error', (e) => reject(new Error(`learning worker crashed: ${e.message}`)));
      this.worker.on('exit', (code) => reject(new Error(`learning worker exited with code ${code}`)));
    });
    this.done.then(
      () => void this.worker.terminate(),
      () => void this.worker.terminate(),
    );
    this.post({ kind: 'adapt', document, options });
  }

  private post(m: HostToTrainer): void {
    this.worker.postMessage(m);
  }

  cancel(): void {
    this.post({ kind: 'cancel' });
  }

  pause(): void {
    this.post({ kind: 'pause' });
  }

  resume(): void {
    this.post({ kind: 'resume' });
  }
}
