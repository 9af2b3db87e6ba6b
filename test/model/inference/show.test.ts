// The show model: its features read what they say, and a model with one gives each candidate its estimate.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { Seq2SeqModel } from '../../../src/model/graph/seq2seq';
import { ModelConfig, validateModelConfig } from '../../../src/model/graph/config';
import { Rng } from '../../../src/model/graph/rng';
import type { Example } from '../../../src/model/evaluation/logistic';
import { DEFAULT_TREE_OPTIONS, fitShowModel } from '../../../src/model/evaluation/showFit';
import { CompletionEngine } from '../../../src/model/inference/engine';
import { SHOW_FEATURE_NAMES, SHOW_FEATURES, ShowInputs, showFeatures, ShowModel, showModelProblem, showProbability, ShowTree, tunedProbability, tunedShowProblem } from '../../../src/model/inference/show';
import { SAMPLE_TS, trainedTiny, useTestBackend } from '../../helpers';

before(async () => {
  await useTestBackend();
});

const inputs = (over: Partial<ShowInputs> = {}): ShowInputs => ({
  text: 'total',
  logProb: Math.log(0.5),
  runnerUpLogProb: Math.log(0.1),
  lstmFirstLogProb: Math.log(0.3),
  copyAtCursor: { length: 12, votes: new Map([['t', 3], ['x', 1]]), total: 4 },
  copyAfterLength: 17,
  line: '  const x = ',
  family: 'ts-js',
  firstStepEntropy: 1.5,
  firstStepTop: 0.6,
  beamAgreement: 2 / 3,
  ...over,
});

const named = (x: number[]): Record<string, number> => Object.fromEntries(SHOW_FEATURE_NAMES.map((n, k) => [n, x[k] as number]));

test('the features read the candidate, the copy prior and the line', () => {
  const x = showFeatures(inputs());
  assert.equal(x.length, SHOW_FEATURES);
  assert.equal(SHOW_FEATURE_NAMES.length, SHOW_FEATURES);
  const f = named(x);
  assert.equal(f.bias, 1);
  assert.ok(Math.abs((f['log p'] as number) - Math.log(0.5)) < 1e-9);
  assert.ok(Math.abs((f['margin over runner-up / 10'] as number) - Math.log(5) / 10) < 1e-9);
  assert.equal(f['copy votes for first char'], 0.75);
  assert.equal(f['copy votes unanimous'], 0);
  assert.equal(f['copy match / 32'], 12 / 32);
  assert.equal(f['copy match after the text / 32'], 17 / 32);
  assert.equal(f.word, 1);
  assert.equal(f['cursor after a word char'], 0, 'the line ends with a blank');
  assert.equal(f['line length / 40'], 10 / 40, 'the indentation is not counted');
  assert.equal(f.python, 0);
  assert.equal(f['first char top p'], 0.6);
  assert.equal(f['beam agreement on first char'], 2 / 3);
  assert.equal(f['log p x word'], f['log p']);
  assert.equal(Math.abs(f['log p x starts with a blank'] as number), 0);
  assert.equal(f['name typed so far / 16'], 0);
  const typing = named(showFeatures(inputs({ line: '  const tot', copyAtCursor: { length: 3, votes: new Map(), total: 0 } })));
  assert.equal(typing['name typed so far / 16'], 3 / 16);
  assert.equal(typing['name typed so far is new'], 1, 'no earlier text matches more than the name itself');
  assert.equal(named(showFeatures(inputs({ line: '  const tot' })))['name typed so far is new'], 0, 'a 12-character match reaches before the name');
});

test('a candidate with no runner-up, no copy and an empty text still has finite features', () => {
  const x = showFeatures(inputs({ text: '', runnerUpLogProb: -Infinity, lstmFirstLogProb: NaN, copyAtCursor: { length: 0, votes: new Map(), total: 0 }, copyAfterLength: 0, line: '', family: 'python' }));
  assert.ok(x.every(Number.isFinite), JSON.stringify(x));
  const f = named(x);
  assert.equal(f['margin over runner-up / 10'], 1, 'alone, the candidate has the widest margin');
  assert.equal(f['blank line'], 1);
  assert.equal(f.python, 1);
});

test('the show probability walks each tree to a leaf and adds the leaves to the base log-odds', () => {
  const x = showFeatures(inputs()); // log p = log 0.5, word = 1
  const logP = SHOW_FEATURE_NAMES.indexOf('log p');
  const word = SHOW_FEATURE_NAMES.indexOf('word');
  const model: ShowModel = {
    base: -1,
    trees: [
      [[logP, Math.log(0.3), 1, 2], [-1, -2, 0, 0], [-1, 0.5, 0, 0]], // p above 0.3: +0.5
      [[word, 0.5, 1, 2], [-1, 0.25, 0, 0], [-1, 1, 0, 0]], // a word: +1
    ],
  };
  assert.ok(Math.abs(showProbability(model, x) - 1 / (1 + Math.exp(-0.5))) < 1e-12);
  assert.equal(showProbability({ base: 0, trees: [] }, x), 0.5);
});

test('boosted trees learn which suggestions are right where the probability alone cannot tell', () => {
  // Right: sure and copied, or a word after a word character; wrong otherwise, at every probability.
  const examples: Example[] = [];
  const rng = new Rng(3);
  for (let i = 0; i < 2000; i++) {
    const copied = rng.next() < 0.5;
    const p = 0.2 + 0.6 * rng.next();
    const x = showFeatures(inputs({ logProb: Math.log(p), copyAtCursor: copied ? { length: 12, votes: new Map([['t', 2]]), total: 2 } : { length: 0, votes: new Map(), total: 0 } }));
    examples.push({ x, right: copied && p > 0.4 });
  }
  const fit = fitShowModel(examples, SHOW_FEATURES, { ...DEFAULT_TREE_OPTIONS, trees: 20 });
  assert.ok(fit.bits.fitted < fit.bits.baseRate / 4, JSON.stringify(fit.bits));
  assert.equal(showModelProblem(fit.model), null);
  const at = (p: number, copied: boolean): number => showProbability(fit.model, showFeatures(inputs({ logProb: Math.log(p), copyAtCursor: copied ? { length: 12, votes: new Map([['t', 2]]), total: 2 } : { length: 0, votes: new Map(), total: 0 } })));
  assert.ok(at(0.7, true) > 0.9 && at(0.7, false) < 0.1 && at(0.3, true) < 0.1, `${at(0.7, true)} ${at(0.7, false)} ${at(0.3, true)}`);
  // Thresholds are the features' own values, unrounded: an example equal to one goes where it went in the fit.
  const values = new Set(examples.flatMap((e) => e.x));
  for (const tree of fit.model.trees) for (const [f, t] of tree) if (f >= 0) assert.ok(values.has(t), `threshold ${t} is no feature value`);
  assert.throws(() => fitShowModel([], SHOW_FEATURES), /no examples/);
});

test('a model with a show model gives each candidate its estimate as confidence; features come when asked', () => {
  const model = trainedTiny(150);
  const request = { prefix: SAMPLE_TS.repeat(2) + 'export function add(a: number, b: number): number {\n  ret', language: 'typescript', beamWidth: 2 };
  const plain = new CompletionEngine(model);
  const raw = plain.suggest({ ...request, showFeatures: true });
  assert.equal(raw.showFeatures?.length, raw.candidates.length);
  assert.ok(raw.showFeatures?.every((x) => x.length === SHOW_FEATURES && x.every(Number.isFinite)));
  assert.ok(Math.abs((raw.candidates[0]?.confidence as number) - Math.exp(raw.candidates[0]?.logProb as number)) < 1e-12, 'without a show model: the probability');
  assert.equal(plain.suggest(request).showFeatures, undefined);
  plain.dispose();
  // A show model of one leaf: every candidate gets the same estimate.
  const config = { ...model.config, showModel: { base: -0.5, trees: [[[-1, -0.5, 0, 0]]] as ShowTree[] } };
  validateModelConfig(config);
  const shown = new CompletionEngine(new Seq2SeqModel(config, model.vocab, model.weights));
  const { candidates } = shown.suggest(request);
  assert.equal(candidates[0]?.text, raw.candidates[0]?.text, 'the ranking is the decoder\'s');
  for (const c of candidates) assert.ok(Math.abs(c.confidence - 1 / (1 + Math.E)) < 1e-12, 'log-odds -0.5 - 0.5 = -1');
  shown.dispose();
  model.dispose();
});

test('a config whose show model could not be walked is refused', () => {
  const model = trainedTiny(1);
  const withTrees = (trees: unknown): ModelConfig => ({ ...model.config, showModel: { base: 0, trees } as ShowModel });
  assert.throws(() => validateModelConfig(withTrees([[[0, 0.5, 0, 0]]])), /two later nodes/, 'a node that points at itself would loop');
  assert.throws(() => validateModelConfig(withTrees([[[SHOW_FEATURES, 0.5, 1, 2], [-1, 0, 0, 0], [-1, 0, 0, 0]]])), /name a feature/);
  assert.throws(() => validateModelConfig(withTrees([[[-1, Number.NaN, 0, 0]]])), /finite/);
  assert.throws(() => validateModelConfig(withTrees([[]])), /1 to 1,000 nodes/);
  assert.throws(() => validateModelConfig({ ...model.config, showModel: { base: 'x' } as unknown as ShowModel }), /base/);
  validateModelConfig(withTrees([[[0, 0.5, 1, 2], [-1, 0, 0, 0], [-1, 0, 0, 0]]]));
  model.dispose();
});

test('a tuned model\'s correction scales and shifts the log-odds, keeps the order, and is refused out of range', () => {
  assert.ok(Math.abs(tunedProbability(0.7, { scale: 1, shift: 0 }) - 0.7) < 1e-12, 'scale 1, shift 0: as the show model says');
  const t = { scale: 1.4, shift: -0.6 };
  // logit 0.5 = 0: the shift alone.
  assert.ok(Math.abs(tunedProbability(0.5, t) - 1 / (1 + Math.exp(0.6))) < 1e-12);
  const ps = [0.01, 0.2, 0.5, 0.6, 0.8, 0.99];
  const qs = ps.map((p) => tunedProbability(p, t));
  assert.ok(qs.every((q, k) => k === 0 || q > (qs[k - 1] as number)), 'a positive scale keeps the order of candidates');
  assert.ok(Number.isFinite(tunedProbability(0, t)) && Number.isFinite(tunedProbability(1, t)));
  const model = trainedTiny(1);
  validateModelConfig({ ...model.config, tunedShow: t });
  assert.throws(() => validateModelConfig({ ...model.config, tunedShow: { scale: 0, shift: 0 } }), /config\.tunedShow: scale/);
  assert.throws(() => validateModelConfig({ ...model.config, tunedShow: { scale: 1, shift: Number.NaN } }), /config\.tunedShow: shift/);
  assert.equal(tunedShowProblem(null), 'must be an object');
  model.dispose();
});

test('an engine over tuned weights corrects the show model\'s confidence; one over the model as shipped does not', () => {
  const model = trainedTiny(150);
  const request = { prefix: SAMPLE_TS.repeat(2) + 'export function add(a: number, b: number): number {\n  ret', language: 'typescript', beamWidth: 2 };
  const showModel = { base: 0.3, trees: [[[-1, 0, 0, 0]]] as ShowTree[] };
  const tunedShow = { scale: 1.5, shift: -0.8 };
  const withCorrection = new Seq2SeqModel({ ...model.config, showModel, tunedShow }, model.vocab, model.weights);
  const confidences = (m: Seq2SeqModel, tuned: boolean): number[] => {
    const engine = new CompletionEngine(m, { tuned });
    try {
      return engine.suggest(request).candidates.map((c) => c.confidence);
    } finally {
      engine.dispose();
    }
  };
  const shipped = 1 / (1 + Math.exp(-0.3));
  assert.ok(confidences(withCorrection, false).length > 0);
  assert.ok(confidences(withCorrection, false).every((c) => Math.abs(c - shipped) < 1e-12), 'not tuned: the show model as fitted');
  assert.ok(confidences(withCorrection, true).every((c) => Math.abs(c - 1 / (1 + Math.exp(-(1.5 * 0.3 - 0.8)))) < 1e-9), 'tuned: corrected');
  const without = new Seq2SeqModel({ ...model.config, showModel }, model.vocab, model.weights);
  assert.ok(confidences(without, true).every((c) => Math.abs(c - shipped) < 1e-12), 'a model without a correction has nothing to apply');
  model.dispose();
});
