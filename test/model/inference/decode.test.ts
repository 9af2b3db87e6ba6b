// The decoder: token-stopped candidates, beam at least as good as greedy, limits honoured.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { Rng } from '../../../src/model/graph/rng';
import { Vocabulary } from '../../../src/model/graph/vocab';
import { decoderPrime, encoderTokens } from '../../../src/model/graph/context';
import { Decoder, primeDecoder } from '../../../src/model/inference/decode';
import { CompletionEngine } from '../../../src/model/inference/engine';
import { InferenceNet } from '../../../src/model/inference/inference';
import { referenceCompletion } from '../../../src/model/inference/tokens';
import { SAMPLE_TS, TINY, trainedTiny, useTestBackend } from '../../helpers';

before(async () => {
  await useTestBackend();
});

const vocab = Vocabulary.createDefault();

test('every suggestion is blanks plus one token, and never crosses a newline', () => {
  const model = trainedTiny(40);
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

test('beam search never returns a lower-scoring best candidate than greedy', () => {
  const model = trainedTiny(20);
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

test('the decoder itself: best first, within maxChars, scores as the beam does, leaves the encoder state as it was', () => {
  const model = trainedTiny(60);
  const net = new InferenceNet(model);
  const decoder = new Decoder(net, vocab);
  const context = 'export function add(a: number, b: number): number {\n  ret';
  const state = net.zeroState(1);
  for (const id of encoderTokens(vocab, 'ts-js', context.slice(-TINY.maxContextChars), false)) net.step('encoderLstm', [id], state);
  const before = state.h.map((a) => Array.from(a));
  const prime = decoderPrime(vocab, context, TINY.decoderPrime);
  for (const maxChars of [1, 2, 24]) {
    const candidates = decoder.decode(state, prime, { beamWidth: 3, maxChars, stopAt: 'token' });
    assert.ok(candidates.length >= 1 && candidates.length <= 3);
    for (const [k, c] of candidates.entries()) {
      assert.ok(c.text.length <= maxChars, `${JSON.stringify(c.text)} is longer than ${maxChars}`);
      assert.ok(Math.abs(c.confidence - Math.exp(c.logProb)) < 1e-9);
      if (k > 0) assert.ok(candidates[k - 1]!.logProb >= c.logProb);
    }
  }
  // The decoder's score of a text found elsewhere is the beam's score of the same text.
  const start = primeDecoder(net, state, prime);
  const beam = decoder.decode(state, prime, { beamWidth: 3, maxChars: 24, stopAt: 'token' }, undefined, undefined, start).filter((c) => c.complete && c.text !== '');
  const scores = decoder.score(start, [...beam.map((c) => c.text), 'urn x'], 'token');
  beam.forEach((c, k) => assert.ok(Math.abs((scores[k] as number) - c.logProb) < 1e-4, `${JSON.stringify(c.text)}: ${scores[k]} against ${c.logProb}`));
  assert.equal(scores[beam.length], -Infinity, 'a token ends at the blank');
  // Below the floor a text stops being read: its score is a partial one, under the floor.
  const [partial] = decoder.score(start, ['urnurnurnurnurnurn'], 'token', undefined, -1);
  assert.ok((partial as number) < -1 && (partial as number) > decoder.score(start, ['urnurnurnurnurnurn'], 'token')[0]!);
  assert.deepEqual(state.h.map((a) => Array.from(a)), before, 'decoding and scoring must not touch the encoder state');
  net.dispose();
  model.dispose();
});
