import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CursorLanding } from '../../src/completion/landing';

const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('a cursor that rests somewhere new lands once; moves that do not rest never do', async () => {
  const landed: string[] = [];
  const landing = new CursorLanding<string>((p) => landed.push(p), 20);
  for (let i = 0; i < 5; i++) landing.moved('a', 100 + i * 10, `held ${i}`);
  await wait(50);
  assert.deepEqual(landed, ['held 4'], 'an arrow key held down lands only where it stops');
  landing.moved('a', 140, 'again');
  await wait(50);
  assert.deepEqual(landed, ['held 4'], 'resting where it already landed reads nothing twice');
  landing.moved('b', 140, 'other document');
  await wait(50);
  assert.deepEqual(landed, ['held 4', 'other document']);
  assert.equal(landing.landed, 2);
});

test('typing is not a landing: the provider was asked at the cursor, or a character away', async () => {
  const landed: number[] = [];
  const landing = new CursorLanding<number>((p) => landed.push(p), 20);
  landing.requested('a', 500);
  landing.moved('a', 501, 501);
  await wait(50);
  // A request after the move (VS Code asks after the edit) cancels the pending landing.
  landing.moved('a', 900, 900);
  landing.requested('a', 900);
  await wait(50);
  assert.deepEqual(landed, []);
  landing.moved('a', 40, 40);
  await wait(50);
  assert.deepEqual(landed, [40]);
});

test('reset drops a pending landing and forgets the last place', async () => {
  const landed: number[] = [];
  const landing = new CursorLanding<number>((p) => landed.push(p), 20);
  landing.requested('a', 10);
  landing.moved('a', 300, 300);
  landing.reset();
  await wait(50);
  assert.deepEqual(landed, []);
  landing.moved('a', 10, 10);
  await wait(50);
  assert.deepEqual(landed, [10], 'after a reset even the old place is read again (a new model has nothing cached)');
});

test('a move an edit made (typing, a paste, an undo) is no landing, however far it goes', async () => {
  const landed: number[] = [];
  const landing = new CursorLanding<number>((p) => landed.push(p), 20);
  landing.moved('a', 100, 100); // a click...
  landing.moved('a', 600, 600, true); // ...then a paste before the cursor rested
  await wait(50);
  assert.deepEqual(landed, []);
  landing.moved('a', 601, 601); // a move by a character from where the paste left it: still typing's place
  await wait(50);
  assert.deepEqual(landed, []);
});
