import assert from 'node:assert/strict';
import { test } from 'node:test';
import { budgetFraction, learningRateAt } from '../../../src/model/training/schedule';

test('a schedule without an end rate is constant', () => {
  for (const f of [0, 0.3, 1]) assert.equal(learningRateAt({ start: 4e-4, end: null }, f), 4e-4);
});

test('the half cosine starts at the start rate, ends at the end rate, passes the mean halfway and never rises', () => {
  const s = { start: 4e-4, end: 4e-5 };
  assert.equal(learningRateAt(s, 0), 4e-4);
  assert.ok(Math.abs(learningRateAt(s, 1) - 4e-5) < 1e-12);
  assert.ok(Math.abs(learningRateAt(s, 0.5) - 2.2e-4) < 1e-12);
  let previous = Infinity;
  for (let i = 0; i <= 20; i++) {
    const r = learningRateAt(s, i / 20);
    assert.ok(r <= previous);
    previous = r;
  }
  // Past the budget (a last evaluation after the deadline) it stays at the end rate.
  assert.ok(Math.abs(learningRateAt(s, 1.5) - 4e-5) < 1e-12);
});

test('the budget fraction is the larger of steps and time spent', () => {
  const base = { startStep: 100, maxSteps: 200, startedAt: 0 };
  assert.equal(budgetFraction({ ...base, step: 150, deadline: 1000, now: 100 }), 0.5);
  assert.equal(budgetFraction({ ...base, step: 110, deadline: 1000, now: 800 }), 0.8);
  assert.equal(budgetFraction({ ...base, maxSteps: Infinity, step: 110, deadline: undefined, now: 800 }), 0);
  assert.equal(budgetFraction({ ...base, step: 400, deadline: undefined, now: 0 }), 1);
});
