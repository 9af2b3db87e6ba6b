// Fitting the copy prior's weights by EM, per match length.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fitCopyWeights } from '../../../src/model/evaluation/copyFit';
import { Rng } from '../../../src/model/graph/rng';
import { MIN_MATCH } from '../../../src/model/inference/copy';

test('fitting recovers the mixture weight that generated the data, per match length', () => {
  // Characters drawn from 0.8 copy + 0.2 LSTM at length 10 and 0.3 copy + 0.7 LSTM at length 5, where copying
  // puts all its mass on one character and the LSTM spreads it: EM should find 0.8 and 0.3.
  const rng = new Rng(4);
  const observations = [];
  for (const [length, w] of [[10, 0.8], [5, 0.3]] as const) {
    for (let i = 0; i < 4000; i++) {
      const copied = rng.next() < w || rng.next() < 0.1; // the LSTM also lands on the copied character 10 % of the time
      observations.push({ length, lstm: copied ? 0.1 : 0.05, copy: copied ? 1 : 0 });
    }
  }
  const fit = fitCopyWeights(observations, 0);
  assert.ok(Math.abs((fit.weights[10] as number) - 0.8) < 0.03, `${fit.weights[10]}`);
  assert.ok(Math.abs((fit.weights[5] as number) - 0.3) < 0.03, `${fit.weights[5]}`);
  assert.equal(fit.counts[10], 4000);
  assert.ok(fit.bitsPerChar.fitted <= fit.bitsPerChar.rule + 1e-9 && fit.bitsPerChar.fitted < fit.bitsPerChar.lstm);
  assert.equal(fit.weights[MIN_MATCH - 1], 0);
});
