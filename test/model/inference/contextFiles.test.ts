import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { ContextFiles } from '../../../src/model/inference/contextFiles';
import { copyGuess, MatchIndex } from '../../../src/model/inference/copy';
import { CompletionEngine } from '../../../src/model/inference/engine';
import { Seq2SeqModel } from '../../../src/model/graph/seq2seq';
import { Vocabulary } from '../../../src/model/graph/vocab';
import { TINY, useTestBackend } from '../../helpers';

before(async () => {
  await useTestBackend();
});

/** A file of `lines` distinct, substantial lines tagged with `tag`. */
const fileOf = (tag: string, lines = 16): string => Array.from({ length: lines }, (_, i) => `export const ${tag}Value${i} = compute${tag}(${i}, options);`).join('\n');

test('the ring keeps the newest files within its budget, oldest out first', () => {
  const ring = new ContextFiles({ maxTotalChars: 2_000, maxFileChars: 1_000 });
  for (const tag of ['alpha', 'beta', 'gamma', 'delta']) ring.put(`${tag}.ts`, fileOf(tag));
  const { chars, files } = ring.stats();
  assert.ok(chars <= 2_000, `${chars} characters kept`);
  assert.deepEqual(ring.paths, ['gamma.ts', 'delta.ts'].slice(-files));
  assert.ok(!ring.paths.includes('alpha.ts'), 'the oldest left first');
  // A file over the per-file cap contributes only its beginning.
  const huge = new ContextFiles({ maxTotalChars: 10_000, maxFileChars: 500 });
  huge.put('huge.ts', fileOf('huge', 400));
  assert.ok(huge.stats().chars <= 500);
});

test('putting a file again replaces it and makes it the newest; the same text again changes nothing', () => {
  const ring = new ContextFiles();
  ring.put('a.ts', fileOf('a'));
  ring.put('b.ts', fileOf('b'));
  ring.prepareAll();
  assert.equal(ring.stats().stale, false);
  ring.put('a.ts', fileOf('a'));
  assert.equal(ring.stats().stale, false, 'the same text is a no-op');
  assert.deepEqual(ring.paths, ['a.ts', 'b.ts']);
  ring.put('a.ts', `${fileOf('a')}\n// edited`);
  assert.deepEqual(ring.paths, ['b.ts', 'a.ts']);
  assert.equal(ring.stats().stale, true);
  ring.remove('b.ts');
  assert.deepEqual(ring.paths, ['a.ts']);
});

test('near-duplicate files: chunks another file already holds are dropped, and come back when it leaves', () => {
  const ring = new ContextFiles();
  const original = fileOf('shared', 32);
  ring.put('one.ts', original);
  const before = ring.stats().chars;
  ring.put('copy.ts', original.replace('sharedValue31', 'changedValue31'));
  assert.ok(ring.stats().droppedChunks >= 3, `${ring.stats().droppedChunks} chunks dropped`);
  assert.ok(ring.stats().chars < before * 1.5, 'the copy adds only what differs');
  ring.remove('one.ts');
  ring.put('copy2.ts', original);
  assert.ok(ring.stats().chars > before * 0.9, 'with the original gone, a copy is kept whole');
});

test('the index is built a slice at a time, requests see the last finished one, and a match names its file', () => {
  const ring = new ContextFiles();
  ring.put('src/cart.ts', 'export function renderShoppingCart(cart) {}\n');
  ring.put('src/user.ts', 'export function loadUserProfile(id) {}\n');
  assert.equal(ring.source(), null, 'nothing is searched before an index is built');
  let slices = 1;
  while (ring.prepare(16)) slices++;
  assert.ok(slices > 3, `${slices} slices`);
  const source = ring.source();
  assert.ok(source);
  const guess = copyGuess('renderSho', [{ ...source, origin: 'files' }]);
  assert.equal(guess.length, 9);
  assert.deepEqual([...guess.votes], [['p', 1]]);
  assert.deepEqual(guess.files, ['src/cart.ts']);
  assert.deepEqual(copyGuess('loadUser', [{ ...source, origin: 'files' }]).files, ['src/user.ts']);
  // The document being edited is not searched through its own older copy in the ring.
  const own = ring.source('src/cart.ts');
  assert.ok(own);
  assert.equal(copyGuess('renderSho', [{ ...own, origin: 'files' }]).length, 0);
  assert.equal(copyGuess('loadUser', [{ ...own, origin: 'files' }]).length, 8);
  const cleared = new ContextFiles();
  cleared.put('a.ts', 'export function renderShoppingCart(cart) {}\n');
  cleared.prepareAll();
  cleared.clear();
  assert.equal(cleared.source(), null, 'clear forgets the index too, not only the ring');
  // A match never spans two files: cart.ts ends with "{}\n", but the match stops where user.ts begins.
  assert.equal(copyGuess('{}\nexport function load', [{ ...source, origin: 'files' }]).length, 'export function load'.length);
});

test('the engine copies a name from another open file, says which, and not with files off', () => {
  const model = Seq2SeqModel.create(TINY, Vocabulary.createDefault(), 3); // untrained: what it suggests comes from copying
  const engine = new CompletionEngine(model);
  const prefix = 'import { x } from "./cart";\nreturn renderSho';
  assert.notEqual(engine.suggest({ prefix, language: 'typescript' }).candidates[0]?.text, 'ppingCart');
  engine.context.put('file:///w/src/cart.ts', 'export function renderShoppingCart(cart) {}\n');
  engine.context.prepareAll();
  assert.equal(engine.suggest({ prefix, language: 'typescript', path: 'file:///w/src/main.ts' }).candidates[0]?.text, 'ppingCart');
  assert.notEqual(engine.suggest({ prefix, language: 'typescript', files: false }).candidates[0]?.text, 'ppingCart');
  const steps = engine.explain({ prefix, language: 'typescript', traceChars: 8, topK: 3 }).greedy.steps;
  assert.deepEqual(steps[0]?.copyFrom, ['files']);
  assert.deepEqual(steps[0]?.copyFiles, ['file:///w/src/cart.ts']);
  engine.dispose();
  model.dispose();
});

test('an index grown by appends finds what one built at once finds', () => {
  const text = 'let total = 0;\ntotal += price;\nlet totals = [];\nconst grandTotal = total + tax;\n';
  const whole = new MatchIndex(text);
  const grown = new MatchIndex('', text.length);
  for (let i = 0; i < text.length; i += 7) grown.append(text.slice(i, i + 7));
  for (const tail of ['let tot', '\ntot', 'total', 'grandT', '= tot']) {
    const a = new Map<string, number>();
    const b = new Map<string, number>();
    assert.equal(grown.collect(tail, 0, b), whole.collect(tail, 0, a), tail);
    assert.deepEqual([...b].sort(), [...a].sort(), tail);
  }
});
