import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CharNgram } from '../../../src/model/evaluation/ngram';
import { Vocabulary } from '../../../src/model/graph/vocab';
import { SAMPLE_TS } from '../../helpers';

const vocab = Vocabulary.createDefault();

test('probabilities sum to one in every context', () => {
  const m = new CharNgram(vocab, 4);
  m.train(SAMPLE_TS);
  for (const before of ['', 'ret', 'a - b;\n}', 'zzz']) {
    const probs = m.distribution(vocab.encode(before));
    const sum = probs.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - 1) < 1e-9, `${before}: ${sum}`);
    const ids = vocab.encode(before + 'x');
    assert.ok(Math.abs(m.probability(ids, ids.length - 1, vocab.idOf('x')) - (probs[vocab.idOf('x')] as number)) < 1e-12);
  }
});

test('more data means fewer bits; seen text costs far less than unseen', () => {
  const m = new CharNgram(vocab, 8);
  m.train(SAMPLE_TS.repeat(5));
  const seen = m.bitsPerChar([SAMPLE_TS]).bpc;
  const unseen = m.bitsPerChar(['QWERTY uiop ZXCV']).bpc;
  assert.ok(seen < 0.5, `seen ${seen}`);
  assert.ok(unseen > 4, `unseen ${unseen}`);
});

test('greedy completion follows the training text and stops at the token end', () => {
  const m = new CharNgram(vocab, 8);
  m.train(SAMPLE_TS.repeat(3));
  assert.equal(m.complete('export function sub').text, 'tract');
  assert.equal(m.complete('  ret').text, 'urn');
});

test('the hash tables grow past their first capacity without losing counts', () => {
  const m = new CharNgram(vocab, 8);
  let text = '';
  for (let i = 0; i < 20000; i++) text += `v${i} = ${i * 7};\n`;
  m.train(text);
  assert.ok(m.contexts > 1 << 16);
  // Lost counts would leave the text as costly as unseen text (over 4 bits); kept counts make it cheap.
  const seen = m.bitsPerChar([text.slice(0, 5000)]).bpc;
  assert.ok(seen < 2, `after growing: ${seen}`);
});
