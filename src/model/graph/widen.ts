// A trained model grown to more hidden units without changing what it computes (function-preserving, as in
// Net2Net: Chen et al., 2016), so a larger base model starts from the shipped one instead of from scratch. The new
// units read every input with small random weights, and every weight out of them (into the old units' gates and into
// the output layer) starts at zero: the outputs are the old model's exactly, and training then puts them to use.
import type { ModelConfig } from './config';
import { Rng } from './rng';
import { Seq2SeqModel } from './seq2seq';
import { biasName, DENSE_BIAS, DENSE_KERNEL, GATES, inputSize, kernelName, peepholeName, PEEPHOLE_GATES, toVariable, variableScope, WeightMap } from './weights';

/** The scale of the new units' incoming weights: small, so they start near the middle of their range. */
const NEW_UNIT_SCALE = 0.05;

export function widenModel(model: Seq2SeqModel, hidden: number, seed: number): Seq2SeqModel {
  const old = model.config;
  const H = old.hiddenSize;
  if (!Number.isInteger(hidden) || hidden < H) throw new Error(`a model can only grow: ${H} hidden units, asked for ${hidden}`);
  const config: ModelConfig = { ...old, hiddenSize: hidden };
  const V = model.vocab.size;
  const rng = new Rng(seed);
  const scope = variableScope();
  const weights: WeightMap = new Map();
  const put = (name: string, values: Float32Array, shape: number[]): void => {
    weights.set(name, toVariable(values, shape, `${scope}/${name}`));
  };
  const read = (name: string): Float32Array => model.weight(name).dataSync() as Float32Array;

  for (const stack of ['encoderLstm', 'decoderLstm'] as const) {
    for (let l = 0; l < old.layers; l++) {
      // Rows: the layer's input (the vocabulary for layer 0, the layer below's h above it), then this layer's h.
      const inOld = inputSize(old, V, l);
      const inNew = inputSize(config, V, l);
      for (const g of GATES) {
        const from = read(kernelName(stack, l, g)); // [inOld + H, H]
        const to = new Float32Array((inNew + hidden) * hidden);
        const rowOf = (r: number): number => (r < inOld ? r : inNew + (r - inOld)); // where an old row goes
        for (let r = 0; r < inOld + H; r++) to.set(from.subarray(r * H, (r + 1) * H), rowOf(r) * hidden);
        // The new units' columns read everything; the old units' columns get nothing from new inputs (zeros).
        for (let r = 0; r < inNew + hidden; r++) {
          for (let c = H; c < hidden; c++) to[r * hidden + c] = rng.uniform(-NEW_UNIT_SCALE, NEW_UNIT_SCALE);
        }
        put(kernelName(stack, l, g), to, [inNew + hidden, hidden]);
        const bias = new Float32Array(hidden).fill(g === 'f' ? 1 : 0);
        bias.set(read(biasName(stack, l, g)));
        put(biasName(stack, l, g), bias, [hidden]);
      }
      if (old.peephole) {
        for (const g of PEEPHOLE_GATES) {
          const p = new Float32Array(hidden);
          p.set(read(peepholeName(stack, l, g)));
          put(peepholeName(stack, l, g), p, [hidden]);
        }
      }
    }
  }
  // The output layer reads the new units with zero weights.
  const dense = new Float32Array(hidden * V);
  dense.set(read(DENSE_KERNEL));
  put(DENSE_KERNEL, dense, [hidden, V]);
  put(DENSE_BIAS, read(DENSE_BIAS).slice(), [V]);
  return new Seq2SeqModel(config, model.vocab, weights);
}
