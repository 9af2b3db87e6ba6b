// The learner: one optimisation step at a time, the loss falls.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { DEFAULT_TRAIN_CONFIG } from '../../../src/model/graph/config';
import { Rng } from '../../../src/model/graph/rng';
import { Seq2SeqModel } from '../../../src/model/graph/seq2seq';
import { Vocabulary } from '../../../src/model/graph/vocab';
import { WindowSampler } from '../../../src/model/training/dataset';
import { Seq2SeqLearner } from '../../../src/model/training/learner';
import { SAMPLE_TS, TINY, useTestBackend } from '../../helpers';

before(async () => {
  await useTestBackend();
});

const vocab = Vocabulary.createDefault();

test('loss falls when training on a repeated string', () => {
  const model = Seq2SeqModel.create(TINY, vocab, 3);
  const learner = new Seq2SeqLearner(model, { ...DEFAULT_TRAIN_CONFIG, learningRate: 2e-2 });
  const sampler = new WindowSampler([{ path: 'a.ts', text: SAMPLE_TS.repeat(8), family: 'ts-js' }], vocab, TINY);
  const fixed = sampler.sample(new Rng(99), 16);
  const before = learner.score(fixed);
  for (let s = 0; s < 60; s++) learner.trainStep(sampler.sample(Rng.derive(1, s), 16));
  const after = learner.score(fixed);
  assert.ok(after < before * 0.5, `loss ${before.toFixed(3)} -> ${after.toFixed(3)}`);
  learner.dispose();
  model.dispose();
});

test('a learning rate set between steps is the one the next update uses, and the optimiser keeps its moments', () => {
  const model = Seq2SeqModel.create(TINY, vocab, 4);
  const learner = new Seq2SeqLearner(model, { ...DEFAULT_TRAIN_CONFIG, learningRate: 1e-2 });
  const sampler = new WindowSampler([{ path: 'a.ts', text: SAMPLE_TS.repeat(4), family: 'ts-js' }], vocab, TINY);
  const weights = (): Float32Array[] => [...model.weights.values()].map((v) => (v.dataSync() as Float32Array).slice());
  learner.trainStep(sampler.sample(new Rng(1), 8));
  const iterations = (): number => (learner.optimizer as unknown as { iterations: number }).iterations;
  const after1 = iterations();
  learner.setLearningRate(0);
  assert.equal(learner.learningRate, 0);
  const frozen = weights();
  learner.trainStep(sampler.sample(new Rng(2), 8));
  assert.deepEqual(weights(), frozen, 'rate 0: no weight moves');
  assert.equal(iterations(), after1 + 1, 'the same optimiser counted the step');
  learner.setLearningRate(1e-2);
  learner.trainStep(sampler.sample(new Rng(3), 8));
  assert.notDeepEqual(weights(), frozen);
  assert.throws(() => learner.setLearningRate(Number.NaN), /not a finite number/);
  learner.dispose();
  model.dispose();
});
