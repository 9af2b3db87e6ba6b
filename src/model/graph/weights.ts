// The seq2seq model's named weights: specs (names and shapes), seeded initialisation and shape checks.
import type { ModelConfig } from './config';
import { Rng } from './rng';
import { tf, Variable } from './tf';
import type { Vocabulary } from './vocab';

export const GATES = ['i', 'f', 'g', 'o'] as const;
export type Gate = (typeof GATES)[number];
export const PEEPHOLE_GATES = ['i', 'f', 'o'] as const;
export type Stack = 'encoderLstm' | 'decoderLstm';

export interface WeightSpec {
  name: string;
  shape: number[];
  init: 'glorot' | 'zeros' | 'ones' | 'small';
}

export const kernelName = (stack: Stack, layer: number, gate: Gate): string => `${stack}/${layer}/kernel_${gate}`;
export const biasName = (stack: Stack, layer: number, gate: Gate): string => `${stack}/${layer}/bias_${gate}`;
export const peepholeName = (stack: Stack, layer: number, gate: 'i' | 'f' | 'o'): string =>
  `${stack}/${layer}/peephole_${gate}`;
export const DENSE_KERNEL = 'decoderDense/kernel';
export const DENSE_BIAS = 'decoderDense/bias';

/** Input width of a layer: the one-hot vocabulary for layer 0, the layer below's h otherwise. */
export function inputSize(config: ModelConfig, vocabSize: number, layer: number): number {
  return layer === 0 ? vocabSize : config.hiddenSize;
}

export function weightSpecs(config: ModelConfig, vocabSize: number): WeightSpec[] {
  const H = config.hiddenSize;
  const specs: WeightSpec[] = [];
  for (const stack of ['encoderLstm', 'decoderLstm'] as const) {
    for (let l = 0; l < config.layers; l++) {
      const rows = inputSize(config, vocabSize, l) + H; // [x ; h] stacked
      for (const g of GATES) {
        specs.push({ name: kernelName(stack, l, g), shape: [rows, H], init: 'glorot' });
        // Forget bias 1: the cell keeps its memory until it learns to drop it (Jozefowicz et al. 2015).
        specs.push({ name: biasName(stack, l, g), shape: [H], init: g === 'f' ? 'ones' : 'zeros' });
      }
      if (config.peephole) {
        for (const g of PEEPHOLE_GATES) specs.push({ name: peepholeName(stack, l, g), shape: [H], init: 'small' });
      }
    }
  }
  specs.push({ name: DENSE_KERNEL, shape: [H, vocabSize], init: 'glorot' });
  specs.push({ name: DENSE_BIAS, shape: [vocabSize], init: 'zeros' });
  return specs;
}

function initialValues(spec: WeightSpec, rng: Rng): Float32Array {
  const size = spec.shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(size);
  if (spec.init === 'ones') out.fill(1);
  else if (spec.init === 'glorot') {
    const [fanIn = 1, fanOut = 1] = spec.shape;
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    for (let i = 0; i < size; i++) out[i] = rng.uniform(-limit, limit);
  } else if (spec.init === 'small') {
    for (let i = 0; i < size; i++) out[i] = rng.uniform(-0.1, 0.1);
  }
  return out;
}

export type WeightMap = Map<string, Variable>;

export function createWeights(config: ModelConfig, vocab: Vocabulary, seed: number): WeightMap {
  const rng = new Rng(seed);
  const weights: WeightMap = new Map();
  const scope = variableScope();
  for (const spec of weightSpecs(config, vocab.size)) {
    weights.set(spec.name, toVariable(initialValues(spec, rng), spec.shape, `${scope}/${spec.name}`));
  }
  return weights;
}

/** Explains the first way in which named arrays differ from what the config expects, or returns null. */
export function shapeMismatch(
  config: ModelConfig,
  vocabSize: number,
  shapes: ReadonlyMap<string, readonly number[]>,
): string | null {
  const specs = weightSpecs(config, vocabSize);
  for (const spec of specs) {
    const shape = shapes.get(spec.name);
    if (!shape) return `weight ${spec.name} is missing`;
    if (shape.length !== spec.shape.length || shape.some((d, i) => d !== spec.shape[i])) {
      return `weight ${spec.name} has shape [${shape.join(', ')}], expected [${spec.shape.join(', ')}]`;
    }
  }
  const expected = new Set(specs.map((s) => s.name));
  for (const name of shapes.keys()) if (!expected.has(name)) return `unexpected weight ${name}`;
  return null;
}

let scopes = 0;
/** tfjs variable names must be unique per process; each model's weights get their own prefix. */
export function variableScope(): string {
  return `model${++scopes}`;
}

/** A trainable variable holding a copy of values. */
export function toVariable(values: Float32Array, shape: number[], name: string): Variable {
  const t = tf.tensor(values, shape);
  const v = tf.variable(t, true, name);
  t.dispose();
  return v;
}
