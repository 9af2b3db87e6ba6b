import assert from 'node:assert/strict';
import { test } from 'node:test';
import { copyGuess, MatchIndex } from '../../../src/model/inference/copy';
import { DocumentIndexes } from '../../../src/model/inference/documentIndex';

const guessOf = (index: MatchIndex, tail: string): [number, string[]] => {
  const g = copyGuess(tail, [{ index }]);
  return [g.length, [...g.votes.keys()].sort()];
};

const source = Array.from({ length: 400 }, (_, i) => `const item${i % 37} = build(item${(i * 7) % 37}, "${i}");\n`).join('');

test('typing extends the document index; it then finds what a fresh index over the same text finds', () => {
  const indexes = new DocumentIndexes();
  let text = source.slice(0, 2_000);
  indexes.above(text);
  assert.equal(indexes.lastAbove, 'built');
  for (const typed of ['c', 'o', 'nst it', 'em1']) {
    text += typed;
    const index = indexes.above(text);
    assert.equal(indexes.lastAbove, 'extended');
    for (const tail of ['const item1', 'build(it', 'item3']) assert.deepEqual(guessOf(index, tail), guessOf(new MatchIndex(text), tail));
  }
  assert.equal(indexes.above(text), indexes.above(text));
  assert.equal(indexes.lastAbove, 'reused');
});

test('once the text is capped, typing drops as much from its start: the floor hides the dropped text', () => {
  const indexes = new DocumentIndexes();
  const cap = 3_000;
  let doc = source.slice(0, 5_000);
  indexes.above(doc.slice(-cap));
  for (const typed of ['x', 'yz', 'item2']) {
    doc += typed;
    const text = doc.slice(-cap);
    const index = indexes.above(text);
    assert.equal(indexes.lastAbove, 'extended');
    assert.equal(index.length, cap);
    for (const tail of ['const item2', '"4', 'item3']) assert.deepEqual(guessOf(index, tail), guessOf(new MatchIndex(text), tail));
  }
  // A leading occurrence that slid out of the window is never offered.
  const once = new DocumentIndexes();
  once.above('UNIQUE_NAME = 1;\n' + 'a'.repeat(50));
  const slid = once.above(('UNIQUE_NAME = 1;\n' + 'a'.repeat(50) + 'b').slice(20));
  assert.equal(once.lastAbove, 'extended');
  assert.equal(guessOf(slid, 'UNIQUE_N')[0], 0);
});

test('an edit elsewhere rebuilds; the text below the cursor\'s line is reused while it is unchanged', () => {
  const indexes = new DocumentIndexes();
  indexes.above(source.slice(0, 1_000));
  indexes.above(`// header\n${source.slice(0, 1_000)}`);
  assert.equal(indexes.lastAbove, 'built');
  const below = source.slice(1_000, 3_000);
  const first = indexes.below(below);
  assert.equal(indexes.below(`${below}`), first);
  // Changed text is indexed afresh (in the same tables: a jump allocates nothing).
  const changed = indexes.below(`${below}x`);
  assert.equal(changed.text, `${below}x`);
  assert.equal(changed.length, below.length + 1);
});
