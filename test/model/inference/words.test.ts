// The document's word: what word completion would propose, its features, and the engine's candidate from it.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { Seq2SeqModel } from '../../../src/model/graph/seq2seq';
import { ModelConfig, validateModelConfig } from '../../../src/model/graph/config';
import { lowestSplit, ShowModel, showProbability, ShowTree } from '../../../src/model/inference/show';
import { CompletionEngine } from '../../../src/model/inference/engine';
import { documentWords, nameAtEnd, WORD_FEATURE_NAMES, WORD_FEATURES, wordFeatures, WordGuess, wordProbabilityBound, wordScoreFloor } from '../../../src/model/inference/words';
import { Decoder } from '../../../src/model/inference/decode';
import { decideShown } from '../../../src/completion/shown';
import { SAMPLE_TS, trainedTiny, useTestBackend } from '../../helpers';

before(async () => {
  await useTestBackend();
});

/** The most frequent word (word completion's guess), or null. */
const documentWord = (above: string, below: string): WordGuess | null => documentWords(above, below, 1)[0] ?? null;

test('the name at the end of the text', () => {
  assert.equal(nameAtEnd('const total'), 'total');
  assert.equal(nameAtEnd('a.$el_2'), '$el_2');
  assert.equal(nameAtEnd('f('), '');
  assert.equal(nameAtEnd(''), '');
});

test('the document word: the most frequent longer word that starts like the name, from above and below', () => {
  const above = 'let totalCount = 0;\ntotalCount += 1;\nconst totals = [];\nsubtotal = 2;\ntot';
  const g = documentWord(above, '\nreturn totals;\n');
  assert.ok(g);
  // totalCount 2 above; totals 1 above + 1 below: a tie goes to the nearer one above (totals).
  assert.equal(g.text, 'als');
  assert.equal(g.typed, 'tot');
  assert.equal(g.count, 2);
  assert.equal(g.words, 2);
  assert.equal(g.share, 0.5);
  assert.equal(g.distance, above.length - above.indexOf('totals'));
  // "subtotal" does not start with the name; the name being typed is not an occurrence of itself.
  assert.equal(documentWord('subtotal tot', ''), null);
  assert.equal(documentWord('x = 1;\n', 'xy'), null, 'not in a name');
  assert.deepEqual(documentWords(above, '\nreturn totals;\n').map((w) => [w.text, w.rank]), [['als', 0], ['alCount', 1]]);
  assert.deepEqual(documentWords(above, '', 1).map((w) => w.text), ['alCount'], 'above alone: totalCount is the most frequent');
  const below = documentWord('ab', 'abc abc abd');
  assert.deepEqual(below && { text: below.text, count: below.count, distance: below.distance }, { text: 'c', count: 2, distance: Infinity });
});

test('word features are finite, one per name, and read the best candidate', () => {
  const guess = documentWord('totalCount = 1;\ntot', '');
  assert.ok(guess);
  const x = (best: string) => wordFeatures({ guess, best: { text: best, confidence: 0.3, logProb: -2 }, inBeam: false, logProb: -Infinity, family: 'python' });
  assert.equal(WORD_FEATURES, WORD_FEATURE_NAMES.length);
  for (const f of [x('al'), x(''), x('x')]) {
    assert.equal(f.length, WORD_FEATURES);
    assert.ok(f.every(Number.isFinite));
  }
  const at = (name: (typeof WORD_FEATURE_NAMES)[number]): number => WORD_FEATURE_NAMES.indexOf(name);
  assert.equal(x('alCount')[at("best's first char agrees")], 1);
  assert.equal(x('alCount')[at('best is a prefix or extension')], 1);
  assert.equal(x('alX')[at('best is a prefix or extension')], 0);
  assert.equal(x('x')[at("best's first char agrees")], 0);
  assert.equal(x('')[at("best's first char agrees")], 0);
});

test("the engine gives the document's words and their features when asked", () => {
  const model = trainedTiny(150);
  const engine = new CompletionEngine(model);
  const request = { prefix: SAMPLE_TS.repeat(2) + 'export function add(a: number, b: number): number {\n  ret', language: 'typescript', beamWidth: 3, wordFeatures: true };
  const { candidates, words } = engine.suggest(request);
  // "ret" extends to "return" in the sample: the word is found, and its features come when asked.
  const word = words?.[0];
  assert.ok(word);
  assert.equal(word.text, 'urn');
  assert.equal(word.features.length, WORD_FEATURES);
  assert.ok(word.features.every(Number.isFinite));
  const inBeam = candidates.find((c) => c.text === 'urn');
  if (inBeam) assert.equal(word.features[WORD_FEATURE_NAMES.indexOf('in the beam')], 1);
  assert.equal(engine.suggest({ ...request, wordFeatures: false }).words, undefined);
  assert.deepEqual(engine.suggest({ ...request, prefix: `${request.prefix}urn ` }).words, [], 'not in a name');
  engine.dispose();
  model.dispose();
});

test('with a word model the document word is a candidate at its estimate, placed by it', () => {
  const model = trainedTiny(150);
  const request = { prefix: SAMPLE_TS.repeat(2) + 'export function add(a: number, b: number): number {\n  const totalValue = a + b;\n  return tot', language: 'typescript', beamWidth: 3 };
  const plain = new CompletionEngine(model);
  const before = plain.suggest(request).candidates;
  plain.dispose();
  const leaf = (logOdds: number): ShowModel => ({ base: logOdds, trees: [[[-1, 0, 0, 0]]] as ShowTree[] });
  const withModel = (m: ShowModel): CompletionEngine => {
    const config: ModelConfig = { ...model.config, wordModel: m };
    validateModelConfig(config);
    return new CompletionEngine(new Seq2SeqModel(config, model.vocab, model.weights));
  };
  const sure = withModel(leaf(10));
  const first = sure.suggest(request).candidates;
  assert.equal(first[0]?.text, 'alValue', 'surer than every beam candidate: first');
  assert.ok(Math.abs((first[0]?.confidence as number) - 1 / (1 + Math.exp(-10))) < 1e-12);
  assert.equal(first.filter((c) => c.text === 'alValue').length, 1, 'never twice');
  sure.dispose();
  const unsure = withModel(leaf(-30));
  const last = unsure.suggest(request).candidates;
  assert.equal(last[0]?.text, before[0]?.text, 'less sure than the beam: the beam keeps its order');
  assert.ok(last.some((c) => c.text === 'alValue'));
  unsure.dispose();
  model.dispose();
});

test('a config whose word model names a feature it does not have is refused', () => {
  const model = trainedTiny(1);
  const config = (trees: unknown): ModelConfig => ({ ...model.config, wordModel: { base: 0, trees } as ShowModel });
  assert.throws(() => validateModelConfig(config([[[WORD_FEATURES, 0.5, 1, 2], [-1, 0, 0, 0], [-1, 0, 0, 0]]])), /wordModel.*name a feature/);
  validateModelConfig(config([[[WORD_FEATURES - 1, 0.5, 1, 2], [-1, 0, 0, 0], [-1, 0, 0, 0]]]));
  model.dispose();
});

test('the score floor: below the lowest splits on log p and on log p over the best, the trees cannot tell scores apart', () => {
  const logP = WORD_FEATURE_NAMES.indexOf('log p');
  const overBest = WORD_FEATURE_NAMES.indexOf("log p over best's");
  const node = (f: number, t: number): [number, number, number, number][] => [[f, t, 1, 2], [-1, -1, 0, 0], [-1, 1, 0, 0]];
  const model: ShowModel = { base: 0, trees: [node(logP, -10), node(logP, -4), node(overBest, -9)] };
  assert.equal(lowestSplit(model, logP), -10);
  assert.equal(lowestSplit(model, 0), Infinity, 'a feature no tree splits');
  assert.equal(wordScoreFloor(model, -2), -11, 'the best at -2: log p over it is below -9 under -11');
  assert.equal(wordScoreFloor(model, -0.5), -10);
  assert.equal(wordScoreFloor(model, -100), -30, 'never under the features own floor');
  assert.equal(wordScoreFloor(undefined, -2), -30);
  // Any two scores under the floor give the same probability.
  const guess = documentWord('zetaValue = 1;\nzet', '');
  assert.ok(guess);
  const p = (score: number): number => showProbability(model, wordFeatures({ guess, best: { text: 'x', confidence: 0.2, logProb: -2 }, inBeam: false, logProb: score, family: 'ts-js' }));
  assert.equal(p(-11.01), p(-25));
  assert.notEqual(p(-10.5), p(-9));
});

test('the bound: no score gets a word past what its other features allow', () => {
  const logP = WORD_FEATURE_NAMES.indexOf('log p');
  const overBest = WORD_FEATURE_NAMES.indexOf("log p over best's");
  const count = WORD_FEATURE_NAMES.indexOf('log count');
  // A word seen once is held down (-2) whatever its score; a word seen often gains up to +1 from a high score.
  const model: ShowModel = {
    base: 0,
    trees: [
      [[count, 0.5, 1, 2], [-1, -2, 0, 0], [logP, -3, 3, 4], [-1, -1, 0, 0], [-1, 1, 0, 0]],
      [[overBest, -1, 1, 2], [-1, -0.5, 0, 0], [-1, 0.5, 0, 0]],
    ] as ShowTree[],
  };
  const features = (text: string, score: number): number[] => {
    const guess = documentWord(text, '');
    assert.ok(guess);
    return wordFeatures({ guess, best: { text: 'x', confidence: 0.2, logProb: -2 }, inBeam: false, logProb: score, family: 'ts-js' });
  };
  const once = 'zetaValue = 1;\nzet';
  const often = 'zetaValue = 1; zetaValue++; zetaValue--;\nzet';
  for (const text of [once, often]) {
    const bound = wordProbabilityBound(model, features(text, -30));
    let highest = 0;
    for (let score = -30; score <= 0; score += 0.25) highest = Math.max(highest, showProbability(model, features(text, score)));
    assert.ok(Math.abs(bound - highest) < 1e-12, `${text}: the bound ${bound} is what the best score gets (${highest})`);
  }
  assert.ok(Math.abs(wordProbabilityBound(model, features(once, -30)) - 1 / (1 + Math.exp(1.5))) < 1e-12, 'once: -2 + 0.5');
});

test('with the show threshold in the request, a word joins only over it, and one that could not reach it is not read', () => {
  const model = trainedTiny(150);
  const prefix = SAMPLE_TS.repeat(2) + 'export function add(a: number, b: number): number {\n  const totalValue = a + b;\n  return tot';
  const request = { prefix, language: 'typescript', beamWidth: 3 };
  const plain = new CompletionEngine(model);
  const beamOnly = plain.suggest(request).candidates;
  plain.dispose();
  let scored = 0;
  const score = Decoder.prototype.score;
  Decoder.prototype.score = function (this: Decoder, ...a: Parameters<typeof score>) {
    scored += a[1].length;
    return score.apply(this, a);
  };
  const engineWith = (wordModel: ShowModel): CompletionEngine => new CompletionEngine(new Seq2SeqModel({ ...model.config, wordModel }, model.vocab, model.weights));
  try {
    // Never sure of a word seen once ("totalValue" is seen once above): under the bar whatever its score.
    const count = WORD_FEATURE_NAMES.indexOf('log count');
    const hopeless = engineWith({ base: 0, trees: [[[count, 0.5, 1, 2], [-1, -10, 0, 0], [-1, 10, 0, 0]]] as ShowTree[] });
    const all = hopeless.suggest(request).candidates;
    assert.ok(scored > 0 && all.some((c) => c.word === true), 'without the threshold the word is scored and joins');
    scored = 0;
    const some = hopeless.suggest({ ...request, showThreshold: 0.5 }).candidates;
    assert.equal(scored, 0, 'with it, the word is left unread');
    assert.deepEqual(some, beamOnly, 'and the candidates are the beam\'s alone');
    assert.deepEqual(decideShown(some, '', 0.5).shown, decideShown(all, '', 0.5).shown);
    scored = 0;
    hopeless.suggest({ ...request, showThreshold: 0.5, wordFeatures: true });
    assert.ok(scored > 0, 'fit-words weighs every word');
    hopeless.dispose();
    // Sure only of a word the decoder is all but certain of: this one may be shown, so it is read, and scored under the bar it does not join.
    const logP = WORD_FEATURE_NAMES.indexOf('log p');
    const demanding = engineWith({ base: 0, trees: [[[logP, -1e-4, 1, 2], [-1, -10, 0, 0], [-1, 10, 0, 0]]] as ShowTree[] });
    scored = 0;
    assert.deepEqual(demanding.suggest({ ...request, showThreshold: 0.5 }).candidates, beamOnly);
    assert.ok(scored > 0, 'read, since a high score could show it');
    demanding.dispose();
  } finally {
    Decoder.prototype.score = score;
    model.dispose();
  }
});
