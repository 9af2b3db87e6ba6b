// The correction for learnt models: it maps a learnt model's confidence to the one at which the shipped model is
// right as often.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Example } from '../../../src/model/evaluation/logistic';
import { fitTunedShow } from '../../../src/model/evaluation/tunedShowFit';
import { Rng } from '../../../src/model/graph/rng';
import { tunedProbability } from '../../../src/model/inference/show';

/** Suggestions at log-odds z in [-3, 3], right with probability sigmoid(rate(z)). */
function suggestions(seed: number, n: number, rate: (z: number) => number): Example[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => {
    const z = -3 + 6 * rng.next();
    return { x: [1, z], right: rng.next() < 1 / (1 + Math.exp(-rate(z))) };
  });
}

test('a learnt model as often right as the shipped one at each confidence is left as it is', () => {
  const { tuned } = fitTunedShow(suggestions(1, 20_000, (z) => z), suggestions(2, 20_000, (z) => z));
  assert.ok(Math.abs(tuned.scale - 1) < 0.08, JSON.stringify(tuned));
  assert.ok(Math.abs(tuned.shift) < 0.08, JSON.stringify(tuned));
});

test('a learnt model surer than it is right is brought down to where the shipped model is right as often', () => {
  // The shipped model is itself a little over-sure (right at sigmoid(0.9 z - 0.2)); the learnt one more so.
  const shippedRate = (z: number): number => 0.9 * z - 0.2;
  const learntRate = (z: number): number => 0.9 * z - 0.65;
  const fit = fitTunedShow(suggestions(3, 30_000, shippedRate), suggestions(4, 30_000, learntRate));
  assert.ok(Math.abs(fit.tuned.scale - 1) < 0.08, JSON.stringify(fit));
  assert.ok(Math.abs(fit.tuned.shift + 0.5) < 0.1, JSON.stringify(fit));
  // A learnt suggestion the show model puts at 0.6 is right as often as a shipped one at the corrected confidence.
  const z = Math.log(0.6 / 0.4);
  const corrected = tunedProbability(0.6, fit.tuned);
  const zc = Math.log(corrected / (1 - corrected));
  assert.ok(Math.abs(shippedRate(zc) - learntRate(z)) < 0.1, `${corrected}`);
  assert.throws(() => fitTunedShow([], suggestions(5, 10, (x) => x)), /both the model as shipped and a learnt one/);
  assert.throws(() => fitTunedShow(suggestions(6, 2_000, (x) => -x), suggestions(7, 2_000, (x) => x)), /not more often right at higher confidence/);
});
