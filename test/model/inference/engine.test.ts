import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { DEFAULT_TRAIN_CONFIG } from '../../../src/model/graph/config';
import { decoderPrime, encoderTokens } from '../../../src/model/graph/context';
import { WindowSampler } from '../../../src/model/training/dataset';
import { CompletionEngine } from '../../../src/model/inference/engine';
import { InferenceNet } from '../../../src/model/inference/inference';
import { Seq2SeqLearner } from '../../../src/model/training/learner';
import { Rng } from '../../../src/model/graph/rng';
import { Batch, decodeTeacherForced, encode, Seq2SeqModel } from '../../../src/model/graph/seq2seq';
import { tf } from '../../../src/model/graph/tf';
import { referenceCompletion } from '../../../src/model/inference/tokens';
import { Vocabulary } from '../../../src/model/graph/vocab';
import { DENSE_BIAS, DENSE_KERNEL } from '../../../src/model/graph/weights';
import { SAMPLE_TS, TINY, useTestBackend } from '../../helpers';

before(async () => {
  await useTestBackend();
});

const vocab = Vocabulary.createDefault();

function trained(steps: number, text = SAMPLE_TS.repeat(8)): Seq2SeqModel {
  const model = Seq2SeqModel.create(TINY, vocab, 11);
  const learner = new Seq2SeqLearner(model, { ...DEFAULT_TRAIN_CONFIG, learningRate: 2e-2 });
  const sampler = new WindowSampler([{ path: 'a.ts', text, family: 'ts-js' }], vocab, TINY);
  for (let s = 0; s < steps; s++) learner.trainStep(sampler.sample(Rng.derive(1, s), 16));
  learner.dispose();
  return model;
}

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

for (const variant of [{ layers: 1, peephole: false, decoderPrime: 0 }, { layers: 1, peephole: false, decoderPrime: 4 }, { layers: 2, peephole: true, decoderPrime: 3 }]) {
  test(`the fast inference path computes what the training graph computes (${JSON.stringify(variant)})`, () => {
    const model = Seq2SeqModel.create({ ...TINY, ...variant }, vocab, 5);
    const context = 'def f(x):\n  return';
    const tokens = encoderTokens(vocab, 'python', context, true);
    const prime = decoderPrime(vocab, context, variant.decoderPrime);
    assert.equal(prime.length, variant.decoderPrime + 1);
    const next = [...' x + 1'].map((c) => vocab.idOf(c));
    const T = next.length;
    const P = prime.length - 1;
    const batch: Batch = {
      batchSize: 1, encoderLength: tokens.length, encoderIds: Int32Array.from(tokens), encoderPad: new Int32Array(1),
      targetLength: T, primeLength: P, decoderInputs: Int32Array.from([...prime, ...next.slice(0, -1)]), targets: Int32Array.from(next),
    };
    const expected = tf.tidy(() => {
      const h = decodeTeacherForced(model, batch, encode(model, batch));
      return tf.logSoftmax(tf.add(tf.matMul(h, model.weight(DENSE_KERNEL)), model.weight(DENSE_BIAS)));
    });
    const want = expected.arraySync() as number[][];
    expected.dispose();
    const net = new InferenceNet(model);
    const state = net.zeroState(1);
    for (const id of tokens) net.step('encoderLstm', [id], state);
    assert.equal(want.length, T);
    Array.from(batch.decoderInputs).forEach((id, step) => {
      const got = net.logProbs(net.step('decoderLstm', [id], state), 1);
      if (step < P) return; // prime steps predict nothing
      const t = step - P;
      for (let v = 0; v < vocab.size; v++) assert.ok(Math.abs((got[v] as number) - (want[t]![v] as number)) < 1e-4, `target ${t} id ${v}`);
    });
    net.dispose();
    model.dispose();
  });
}

test('every suggestion is blanks plus one token, and never crosses a newline', () => {
  const model = trained(40);
  const engine = new CompletionEngine(model);
  const rng = new Rng(4);
  for (let i = 0; i < 15; i++) {
    const prefix = SAMPLE_TS.slice(0, rng.int(1, SAMPLE_TS.length));
    for (const c of engine.suggest({ prefix, language: 'typescript', beamWidth: 3, maxChars: 24 }).candidates) {
      assert.ok(!c.text.includes('\n'));
      if (c.complete) assert.equal(referenceCompletion(`${c.text}\n`, 'token', 100), c.text, JSON.stringify(c.text));
    }
  }
  engine.dispose();
  model.dispose();
});

test('a trained model completes the word it was trained on, and stops at its end', () => {
  const model = trained(150);
  const engine = new CompletionEngine(model);
  const { candidates } = engine.suggest({ prefix: SAMPLE_TS.repeat(2) + 'export function add(a: number, b: number): number {\n  ret', language: 'typescript', beamWidth: 2 });
  assert.equal(candidates[0]?.text, 'urn');
  assert.ok((candidates[0]?.confidence ?? 0) > 0.1, `confidence ${candidates[0]?.confidence}`);
  engine.dispose();
  model.dispose();
});

test('beam search never returns a lower-scoring best candidate than greedy', () => {
  const model = trained(20);
  const engine = new CompletionEngine(model);
  const rng = new Rng(8);
  for (let i = 0; i < 20; i++) {
    const prefix = SAMPLE_TS.slice(0, rng.int(1, SAMPLE_TS.length));
    const greedy = engine.suggest({ prefix, beamWidth: 1 }).candidates[0]!;
    const beam = engine.suggest({ prefix, beamWidth: 4 }).candidates;
    assert.ok(beam[0]!.logProb >= greedy.logProb - 1e-9);
    for (let k = 1; k < beam.length; k++) assert.ok(beam[k - 1]!.logProb >= beam[k]!.logProb);
  }
  engine.dispose();
  model.dispose();
});

test('the encoder cache changes nothing but the time: typing, backspace and jumps give the same suggestions', () => {
  const model = trained(10);
  const cached = new CompletionEngine(model);
  const plain = new CompletionEngine(model, { cache: false });
  const long = SAMPLE_TS.repeat(3);
  const prefixes = [40, 41, 42, 43, 42, 41, 90, 91, 20, 43, 150, 151, 152].map((n) => long.slice(0, n));
  let stepsRun = 0;
  for (const prefix of prefixes) {
    const a = cached.suggest({ prefix, beamWidth: 2 });
    const b = plain.suggest({ prefix, beamWidth: 2 });
    stepsRun += a.encoderSteps;
    assert.deepEqual(a.candidates.map((c) => c.text), b.candidates.map((c) => c.text));
    a.candidates.forEach((c, k) => assert.ok(Math.abs(c.logProb - b.candidates[k]!.logProb) < 1e-9));
  }
  assert.ok(stepsRun < prefixes.length * TINY.minContextChars, `cache ran ${stepsRun} encoder steps`);
  cached.dispose();
  plain.dispose();
  model.dispose();
});

test('no tensors leak from suggestions, traces or training steps', () => {
  const model = trained(1);
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
  const model = trained(1);
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
