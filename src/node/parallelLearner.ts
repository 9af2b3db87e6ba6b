// Data-parallel training over worker threads: TensorFlow.js's wasm backend uses one core, so each extra core gets a
// gradient worker (src/worker/gradientWorker.ts) with a replica of the model. Each step splits the batch into
// row shares; this thread computes the first share while the workers compute theirs; the gradients meet in shared
// memory, are summed (weighted by rows), clipped and applied once here, and the new weights go back through shared
// memory. Every replica therefore holds the same weights at every step. A worker that fails ends the step with an
// error naming it, never a hang.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { TrainConfig } from '../model/graph/config';
import type { Batch, Seq2SeqModel } from '../model/graph/seq2seq';
import { sliceBatch } from '../model/training/dataset';
import { Seq2SeqLearner, StepLearner } from '../model/training/learner';
import type { BackendName } from '../shared/engineProtocol';
import { isWorkerToLearner, LearnerToWorker, WorkerToLearner } from './gradientProtocol';

/** The default worker count: every core but one (at least one), so the machine stays usable. */
export function defaultWorkers(): number {
  return Math.max(1, availableParallelism() - 1);
}

interface Helper {
  worker: Worker;
  slot: Float32Array;
  /** The answer the current request waits for. */
  pending: { resolve(m: WorkerToLearner): void; reject(e: Error): void } | null;
  failure: Error | null;
}

export class ParallelLearner implements StepLearner {
  private readonly local: Seq2SeqLearner;
  private readonly helpers: Helper[] = [];
  private readonly weights: Float32Array;
  private readonly ownSlot: Float32Array;
  private version = 0;
  private disposed = false;

  /** `workers` counts this thread: 2 means this thread and one gradient worker. */
  private constructor(readonly model: Seq2SeqModel, config: TrainConfig, readonly workers: number) {
    this.local = new Seq2SeqLearner(model, config);
    const total = this.local.variableSizes.reduce((a, b) => a + b, 0);
    this.weights = new Float32Array(new SharedArrayBuffer(4 * total));
    this.ownSlot = new Float32Array(total);
  }

  /** Starts the gradient workers and waits until each holds a replica; with workers = 1, no thread is started. */
  static async start(model: Seq2SeqModel, config: TrainConfig, o: { workers: number; workerPath: string; backend: BackendName }): Promise<ParallelLearner> {
    const learner = new ParallelLearner(model, config, Math.max(1, Math.floor(o.workers)));
    try {
      await learner.spawn(o.workerPath, o.backend);
    } catch (e) {
      await learner.dispose();
      throw e;
    }
    return learner;
  }

  private async spawn(workerPath: string, backend: BackendName): Promise<void> {
    const total = this.weights.length;
    const names = this.local.variableNames;
    await Promise.all(
      Array.from({ length: this.workers - 1 }, async (_, k) => {
        const gradients = new SharedArrayBuffer(4 * total);
        const helper: Helper = { worker: new Worker(workerPath), slot: new Float32Array(gradients), pending: null, failure: null };
        this.helpers.push(helper);
        const fail = (e: Error): void => {
          helper.failure = e;
          helper.pending?.reject(e);
          helper.pending = null;
        };
        helper.worker.on('message', (m: unknown) => {
          if (!isWorkerToLearner(m)) return fail(new Error(`gradient worker ${k + 1} sent a malformed message`));
          if (m.kind === 'error') return fail(new Error(`gradient worker ${k + 1} failed: ${m.message}`));
          const p = helper.pending;
          helper.pending = null;
          p?.resolve(m);
        });
        helper.worker.on('error', (e) => fail(new Error(`gradient worker ${k + 1} crashed: ${e.message}`)));
        helper.worker.on('exit', (code) => {
          if (!this.disposed) fail(new Error(`gradient worker ${k + 1} exited (code ${code}), perhaps out of memory`));
        });
        const v = this.model.config;
        await this.ask(helper, { kind: 'init', backend, config: v, vocabulary: { chars: [...this.model.vocab.chars], specials: [...this.model.vocab.specials] }, names, weights: this.weights.buffer as SharedArrayBuffer, gradients });
      }),
    );
  }

  private ask(helper: Helper, m: LearnerToWorker): Promise<WorkerToLearner> {
    if (helper.failure) return Promise.reject(helper.failure);
    return new Promise((resolve, reject) => {
      helper.pending = { resolve, reject };
      helper.worker.postMessage(m);
    });
  }

  /** Copies the model's weights into shared memory (after each update), for the workers to read at their next share. */
  private publishWeights(): void {
    let at = 0;
    for (const v of this.model.weights.values()) {
      const values = v.dataSync() as Float32Array;
      this.weights.set(values, at);
      at += values.length;
    }
    this.version++;
  }

  async trainStep(batch: Batch): Promise<number> {
    if (this.helpers.length === 0) return this.local.trainStep(batch);
    if (this.version === 0) this.publishWeights();
    // Row shares as equal as the batch allows; this thread takes the first.
    const n = this.helpers.length + 1;
    const bounds = Array.from({ length: n + 1 }, (_, k) => Math.round((k * batch.batchSize) / n));
    const asked = this.helpers.map((h, k) =>
      this.ask(h, { kind: 'gradient', step: this.version, version: this.version, batch: sliceBatch(batch, bounds[k + 1] as number, bounds[k + 2] as number) }),
    );
    const ownRows = (bounds[1] as number) - (bounds[0] as number);
    const ownLoss = this.local.gradientsInto(sliceBatch(batch, 0, ownRows), this.ownSlot);
    const answers = await Promise.all(asked);
    // The loss is a mean over rows: the batch's gradient is the row-weighted mean of the shares'.
    const sum = this.ownSlot;
    const w0 = ownRows / batch.batchSize;
    for (let i = 0; i < sum.length; i++) sum[i] = (sum[i] as number) * w0;
    let loss = ownLoss * w0;
    this.helpers.forEach((h, k) => {
      const w = ((bounds[k + 2] as number) - (bounds[k + 1] as number)) / batch.batchSize;
      const slot = h.slot;
      for (let i = 0; i < sum.length; i++) sum[i] = (sum[i] as number) + w * (slot[i] as number);
      const a = answers[k] as Extract<WorkerToLearner, { kind: 'gradient' }>;
      loss += a.loss * w;
    });
    this.local.applyGradients(sum);
    this.publishWeights();
    return loss;
  }

  /**
   * The physical limit the data-parallel learner is measured against: every gradient worker (and no coordinating
   * thread) trains a model of its own on its own batches at the same time, as independent processes would; the
   * aggregate processed characters per second over the wall time.
   */
  async independentRate(batchesPerWorker: Batch[][], config: TrainConfig): Promise<{ processedPerSecond: number; targetsPerSecond: number }> {
    const t0 = performance.now();
    const answers = await Promise.all(
      this.helpers.map((h, k) => this.ask(h, { kind: 'trainAlone', batches: batchesPerWorker[k] ?? [], learningRate: config.learningRate, clipNorm: config.clipNorm })),
    );
    const seconds = (performance.now() - t0) / 1000;
    let processed = 0;
    let targets = 0;
    for (const a of answers) {
      if (a.kind !== 'trainedAlone') throw new Error(`unexpected answer ${a.kind}`);
      processed += a.processedChars;
      targets += a.targetChars;
    }
    return { processedPerSecond: processed / seconds, targetsPerSecond: targets / seconds };
  }

  score(batch: Batch): number {
    return this.local.score(batch);
  }

  /** The optimiser of this thread (the only one that updates weights): its state goes into checkpoints. */
  get learner(): Seq2SeqLearner {
    return this.local;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.local.dispose();
    await Promise.all(this.helpers.map((h) => h.worker.terminate()));
  }
}
