// The completion engine: text before the cursor in, ranked suggestions and traces out, no tensor left behind.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { DEFAULT_TRAIN_CONFIG } from '../../../src/model/graph/config';
import { Rng } from '../../../src/model/graph/rng';
import { tf } from '../../../src/model/graph/tf';
import { Vocabulary } from '../../../src/model/graph/vocab';
import { CompletionEngine } from '../../../src/model/inference/engine';
import { WindowSampler } from '../../../src/model/training/dataset';
import { Seq2SeqLearner } from '../../../src/model/training/learner';
import { SAMPLE_TS, TINY, trainedTiny, useTestBackend } from '../../helpers';

before(async () => {
  await useTestBackend();
});

const vocab = Vocabulary.createDefault();

test('a trained model completes the word it was trained on, and stops at its end', () => {
  const model = trainedTiny(150);
  const engine = new CompletionEngine(model);
  // copyRun 0: the decoder's token alone (the copy run would go on with " a + b;", written twice above).
  const { candidates } = engine.suggest({ prefix: SAMPLE_TS.repeat(2) + 'export function add(a: number, b: number): number {\n  ret', language: 'typescript', beamWidth: 2, copyRun: 0 });
  assert.equal(candidates[0]?.text, 'urn');
  assert.ok((candidates[0]?.confidence ?? 0) > 0.1, `confidence ${candidates[0]?.confidence}`);
  engine.dispose();
  model.dispose();
});

test('the best suggestion goes on with copied text where two occurrences of the longest match agree, not one', () => {
  const model = trainedTiny(150);
  const engine = new CompletionEngine(model);
  const line = '  client.request(url, { retries: 3 });\n';
  // Three lines alike: the last two are each preceded by a line like the one typed in, so both match 32 characters.
  const thrice = SAMPLE_TS + line + line + line + '  client.req';
  const twice = engine.suggest({ prefix: thrice, language: 'typescript' }).candidates[0]?.text ?? '';
  const token = engine.suggest({ prefix: thrice, language: 'typescript', copyRun: 0 }).candidates[0]?.text ?? '';
  assert.ok(token.length > 0 && twice === `${token}${'uest(url, { retries: 3 });'.slice(token.length)}`, `${JSON.stringify(token)} then ${JSON.stringify(twice)}`);
  const once = engine.suggest({ prefix: SAMPLE_TS + line + line + '  client.req', language: 'typescript' }).candidates[0]?.text ?? '';
  assert.ok(!once.includes('retries'), `one occurrence at the longest match is not enough: ${JSON.stringify(once)}`);
  engine.dispose();
  model.dispose();
});

test('no tensors leak from suggestions, traces or training steps', () => {
  const model = trainedTiny(1);
  const learner = new Seq2SeqLearner(model, DEFAULT_TRAIN_CONFIG);
  const sampler = new WindowSampler([{ path: 'a.ts', text: SAMPLE_TS, family: 'ts-js' }], vocab, TINY);
  learner.trainStep(sampler.sample(new Rng(1), 4)); // creates the optimiser's moment variables
  const start = tf.memory().numTensors;
  for (let s = 0; s < 5; s++) learner.trainStep(sampler.sample(Rng.derive(2, s), 4));
  learner.score(sampler.sample(new Rng(3), 4));
  assert.equal(tf.memory().numTensors, start);
  const engine = new CompletionEngine(model);
  const withEngine = tf.memory().numTensors;
  for (let i = 0; i < 50; i++) engine.suggest({ prefix: SAMPLE_TS.slice(0, 10 + i), beamWidth: 1 + (i % 4) });
  engine.trace({ prefix: SAMPLE_TS, language: 'typescript' }, 16);
  assert.equal(tf.memory().numTensors, withEngine);
  engine.dispose();
  learner.dispose();
  model.dispose();
});

test('the encoder trace has one entry per character, gates in [0, 1]', () => {
  const model = trainedTiny(1);
  const engine = new CompletionEngine(model);
  const trace = engine.trace({ prefix: 'const x = 1;', language: 'typescript' }, 8);
  assert.equal(trace.tokens.length, 8);
  assert.equal(trace.tokens.join(''), 't x = 1;');
  assert.equal(engine.trace({ prefix: 'ab', language: 'typescript' }, 8).tokens.length, 4); // marker, START, a, b
  for (const key of ['inputGate', 'forgetGate', 'outputGate'] as const) {
    for (const perChar of trace[key]) for (const v of perChar[0]!) assert.ok(v >= 0 && v <= 1);
  }
  for (const perChar of trace.hidden) {
    assert.equal(perChar[0]!.length, TINY.hiddenSize);
    for (const v of perChar[0]!) assert.ok(v > -1 && v < 1);
  }
  engine.dispose();
  model.dispose();
});
