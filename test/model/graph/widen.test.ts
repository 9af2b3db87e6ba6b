import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { widenModel } from '../../../src/model/graph/widen';
import { CompletionEngine } from '../../../src/model/inference/engine';
import { Seq2SeqLearner } from '../../../src/model/training/learner';
import { WindowSampler } from '../../../src/model/training/dataset';
import { DEFAULT_TRAIN_CONFIG } from '../../../src/model/graph/config';
import { Rng } from '../../../src/model/graph/rng';
import { SAMPLE_TS, TINY, trainedTiny, useTestBackend } from '../../helpers';

before(async () => {
  await useTestBackend();
});

test('a widened model computes what the model it grew from computes, and its new units learn', () => {
  const model = trainedTiny(5);
  const wide = widenModel(model, TINY.hiddenSize + 8, 3);
  assert.equal(wide.config.hiddenSize, TINY.hiddenSize + 8);
  assert.ok(wide.parameterCount > model.parameterCount);
  const a = new CompletionEngine(model);
  const b = new CompletionEngine(wide);
  for (const n of [10, 40, 77]) {
    const prefix = SAMPLE_TS.slice(0, n);
    const x = a.suggest({ prefix, beamWidth: 3 }).candidates;
    const y = b.suggest({ prefix, beamWidth: 3 }).candidates;
    assert.deepEqual(y.map((c) => c.text), x.map((c) => c.text), prefix);
    y.forEach((c, k) => assert.ok(Math.abs(c.confidence - (x[k]?.confidence ?? NaN)) < 1e-5, `${prefix}: ${c.confidence} vs ${x[k]?.confidence}`));
  }
  // One step of training moves the weights out of the new units (they start at zero).
  const dense = (): number => {
    const w = wide.weight('decoderDense/kernel').dataSync();
    let s = 0;
    for (let i = TINY.hiddenSize * wide.vocab.size; i < w.length; i++) s += Math.abs(w[i] as number);
    return s;
  };
  assert.equal(dense(), 0);
  const learner = new Seq2SeqLearner(wide, DEFAULT_TRAIN_CONFIG);
  learner.trainStep(new WindowSampler([{ path: 'a.ts', text: SAMPLE_TS.repeat(4), family: 'ts-js' }], wide.vocab, wide.config).sample(Rng.derive(1, 0), 8));
  learner.dispose();
  assert.ok(dense() > 0);
  assert.throws(() => widenModel(model, TINY.hiddenSize - 1, 3), /can only grow/);
  a.dispose();
  b.dispose();
  wide.dispose();
  model.dispose();
});
