// The seq2seq LSTM as differentiable ops for training and scoring: an encoder reads the window before the
// cursor, its final (h, c) per layer start a decoder that is teacher-forced on the characters that follow.
import type { ModelConfig } from './config';
import type { Scalar } from '@tensorflow/tfjs-core';
import { tf, Tensor, Tensor2D, Variable } from './tf';
import type { Vocabulary } from './vocab';
import {
  biasName, createWeights, DENSE_BIAS, DENSE_KERNEL, Gate, GATES, kernelName, peepholeName, Stack, WeightMap,
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
  /** Predicted (scored) decoder steps per row. */
  targetLength: number;
  /** Decoder steps before the first prediction: the context characters it re-reads (config.decoderPrime). */
  primeLength: number;
  /** [batch, primeLength + targetLength]: START, the prime characters, then the targets shifted right by one. */
  decoderInputs: Int32Array;
  /** [batch, targetLength]: the characters after the cursor (END past the end of the file). */
  targets: Int32Array;
  /** [batch, 2]: the sampler's file index and cursor offset of each row, for scoring other models alike. */
  sources?: Int32Array;
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

/** One LSTM step, op by op (four gate matmuls): the straightforward formulation, kept as the bench's reference. */
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

/** A layer's weights as the training graph uses them: gates side by side, so one matmul serves all four. */
interface FusedLayer {
  input: Tensor2D; // [in, 4 * hidden]
  recurrent: Tensor2D; // [hidden, 4 * hidden]
  bias: Tensor; // [4 * hidden]
  peephole: { i: Tensor; f: Tensor; o: Tensor } | null;
}

function fusedLayer(model: Seq2SeqModel, stack: Stack, layer: number): FusedLayer {
  const H = model.config.hiddenSize;
  // Concatenated once per batch inside the tape; the gradient splits back into the four stored kernels.
  const kernel = tf.concat(GATES.map((g) => model.weight(kernelName(stack, layer, g))), 1);
  const inSize = kernel.shape[0] - H;
  const [input, recurrent] = tf.split(kernel, [inSize, H], 0) as [Tensor2D, Tensor2D];
  const bias = tf.concat(GATES.map((g) => model.weight(biasName(stack, layer, g))), 0);
  const peephole = model.config.peephole
    ? {
        i: model.weight(peepholeName(stack, layer, 'i')),
        f: model.weight(peepholeName(stack, layer, 'f')),
        o: model.weight(peepholeName(stack, layer, 'o')),
      }
    : null;
  return { input, recurrent, bias, peephole };
}

/**
 * One LSTM layer over a whole sequence. The input projection of every step is one matmul (or, for token ids, one
 * gather: the one-hot product's rows), so each time step only multiplies h by the recurrent kernel.
 */
function runLayer(
  w: FusedLayer,
  inputs: { ids: Int32Array } | { h: Tensor2D }, // time-major [T * batch] ids or [T * batch, in] activations
  T: number,
  initial: LstmState,
  maskAt?: (t: number) => Tensor2D | null,
): { outputs: Tensor2D[]; final: LstmState } {
  const H = initial.h.shape[1];
  const projected = 'ids' in inputs ? tf.gather(w.input, tf.tensor1d(inputs.ids, 'int32')) : tf.matMul(inputs.h, w.input);
  const steps = tf.split(tf.add(projected, w.bias), T, 0) as Tensor2D[]; // T x [batch, 4H]
  let { h, c } = initial;
  const outputs: Tensor2D[] = [];
  for (let t = 0; t < T; t++) {
    const z = tf.add(steps[t] as Tensor2D, tf.matMul(h, w.recurrent));
    let [i, f, g, o] = tf.split(z, [H, H, H, H], 1) as [Tensor2D, Tensor2D, Tensor2D, Tensor2D];
    if (w.peephole) {
      i = tf.add(i, tf.mul(c, w.peephole.i));
      f = tf.add(f, tf.mul(c, w.peephole.f));
    }
    c = tf.add(tf.mul(tf.sigmoid(f), c), tf.mul(tf.sigmoid(i), tf.tanh(g))) as Tensor2D;
    if (w.peephole) o = tf.add(o, tf.mul(c, w.peephole.o));
    h = tf.mul(tf.sigmoid(o), tf.tanh(c)) as Tensor2D;
    const mask = maskAt?.(t);
    if (mask) {
      h = tf.mul(h, mask);
      c = tf.mul(c, mask);
    }
    outputs.push(h);
  }
  return { outputs, final: { h, c } };
}

/** Column-major copy of a [rows, cols] id matrix: time-major order for runLayer. */
function timeMajor(ids: Int32Array, rows: number, cols: number): Int32Array {
  const out = new Int32Array(rows * cols);
  for (let t = 0; t < cols; t++) for (let r = 0; r < rows; r++) out[t * rows + r] = ids[r * cols + t] as number;
  return out;
}

/** Runs the encoder over a batch and returns the final state of every layer. */
export function encode(model: Seq2SeqModel, batch: Batch): LstmState[] {
  const { batchSize: B, encoderLength: L, encoderIds, encoderPad } = batch;
  const H = model.config.hiddenSize;
  const maxPad = encoderPad.reduce((a, b) => Math.max(a, b), 0);
  // Padded rows must leave the state at zero so a short window reads exactly like it does at inference.
  const masks: (Tensor2D | null)[] = Array.from({ length: L }, (_, t) => {
    if (t >= maxPad) return null;
    const m = new Float32Array(B);
    for (let r = 0; r < B; r++) m[r] = t >= (encoderPad[r] as number) ? 1 : 0;
    return tf.tensor2d(m, [B, 1]);
  });
  const finals: LstmState[] = [];
  let inputs: { ids: Int32Array } | { h: Tensor2D } = { ids: timeMajor(encoderIds, B, L) };
  for (let l = 0; l < model.config.layers; l++) {
    const zero = { h: tf.zeros([B, H]) as Tensor2D, c: tf.zeros([B, H]) as Tensor2D };
    const { outputs, final } = runLayer(fusedLayer(model, 'encoderLstm', l), inputs, L, zero, (t) => masks[t] ?? null);
    finals.push(final);
    inputs = { h: tf.concat(outputs, 0) };
  }
  return finals;
}

/** Teacher-forced decoder outputs of the top layer at the predicted steps, time-major: [targetLength * batch, hidden]. */
export function decodeTeacherForced(model: Seq2SeqModel, batch: Batch, initial: LstmState[]): Tensor2D {
  const { batchSize: B, targetLength: T, primeLength: P, decoderInputs } = batch;
  let inputs: { ids: Int32Array } | { h: Tensor2D } = { ids: timeMajor(decoderInputs, B, P + T) };
  const top = model.config.layers - 1;
  for (let l = 0; l <= top; l++) {
    const { outputs } = runLayer(fusedLayer(model, 'decoderLstm', l), inputs, P + T, initial[l] as LstmState);
    // The prime steps only build up the state; the top layer's outputs there predict nothing.
    inputs = { h: tf.concat(l === top ? outputs.slice(P) : outputs, 0) };
  }
  return (inputs as { h: Tensor2D }).h;
}

/** Log-probabilities of the next character, time-major: [targetLength * batch, vocab]. */
export function targetLogProbs(model: Seq2SeqModel, batch: Batch): Tensor2D {
  const hidden = decodeTeacherForced(model, batch, encode(model, batch));
  return tf.logSoftmax(tf.add(tf.matMul(hidden, model.weight(DENSE_KERNEL)), model.weight(DENSE_BIAS))) as Tensor2D;
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

