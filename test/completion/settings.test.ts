import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_FINE_TUNE, DEFAULT_LEARN, DEFAULT_SETTINGS, fineTuneWorkers, languageEnabled, sanitizeFineTune, sanitizeLearn, sanitizeSettings } from '../../src/completion/settings';
import { BACKEND_NAMES } from '../../src/shared/engineProtocol';

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
  assert.equal(s.workspaceMemory, true);
  assert.equal(sanitizeSettings((k) => ({ workspaceMemory: 'no' })[k as string] as never).workspaceMemory, true);
  assert.equal(sanitizeSettings((k) => ({ workspaceMemory: false })[k as string] as never).workspaceMemory, false);
  assert.ok(languageEnabled(s, 'rust'));
  assert.ok(!languageEnabled({ ...s, languages: ['python'] }, 'rust'));
});

test('the suggestion length is token or auto, and the contributed defaults are the code\'s defaults', async () => {
  assert.equal(sanitizeSettings((k) => ({ suggestionLength: 'auto' })[k as string] as never).suggestionLength, 'auto');
  assert.equal(sanitizeSettings((k) => ({ suggestionLength: 'page' })[k as string] as never).suggestionLength, DEFAULT_SETTINGS.suggestionLength);
  const { readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { REPO } = await import('../helpers');
  const props = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { contributes: { configuration: { properties: Record<string, { default: unknown }> } } }).contributes.configuration.properties;
  for (const key of ['suggestionLength', 'maxSuggestionChars', 'confidenceThreshold', 'beamWidth', 'workspaceMemory'] as const) {
    assert.deepEqual(props[`seq2seq.${key}`]?.default, DEFAULT_SETTINGS[key], key);
  }
  // The lists package.json repeats (it cannot import them): the backends and the source files the fine-tune reads.
  assert.deepEqual((props['seq2seq.backend'] as { enum?: unknown }).enum, [...BACKEND_NAMES]);
  assert.equal(props['seq2seq.fineTune.include']?.default, DEFAULT_FINE_TUNE.include);
  assert.equal(props['seq2seq.learn.enabled']?.default, DEFAULT_LEARN.enabled);
  assert.equal(props['seq2seq.learn.steps']?.default, DEFAULT_LEARN.steps);
  assert.equal(props['seq2seq.learn.documentSteps']?.default, DEFAULT_LEARN.documentSteps);
});

test('the background learner\'s settings: on by default, a whole step budget, bad values fall back', () => {
  assert.deepEqual(sanitizeLearn(() => undefined), DEFAULT_LEARN);
  assert.deepEqual(sanitizeLearn((k) => ({ 'learn.enabled': false, 'learn.steps': 20, 'learn.documentSteps': 0 })[k as string] as never), { enabled: false, steps: 20, documentSteps: 0 });
  assert.deepEqual(sanitizeLearn((k) => ({ 'learn.enabled': 'no', 'learn.steps': 2.5, 'learn.documentSteps': -1 })[k as string] as never), DEFAULT_LEARN);
});

test('fine-tune threads: automatic is every core but one, and a setting never takes the editor\'s core', () => {
  assert.equal(fineTuneWorkers(0, 8), 7);
  assert.equal(fineTuneWorkers(0, 2), 1);
  assert.equal(fineTuneWorkers(0, 1), 1);
  assert.equal(fineTuneWorkers(3, 8), 3);
  assert.equal(fineTuneWorkers(16, 8), 7);
  assert.equal(sanitizeFineTune((k) => ({ 'fineTune.workers': 2.5 })[k as string] as never).workers, 0);
  assert.equal(sanitizeFineTune((k) => ({ 'fineTune.workers': 4 })[k as string] as never).workers, 4);
});
