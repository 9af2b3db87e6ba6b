import assert from 'node:assert/strict';
import { test } from 'node:test';
import { join } from 'node:path';
import { keepConfident } from '../../src/completion/filters';
import { decodeRequest, DEFAULT_SETTINGS } from '../../src/completion/settings';
import { SuggestionCache } from '../../src/completion/suggestionCache';
import { CompletionEngine } from '../../src/model/inference/engine';
import { loadModelDir } from '../../src/node/modelFiles';
import { REPO, useTestBackend } from '../helpers';

test('typing through a cached suggestion returns its rest; other text misses', () => {
  const cache = new SuggestionCache<{ text: string; confidence: number }>();
  cache.put('doc#1', 'const res', [{ text: 'ult', confidence: 0.6 }, { text: 'ponse', confidence: 0.3 }]);
  assert.deepEqual(cache.get('doc#1', 'const resu', 0.4)?.map((c) => c.text), ['lt']);
  assert.deepEqual(cache.get('doc#1', 'const res', 0.4)?.map((c) => c.text), ['ult', 'ponse']);
  assert.equal(cache.get('doc#1', 'const result', 0.4), null); // fully typed: nothing left to suggest
  assert.equal(cache.get('doc#1', 'const rex', 0.4), null);
  assert.equal(cache.get('doc#2', 'const resu', 0.4), null);
});

test('a guess below the threshold is not served again: the next key asks again', () => {
  const cache = new SuggestionCache<{ text: string; confidence: number }>();
  cache.put('doc#1', 'type Wid', [{ text: 'getOptions', confidence: 0.32 }]);
  assert.equal(cache.get('doc#1', 'type Widg', 0.4), null, 'hidden at 0.32: a miss, so the engine is asked');
  cache.put('doc#1', 'type Widg', [{ text: 'etOptions', confidence: 0.47 }]);
  assert.deepEqual(cache.get('doc#1', 'type Widge', 0.4)?.map((c) => c.text), ['tOptions']);
});

test('against the engine: on every key where the engine alone would show ghost text, the cached path shows it too', async () => {
  await useTestBackend();
  const { model } = await loadModelDir(join(REPO, 'models', 'base'));
  const engine = new CompletionEngine(model);
  // Four lines of one shape above, then the name retyped key by key, as in the report (ghost text on 7 of 20 keys).
  const name = 'ReconnectPolicyOptions';
  const above = [
    `export interface ${name} { retries: number; }`,
    `export type ${name}Partial = Partial<${name}>;`,
    `export function make${name}(): ${name} { return { retries: 3 }; }`,
    `export const default${name}: ${name} = make${name}();`,
  ].join('\n');
  const settings = { ...DEFAULT_SETTINGS };
  const typed = `export type Strict${name} = Required<${name}>;`;
  const answer = (text: string): { text: string; confidence: number }[] =>
    engine.suggest({ prefix: text, language: 'typescript', ...decodeRequest(settings), maxChars: settings.maxSuggestionChars }).candidates;
  const shows = (candidates: { text: string; confidence: number }[]): boolean => keepConfident(candidates, settings.confidenceThreshold).length > 0;
  const cache = new SuggestionCache<{ text: string; confidence: number }>();
  let engineKeys = 0;
  let cachedKeys = 0;
  let served = 0;
  for (let i = 1; i <= typed.length; i++) {
    const line = typed.slice(0, i);
    const text = `${above}\n${line}`;
    const alone = shows(answer(text));
    let candidates = cache.get('doc#5', line, settings.confidenceThreshold);
    if (candidates) served++;
    else {
      candidates = answer(text);
      cache.put('doc#5', line, candidates);
    }
    const viaCache = shows(candidates);
    if (alone) engineKeys++;
    if (viaCache) cachedKeys++;
    assert.ok(!alone || viaCache, `key ${i} (${JSON.stringify(line)}): the engine shows ghost text, the cached path does not`);
  }
  assert.ok(engineKeys >= 10, `the engine shows ghost text on ${engineKeys} keys`);
  assert.ok(served > 0, 'the cache served some keys');
  assert.ok(cachedKeys >= engineKeys);
  engine.dispose();
  model.dispose();
});
