import assert from 'node:assert/strict';
import { test } from 'node:test';
import { calibratedProb, keptExtension, NextToken } from '../../../src/model/inference/extend';
import { fitCalibrator, tokenExamples } from '../../../src/model/evaluation/lengthFit';
import type { ValueSample } from '../../../src/model/evaluation/suggestionValue';

const tok = (text: string, prob: number, copyMatch = 0): NextToken => ({ text, prob, minCharProb: prob, copyMatch, lstmMinProb: prob, copyMinShare: copyMatch > 0 ? 1 : 0 });

test('examples are the next tokens after a right suggestion, labelled by whether the line goes on with them', () => {
  const samples: ValueSample[] = [
    { token: 'Cart', confidence: 0.9, nextTokens: [tok('(', 0.9), tok('items', 0.3), tok(')', 0.9)], restOfLine: 'Cart(list)' },
    { token: 'Car', confidence: 0.9, nextTokens: [tok('(', 0.9)], restOfLine: 'Cart(list)' }, // a wrong first token: no example
    { token: 'x', confidence: 0.1, nextTokens: [tok(' =', 0.9)], restOfLine: 'x = 1' }, // not shown: no example
  ];
  const examples = tokenExamples(samples, 0.4);
  assert.deepEqual(examples.map((e) => e.right), [true, false], 'the first wrong token ends a sample');
});

test('the calibrator learns which figures mean right: sure, copied tokens are right, unsure ones are not', () => {
  const samples: ValueSample[] = [];
  for (let i = 0; i < 200; i++) {
    const sure = i % 2 === 0;
    // Sure tokens come from copying and are right; unsure ones are wrong.
    samples.push({ token: 'x', confidence: 0.9, nextTokens: [sure ? tok('(', 0.9, 20) : tok('{', 0.3)], restOfLine: sure ? 'x(1)' : 'x[1]' });
  }
  const fit = fitCalibrator(tokenExamples(samples, 0.4));
  assert.equal(fit.examples, 200);
  assert.ok(fit.bits.fitted < fit.bits.baseRate / 4, JSON.stringify(fit.bits));
  assert.ok(calibratedProb(fit.weights, tok('(', 0.9, 20), 0) > 0.9);
  assert.ok(calibratedProb(fit.weights, tok('{', 0.3), 0) < 0.1);
});

test('with the calibrator, the threshold bounds the probability that the whole extension is right', () => {
  const tokens = [tok('(', 0.9), tok('items', 0.9), tok(')', 0.9)].map((t) => ({ ...t, calibrated: 0.9 }));
  assert.equal(keptExtension(tokens, 0.8, 'calibrated'), '(items', '0.9 x 0.9 = 0.81, then 0.73');
  assert.equal(keptExtension(tokens, 0.85, 'calibrated'), '(');
  assert.equal(keptExtension(tokens, 0.8, 'product'), '(items)', 'the plain rule looks at each token alone');
});
