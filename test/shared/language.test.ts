import assert from 'node:assert/strict';
import { test } from 'node:test';
import { familyOfPath, languageOfPath, SOURCE_EXTENSIONS } from '../../src/shared/language';

test('one table names the source files and the language each is reported as', () => {
  assert.deepEqual([...SOURCE_EXTENSIONS], ['ts', 'tsx', 'mts', 'cts', 'js', 'jsx', 'mjs', 'cjs', 'py', 'pyi']);
  assert.equal(languageOfPath('src/App.TSX'), 'typescript');
  assert.equal(languageOfPath('lib/index.cjs'), 'javascript');
  assert.equal(languageOfPath('stubs/x.pyi'), 'python');
  assert.equal(languageOfPath('README.md'), 'plaintext');
  assert.equal(languageOfPath('Makefile'), 'plaintext');
  assert.equal(languageOfPath('a.constructor'), 'plaintext', 'not a key of Object.prototype');
  for (const ext of SOURCE_EXTENSIONS) assert.notEqual(familyOfPath(`f.${ext}`), 'other', ext);
});
