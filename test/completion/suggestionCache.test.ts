import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SuggestionCache } from '../../src/completion/suggestionCache';

test('typing through a cached suggestion returns its rest; other text misses', () => {
  const cache = new SuggestionCache<{ text: string; confidence: number }>();
  cache.put('doc#1', 'const res', [{ text: 'ult', confidence: 0.6 }, { text: 'ponse', confidence: 0.3 }]);
  assert.deepEqual(cache.get('doc#1', 'const resu')?.map((c) => c.text), ['lt']);
  assert.deepEqual(cache.get('doc#1', 'const res')?.map((c) => c.text), ['ult', 'ponse']);
  assert.equal(cache.get('doc#1', 'const result'), null); // fully typed: nothing left to suggest
  assert.equal(cache.get('doc#1', 'const rex'), null);
  assert.equal(cache.get('doc#2', 'const resu'), null);
});
