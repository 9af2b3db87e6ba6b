// One optimisation step of the seq2seq model: loss, gradients, global-norm clipping, Adam. Also scores
// batches without training them, and carries the optimiser state in and out of checkpoints.
import type { Optimizer } from '@tensorflow/tfjs-core';
import type { TrainConfig } from '../graph/config';
import { batchLoss, Batch, Seq2SeqModel } from '../graph/seq2seq';
import type { NamedArray } from '../graph/serialize';
import { tf, Tensor, Variable } from '../graph/tf';

export class Seq2SeqLearner {
  readonly optimizer: Optimizer;
  private readonly variables: Variable[];

  constructor(readonly model: Seq2SeqModel, private readonly config: TrainConfig) {
    this.optimizer = tf.train.adam(config.learningRate);
    this.variables = [...model.weights.values()];
  }

  /** Trains on one batch; returns its loss before the update, in nats per target character. */
  trainStep(batch: Batch): number {
    return tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => batchLoss(this.model, batch), this.variables);
      const names = Object.keys(grads);
      const norm = tf.sqrt(tf.addN(names.map((n) => tf.sum(tf.square(grads[n] as Tensor)))));
      const scale = tf.minimum(1, tf.div(this.config.clipNorm, tf.add(norm, 1e-6)));
      const clipped: Record<string, Tensor> = {};
      for (const n of names) clipped[n] = tf.mul(grads[n] as Tensor, scale);
      this.optimizer.applyGradients(clipped);
      return value.dataSync()[0] as number;
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
