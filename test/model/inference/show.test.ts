// The show model: its features read what they say, and a model with one gives each candidate its estimate.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { Seq2SeqModel } from '../../../src/model/graph/seq2seq';
import { validateModelConfig } from '../../../src/model/graph/config';
import { CompletionEngine } from '../../../src/model/inference/engine';
import { SHOW_FEATURE_NAMES, SHOW_FEATURES, ShowInputs, showFeatures, showProbability } from '../../../src/model/inference/show';
import { SAMPLE_TS, trainedTiny, useTestBackend } from '../../helpers';

before(async () => {
  await useTestBackend();
});

const inputs = (over: Partial<ShowInputs> = {}): ShowInputs => ({
  text: 'total',
  logProb: Math.log(0.5),
  runnerUpLogProb: Math.log(0.1),
  lstmFirstLogProb: Math.log(0.3),
  copyAtCursor: { length: 12, votes: new Map([['t', 3], ['x', 1]]), total: 4 },
  copyAfterLength: 17,
  line: '  const x = ',
  family: 'ts-js',
  ...over,
});

const named = (x: number[]): Record<string, number> => Object.fromEntries(SHOW_FEATURE_NAMES.map((n, k) => [n, x[k] as number]));

test('the features read the candidate, the copy prior and the line', () => {
  const x = showFeatures(inputs());
  assert.equal(x.length, SHOW_FEATURES);
  assert.equal(SHOW_FEATURE_NAMES.length, SHOW_FEATURES);
  const f = named(x);
  assert.equal(f.bias, 1);
  assert.ok(Math.abs((f['log p'] as number) - Math.log(0.5)) < 1e-9);
  assert.ok(Math.abs((f['margin over runner-up / 10'] as number) - Math.log(5) / 10) < 1e-9);
  assert.equal(f['copy votes for first char'], 0.75);
  assert.equal(f['copy votes unanimous'], 0);
  assert.equal(f['copy match / 32'], 12 / 32);
  assert.equal(f['copy match after the text / 32'], 17 / 32);
  assert.equal(f.word, 1);
  assert.equal(f['cursor after a word char'], 0, 'the line ends with a blank');
  assert.equal(f['line length / 40'], 10 / 40, 'the indentation is not counted');
  assert.equal(f.python, 0);
  assert.equal(f['name typed so far / 16'], 0);
  const typing = named(showFeatures(inputs({ line: '  const tot', copyAtCursor: { length: 3, votes: new Map(), total: 0 } })));
  assert.equal(typing['name typed so far / 16'], 3 / 16);
  assert.equal(typing['name typed so far is new'], 1, 'no earlier text matches more than the name itself');
  assert.equal(named(showFeatures(inputs({ line: '  const tot' })))['name typed so far is new'], 0, 'a 12-character match reaches before the name');
});

test('a candidate with no runner-up, no copy and an empty text still has finite features', () => {
  const x = showFeatures(inputs({ text: '', runnerUpLogProb: -Infinity, lstmFirstLogProb: NaN, copyAtCursor: { length: 0, votes: new Map(), total: 0 }, copyAfterLength: 0, line: '', family: 'python' }));
  assert.ok(x.every(Number.isFinite), JSON.stringify(x));
  const f = named(x);
  assert.equal(f['margin over runner-up / 10'], 1, 'alone, the candidate has the widest margin');
  assert.equal(f['blank line'], 1);
  assert.equal(f.python, 1);
});

test('the show probability is the logistic of the weighted features', () => {
  const x = showFeatures(inputs());
  assert.equal(showProbability(new Array(SHOW_FEATURES).fill(0), x), 0.5);
  const bias = [2, ...new Array(SHOW_FEATURES - 1).fill(0)];
  assert.ok(Math.abs(showProbability(bias, x) - 1 / (1 + Math.exp(-2))) < 1e-12);
});

test('a model with a show model gives each candidate its estimate as confidence; features come when asked', () => {
  const model = trainedTiny(150);
  const request = { prefix: SAMPLE_TS.repeat(2) + 'export function add(a: number, b: number): number {\n  ret', language: 'typescript', beamWidth: 2 };
  const plain = new CompletionEngine(model);
  const raw = plain.suggest({ ...request, showFeatures: true });
  assert.equal(raw.showFeatures?.length, raw.candidates.length);
  assert.ok(raw.showFeatures?.every((x) => x.length === SHOW_FEATURES && x.every(Number.isFinite)));
  assert.ok(Math.abs((raw.candidates[0]?.confidence as number) - Math.exp(raw.candidates[0]?.logProb as number)) < 1e-12, 'without a show model: the probability');
  assert.equal(plain.suggest(request).showFeatures, undefined);
  plain.dispose();
  // A show model that only looks at the bias: every candidate gets the same estimate.
  const weights = [-1, ...new Array(SHOW_FEATURES - 1).fill(0)];
  const config = { ...model.config, showCalibration: weights };
  validateModelConfig(config);
  const shown = new CompletionEngine(new Seq2SeqModel(config, model.vocab, model.weights));
  const { candidates } = shown.suggest(request);
  assert.equal(candidates[0]?.text, raw.candidates[0]?.text, 'the ranking is the decoder\'s');
  for (const c of candidates) assert.ok(Math.abs(c.confidence - 1 / (1 + Math.E)) < 1e-12);
  shown.dispose();
  model.dispose();
});

test('a config whose show model has the wrong size is refused', () => {
  const model = trainedTiny(1);
  assert.throws(() => validateModelConfig({ ...model.config, showCalibration: [1, 2, 3] }), /showCalibration must hold 19/);
  assert.throws(() => validateModelConfig({ ...model.config, showCalibration: new Array(SHOW_FEATURES).fill(Number.NaN) }), /finite/);
  model.dispose();
});
