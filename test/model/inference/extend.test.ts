import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { keptExtension } from '../../../src/model/inference/extend';
import { CompletionEngine } from '../../../src/model/inference/engine';
import { Seq2SeqModel } from '../../../src/model/graph/seq2seq';
import { Vocabulary } from '../../../src/model/graph/vocab';
import { TINY, useTestBackend } from '../../helpers';

before(async () => {
  await useTestBackend();
});

test('an extension keeps next tokens while each reaches the threshold, and stops at the first that does not', () => {
  const tokens = [{ text: '(', prob: 0.9, minCharProb: 0.9, copyMatch: 0, lstmMinProb: 0.9, copyMinShare: 0 }, { text: 'cart', prob: 0.5, minCharProb: 0.8, copyMatch: 0, lstmMinProb: 0.8, copyMinShare: 0 }, { text: ')', prob: 0.4, minCharProb: 0.4, copyMatch: 0, lstmMinProb: 0.4, copyMinShare: 0 }, { text: ';', prob: 0.99, minCharProb: 0.99, copyMatch: 0, lstmMinProb: 0.99, copyMinShare: 0 }];
  assert.equal(keptExtension(tokens, 0.45, 'product'), '(cart');
  assert.equal(keptExtension(tokens, 0.7, 'product'), '(');
  assert.equal(keptExtension(tokens, 0.7, 'min'), '(cart', 'a long token is judged by its least likely character');
  assert.equal(keptExtension(tokens, 0.3, 'product'), '(cart);');
  assert.equal(keptExtension(tokens, 0.95, 'min'), '');
  assert.equal(keptExtension([], 0.1), '');
});

test('with length auto, a line written before is suggested past the current token, never past the end of the line', () => {
  const model = Seq2SeqModel.create(TINY, Vocabulary.createDefault(), 3); // untrained: what it suggests comes from copying
  const engine = new CompletionEngine(model);
  const line = 'renderShoppingCart(cartItems, customerProfile);';
  const prefix = `${line}\nconsole.log(1);\n${line.slice(0, 8)}`;
  // Greedy: with an untrained model the beam's ranking of near-ties is not what this test is about.
  const token = engine.suggest({ prefix, language: 'typescript', beamWidth: 1 });
  assert.equal(token.candidates[0]?.text, 'oppingCart');
  assert.equal(token.nextTokens, undefined);
  // Copying from an untrained model: each character has the copy weight of its match (about 0.85), so a long
  // name's product is low and its least likely character is not.
  const auto = engine.suggest({ prefix, language: 'typescript', beamWidth: 1, length: 'auto', maxChars: 80, extendThreshold: 0.5, extendRule: 'min' });
  const text = auto.candidates[0]?.text ?? '';
  assert.ok(text.startsWith('oppingCart(cart'), JSON.stringify(text));
  assert.ok(line.slice(8).startsWith(text), `${JSON.stringify(text)} is a prefix of the line's rest`);
  assert.ok(!text.includes('\n'));
  assert.equal(auto.candidates[0]?.confidence, token.candidates[0]?.confidence, 'the confidence stays the first token\'s');
  assert.ok((auto.nextTokens ?? []).length >= 3);
  // The threshold decides how far: nothing past the token at 1.0 (no token is that sure), more at lower thresholds.
  assert.equal(engine.suggest({ prefix, language: 'typescript', beamWidth: 1, length: 'auto', maxChars: 80, extendThreshold: 1.01 }).candidates[0]?.text, 'oppingCart');
  // maxChars bounds the whole suggestion, and a token cut by it is not offered.
  const short = engine.suggest({ prefix, language: 'typescript', beamWidth: 1, length: 'auto', maxChars: 14, extendThreshold: 0.5, extendRule: 'min' }).candidates[0]?.text ?? '';
  assert.ok(short.length <= 14 && ['oppingCart', 'oppingCart('].includes(short), JSON.stringify(short));
  engine.dispose();
  model.dispose();
});

test('with multiline, a suggestion that reaches the end of its line takes the next line only when the whole of it is likely enough', () => {
  const model = Seq2SeqModel.create(TINY, Vocabulary.createDefault(), 3); // untrained: what it suggests comes from copying
  const engine = new CompletionEngine(model);
  const block = 'if (cartItems.length === 0) {\n  renderEmptyCart(customerProfile);\n}';
  const prefix = `${block}\nconsole.log(1);\n${block.slice(0, 24)}`;
  const request = { prefix, language: 'typescript', length: 'auto' as const, maxChars: 80, extendThreshold: 0.3, extendRule: 'min' as const };
  const oneLine = engine.suggest(request);
  assert.equal(oneLine.candidates[0]?.text, ' 0) {');
  assert.equal(oneLine.nextLine, undefined, 'not asked: not computed');
  const asked = engine.suggest({ ...request, multiline: true, nextLineThreshold: 0 });
  assert.equal(asked.nextLine?.text, '  renderEmptyCart(customerProfile);');
  assert.equal(asked.candidates[0]?.text, ' 0) {\n  renderEmptyCart(customerProfile);');
  // The whole line's probability is a product over its characters: far below 1 from an untrained model.
  const p = asked.nextLine?.prob ?? 1;
  assert.ok(p > 0 && p < 0.9, String(p));
  assert.equal(engine.suggest({ ...request, multiline: true, nextLineThreshold: p * 1.01 }).candidates[0]?.text, ' 0) {');
  // A next line longer than the budget is not offered (each line gets maxChars).
  assert.equal(engine.suggest({ ...request, maxChars: 20, multiline: true, nextLineThreshold: 0 }).nextLine, null);
  // A first line that stops before its end never gets a next line.
  assert.equal(engine.suggest({ ...request, extendThreshold: 1.01, multiline: true, nextLineThreshold: 0 }).candidates[0]?.text.includes('\n'), false);
  engine.dispose();
  model.dispose();
});
