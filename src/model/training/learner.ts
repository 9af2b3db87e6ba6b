// One optimisation step of the seq2seq model: loss, gradients, global-norm clipping, Adam. Also scores
// batches without training them, and carries the optimiser state in and out of checkpoints.
import type { Optimizer } from '@tensorflow/tfjs-core';
import type { TrainConfig } from '../graph/config';
import { batchLoss, Batch, Seq2SeqModel } from '../graph/seq2seq';
import type { NamedArray } from '../../shared/namedArray';
import { tf, Tensor, Variable } from '../graph/tf';

/** What a training loop needs of a learner: this one, or a data-parallel one over threads (src/node/parallelLearner.ts). */
export interface StepLearner {
  /** Trains on one batch; the loss before the update, in nats per target character. */
  trainStep(batch: Batch): number | Promise<number>;
  score(batch: Batch): number;
  dispose(): void | Promise<void>;
}

export class Seq2SeqLearner implements StepLearner {
  readonly optimizer: Optimizer;
  private readonly variables: Variable[];

  constructor(readonly model: Seq2SeqModel, private readonly config: TrainConfig) {
    this.optimizer = tf.train.adam(config.learningRate);
    this.variables = [...model.weights.values()];
  }

  /**
   * Sets the rate of the next updates (a schedule, schedule.ts). tfjs's Adam reads its learningRate field at every
   * update and offers no setter; its moments are kept, which a new optimiser would lose.
   */
  setLearningRate(rate: number): void {
    if (!(rate >= 0) || !Number.isFinite(rate)) throw new Error(`learning rate ${rate} is not a finite number >= 0`);
    (this.optimizer as unknown as { learningRate: number }).learningRate = rate;
  }

  get learningRate(): number {
    return (this.optimizer as unknown as { learningRate: number }).learningRate;
  }

  /** Trains on one batch; returns its loss before the update, in nats per target character. */
  trainStep(batch: Batch): number {
    return tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => batchLoss(this.model, batch), this.variables);
      this.applyClipped(grads);
      return value.dataSync()[0] as number;
    });
  }

  /** Global-norm clipping, then one Adam update. */
  private applyClipped(grads: Record<string, Tensor>): void {
    const names = Object.keys(grads);
    const norm = tf.sqrt(tf.addN(names.map((n) => tf.sum(tf.square(grads[n] as Tensor)))));
    const scale = tf.minimum(1, tf.div(this.config.clipNorm, tf.add(norm, 1e-6)));
    const clipped: Record<string, Tensor> = {};
    for (const n of names) clipped[n] = tf.mul(grads[n] as Tensor, scale);
    this.optimizer.applyGradients(clipped);
  }

  /** The weights' names in the model, in the order gradientsInto and applyGradients use. */
  get variableNames(): string[] {
    return [...this.model.weights.keys()];
  }

  /** Sizes of the variables in that order: where each one's gradient sits in a flat buffer. */
  get variableSizes(): number[] {
    return this.variables.map((v) => v.size);
  }

  /**
   * Computes one batch's gradients (data-parallel training: a share of the batch) into `out`, flat in variable
   * order, without touching the weights; returns the loss.
   */
  gradientsInto(batch: Batch, out: Float32Array): number {
    return tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => batchLoss(this.model, batch), this.variables);
      let at = 0;
      for (const v of this.variables) {
        const g = (grads[v.name] as Tensor).dataSync() as Float32Array;
        out.set(g, at);
        at += g.length;
      }
      return value.dataSync()[0] as number;
    });
  }

  /** Clips and applies gradients given flat in variable order (the sum of the workers' shares). */
  applyGradients(flat: Float32Array): void {
    tf.tidy(() => {
      const grads: Record<string, Tensor> = {};
      let at = 0;
      for (const v of this.variables) {
        grads[v.name] = tf.tensor(flat.subarray(at, at + v.size), v.shape);
        at += v.size;
      }
      this.applyClipped(grads);
    });
  }

  /** Loss of a batch without touching the weights. */
  score(batch: Batch): number {
    return tf.tidy(() => batchLoss(this.model, batch).dataSync()[0] as number);
  }

  async optimizerState(): Promise<NamedArray[]> {
    const named = await this.optimizer.getWeights();
    return named.map((w, k) => ({ name: `${k}:${w.name}`, shape: [...w.tensor.shape], values: w.tensor.dataSync().slice() as Float32Array }));
  }

  async restoreOptimizerState(arrays: NamedArray[]): Promise<void> {
    await this.optimizer.setWeights(arrays.map((a) => ({ name: a.name.replace(/^\d+:/, ''), tensor: tf.tensor(a.values, a.shape) })));
  }

  dispose(): void {
    this.optimizer.dispose();
  }
}
