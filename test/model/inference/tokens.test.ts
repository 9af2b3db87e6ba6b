import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contextWindow } from '../../../src/model/graph/context';
import { advance, Phase, referenceCompletion, STOP } from '../../../src/model/inference/tokens';
import { TINY } from '../../helpers';

test('a suggestion ends at the end of the current token', () => {
  assert.equal(referenceCompletion('turn a + b;', 'token', 32), 'turn');
  assert.equal(referenceCompletion(' = 1;', 'token', 32), ' =');
  assert.equal(referenceCompletion('();\n', 'token', 32), '();');
  assert.equal(referenceCompletion('\n  x', 'token', 32), '');
  assert.equal(referenceCompletion('abcdef', 'token', 3), 'abc');
});

test('line mode runs to the newline', () => {
  assert.equal(referenceCompletion('turn a + b;\nnext', 'line', 80), 'turn a + b;');
});

test('advance: blanks lead, a class change stops, newline always stops', () => {
  assert.equal(advance(Phase.Lead, ' ', 'token'), Phase.Lead);
  assert.equal(advance(Phase.Lead, 'x', 'token'), Phase.Word);
  assert.equal(advance(Phase.Word, '(', 'token'), STOP);
  assert.equal(advance(Phase.Punct, 'a', 'token'), STOP);
  assert.equal(advance(Phase.Word, '\n', 'line'), STOP);
  assert.equal(advance(Phase.Word, '', 'token'), STOP);
});

test('the encoder window keeps its start while the user types, and stays within [min, max]', () => {
  const text = 'x'.repeat(1000);
  const starts = new Set<number>();
  for (let len = 30; len < 1000; len++) {
    const w = contextWindow(text.slice(0, len), TINY);
    assert.ok(w.text.length <= TINY.maxContextChars);
    if (len > TINY.maxContextChars) assert.ok(w.text.length >= TINY.minContextChars);
    assert.equal(w.atFileStart, w.start === 0);
    starts.add(w.start);
  }
  // One start per stride of (max - min) characters: typing appends to the same window most of the time.
  assert.ok(starts.size < 1000 / (TINY.maxContextChars - TINY.minContextChars) + 2);
  assert.deepEqual(contextWindow('short', TINY), { start: 0, text: 'short', atFileStart: true });
});
