import assert from 'node:assert/strict';
import { test } from 'node:test';
import { calibration, pickThreshold } from '../../../src/model/evaluation/evaluation';

test('calibration: coverage falls and the picked threshold is the lowest that reaches the precision', () => {
  const judged = [
    { confidence: 0.9, shown: true, correct: true },
    { confidence: 0.8, shown: true, correct: true },
    { confidence: 0.3, shown: true, correct: false },
    { confidence: 0.25, shown: true, correct: true },
    { confidence: 0.05, shown: true, correct: false },
    { confidence: 0.5, shown: false, correct: false },
  ];
  const rows = calibration(judged, [0, 0.2, 0.5]);
  assert.deepEqual(rows.map((r) => r.coverage), [5 / 6, 4 / 6, 2 / 6]);
  assert.deepEqual(rows.map((r) => r.precision), [3 / 5, 3 / 4, 1]);
  assert.equal(pickThreshold(rows, 0.7), 0.2);
  assert.equal(pickThreshold(rows, 1.01), null);
});
