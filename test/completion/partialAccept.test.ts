import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PartialAcceptTracker, partlyAccepted } from '../../src/completion/partialAccept';

const shown = { offset: 10, texts: ['et(name: string) {', 'etter'] };

test('a word taken at the suggestion\'s place counts; a whole accept, a typed key, another place or a replace do not', () => {
  assert.equal(partlyAccepted(shown, { rangeOffset: 10, rangeLength: 0, text: 'et(' }), 3);
  assert.equal(partlyAccepted(shown, { rangeOffset: 10, rangeLength: 0, text: 'ett' }), 3); // the second item's word
  assert.equal(partlyAccepted(shown, { rangeOffset: 10, rangeLength: 0, text: 'et(name: string) {' }), 0); // whole: Tab's command counts it
  assert.equal(partlyAccepted(shown, { rangeOffset: 10, rangeLength: 0, text: 'e' }), 0); // typed
  assert.equal(partlyAccepted(shown, { rangeOffset: 11, rangeLength: 0, text: 'et(' }), 0);
  assert.equal(partlyAccepted(shown, { rangeOffset: 10, rangeLength: 2, text: 'et(' }), 0);
  assert.equal(partlyAccepted(shown, { rangeOffset: 10, rangeLength: 0, text: 'ex' }), 0);
  // A typed "(" that the editor closes by itself inserts "()": not an accept, even where the suggestion begins so.
  assert.equal(partlyAccepted({ offset: 3, texts: ['();'] }, { rangeOffset: 3, rangeLength: 0, text: '()' }), 0);
});

test('the tracker follows the rest of the suggestion through accepts and typed keys, and forgets it on any other edit', () => {
  const doc = {};
  const other = {};
  const t = new PartialAcceptTracker<object>();
  t.shown(doc, shown);
  assert.equal(t.edited(other, [{ rangeOffset: 10, rangeLength: 0, text: 'et(' }]), 0);
  assert.equal(t.edited(doc, [{ rangeOffset: 10, rangeLength: 0, text: 'et(' }]), 3);
  // The next word of the rest, before the provider ran again.
  assert.equal(t.edited(doc, [{ rangeOffset: 13, rangeLength: 0, text: 'name: ' }]), 6);
  // Typed through: one character that goes on with the suggestion keeps it.
  assert.equal(t.edited(doc, [{ rangeOffset: 19, rangeLength: 0, text: 's' }]), 0);
  assert.equal(t.edited(doc, [{ rangeOffset: 20, rangeLength: 0, text: 'tring' }]), 5);
  // Anything else ends it: the same text later is no accept.
  assert.equal(t.edited(doc, [{ rangeOffset: 25, rangeLength: 0, text: 'x' }]), 0);
  assert.equal(t.edited(doc, [{ rangeOffset: 26, rangeLength: 0, text: ') ' }]), 0);
  // Several edits at once (multi-cursor, a format) are never an accept.
  t.shown(doc, shown);
  assert.equal(t.edited(doc, [{ rangeOffset: 10, rangeLength: 0, text: 'et(' }, { rangeOffset: 40, rangeLength: 0, text: 'et(' }]), 0);
  assert.equal(t.edited(doc, [{ rangeOffset: 10, rangeLength: 0, text: 'et(' }]), 0);
});
