// The one fine-tune recipe: it keeps the best weights, says what it validated on, and leaves the model as it
// came in when nothing beat it (a cancel, a diverged run, no gain).
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { FINE_TUNE_TRAIN_CONFIG } from '../../../src/model/graph/config';
import type { Seq2SeqModel } from '../../../src/model/graph/seq2seq';
import { runFineTune } from '../../../src/model/training/fineTune';
import type { SourceFile } from '../../../src/model/training/dataset';
import { trainedTiny, useTestBackend } from '../../helpers';

before(async () => {
  await useTestBackend();
});

const files = (n: number): SourceFile[] =>
  Array.from({ length: n }, (_, i) => ({ path: `src/g${i}.ts`, family: 'ts-js' as const, text: `export const v${i} = greetZorblax("Ada");\n`.repeat(12) }));
const weightsOf = (model: Seq2SeqModel): number[] => [...model.weights.values()].flatMap((v) => Array.from(v.dataSync()));
const config = { ...FINE_TUNE_TRAIN_CONFIG, batchSize: 8, evalEvery: 5, validationBatches: 2, learningRate: 1e-2 };

test('a fine-tune on new names improves, and the model leaves with its best weights', async () => {
  const model = trainedTiny(20);
  const start = weightsOf(model);
  const report = await runFineTune(model, files(8), config, { maxSteps: 30 });
  assert.equal(report.outcome, 'improved');
  assert.equal(report.improved, true);
  assert.ok(report.bestLoss < report.startLoss, `${report.startLoss} -> ${report.bestLoss}`);
  assert.equal(report.validatedOn, 'held-out files');
  assert.ok(report.validationFiles >= 1 && report.trainFiles >= 1);
  assert.notDeepEqual(weightsOf(model), start);
  assert.ok(report.memory.includes('greetZorblax'), 'the memory holds every file, for the copy prior');
  model.dispose();
});

test('with a single file nothing can be held out: it validates on the training files and says so', async () => {
  const model = trainedTiny(20);
  const report = await runFineTune(model, files(1), config, { maxSteps: 10 });
  assert.equal(report.validatedOn, 'training files');
  assert.equal(report.validationFiles, 0);
  model.dispose();
});

test('a learning rate far too high never counts as a gain: the model is left as it came in', async () => {
  const model = trainedTiny(20);
  const start = weightsOf(model);
  const report = await runFineTune(model, files(8), { ...config, learningRate: 1e6, clipNorm: 1e12 }, { maxSteps: 30 });
  assert.equal(report.improved, false, JSON.stringify({ ...report, memory: undefined }));
  assert.ok(report.outcome === 'diverged' || report.outcome === 'no-improvement', report.outcome);
  assert.equal(report.bestLoss, report.startLoss);
  assert.deepEqual(weightsOf(model), start);
  model.dispose();
});

test('a cancel before the first step leaves the model untouched', async () => {
  const model = trainedTiny(20);
  const start = weightsOf(model);
  const abort = new AbortController();
  abort.abort();
  const report = await runFineTune(model, files(8), config, { signal: abort.signal, maxSteps: 30 });
  assert.equal(report.outcome, 'cancelled');
  assert.equal(report.steps, 0);
  assert.deepEqual(weightsOf(model), start);
  model.dispose();
});

test('patience stops a run that no longer improves', async () => {
  const model = trainedTiny(20);
  // A learning rate of zero changes nothing, so no evaluation beats the start.
  const report = await runFineTune(model, files(8), { ...config, learningRate: 0, patience: 2 }, { maxSteps: 1000 });
  assert.equal(report.outcome, 'no-improvement');
  assert.equal(report.steps, 2 * config.evalEvery);
  model.dispose();
});
