import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PartialAcceptTracker, partlyAccepted, typedChars } from '../../src/completion/partialAccept';

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
  assert.equal(t.edited(other, [{ rangeOffset: 10, rangeLength: 0, text: 'et(' }]).partlyAccepted, 0);
  assert.equal(t.edited(doc, [{ rangeOffset: 10, rangeLength: 0, text: 'et(' }]).partlyAccepted, 3);
  // The next word of the rest, before the provider ran again.
  assert.equal(t.edited(doc, [{ rangeOffset: 13, rangeLength: 0, text: 'name: ' }]).partlyAccepted, 6);
  // Typed through: one character that goes on with the suggestion keeps it.
  assert.equal(t.edited(doc, [{ rangeOffset: 19, rangeLength: 0, text: 's' }]).partlyAccepted, 0);
  assert.equal(t.edited(doc, [{ rangeOffset: 20, rangeLength: 0, text: 'tring' }]).partlyAccepted, 5);
  // Anything else ends it: the same text later is no accept.
  assert.equal(t.edited(doc, [{ rangeOffset: 25, rangeLength: 0, text: 'x' }]).partlyAccepted, 0);
  assert.equal(t.edited(doc, [{ rangeOffset: 26, rangeLength: 0, text: ') ' }]).partlyAccepted, 0);
  // Several edits at once (multi-cursor, a format) are never an accept.
  t.shown(doc, shown);
  assert.equal(t.edited(doc, [{ rangeOffset: 10, rangeLength: 0, text: 'et(' }, { rangeOffset: 40, rangeLength: 0, text: 'et(' }]).partlyAccepted, 0);
  assert.equal(t.edited(doc, [{ rangeOffset: 10, rangeLength: 0, text: 'et(' }]).partlyAccepted, 0);
});

test('a typed character that contradicts the suggestion on screen makes it a wrong one; typing through it does not', () => {
  const doc = {};
  const t = new PartialAcceptTracker<object>();
  t.shown(doc, shown);
  assert.deepEqual(t.edited(doc, [{ rangeOffset: 10, rangeLength: 0, text: 'e' }]), { partlyAccepted: 0, contradicted: false });
  assert.deepEqual(t.edited(doc, [{ rangeOffset: 11, rangeLength: 0, text: 'x' }]), { partlyAccepted: 0, contradicted: true });
  // Once contradicted it is gone: the next key counts nothing.
  assert.deepEqual(t.edited(doc, [{ rangeOffset: 12, rangeLength: 0, text: 'y' }]), { partlyAccepted: 0, contradicted: false });
  // Enter (a new line with its indentation) is a key too.
  t.shown(doc, shown);
  assert.deepEqual(t.edited(doc, [{ rangeOffset: 10, rangeLength: 0, text: '\n    ' }]), { partlyAccepted: 0, contradicted: true });
  // A key typed elsewhere (the cursor moved) is no verdict on it.
  t.shown(doc, shown);
  assert.deepEqual(t.edited(doc, [{ rangeOffset: 3, rangeLength: 0, text: 'q' }]), { partlyAccepted: 0, contradicted: false });
});

test('typed characters: single characters and a new line with its indentation; accepts and pastes are not typing', () => {
  assert.equal(typedChars([{ rangeOffset: 0, rangeLength: 0, text: 'a' }]), 1);
  assert.equal(typedChars([{ rangeOffset: 0, rangeLength: 0, text: '\n    ' }]), 1);
  assert.equal(typedChars([{ rangeOffset: 0, rangeLength: 0, text: '\r\n\t' }]), 1);
  assert.equal(typedChars([{ rangeOffset: 0, rangeLength: 0, text: 'return total;' }]), 0);
  assert.equal(typedChars([{ rangeOffset: 0, rangeLength: 0, text: 'a' }, { rangeOffset: 9, rangeLength: 0, text: 'a' }]), 2);
});
