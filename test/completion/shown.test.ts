import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decideShown, MIN_SHOWN_CHARS } from '../../src/completion/shown';

// The one decision of what is shown: a one-character suggestion spares no key (Tab is a key), so it never shows.

test('a suggestion of one character is not shown, and the reason says why; two characters are', () => {
  assert.equal(MIN_SHOWN_CHARS, 2);
  const one = decideShown([{ text: ')', confidence: 0.9 }], '', 0.5);
  assert.deepEqual(one.shown, []);
  assert.match(one.hidden ?? '', /shorter than 2 characters: taking it would spare no key/);
  assert.deepEqual(decideShown([{ text: ');', confidence: 0.9 }], '', 0.5).shown.map((c) => c.text), [');']);
  // The rule looks at what would be shown: what the overlap with the rest of the line leaves.
  assert.deepEqual(decideShown([{ text: 'x)', confidence: 0.9 }], ')', 0.5).shown, []);
  // Shorter alternatives go; longer ones stay, best first.
  assert.deepEqual(decideShown([{ text: 'a', confidence: 0.9 }, { text: 'abc', confidence: 0.6 }], '', 0.5).shown.map((c) => c.text), ['abc']);
  // A confident guess below the threshold is still reported as such.
  assert.match(decideShown([{ text: 'abc', confidence: 0.2 }], '', 0.5).hidden ?? '', /below the threshold/);
  // The replay's baseline: one character allowed, as before the rule.
  assert.deepEqual(decideShown([{ text: ')', confidence: 0.9 }], '', 0.5, 1).shown.map((c) => c.text), [')']);
});
