import assert from 'node:assert/strict';
import { test } from 'node:test';
import { familyOfLanguageId, familyOfPath } from '../../../src/shared/language';
import { END, START, UNK, Vocabulary } from '../../../src/model/graph/vocab';

test('printable ASCII, tab and newline round-trip through ids', () => {
  const v = Vocabulary.createDefault();
  const text = 'def f(x):\n\treturn {"a": x ~ 1} # ok`';
  assert.equal(v.decode(v.encode(text)), text);
  assert.equal(v.chars.length, 97);
});

test('unknown characters map to UNK and decode to nothing', () => {
  const v = Vocabulary.createDefault();
  const ids = v.encode('é→x');
  assert.deepEqual(ids.slice(0, 2), [v.unkId, v.unkId]);
  assert.equal(v.decode(ids), 'x');
});

test('special tokens and one marker per language family have distinct ids beyond the characters', () => {
  const v = Vocabulary.createDefault();
  const ids = [v.startId, v.endId, v.unkId, v.markerId('ts-js'), v.markerId('python'), v.markerId('other')];
  assert.equal(new Set(ids).size, ids.length);
  for (const id of ids) assert.ok(id >= v.chars.length && id < v.size);
  assert.deepEqual(v.specials.slice(0, 3), [START, END, UNK]);
});

test('vocabulary JSON round trip, equality and clear errors for bad JSON', () => {
  const v = Vocabulary.createDefault();
  const back = Vocabulary.fromJson(JSON.parse(JSON.stringify(v.toJson())));
  assert.ok(back.equals(v));
  assert.throws(() => Vocabulary.fromJson({ chars: ['a'] }), /"chars" and "specials"/);
  assert.throws(() => Vocabulary.fromJson({ chars: ['ab'], specials: [] }), /not a single character/);
  assert.throws(() => Vocabulary.fromJson({ chars: ['a'], specials: [START] }), /lacks the special token/);
  const other = new Vocabulary(['a', 'b'], v.specials);
  assert.ok(!other.equals(v));
});

test('CRLF normalises to LF', () => {
  assert.equal(Vocabulary.normalise('a\r\nb\rc\n'), 'a\nb\nc\n');
});

test('language ids and paths map to families', () => {
  assert.equal(familyOfLanguageId('typescriptreact'), 'ts-js');
  assert.equal(familyOfLanguageId('python'), 'python');
  assert.equal(familyOfLanguageId('rust'), 'other');
  assert.equal(familyOfLanguageId(undefined), 'other');
  assert.equal(familyOfPath('a/b.mjs'), 'ts-js');
  assert.equal(familyOfPath('x.pyi'), 'python');
  assert.equal(familyOfPath('Makefile'), 'other');
});
