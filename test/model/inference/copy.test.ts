import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { copyGuess, CopyPrior, copyWeight, MatchIndex, MIN_MATCH, ruleWeight } from '../../../src/model/inference/copy';
import { CompletionEngine } from '../../../src/model/inference/engine';
import { Seq2SeqModel } from '../../../src/model/graph/seq2seq';
import { Vocabulary } from '../../../src/model/graph/vocab';
import { textBelow } from '../../../src/shared/window';
import { TINY, useTestBackend } from '../../helpers';

before(async () => {
  await useTestBackend();
});

const vocab = Vocabulary.createDefault();

test('the match index finds the longest earlier occurrences and votes on what followed them', () => {
  const text = 'let total = 0;\ntotal += price;\nlet totals = [];\ntot';
  const index = new MatchIndex(text);
  const votes = new Map<string, number>();
  // "\ntot" occurs once before the end; "let tot" twice, both followed by "a".
  assert.equal(index.collect('\ntot', 0, votes), 4);
  assert.deepEqual([...votes], [['a', 1]]);
  votes.clear();
  assert.equal(index.collect('let tot', 0, votes), 7);
  assert.deepEqual([...votes], [['a', 2]]);
  votes.clear();
  assert.equal(index.collect('zzz', 0, votes), 0, 'no occurrence');
  assert.equal(index.collect('ot', 0, votes), 0, `shorter than ${MIN_MATCH} characters`);
  assert.equal(votes.size, 0);
});

test('the occurrence that ends at the cursor itself is never offered', () => {
  const text = 'abcdef';
  assert.equal(new MatchIndex(text).collect(text, 0, new Map()), 0);
});

test('the guess names the sources that voted: equal lengths pool, a longer one replaces', () => {
  const above = { index: new MatchIndex('let total = 1; total'), origin: 'above' as const };
  const below = { index: new MatchIndex('print(total)'), origin: 'below' as const };
  const longer = { index: new MatchIndex('grand total;'), origin: 'memory' as const };
  assert.deepEqual(copyGuess('= tota', [above, below]).from, ['above']);
  assert.deepEqual(copyGuess('(tota', [above, below]).from, ['below']);
  assert.deepEqual(copyGuess('tota', [above, below]).from, ['above', 'below']);
  assert.deepEqual(copyGuess('and tota', [above, below, longer]).from, ['memory']);
});

test('a longer match in a later index outranks the votes of a shorter one', () => {
  const doc = new MatchIndex('xx fooQ\n');
  const memory = new MatchIndex('const a.foo = fooBar;\n');
  const prior = new CopyPrior(vocab, [doc, memory], 'y = a.foo');
  const g = prior.guess('');
  assert.equal(g.length, 6, '" a.foo" in the memory beats " foo" in the document');
  assert.deepEqual([...g.votes], [[' ', 1]]);
  // The decoder's own characters extend the context that is matched.
  assert.deepEqual([...prior.guess(' = f').votes], [['o', 1]]);
});

test('mixing keeps a distribution and moves mass to the copied character, more for a longer match', () => {
  const V = vocab.size;
  const uniform = () => new Float32Array(V).fill(-Math.log(V));
  const short = uniform();
  const long = uniform();
  new CopyPrior(vocab, [new MatchIndex('abc = 1; abd')], 'x abc').mixInto(short, 0, '');
  new CopyPrior(vocab, [new MatchIndex('value.abcdefgh = 1; ')], 'value.abcdefgh').mixInto(long, 0, '');
  for (const logp of [short, long]) {
    const total = logp.reduce((s, x) => s + Math.exp(x), 0);
    assert.ok(Math.abs(total - 1) < 1e-5, `sums to ${total}`);
  }
  const pShort = Math.exp(short[vocab.idOf(' ')] as number);
  const pLong = Math.exp(long[vocab.idOf(' ')] as number);
  assert.ok(pShort > 0.3 && pLong > pShort, `${pShort} < ${pLong}`);
  assert.ok(Math.abs(ruleWeight(4) - 0.5) < 1e-9 && ruleWeight(MIN_MATCH - 1) === 0);
});

test('the engine completes a name defined earlier in the document or in its workspace memory; copying can be turned off', () => {
  const model = Seq2SeqModel.create(TINY, vocab, 3); // untrained: what it suggests comes from copying
  const engine = new CompletionEngine(model);
  const prefix = 'const invoiceTotal = items.length;\nconsole.log(invoiceT';
  assert.equal(engine.suggest({ prefix, language: 'typescript', beamWidth: 3 }).candidates[0]?.text, 'otal');
  assert.notEqual(engine.suggest({ prefix, language: 'typescript', beamWidth: 3, copy: false }).candidates[0]?.text, 'otal');

  const elsewhere = 'return renderShoppingCart(';
  assert.notEqual(engine.suggest({ prefix: elsewhere.slice(0, -10), language: 'typescript' }).candidates[0]?.text, 'ppingCart');
  engine.setMemory('export function renderShoppingCart(cart) {}\n');
  assert.equal(engine.memoryChars, 44);
  assert.equal(engine.suggest({ prefix: elsewhere.slice(0, -10), language: 'typescript' }).candidates[0]?.text, 'ppingCart');
  engine.setMemory(null);
  assert.equal(engine.memoryChars, 0);
  engine.dispose();
  model.dispose();
});

test('the engine copies a name used below the cursor\'s line, never from the rest of the cursor\'s own line', () => {
  const model = Seq2SeqModel.create(TINY, vocab, 3);
  const engine = new CompletionEngine(model);
  const prefix = 'function main() {\n  return renderSho';
  assert.notEqual(engine.suggest({ prefix, language: 'typescript' }).candidates[0]?.text, 'ppingCart');
  const after = '(cart);\n}\n\nfunction renderShoppingCart(cart) {}\n';
  assert.equal(textBelow(after), '}\n\nfunction renderShoppingCart(cart) {}\n');
  assert.equal(engine.suggest({ prefix, language: 'typescript', below: textBelow(after) }).candidates[0]?.text, 'ppingCart');
  // The name only on the cursor's own line, after the cursor: not offered.
  assert.equal(textBelow('ppingCart(cart); }'), '');
  // The panel's trace says where each step copied from.
  const steps = engine.explain({ prefix, language: 'typescript', below: textBelow(after), traceChars: 8, topK: 3 }).greedy.steps;
  assert.deepEqual(steps[0]?.copyFrom, ['below']);
  assert.ok(steps.every((st) => st.copyMatch === 0 || st.copyFrom.length > 0));
  engine.dispose();
  model.dispose();
});

test('copying from a whole file may be limited to what lies before a position', () => {
  const index = new MatchIndex('call(alpha); call(beta); call(');
  const votes = new Map<string, number>();
  assert.equal(index.collect('call(', 0, votes), 5);
  assert.deepEqual([...votes].sort(), [['a', 1], ['b', 1]]);
  votes.clear();
  assert.equal(index.collect('call(', 0, votes, 12), 5, 'only the first call lies before position 12');
  assert.deepEqual([...votes], [['a', 1]]);
});

test('an index reset to another text finds what a fresh one finds, and nothing of its old text', () => {
  const text = 'let total = 0;\ntotal += price;\nlet totals = [];\nconst grandTotal = total + tax;\n';
  const fresh = new MatchIndex(text, 4096);
  const reused = new MatchIndex('function render(items) {\n  return items.map(renderItem);\n}\n'.repeat(20), 4096);
  reused.floor = 5;
  reused.reset(text);
  assert.equal(reused.text, text);
  assert.equal(reused.floor, 0);
  for (const tail of ['let tot', '\ntot', 'total', 'grandT', '= tot', 'render', 'items.m']) {
    const a = new Map<string, number>();
    const b = new Map<string, number>();
    assert.equal(reused.collect(tail, 0, b), fresh.collect(tail, 0, a), tail);
    assert.deepEqual([...b].sort(), [...a].sort(), tail);
  }
});

test('a copy run follows the copied text while every long occurrence agrees, to the end of the line', () => {
  const text = 'client.request(url, { method: "GET" });\nother();\n';
  const prior = new CopyPrior(vocab, [new MatchIndex(text)], 'client.req');
  assert.equal(prior.run('uest', 60, 8), '(url, { method: "GET" });', 'stops before the newline');
  assert.equal(prior.run('uest', 5, 8), '(url,', 'and at the character budget');
  assert.equal(prior.run('uest', 60, 40), '', 'no match that long');
  // Two occurrences that part ways: the run stops where they disagree.
  const split = new CopyPrior(vocab, [new MatchIndex('send(a, b);\nsend(a, c);\n')], 'x = sen');
  assert.equal(split.run('d', 60, 4), '(a, ');
});

test('a copy run does not count the workspace memory\'s copy of a line the document has as a second vote', () => {
  const line = 'client.request(url, { retries: 3 });\n';
  // Every text has the line after "x();": the matches are all as long, and their votes pool.
  const above = { index: new MatchIndex(`x();\n${line}`), origin: 'above' as const };
  const memory = { index: new MatchIndex(`x();\n${line}`), origin: 'memory' as const };
  const other = { index: new MatchIndex('x();\nclient.request(url, { retries: 5 });\n'), origin: 'files' as const };
  assert.equal(new CopyPrior(vocab, [above, memory], 'x();\nclient.req').run('uest', 60, 6, 2), '', 'the same line twice: one vote');
  assert.equal(new CopyPrior(vocab, [above, other], 'x();\nclient.req').run('uest', 60, 6, 2), '(url, { retries: ', 'another file agrees up to where it parts');
  const twice = { index: new MatchIndex(`x();\n${line}x();\n${line}`), origin: 'above' as const };
  assert.equal(new CopyPrior(vocab, [twice, memory], 'x();\nclient.req').run('uest', 60, 6, 2), '(url, { retries: 3 });', 'two places in the document');
  const memoryTwice = { index: new MatchIndex(`x();\n${line}x();\n${line}`), origin: 'memory' as const };
  assert.equal(new CopyPrior(vocab, [memoryTwice], 'x();\nclient.req').run('uest', 60, 6, 2), '(url, { retries: 3 });', 'two places in the workspace, none in the document');
});

test('a match in the workspace memory is weighed as one in another file where the model has no table for the memory', () => {
  const files = Array.from({ length: 33 }, (_, n) => n / 100);
  const all = Array.from({ length: 33 }, () => 0.9);
  // The other files' table, not the shared one or the rule.
  assert.equal(copyWeight({ all, bySource: { files } }, 8, 'memory'), 0.08);
  // A table of the memory's own wins; without any table the shared one, without that the rule.
  assert.equal(copyWeight({ bySource: { files, memory: all } }, 8, 'memory'), 0.9);
  assert.equal(copyWeight({ all }, 8, 'memory'), 0.9);
  assert.equal(copyWeight(undefined, 8, 'memory'), ruleWeight(8));
  // Only the memory borrows: the document's own sources keep the shared table.
  assert.equal(copyWeight({ all, bySource: { files } }, 8, 'above'), 0.9);
  assert.equal(copyWeight({ all, bySource: { files } }, MIN_MATCH - 1, 'memory'), 0);
});
