// Adapting to the document in hand: a few steps on its text alone, the same weights for the same document, nothing
// done to an empty one, and a cancel stops before the next step.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { Seq2SeqModel } from '../../../src/model/graph/seq2seq';
import { adaptToDocument } from '../../../src/model/training/adapt';
import { trainedTiny, useTestBackend } from '../../helpers';

before(async () => {
  await useTestBackend();
});

const document = { path: 'src/zorblax.ts', family: 'ts-js' as const, text: 'export const v = greetZorblax("Ada");\n'.repeat(12) };
const weightsOf = (model: Seq2SeqModel): number[] => [...model.weights.values()].flatMap((v) => Array.from(v.dataSync()));

test('a document adapts the weights for its steps, the same way each time', async () => {
  const a = trainedTiny(20);
  const b = trainedTiny(20);
  const start = weightsOf(a);
  const report = await adaptToDocument(a, document, 4);
  assert.equal(report.outcome, 'adapted');
  assert.equal(report.steps, 4);
  assert.ok(report.bitsPerChar !== null && Number.isFinite(report.bitsPerChar));
  assert.notDeepEqual(weightsOf(a), start);
  await adaptToDocument(b, document, 4);
  assert.deepEqual(weightsOf(b), weightsOf(a), 'deterministic for a document');
  a.dispose();
  b.dispose();
});

test('an empty document or no steps leave the model as it was; a cancel stops before the next step', async () => {
  const model = trainedTiny(20);
  const start = weightsOf(model);
  assert.equal((await adaptToDocument(model, { ...document, text: '' }, 4)).outcome, 'empty');
  assert.equal((await adaptToDocument(model, document, 0)).outcome, 'empty');
  assert.deepEqual(weightsOf(model), start);
  const abort = new AbortController();
  let gates = 0;
  const report = await adaptToDocument(model, document, 10, {
    signal: abort.signal,
    gate: async () => {
      if (++gates === 3) abort.abort();
    },
  });
  assert.deepEqual([report.outcome, report.steps], ['cancelled', 2]);
  model.dispose();
});
