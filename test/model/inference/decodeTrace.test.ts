import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { DEFAULT_TRAIN_CONFIG } from '../../../src/model/graph/config';
import { WindowSampler } from '../../../src/model/training/dataset';
import { topProbabilities, tokenLabel, traceGreedyDecode } from '../../../src/model/inference/decodeTrace';
import { CompletionEngine } from '../../../src/model/inference/engine';
import { InferenceNet } from '../../../src/model/inference/inference';
import { Seq2SeqLearner } from '../../../src/model/training/learner';
import { Rng } from '../../../src/model/graph/rng';
import { windowStart } from '../../../src/shared/window';
import { Seq2SeqModel } from '../../../src/model/graph/seq2seq';
import { tf } from '../../../src/model/graph/tf';
import { Vocabulary } from '../../../src/model/graph/vocab';
import { SAMPLE_TS, TINY, useTestBackend } from '../../helpers';

// The decoder half of the encoder-state view: greedy decoding that records the top-k next tokens per step.
before(async () => {
  await useTestBackend();
});

const vocab = Vocabulary.createDefault();

function trained(steps: number): Seq2SeqModel {
  const model = Seq2SeqModel.create(TINY, vocab, 11);
  const learner = new Seq2SeqLearner(model, { ...DEFAULT_TRAIN_CONFIG, learningRate: 2e-2 });
  const sampler = new WindowSampler([{ path: 'a.ts', text: SAMPLE_TS.repeat(8), family: 'ts-js' }], vocab, TINY);
  for (let s = 0; s < steps; s++) learner.trainStep(sampler.sample(Rng.derive(1, s), 16));
  learner.dispose();
  return model;
}

test('top probabilities: k of them, largest first, as probabilities of the right tokens', () => {
  const logp = new Float32Array(vocab.size).fill(Math.log(0.5 / (vocab.size - 2)));
  logp[vocab.idOf('x')] = Math.log(0.3);
  logp[vocab.endId] = Math.log(0.2);
  const top = topProbabilities(logp, 3, vocab);
  assert.equal(top.length, 3);
  assert.deepEqual(top.slice(0, 2).map((t) => t.token), ['x', '<end>']);
  assert.ok(Math.abs((top[0]?.prob ?? 0) - 0.3) < 1e-6);
  assert.ok((top[1]?.prob ?? 0) >= (top[2]?.prob ?? 0));
  assert.equal(tokenLabel(vocab, vocab.startId), '<start>');
  assert.equal(tokenLabel(vocab, vocab.idOf('\n')), '\n');
});

test('the traced greedy decode makes the greedy decoder\'s choices: same text, same score', () => {
  const model = trained(40);
  const engine = new CompletionEngine(model, { cache: false });
  const rng = new Rng(5);
  for (let i = 0; i < 12; i++) {
    const prefix = SAMPLE_TS.repeat(2).slice(0, rng.int(5, 2 * SAMPLE_TS.length));
    // The copy run goes past the decoder's token (engine.test.ts): the trace is the decoder's alone.
    const greedy = engine.suggest({ prefix, language: 'typescript', beamWidth: 1, maxChars: 12, copyRun: 0 }).candidates[0]!;
    const { greedy: traced } = engine.explain({ prefix, language: 'typescript', beamWidth: 1, maxChars: 12, traceChars: 16, topK: 4 });
    assert.equal(traced.text, greedy.text, JSON.stringify(prefix));
    assert.ok(Math.abs(traced.logProb - greedy.logProb) < 1e-6, `${traced.logProb} vs ${greedy.logProb}`);
    assert.equal(traced.complete, greedy.complete);
    // The decoder re-read START and the window's last characters (the window starts on a grid past max).
    const k = model.config.decoderPrime;
    const window = prefix.slice(windowStart(prefix.length, model.config));
    assert.deepEqual(traced.prime.slice(-Math.min(k, window.length)), [...window.slice(-k)]);
    assert.equal(traced.prime.length, k + 1);
    assert.equal(traced.prime[0], '<start>');
  }
  engine.dispose();
  model.dispose();
});

test('each step: k tokens sorted by probability, the choice is the likeliest continuing token, the last step ends', () => {
  const model = trained(60);
  const net = new InferenceNet(model);
  const engine = new CompletionEngine(model);
  const prefix = SAMPLE_TS + 'export function add(a: number, b: number): number {\n  ret';
  const { greedy } = engine.explain({ prefix, language: 'typescript', maxChars: 10, traceChars: 8, topK: 5 });
  assert.ok(greedy.steps.length >= 1 && greedy.steps.length <= 11);
  greedy.steps.forEach((step, k) => {
    assert.equal(step.top.length, 5);
    for (let j = 1; j < step.top.length; j++) assert.ok(step.top[j - 1]!.prob >= step.top[j]!.prob);
    const sum = step.top.reduce((a, t) => a + t.prob, 0);
    assert.ok(sum > 0 && sum <= 1 + 1e-5, `top-k mass ${sum}`);
    assert.ok(step.stopProb >= 0 && step.stopProb <= 1 + 1e-5);
    assert.ok(step.chosenProb >= 0 && step.chosenProb <= 1 + 1e-5);
    if (k < greedy.steps.length - 1) {
      assert.notEqual(step.chosen, null, `step ${k} of ${greedy.steps.length}`);
      // The greedy decoder goes on only when a character is likelier than ending here.
      assert.ok(step.chosenProb > step.stopProb, `step ${k}: ${step.chosenProb} vs end ${step.stopProb}`);
    } else if (greedy.complete) {
      assert.equal(step.chosen, null);
    }
  });
  assert.equal(greedy.steps.filter((s) => s.chosen !== null).map((s) => s.chosen).join('').trimStart(), greedy.text.trimStart());
  net.dispose();
  engine.dispose();
  model.dispose();
});

test('maxChars cuts the decode: never more characters, and a cut suggestion is marked incomplete', () => {
  const model = trained(20);
  const net = new InferenceNet(model);
  const state = net.zeroState(1);
  for (const id of vocab.encode('export function ')) net.step('encoderLstm', [id], state);
  const before = state.h.map((a) => a.slice());
  const none = traceGreedyDecode(net, vocab, state, [vocab.startId], { maxChars: 0, topK: 2, stopAt: 'line' });
  assert.deepEqual([none.steps.length, none.steps[0]?.chosen, none.complete, none.text, none.logProb], [1, null, false, '', 0]);
  for (const maxChars of [1, 2, 3, 6]) {
    const traced = traceGreedyDecode(net, vocab, state, [vocab.startId], { maxChars, topK: 2, stopAt: 'line' });
    const generated = traced.steps.filter((s) => s.chosen !== null).length;
    assert.ok(generated <= maxChars);
    assert.equal(traced.complete, generated < maxChars, `maxChars ${maxChars}: ${generated} generated`);
  }
  assert.deepEqual(state.h, before, 'the encoder state must not be modified');
  net.dispose();
  model.dispose();
});

test('explain returns the trace, the greedy steps and the same candidates as suggest, and frees every tensor', () => {
  const model = trained(5);
  const engine = new CompletionEngine(model);
  const start = tf.memory().numTensors;
  const request = { prefix: SAMPLE_TS, language: 'typescript', beamWidth: 3, maxChars: 8 };
  const e = engine.explain({ ...request, traceChars: 10, topK: 3 });
  assert.equal(e.trace.tokens.length, 10);
  assert.deepEqual(
    e.candidates.map((c) => c.text),
    engine.suggest(request).candidates.map((c) => c.text),
  );
  for (let i = 0; i < 5; i++) engine.explain({ ...request, prefix: SAMPLE_TS.slice(0, 30 + i), traceChars: 64, topK: 5 });
  assert.equal(tf.memory().numTensors, start);
  engine.dispose();
  model.dispose();
});
