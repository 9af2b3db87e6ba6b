// The seq2seq LSTM as differentiable ops for training and scoring: an encoder reads the window before the
// cursor, its final (h, c) per layer start a decoder that is teacher-forced on the characters that follow.
import type { ModelConfig } from './config';
import type { Scalar } from '@tensorflow/tfjs-core';
import { tf, Tensor2D, Variable } from './tf';
import type { Vocabulary } from './vocab';
import {
  biasName, createWeights, DENSE_BIAS, DENSE_KERNEL, Gate, kernelName, peepholeName, Stack, WeightMap,
} from './weights';

/** A batch of windows, row-major typed arrays so they cross threads cheaply. */
export interface Batch {
  batchSize: number;
  /** Encoder steps per row, left padding included. */
  encoderLength: number;
  /** [batch, encoderLength] token ids: marker, optional START, context characters. */
  encoderIds: Int32Array;
  /** [batch] leading steps of each row that are padding; the state stays zero through them. */
  encoderPad: Int32Array;
  /** Decoder steps per row. */
  targetLength: number;
  /** [batch, targetLength]: START then the targets shifted right by one. */
  decoderInputs: Int32Array;
  /** [batch, targetLength]: the characters after the cursor (END past the end of the file). */
  targets: Int32Array;
}

export interface LstmState {
  h: Tensor2D; // [batch, hidden]
  c: Tensor2D; // [batch, hidden]
}

export class Seq2SeqModel {
  constructor(readonly config: ModelConfig, readonly vocab: Vocabulary, readonly weights: WeightMap) {}

  static create(config: ModelConfig, vocab: Vocabulary, seed: number): Seq2SeqModel {
    return new Seq2SeqModel(config, vocab, createWeights(config, vocab, seed));
  }

  weight(name: string): Variable {
    const w = this.weights.get(name);
    if (!w) throw new Error(`model has no weight named ${name}`);
    return w;
  }

  get parameterCount(): number {
    let n = 0;
    for (const w of this.weights.values()) n += w.size;
    return n;
  }

  dispose(): void {
    for (const w of this.weights.values()) w.dispose();
    this.weights.clear();
  }
}

/** One-hot rows for column t of a [rows, cols] id matrix: [rows, vocab]. */
function oneHotColumn(ids: Int32Array, rows: number, cols: number, t: number, vocabSize: number): Tensor2D {
  // Built in JavaScript: wasm's float32 OneHot writes int32 bit patterns (see shared/recipes/tfjs-on-cpu.md).
  const buf = new Float32Array(rows * vocabSize);
  for (let r = 0; r < rows; r++) buf[r * vocabSize + (ids[r * cols + t] as number)] = 1;
  return tf.tensor2d(buf, [rows, vocabSize]);
}

/** One LSTM step. Four gate matmuls instead of one fused matmul and a split: wasm's SplitV copies through JS. */
export function lstmCell(model: Seq2SeqModel, stack: Stack, layer: number, x: Tensor2D, state: LstmState): LstmState {
  const xh = tf.concat([x, state.h], 1); // [batch, in + hidden]
  const pre = (g: Gate): Tensor2D =>
    tf.add(tf.matMul(xh, model.weight(kernelName(stack, layer, g))), model.weight(biasName(stack, layer, g)));
  const peep = model.config.peephole;
  let i = pre('i');
  let f = pre('f');
  const g = tf.tanh(pre('g'));
  let o = pre('o');
  if (peep) {
    i = tf.add(i, tf.mul(state.c, model.weight(peepholeName(stack, layer, 'i'))));
    f = tf.add(f, tf.mul(state.c, model.weight(peepholeName(stack, layer, 'f'))));
  }
  const c = tf.add(tf.mul(tf.sigmoid(f), state.c), tf.mul(tf.sigmoid(i), g)) as Tensor2D;
  if (peep) o = tf.add(o, tf.mul(c, model.weight(peepholeName(stack, layer, 'o'))));
  const h = tf.mul(tf.sigmoid(o), tf.tanh(c)) as Tensor2D;
  return { h, c };
}

/** Runs the encoder over a batch and returns the final state of every layer. */
export function encode(model: Seq2SeqModel, batch: Batch): LstmState[] {
  const { batchSize: B, encoderLength: L, encoderIds, encoderPad } = batch;
  const H = model.config.hiddenSize;
  const states: LstmState[] = [];
  for (let l = 0; l < model.config.layers; l++) states.push({ h: tf.zeros([B, H]), c: tf.zeros([B, H]) });
  const maxPad = encoderPad.reduce((a, b) => Math.max(a, b), 0);
  for (let t = 0; t < L; t++) {
    let x = oneHotColumn(encoderIds, B, L, t, model.vocab.size);
    // Padded rows must leave the state at zero so a short window reads exactly like it does at inference.
    let mask: Tensor2D | null = null;
    if (t < maxPad) {
      const m = new Float32Array(B);
      for (let r = 0; r < B; r++) m[r] = t >= (encoderPad[r] as number) ? 1 : 0;
      mask = tf.tensor2d(m, [B, 1]);
    }
    for (let l = 0; l < model.config.layers; l++) {
      let next = lstmCell(model, 'encoderLstm', l, x, states[l] as LstmState);
      if (mask) next = { h: tf.mul(next.h, mask), c: tf.mul(next.c, mask) };
      states[l] = next;
      x = next.h;
    }
  }
  return states;
}

/** Teacher-forced decoder outputs of the top layer, time-major: [targetLength * batch, hidden]. */
export function decodeTeacherForced(model: Seq2SeqModel, batch: Batch, initial: LstmState[]): Tensor2D {
  const { batchSize: B, targetLength: T, decoderInputs } = batch;
  const states = [...initial];
  const outputs: Tensor2D[] = [];
  for (let t = 0; t < T; t++) {
    let x = oneHotColumn(decoderInputs, B, T, t, model.vocab.size);
    for (let l = 0; l < model.config.layers; l++) {
      const next = lstmCell(model, 'decoderLstm', l, x, states[l] as LstmState);
      states[l] = next;
      x = next.h;
    }
    outputs.push(x);
  }
  return tf.concat(outputs, 0);
}

/** Mean cross-entropy of the targets in nats per character (a scalar). */
export function batchLoss(model: Seq2SeqModel, batch: Batch): Scalar {
  const { batchSize: B, targetLength: T, targets } = batch;
  const V = model.vocab.size;
  const hidden = decodeTeacherForced(model, batch, encode(model, batch));
  const logits = tf.add(tf.matMul(hidden, model.weight(DENSE_KERNEL)), model.weight(DENSE_BIAS)); // [T*B, V]
  const labels = new Float32Array(T * B * V);
  for (let t = 0; t < T; t++) {
    for (let r = 0; r < B; r++) labels[(t * B + r) * V + (targets[r * T + t] as number)] = 1;
  }
  const logProbs = tf.logSoftmax(logits);
  return tf.neg(tf.div(tf.sum(tf.mul(tf.tensor2d(labels, [T * B, V]), logProbs)), T * B)) as Scalar;
}

