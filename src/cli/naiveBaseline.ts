// The reference trainer for `bench`: a straightforward tfjs-layers seq2seq (encoder LSTM whose final state
// starts a decoder LSTM, softmax dense), one-hot inputs, short targets per window, trained with fit-per-batch.
import * as tfl from '@tensorflow/tfjs-layers';
import { SourceFile, WindowSampler } from '../model/training/dataset';
import { Rng } from '../model/graph/rng';
import { tf } from '../model/graph/tf';
import type { Vocabulary } from '../model/graph/vocab';

export async function naiveLayersTrainingRate(
  files: SourceFile[],
  vocab: Vocabulary,
  hidden: number,
  batches: number,
): Promise<{ processedPerSecond: number; targetsPerSecond: number }> {
  const L = 128;
  const T = 16;
  const B = 32;
  const V = vocab.size;
  const layers = ((tf as unknown as { layers?: typeof tfl.layers }).layers ?? tfl.layers) as typeof tfl.layers;
  const api = (tf as unknown as { model?: typeof tfl.model }).model ? (tf as unknown as typeof tfl) : tfl;
  const encIn = api.input({ shape: [L, V] });
  const [, h, c] = layers
    .lstm({ units: hidden, returnState: true, recurrentActivation: 'sigmoid', recurrentInitializer: 'glorotUniform' })
    .apply(encIn) as tfl.SymbolicTensor[];
  const decIn = api.input({ shape: [T, V] });
  const decOut = layers
    .lstm({ units: hidden, returnSequences: true, recurrentActivation: 'sigmoid', recurrentInitializer: 'glorotUniform' })
    .apply(decIn, { initialState: [h as tfl.SymbolicTensor, c as tfl.SymbolicTensor] }) as tfl.SymbolicTensor;
  const out = layers.timeDistributed({ layer: layers.dense({ units: V, activation: 'softmax' }) }).apply(decOut) as tfl.SymbolicTensor;
  const model = api.model({ inputs: [encIn, decIn], outputs: out });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  const sampler = new WindowSampler(files, vocab, { hiddenSize: hidden, layers: 1, peephole: false, minContextChars: L, maxContextChars: L, targetChars: T, decoderPrime: 0 });
  const oneHot = (ids: Int32Array, rows: number, cols: number, skipPad: Int32Array | null): ReturnType<typeof tf.tensor3d> => {
    const buf = new Float32Array(rows * cols * V);
    for (let r = 0; r < rows; r++) {
      for (let t = skipPad ? (skipPad[r] as number) : 0; t < cols; t++) buf[(r * cols + t) * V + (ids[r * cols + t] as number)] = 1;
    }
    return tf.tensor3d(buf, [rows, cols, V]);
  };
  const run = async (i: number): Promise<{ ms: number; processed: number }> => {
    const batch = sampler.sample(Rng.derive(9, i), B);
    // Fixed-size window: the encoder input is the last L tokens (marker and padding included).
    const cols = batch.encoderLength;
    const enc = oneHot(batch.encoderIds, B, cols, batch.encoderPad);
    const encFixed = cols >= L ? tf.slice(enc, [0, cols - L, 0], [B, L, V]) : tf.pad(enc, [[0, 0], [L - cols, 0], [0, 0]]);
    const dec = oneHot(batch.decoderInputs, B, T, null);
    const y = oneHot(batch.targets, B, T, null);
    const t0 = performance.now();
    await model.trainOnBatch([encFixed, dec], y);
    const ms = performance.now() - t0;
    tf.dispose([enc, encFixed, dec, y]);
    return { ms, processed: B * (L + T) };
  };
  await run(0);
  let ms = 0;
  let processed = 0;
  for (let i = 1; i <= batches; i++) {
    const r = await run(i);
    ms += r.ms;
    processed += r.processed;
  }
  model.dispose();
  return { processedPerSecond: (processed * 1000) / ms, targetsPerSecond: (batches * B * T * 1000) / ms };
}
