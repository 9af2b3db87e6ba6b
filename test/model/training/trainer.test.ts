import assert from 'node:assert/strict';
import { test } from 'node:test';
import { trainLoop } from '../../../src/model/training/trainer';

const step = () => ({ loss: 1, processedChars: 10, targetChars: 5 });

test('the loop stops at the step budget and validates at the end', async () => {
  const validations: number[] = [];
  const r = await trainLoop({ startStep: 0, bestValidationLoss: null, maxSteps: 7, evalEvery: 3, step, validate: () => (validations.push(1), 1) });
  assert.equal(r.step, 7);
  assert.equal(r.stopReason, 'steps');
  assert.equal(validations.length, 3); // steps 3, 6 and 7
});

test('an AbortSignal stops the loop before the next step', async () => {
  const abort = new AbortController();
  let ran = 0;
  const r = await trainLoop({
    startStep: 0, bestValidationLoss: null, maxSteps: 1000, evalEvery: 100, signal: abort.signal,
    step: () => { if (++ran === 3) abort.abort(); return step(); },
    validate: () => null,
  });
  assert.equal(r.stopReason, 'aborted');
  assert.equal(ran, 3);
});

test('evaluations report improvement, and patience stops a run that no longer improves', async () => {
  const losses = [5, 4, 4.5, 4.6, 4.7, 3];
  const improved: boolean[] = [];
  const r = await trainLoop({
    startStep: 10, bestValidationLoss: null, maxSteps: 100, evalEvery: 1, patience: 3, step,
    validate: () => losses.shift() ?? 9,
    onEvaluation: (_p, better) => { improved.push(better); },
  });
  assert.deepEqual(improved, [true, true, false, false, false]);
  assert.equal(r.stopReason, 'early-stopping');
  assert.equal(r.bestValidationLoss, 4);
  assert.equal(r.step, 15);
});

test('a deadline ends the run with a last evaluation of the unsaved steps', async () => {
  let evaluated = 0;
  const r = await trainLoop({
    startStep: 0, bestValidationLoss: null, maxSteps: 1e9, evalEvery: 1e6, deadline: Date.now() + 50, step,
    validate: () => 2, onEvaluation: () => { evaluated++; },
  });
  assert.equal(r.stopReason, 'deadline');
  assert.equal(evaluated, 1);
  assert.equal(r.bestValidationLoss, 2);
});
