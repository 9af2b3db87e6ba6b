import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exactlyRight, nextLineValue, suggestionValue } from '../../../src/model/evaluation/suggestionValue';

test('a suggestion is exactly right when the line goes on with it and it ends where a token ends', () => {
  assert.ok(exactlyRight('Cart', 'Cart(items);'));
  assert.ok(exactlyRight('Cart(items', 'Cart(items);'));
  assert.ok(exactlyRight('Cart(items);', 'Cart(items);'));
  assert.ok(!exactlyRight('Car', 'Cart(items);'), 'half a word');
  assert.ok(!exactlyRight('Cart(item', 'Cart(items);'));
  assert.ok(!exactlyRight('Cart(x', 'Cart(items);'));
  assert.ok(!exactlyRight('', 'Cart'));
  assert.ok(exactlyRight(')', ');'), 'punctuation may end anywhere');
});

test('precision, coverage and keystroke savings of token-length and longer suggestions on the same cursors', () => {
  const samples = [
    // Right first token, right next tokens.
    { token: 'Cart', confidence: 0.9, nextTokens: [{ text: '(', prob: 0.9, minCharProb: 0.9, copyMatch: 0, lstmMinProb: 0.9, copyMinShare: 0 }, { text: 'items', prob: 0.8, minCharProb: 0.9, copyMatch: 0, lstmMinProb: 0.9, copyMinShare: 0 }, { text: ');', prob: 0.5, minCharProb: 0.6, copyMatch: 0, lstmMinProb: 0.6, copyMinShare: 0 }], restOfLine: 'Cart(items);' },
    // Right first token, a wrong next token: extending too far loses the whole suggestion.
    { token: 'total', confidence: 0.8, nextTokens: [{ text: ' +', prob: 0.6, minCharProb: 0.6, copyMatch: 0, lstmMinProb: 0.6, copyMinShare: 0 }], restOfLine: 'total -= 1' },
    // Not shown (below the threshold).
    { token: 'zzz', confidence: 0.1, nextTokens: [], restOfLine: 'abc' },
  ];
  const { token, auto } = suggestionValue(samples, 0.4, [0.7, 0.55]);
  const all = 12 + 10 + 3;
  assert.deepEqual({ ...token }, { extendThreshold: null, precision: 1, coverage: 2 / 3, keystrokeSavings: (4 + 5) / all, meanShownChars: 4.5 });
  assert.equal(auto[0]?.precision, 1);
  assert.equal(auto[0]?.keystrokeSavings, ('Cart(items'.length + 5) / all);
  assert.equal(auto[1]?.precision, 0.5, 'at 0.55 the wrong " +" is kept');
  assert.equal(auto[1]?.keystrokeSavings, 'Cart(items'.length / all);
  assert.equal(auto.length, 4, 'each threshold under both rules');
  assert.equal(auto[2]?.rule, 'min');
  assert.equal(auto[3]?.keystrokeSavings, 'Cart(items);'.length / all, 'at 0.55 by the least likely character, ");" is kept too');
});

test('next lines (multiline): offered only after a suggestion that ends its line, right only when the whole line is', () => {
  const tok = (text: string, prob = 0.95) => ({ text, prob, minCharProb: prob, copyMatch: 0, lstmMinProb: prob, copyMinShare: 0 });
  const samples = [
    // Reaches the end of its line exactly; the next line is right (p 0.7).
    { token: 'Cart', confidence: 0.9, nextTokens: [tok('();')], restOfLine: 'Cart();', nextLine: { text: '  return;', prob: 0.7 }, nextLineRef: '  return;' },
    // Reaches the end of its line exactly; the next line is wrong (p 0.4).
    { token: 'x', confidence: 0.9, nextTokens: [tok(';')], restOfLine: 'x;', nextLine: { text: '}', prob: 0.4 }, nextLineRef: '  y++;' },
    // The line ends at the cursor (empty best token): only a next line can be shown; it is right (p 0.6).
    { token: '', confidence: 0.95, nextTokens: [], restOfLine: '', nextLine: { text: '}', prob: 0.6 }, nextLineRef: '}' },
    // The decoder ends the line too early: a next line would make it wrong.
    { token: 'a', confidence: 0.9, nextTokens: [], restOfLine: 'a + b', nextLine: { text: 'z', prob: 0.9 }, nextLineRef: 'q' },
  ];
  const [low, mid, high] = nextLineValue(samples, 0.4, [0.3, 0.5, 0.95]);
  const all = 7 + 2 + 0 + 5;
  assert.deepEqual(low, { threshold: 0.3, eligible: 3, offered: 1, precision: 2 / 3, shownPrecision: 2 / 4, extraSavings: (10 + 2) / all });
  assert.deepEqual(mid, { threshold: 0.5, eligible: 3, offered: 2 / 3, precision: 1, shownPrecision: 3 / 4, extraSavings: (10 + 2) / all });
  // Nothing offered: the line-end cursor shows nothing, and the other three are right one-line suggestions.
  assert.deepEqual(high, { threshold: 0.95, eligible: 3, offered: 0, precision: null, shownPrecision: 1, extraSavings: 0 });
});
