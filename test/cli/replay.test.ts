// The typing replay (src/cli/replay/): the simulated user, the contestants, and the whole run on a real model.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { DEFAULT_SETTINGS } from '../../src/completion/settings';
import { memoryWhileTyping, replayProject, sampleBlocks } from '../../src/cli/replay/run';
import { replayBlock, wordSteps } from '../../src/cli/replay/simulate';
import { LEARN_CONTESTANTS, replayLearning } from '../../src/cli/replay/learned';
import type { Seq2SeqModel } from '../../src/model/graph/seq2seq';
import { nextTokenOracle, ReplayDocument, restOfLineOracle, wordSuggester } from '../../src/cli/replay/suggesters';
import { loadModelDir } from '../../src/node/modelFiles';
import { readCorpus } from '../../src/node/corpus';
import { REPO, useTestBackend } from '../helpers';

before(async () => {
  await useTestBackend();
});

test('Tab takes a whole right suggestion for one key; typing through one is not a new one; a contradicted one is wrong', () => {
  const block = 'const total = count + 1;';
  // A scripted screen: "total" after "const " (right), then "counter" after "const total = ", typed through to "count"
  // and contradicted by the space after it.
  const screen = (typed: string): string => {
    if (typed === 'const ') return 'total';
    if (typed.startsWith('const total = ') && 'const total = counter'.startsWith(typed)) return 'const total = counter'.slice(typed.length);
    return '';
  };
  const c = replayBlock(block, screen);
  assert.equal(c.chars, 24);
  assert.equal(c.shown, 2);
  assert.equal(c.taken, 1);
  assert.equal(c.wrong, 1);
  assert.equal(c.keys, 24 - 'total'.length + 1);
});

test('the words mode takes the right first words of a suggestion with Ctrl+Right, one key each', () => {
  assert.deepEqual(wordSteps('value.length + 1'), ['value', '.', 'length', ' +', ' 1']);
  const block = 'return value.size;';
  // "value.length" after "return ", and its rest while the text goes on with it (the editor's cache serves that).
  const screen = (typed: string): string => (typed.startsWith('return ') && 'return value.length'.startsWith(typed) ? 'return value.length'.slice(typed.length) : '');
  const tab = replayBlock(block, screen, 'tab');
  const words = replayBlock(block, screen, 'words');
  assert.equal(tab.keys, block.length, 'Tab only: "value.length" is never right whole');
  assert.equal(tab.wrong, 1);
  assert.equal(words.words, 2, '"value" and "." are right');
  assert.equal(words.keys, block.length - 'value.'.length + 2);
  assert.equal(words.wrong, 1, 'the rest ("length") is contradicted by "s"');
});

const doc = (above: string, block: string, below = '\n'): ReplayDocument => ({ path: 'a.ts', language: 'typescript', above, block, below });

test('word completion: the most frequent earlier word that extends the identifier; nothing at a token start', () => {
  const suggest = wordSuggester(doc('let counter = 0; counter++; const country = 1;\n', 'cou'));
  assert.equal(suggest(''), '');
  assert.equal(suggest('c'), 'ounter', 'counter twice beats const and country once');
  assert.equal(suggest('coun'), 'ter');
  assert.equal(suggest('count'), 'er');
  assert.equal(suggest('counter '), '');
  assert.equal(wordSuggester(doc('alpha beta\n', ''))('z'), '');
});

test('the limits: the next token and the rest of the line, never past the block', () => {
  const d = doc('', 'foo.bar(1)\nbaz');
  assert.equal(nextTokenOracle(d, 32)(''), 'foo');
  assert.equal(nextTokenOracle(d, 32)('foo'), '.');
  assert.equal(restOfLineOracle(d)('foo'), '.bar(1)');
  assert.equal(replayBlock(d.block, restOfLineOracle(d)).keys, 3, 'the first line, then the newline, then "baz"');
});

test('blocks: the same seed draws the same blocks, each at least the length asked and ending at a line end', async () => {
  const { files } = await readCorpus([join(REPO, 'src', 'model')]);
  const a = sampleBlocks(files, { blocks: 6, blockChars: 200, seed: 3 });
  assert.equal(a.length, 6);
  assert.deepEqual(sampleBlocks(files, { blocks: 6, blockChars: 200, seed: 3 }), a);
  assert.notDeepEqual(sampleBlocks(files, { blocks: 6, blockChars: 200, seed: 4 }).map((b) => b.block), a.map((b) => b.block));
  for (const b of a) {
    assert.ok(b.block.length >= 200);
    assert.ok(b.below === '' || b.below.startsWith('\n'));
    assert.ok(b.above === '' || b.above.endsWith('\n'));
    assert.equal(files.find((f) => f.path === b.path)?.text, b.above + b.block + b.below);
  }
});

test('the workspace memory while a block is typed: every file as saved, the block\'s own without the block, under the size cap', () => {
  const files = [
    { path: 'a.ts', text: 'const a = 1;\n', family: 'ts-js' as const },
    { path: 'b.ts', text: 'const b = 2;\nconst c = 3;\nconst d = 4;\n', family: 'ts-js' as const },
    { path: 'c.ts', text: 'x'.repeat(50), family: 'ts-js' as const },
  ];
  const doc: ReplayDocument = { path: 'b.ts', language: 'typescript', above: 'const b = 2;\n', block: 'const c = 3;', below: '\nconst d = 4;\n' };
  assert.equal(memoryWhileTyping(files, doc), `const a = 1;\n\nconst b = 2;\n\nconst d = 4;\n\n${'x'.repeat(50)}`);
  // Past the cap a file is left out, as the extension's reading leaves it out.
  assert.equal(memoryWhileTyping(files, doc, 40), 'const a = 1;\n\nconst b = 2;\n\nconst d = 4;\n');
});

test('the whole replay on a model that memorised its files: the engine spares most keys, more than word completion', async () => {
  const { model } = await loadModelDir(join(REPO, 'test', 'fixtures', 'models', 'memorized'));
  const { files } = await readCorpus([join(REPO, 'test', 'fixtures', 'memorize')]);
  const { tally } = replayProject(model, files, { blocks: 2, blockChars: 80, seed: 1, settings: DEFAULT_SETTINGS });
  model.dispose();
  const keys = (c: { chars: number; keys: number }): number => 1 - c.keys / c.chars;
  assert.equal(tally.blocks, 2);
  assert.ok(keys(tally.counts.engine) > 0.5, `engine savings ${keys(tally.counts.engine)}`);
  assert.ok(keys(tally.counts.engine) > keys(tally.counts.wordCompletion), `word completion ${keys(tally.counts.wordCompletion)}`);
  assert.ok(keys(tally.counts.oracleRestOfLine) >= keys(tally.counts.oracleNextToken));
  assert.ok(tally.engineMs.length > 0);
});

test('the learning replay: the same blocks before and after learning the other files, none of which it replays', async () => {
  const fixture = join(REPO, 'test', 'fixtures', 'models', 'memorized');
  const { files } = await readCorpus([join(REPO, 'test', 'fixtures', 'workspace')]);
  let loads = 0;
  const load = async (): Promise<Seq2SeqModel> => {
    loads++;
    return (await loadModelDir(fixture)).model;
  };
  const { project, blocks } = await replayLearning(load, files, { blocks: 2, blockChars: 40, seed: 1, settings: DEFAULT_SETTINGS }, 4, () => undefined);
  assert.equal(loads, 1, 'one fresh copy of the model per project: the caller\'s is never trained');
  assert.equal(project.steps, 4);
  assert.ok(project.learnFiles > 0 && project.blockFiles > 0);
  assert.ok(blocks.length > 0 && blocks.length <= 2);
  // The four engines (the last one adapted to each block's document) retyped the same characters.
  for (const c of LEARN_CONTESTANTS) assert.equal(blocks.reduce((n, b) => n + b.tally.counts[c].chars, 0), project.chars, c);
  assert.equal(project.gainPoints, Number((100 * (project.figures.learnt.keystrokeSavings - project.figures.base.keystrokeSavings)).toFixed(2)));
  assert.equal(project.documentGainPoints, Number((100 * (project.figures.learntDocument.keystrokeSavings - project.figures.base.keystrokeSavings)).toFixed(2)));
});
