import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EDITOR_DEBOUNCE_MS, FixedDebounce, keyKind, MedianGapDebounce, OVERDUE, sleep, TypingRhythm } from '../../src/completion/debounce';

// Types `keys` keys of one kind `gap` ms apart and returns the delay planned for the last one.
function typeAt(d: { next(kind: 'word' | 'other', cached: boolean): number }, clock: { t: number }, gap: number, keys: number, kind: 'word' | 'other' = 'word'): number {
  let delay = -1;
  for (let i = 0; i < keys; i++) {
    clock.t += gap;
    delay = d.next(kind, false);
  }
  return delay;
}

test('keyKind: inside a name or number, or anything else', () => {
  assert.equal(keyKind('const resu'), 'word');
  assert.equal(keyKind('x1'), 'word');
  assert.equal(keyKind('foo('), 'other');
  assert.equal(keyKind('a '), 'other');
  assert.equal(keyKind(''), 'other');
});

test('a slow or pausing typist is answered at once: no wait of our own', () => {
  const clock = { t: 1 };
  const d = new TypingRhythm(0, 150, () => clock.t);
  assert.equal(typeAt(d, clock, 250, 10), 0, '4 keys/s');
  assert.equal(typeAt(d, clock, 600, 10), 0, 'pauses between keys');
  // The rule before made exactly this typist wait its full 150 ms.
  const before = new MedianGapDebounce(20, 150, () => clock.t);
  assert.equal(typeAt(before, clock, 250, 10), 150);
});

test('inside a fast burst it waits until the next key is overdue, so a replaced key costs no engine call', () => {
  const clock = { t: 1 };
  const d = new TypingRhythm(0, 150, () => clock.t);
  // 10 keys/s: VS Code asks 50 ms after the key; the next key is overdue at OVERDUE x 100 ms.
  const overdue = Math.round(OVERDUE * 100);
  assert.equal(typeAt(d, clock, 100, 10), overdue - EDITOR_DEBOUNCE_MS);
  // Faster than VS Code's own wait: nothing to add beyond the base.
  assert.equal(typeAt(d, clock, 40, 10), 0);
  // At least as long as the rule before at 10 keys/s (110 ms after the key), so no more engine calls inside names.
  const before = new MedianGapDebounce(20, 150, () => clock.t);
  assert.equal(EDITOR_DEBOUNCE_MS + typeAt(before, clock, 100, 10), 110);
  assert.ok(overdue >= 110);
});

test('bursts are learnt per kind of key: a typist who pauses after symbols is answered there at once', () => {
  const clock = { t: 1 };
  const d = new TypingRhythm(0, 150, () => clock.t);
  let afterSymbol = -1;
  let inName = -1;
  // Words of five letters 90 ms apart, then a symbol followed by a 500 ms pause.
  for (let word = 0; word < 6; word++) {
    for (let i = 0; i < 5; i++) {
      clock.t += 90;
      inName = d.next('word', false);
    }
    clock.t += 90;
    afterSymbol = d.next('other', false);
    clock.t += 500 - 90;
  }
  assert.equal(afterSymbol, 0);
  assert.ok(inName > 0, `waits inside names (${inName} ms)`);
});

test('cache hits wait for nothing but still count as keystrokes of the rhythm', () => {
  const clock = { t: 1 };
  const d = new TypingRhythm(0, 150, () => clock.t);
  for (let i = 0; i < 5; i++) {
    clock.t += 100;
    assert.equal(d.next('word', true), 0);
  }
  clock.t += 100;
  assert.equal(d.next('word', false), Math.round(OVERDUE * 100) - EDITOR_DEBOUNCE_MS);
});

test('the base is a floor, and a thinking pause is not a typing speed', () => {
  const clock = { t: 1 };
  const d = new TypingRhythm(30, 150, () => clock.t);
  assert.equal(typeAt(d, clock, 300, 6), 30);
  assert.equal(typeAt(d, clock, 5000, 3), 30);
});

test('sleep resolves false at once when aborted', async () => {
  const abort = new AbortController();
  const p = sleep(10_000, abort.signal);
  abort.abort();
  assert.equal(await p, false);
  assert.equal(await sleep(1), true);
});

test('the fixed rule waits its base and nothing for a cache hit', () => {
  const d = new FixedDebounce(15);
  assert.equal(d.next('word', false), 15);
  assert.equal(d.next('other', true), 0);
});
