import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyStats, mergeStats, parseStats, recordAccepted, recordPartlyAccepted, recordShown, recordTyped, recordWrong, summarize, typingFigures } from '../../src/completion/statistics';

test('statistics count shown and accepted suggestions, characters saved and the engine\'s median, per language', () => {
  const stats = emptyStats(new Date('2026-12-01T00:00:00Z'));
  recordShown(stats, 'typescript', 3.2);
  recordShown(stats, 'typescript', 5.0);
  recordShown(stats, 'typescript', 4.1);
  recordShown(stats, 'python', 2);
  recordShown(stats, 'python', null); // from the type-through cache: shown, no engine time
  recordAccepted(stats, 'typescript', 9);
  recordPartlyAccepted(stats, 'typescript', 4); // a word taken with Ctrl+Right
  const { rows, total } = summarize(stats);
  assert.deepEqual(rows[0], { language: 'typescript', shown: 3, accepted: 1, partlyAccepted: 1, acceptRate: 1 / 3, charsSaved: 13, typedChars: 0, wrong: 0, spared: 1, wrongPer100: 0, medianEngineMs: 4.1 });
  assert.deepEqual(total, { shown: 5, accepted: 1, partlyAccepted: 1, charsSaved: 13, typedChars: 0, wrong: 0, spared: 1, wrongPer100: 0 });
  assert.deepEqual(stats.languages.python?.engineMs, [2]);
  // A file written and read back is the same; counts made before the file was read are added to it.
  const back = parseStats(JSON.stringify(stats));
  assert.ok(back);
  const early = emptyStats();
  recordAccepted(early, 'python', 4);
  assert.deepEqual(summarize(mergeStats(back, early)).total, { shown: 5, accepted: 2, partlyAccepted: 1, charsSaved: 17, typedChars: 0, wrong: 0, spared: 1, wrongPer100: 0 });
  // A file from before partial accepts were counted reads as none.
  const older = parseStats('{"version":1,"since":"x","languages":{"ts":{"shown":2,"accepted":1,"charsSaved":5,"engineMs":[]}}}');
  assert.ok(older);
  assert.deepEqual(summarize(older).total, { shown: 2, accepted: 1, partlyAccepted: 0, charsSaved: 5, typedChars: 0, wrong: 0, spared: 1, wrongPer100: 0 });
});

test('a corrupt or foreign statistics file is refused, not half-read', () => {
  for (const text of ['', '{', 'null', '[]', '{"version":2,"since":"x","languages":{}}', '{"version":1,"since":"x","languages":{"ts":{"shown":-1,"accepted":0,"charsSaved":0,"engineMs":[]}}}', '{"version":1,"since":"x","languages":{"ts":{"shown":1,"accepted":0,"charsSaved":0,"engineMs":["fast"]}}}', '{"version":1,"since":"x","languages":{"ts":{"shown":1,"accepted":0,"partlyAccepted":0.5,"charsSaved":0,"engineMs":[]}}}']) {
    assert.equal(parseStats(text), null, text);
  }
});

test('the latency samples are bounded', () => {
  const stats = emptyStats();
  for (let i = 0; i < 2_000; i++) recordShown(stats, 'go', i);
  assert.equal(stats.languages.go?.engineMs.length, 500);
  assert.equal(stats.languages.go?.shown, 2_000);
});

test('the replay\'s two figures for the user\'s own typing: characters spared and wrong suggestions per 100 written', () => {
  const stats = emptyStats();
  recordTyped(stats, 'python', 60);
  recordAccepted(stats, 'python', 40);
  recordWrong(stats, 'python');
  recordWrong(stats, 'python');
  const row = summarize(stats).rows[0]!;
  assert.equal(row.spared, 0.4);
  assert.equal(row.wrongPer100, 2);
  assert.deepEqual(typingFigures({ charsSaved: 0, typedChars: 0, wrong: 0 }), { spared: null, wrongPer100: null });
  const back = parseStats(JSON.stringify(stats));
  assert.equal(back?.languages.python?.typedChars, 60);
  assert.equal(parseStats('{"version":1,"since":"x","languages":{"ts":{"shown":1,"accepted":0,"wrong":-2,"charsSaved":0,"engineMs":[]}}}'), null);
});
