import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keepConfident, midLineAllowed, trimOverlap } from '../../src/completion/filters';
import { DEFAULT_SETTINGS, languageEnabled, sanitizeSettings } from '../../src/completion/settings';
import { SuggestionCache } from '../../src/completion/suggestionCache';

test('mid-line: only closing brackets, quotes and punctuation may follow the cursor', () => {
  for (const rest of ['', '  ', ')', ');', '"]', '}', ' ) ;']) assert.ok(midLineAllowed(rest), JSON.stringify(rest));
  for (const rest of ['x', ' foo)', '(', '+ 1']) assert.ok(!midLineAllowed(rest), JSON.stringify(rest));
});

test('low-confidence, empty and duplicate candidates are dropped, order kept', () => {
  const kept = keepConfident(
    [{ text: 'a', confidence: 0.5 }, { text: ' ', confidence: 0.9 }, { text: 'b', confidence: 0.05 }, { text: 'a', confidence: 0.4 }, { text: 'c', confidence: 0.2 }],
    0.1,
  );
  assert.deepEqual(kept.map((c) => c.text), ['a', 'c']);
});

test('a suggestion that ends with what follows the cursor loses the overlap', () => {
  assert.equal(trimOverlap('foo)', ')'), 'foo');
  assert.equal(trimOverlap('foo', ')'), 'foo');
  assert.equal(trimOverlap('x', ''), 'x');
});

test('typing through a cached suggestion returns its rest; other text misses', () => {
  const cache = new SuggestionCache<{ text: string; confidence: number }>();
  cache.put('doc#1', 'const res', [{ text: 'ult', confidence: 0.6 }, { text: 'ponse', confidence: 0.3 }]);
  assert.deepEqual(cache.get('doc#1', 'const resu')?.map((c) => c.text), ['lt']);
  assert.deepEqual(cache.get('doc#1', 'const res')?.map((c) => c.text), ['ult', 'ponse']);
  assert.equal(cache.get('doc#1', 'const result'), null); // fully typed: nothing left to suggest
  assert.equal(cache.get('doc#1', 'const rex'), null);
  assert.equal(cache.get('doc#2', 'const resu'), null);
});

test('settings are sanitised: bad values fall back to defaults', () => {
  const raw: Record<string, unknown> = { enabled: 'yes', languages: ['python', 3], maxSuggestionChars: 10_000, beamWidth: 2.6, confidenceThreshold: 2, backend: 'gpu', modelPath: '  /m  ' };
  const s = sanitizeSettings((k) => raw[k] as never);
  assert.equal(s.enabled, true);
  assert.deepEqual(s.languages, DEFAULT_SETTINGS.languages);
  assert.equal(s.maxSuggestionChars, 200);
  assert.equal(s.beamWidth, 3);
  assert.equal(s.confidenceThreshold, DEFAULT_SETTINGS.confidenceThreshold);
  assert.equal(s.backend, 'auto');
  assert.equal(s.modelPath, '/m');
  assert.ok(languageEnabled(s, 'rust'));
  assert.ok(!languageEnabled({ ...s, languages: ['python'] }, 'rust'));
});
