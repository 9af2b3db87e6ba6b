import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { DEFAULT_TRAIN_CONFIG } from '../../src/model/graph/config';
import { Rng } from '../../src/model/graph/rng';
import { Seq2SeqModel } from '../../src/model/graph/seq2seq';
import { Vocabulary } from '../../src/model/graph/vocab';
import { WindowSampler } from '../../src/model/training/dataset';
import { Seq2SeqLearner } from '../../src/model/training/learner';
import { ParallelLearner } from '../../src/node/parallelLearner';
import { REPO, SAMPLE_TS, TINY, useTestBackend } from '../helpers';

// Drives the real gradient worker bundle (dist/gradientWorker.js, built by npm test).
const WORKER = join(REPO, 'dist', 'gradientWorker.js');
let backend: string;

before(async () => {
  backend = await useTestBackend();
});

const weightsOf = (model: Seq2SeqModel): Float32Array[] => [...model.weights.values()].map((v) => v.dataSync().slice() as Float32Array);

test('data-parallel training over 2 and 3 threads follows the one-thread run: same losses and weights within float rounding', async () => {
  const vocab = Vocabulary.createDefault();
  const sampler = new WindowSampler([{ path: 'a.ts', text: SAMPLE_TS.repeat(4), family: 'ts-js' }], vocab, TINY);
  const batches = Array.from({ length: 4 }, (_, i) => sampler.sample(Rng.derive(3, i), 7)); // 7 rows: unequal shares
  const config = { ...DEFAULT_TRAIN_CONFIG, learningRate: 0.01 };
  const single = Seq2SeqModel.create(TINY, vocab, 5);
  const one = new Seq2SeqLearner(single, config);
  const reference = batches.map((b) => one.trainStep(b));
  for (const workers of [2, 3]) {
    const model = Seq2SeqModel.create(TINY, vocab, 5);
    const parallel = await ParallelLearner.start(model, config, { workers, workerPath: WORKER, backend: backend as never });
    const losses: number[] = [];
    for (const b of batches) losses.push(await parallel.trainStep(b));
    await parallel.dispose();
    losses.forEach((l, i) => assert.ok(Math.abs(l - (reference[i] as number)) < 1e-4, `${workers} threads, step ${i}: ${l} vs ${reference[i]}`));
    const a = weightsOf(model);
    const b = weightsOf(single);
    let worst = 0;
    a.forEach((w, k) => w.forEach((x, i) => (worst = Math.max(worst, Math.abs(x - ((b[k] as Float32Array)[i] as number))))));
    assert.ok(worst < 1e-4, `${workers} threads: weights differ by up to ${worst}`);
    model.dispose();
  }
  one.dispose();
  single.dispose();
});

test('a gradient worker that cannot start ends the run with a clear error, not a hang', async () => {
  const model = Seq2SeqModel.create(TINY, Vocabulary.createDefault(), 5);
  await assert.rejects(
    ParallelLearner.start(model, DEFAULT_TRAIN_CONFIG, { workers: 2, workerPath: join(REPO, 'dist', 'no-such-worker.js'), backend: backend as never }),
    /gradient worker 1 (crashed|exited)/,
  );
  model.dispose();
});
