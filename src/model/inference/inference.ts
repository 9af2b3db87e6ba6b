// Fast batch-of-a-few inference that shares the trained weights: one matmul per layer-step on the backend
// (wasm's fast path), gates and the layer-0 input lookup in plain JavaScript, which at batch 1-8 beats
// a dozen tiny kernels per step (see shared/recipes/tfjs-on-cpu.md).
import type { Seq2SeqModel } from '../graph/seq2seq';
import { tf, Tensor2D } from '../graph/tf';
import { biasName, DENSE_BIAS, DENSE_KERNEL, GATES, kernelName, peepholeName, Stack } from '../graph/weights';

/** Recurrent state of n rows: per layer h and c as [n, hidden] row-major. */
export interface NetState {
  n: number;
  h: Float32Array[];
  c: Float32Array[];
}

/** Gate activations of one step for row 0, each [hidden]; recorded for the encoder-state view. */
export interface StepGates {
  input: Float32Array[]; // per layer
  forget: Float32Array[];
  output: Float32Array[];
}

interface LayerWeights {
  /** [in + hidden, 4 * hidden] for layers above 0; [hidden, 4 * hidden] (recurrent part only) for layer 0. */
  matrix: Tensor2D;
  /** Layer 0 only: [vocab, 4 * hidden], the one-hot input's rows, read by id instead of multiplied. */
  inputTable: Float32Array | null;
  bias: Float32Array; // [4 * hidden], gate order i f g o
  peephole: { i: Float32Array; f: Float32Array; o: Float32Array } | null;
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

export class InferenceNet {
  readonly hidden: number;
  readonly layers: number;
  readonly vocabSize: number;
  private readonly stacks: Record<Stack, LayerWeights[]>;
  private readonly dense: Tensor2D; // [hidden, vocab]
  private readonly denseBias: Float32Array;

  constructor(readonly model: Seq2SeqModel) {
    const { hiddenSize: H, layers } = model.config;
    this.hidden = H;
    this.layers = layers;
    this.vocabSize = model.vocab.size;
    const V = this.vocabSize;
    const build = (stack: Stack): LayerWeights[] =>
      Array.from({ length: layers }, (_, l) => {
        const fused = tf.tidy(() => tf.concat(GATES.map((g) => model.weight(kernelName(stack, l, g))), 1)) as Tensor2D;
        let matrix = fused;
        let inputTable: Float32Array | null = null;
        if (l === 0) {
          const table = tf.slice(fused, [0, 0], [V, 4 * H]);
          inputTable = table.dataSync().slice() as Float32Array;
          table.dispose();
          matrix = tf.tidy(() => tf.slice(fused, [V, 0], [H, 4 * H]));
          fused.dispose();
        }
        const bias = new Float32Array(4 * H);
        GATES.forEach((g, k) => bias.set(model.weight(biasName(stack, l, g)).dataSync() as Float32Array, k * H));
        const peephole = model.config.peephole
          ? {
              i: model.weight(peepholeName(stack, l, 'i')).dataSync() as Float32Array,
              f: model.weight(peepholeName(stack, l, 'f')).dataSync() as Float32Array,
              o: model.weight(peepholeName(stack, l, 'o')).dataSync() as Float32Array,
            }
          : null;
        return { matrix, inputTable, bias, peephole };
      });
    this.stacks = { encoderLstm: build('encoderLstm'), decoderLstm: build('decoderLstm') };
    this.dense = tf.clone(model.weight(DENSE_KERNEL)) as Tensor2D;
    this.denseBias = model.weight(DENSE_BIAS).dataSync().slice() as Float32Array;
  }

  zeroState(n: number): NetState {
    const H = this.hidden;
    return {
      n,
      h: Array.from({ length: this.layers }, () => new Float32Array(n * H)),
      c: Array.from({ length: this.layers }, () => new Float32Array(n * H)),
    };
  }

  /** Reads one token per row and updates the state in place; returns the top layer's h. */
  step(stack: Stack, ids: ArrayLike<number>, state: NetState, gates?: StepGates): Float32Array {
    const { n } = state;
    const H = this.hidden;
    let below: Float32Array | null = null;
    for (let l = 0; l < this.layers; l++) {
      const w = this.stacks[stack][l] as LayerWeights;
      const hPrev = state.h[l] as Float32Array;
      const cPrev = state.c[l] as Float32Array;
      let z: Float32Array;
      if (l === 0) {
        z = matmul(hPrev, n, H, w.matrix);
        const table = w.inputTable as Float32Array;
        for (let r = 0; r < n; r++) {
          const row = (ids[r] as number) * 4 * H;
          for (let k = 0; k < 4 * H; k++) z[r * 4 * H + k] = (z[r * 4 * H + k] as number) + (table[row + k] as number) + (w.bias[k] as number);
        }
      } else {
        const x = new Float32Array(n * 2 * H);
        for (let r = 0; r < n; r++) {
          x.set((below as Float32Array).subarray(r * H, (r + 1) * H), r * 2 * H);
          x.set(hPrev.subarray(r * H, (r + 1) * H), r * 2 * H + H);
        }
        z = matmul(x, n, 2 * H, w.matrix);
        for (let r = 0; r < n; r++) for (let k = 0; k < 4 * H; k++) z[r * 4 * H + k] = (z[r * 4 * H + k] as number) + (w.bias[k] as number);
      }
      const hNew = new Float32Array(n * H);
      const cNew = new Float32Array(n * H);
      const rec = gates ? { i: new Float32Array(H), f: new Float32Array(H), o: new Float32Array(H) } : null;
      for (let r = 0; r < n; r++) {
        const zr = r * 4 * H;
        for (let j = 0; j < H; j++) {
          const cp = cPrev[r * H + j] as number;
          let zi = z[zr + j] as number;
          let zf = z[zr + H + j] as number;
          let zo = z[zr + 3 * H + j] as number;
          if (w.peephole) {
            zi += (w.peephole.i[j] as number) * cp;
            zf += (w.peephole.f[j] as number) * cp;
          }
          const ig = sigmoid(zi);
          const fg = sigmoid(zf);
          const c = fg * cp + ig * Math.tanh(z[zr + 2 * H + j] as number);
          if (w.peephole) zo += (w.peephole.o[j] as number) * c;
          const og = sigmoid(zo);
          cNew[r * H + j] = c;
          hNew[r * H + j] = og * Math.tanh(c);
          if (rec && r === 0) {
            rec.i[j] = ig;
            rec.f[j] = fg;
            rec.o[j] = og;
          }
        }
      }
      if (gates && rec) {
        gates.input[l] = rec.i;
        gates.forget[l] = rec.f;
        gates.output[l] = rec.o;
      }
      state.h[l] = hNew;
      state.c[l] = cNew;
      below = hNew;
    }
    return below as Float32Array;
  }

  /** Log-probabilities over the vocabulary for each row of the decoder's top h: [n, vocab]. */
  logProbs(hTop: Float32Array, n: number): Float32Array {
    const V = this.vocabSize;
    const logits = matmul(hTop, n, this.hidden, this.dense);
    for (let r = 0; r < n; r++) {
      let max = -Infinity;
      for (let v = 0; v < V; v++) {
        const x = (logits[r * V + v] as number) + (this.denseBias[v] as number);
        logits[r * V + v] = x;
        if (x > max) max = x;
      }
      let sum = 0;
      for (let v = 0; v < V; v++) sum += Math.exp((logits[r * V + v] as number) - max);
      const logZ = max + Math.log(sum);
      for (let v = 0; v < V; v++) logits[r * V + v] = (logits[r * V + v] as number) - logZ;
    }
    return logits;
  }

  dispose(): void {
    for (const layer of [...this.stacks.encoderLstm, ...this.stacks.decoderLstm]) layer.matrix.dispose();
    this.dense.dispose();
  }
}

/** [n, k] (JavaScript) times [k, m] (backend tensor) -> [n, m] (JavaScript). */
function matmul(x: Float32Array, n: number, k: number, w: Tensor2D): Float32Array {
  // No tf.tidy here: tidy walks every element of a returned typed array looking for tensors.
  const input = tf.tensor2d(x, [n, k]);
  const product = tf.matMul(input, w);
  const out = product.dataSync() as Float32Array;
  input.dispose();
  product.dispose();
  return out;
}

/** Row-gathers a state: row r of the result is row rows[r] of the source (beam reordering). */
export function gatherState(s: NetState, rows: readonly number[], hidden: number): NetState {
  const pick = (a: Float32Array): Float32Array => {
    const out = new Float32Array(rows.length * hidden);
    rows.forEach((src, r) => out.set(a.subarray(src * hidden, (src + 1) * hidden), r * hidden));
    return out;
  };
  return { n: rows.length, h: s.h.map(pick), c: s.c.map(pick) };
}
