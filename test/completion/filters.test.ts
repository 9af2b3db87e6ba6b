import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keepConfident, midLineAllowed, trimOverlap } from '../../src/completion/filters';

test('mid-line: only closing brackets, quotes and punctuation may follow the cursor', () => {
  for (const rest of ['', '  ', ')', ');', '"]', '}', ' ) ;']) assert.ok(midLineAllowed(rest), JSON.stringify(rest));
  for (const rest of ['x', ' foo)', '(', '+ 1']) assert.ok(!midLineAllowed(rest), JSON.stringify(rest));
});

test('low-confidence, empty and duplicate candidates are dropped, order kept', () => {
  const kept = keepConfident(
    [{ text: 'a', confidence: 0.5 }, { text: ' ', confidence: 0.9 }, { text: 'b', confidence: 0.05 }, { text: 'a', confidence: 0.4 }, { text: 'c', confidence: 0.2 }],
    0.1,
  );
  assert.deepEqual(kept.map((c) => c.text), ['a', 'c']);
});

test('a suggestion that ends with what follows the cursor loses the overlap', () => {
  assert.equal(trimOverlap('foo)', ')'), 'foo');
  assert.equal(trimOverlap('foo', ')'), 'foo');
  assert.equal(trimOverlap('x', ''), 'x');
});
