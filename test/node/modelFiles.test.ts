import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DEFAULT_TRAIN_CONFIG } from '../../src/model/graph/config';
import { WindowSampler } from '../../src/model/training/dataset';
import { CompletionEngine } from '../../src/model/inference/engine';
import { Seq2SeqLearner } from '../../src/model/training/learner';
import { Rng } from '../../src/model/graph/rng';
import { Seq2SeqModel } from '../../src/model/graph/seq2seq';
import { assertCompatible, ModelFileError } from '../../src/model/graph/serialize';
import { Vocabulary } from '../../src/model/graph/vocab';
import { loadModelDir, loadOptimizerState, saveModel } from '../../src/node/modelFiles';
import { SAMPLE_TS, TINY, useTestBackend } from '../helpers';

const vocab = Vocabulary.createDefault();
const training = { step: 3, bestValidationLoss: 1.5, trainedChars: 100, seed: 1 };
let dir: string;

before(async () => {
  await useTestBackend();
  dir = mkdtempSync(join(tmpdir(), 'seq2seq-test-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function savedModel(name: string): Promise<{ model: Seq2SeqModel; path: string }> {
  const model = Seq2SeqModel.create(TINY, vocab, 21);
  const path = join(dir, name);
  await saveModel(path, model, { training, name }, { replaceModel: true });
  return { model, path };
}

test('save and load give a model with identical suggestions and metadata', async () => {
  const { model, path } = await savedModel('roundtrip');
  const { model: loaded, metadata } = await loadModelDir(path);
  assert.deepEqual(metadata.training, training);
  assert.equal(metadata.name, 'roundtrip');
  const a = new CompletionEngine(model);
  const b = new CompletionEngine(loaded);
  for (const prefix of ['exp', SAMPLE_TS.slice(0, 60), SAMPLE_TS]) {
    assert.deepEqual(a.suggest({ prefix, beamWidth: 3 }), b.suggest({ prefix, beamWidth: 3 }));
  }
  a.dispose();
  b.dispose();
  model.dispose();
  loaded.dispose();
});

test('a model saved before the decoder prime existed loads with a prime of 0 and decodes as before', async () => {
  const { model, path } = await savedModel('no-prime');
  const meta = JSON.parse(readFileSync(join(path, 'metadata.json'), 'utf8'));
  assert.equal(meta.config.decoderPrime, TINY.decoderPrime);
  delete meta.config.decoderPrime;
  writeFileSync(join(path, 'metadata.json'), JSON.stringify(meta));
  const { model: old } = await loadModelDir(path);
  assert.equal(old.config.decoderPrime, 0);
  const unprimed = new Seq2SeqModel({ ...TINY, decoderPrime: 0 }, vocab, model.weights);
  const a = new CompletionEngine(unprimed);
  const b = new CompletionEngine(old);
  assert.deepEqual(a.suggest({ prefix: SAMPLE_TS.slice(0, 70), beamWidth: 3 }), b.suggest({ prefix: SAMPLE_TS.slice(0, 70), beamWidth: 3 }));
  a.dispose();
  b.dispose();
  model.dispose();
  old.dispose();
});

test('saving over an existing model replaces it whole', async () => {
  const { model, path } = await savedModel('replace');
  await saveModel(path, model, { training: { ...training, step: 9 } }, { replaceModel: true });
  assert.equal((await loadModelDir(path)).metadata.training.step, 9);
  model.dispose();
});

test('a truncated weights file is refused with a message naming it', async () => {
  const { model, path } = await savedModel('truncated');
  truncateSync(join(path, 'weights.bin'), 100);
  await assert.rejects(loadModelDir(path), (e: Error) => e instanceof ModelFileError && /weights\.bin: is truncated: 100 bytes, expected \d+/.test(e.message));
  model.dispose();
});

test('invalid JSON, a missing file and non-finite weights are refused with clear messages', async () => {
  const { model, path } = await savedModel('corrupt');
  const weights = readFileSync(join(path, 'weights.bin'));
  writeFileSync(join(path, 'model.json'), '{"format": ');
  await assert.rejects(loadModelDir(path), /model\.json: is not valid JSON/);
  rmSync(join(path, 'model.json'));
  await assert.rejects(loadModelDir(path), /model\.json: is missing/);
  const { path: p2 } = await savedModel('nan');
  const bad = new Float32Array(weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength));
  bad[5] = NaN;
  writeFileSync(join(p2, 'weights.bin'), new Uint8Array(bad.buffer));
  await assert.rejects(loadModelDir(p2), /weights\.bin: weight .* holds a non-finite value/);
  writeFileSync(join(p2, 'metadata.json'), JSON.stringify({ format: 'something-else' }));
  await assert.rejects(loadModelDir(p2), /metadata\.json: is not a seq2seq-complete\/lstm metadata file/);
  model.dispose();
});

test('a model whose shapes disagree with its metadata is refused', async () => {
  const { model, path } = await savedModel('shapes');
  const meta = JSON.parse(readFileSync(join(path, 'metadata.json'), 'utf8'));
  meta.config.hiddenSize = 32;
  writeFileSync(join(path, 'metadata.json'), JSON.stringify(meta));
  await assert.rejects(loadModelDir(path), /model\.json: does not match its metadata: weight encoderLstm\/0\/kernel_i has shape/);
  model.dispose();
});

test('fine-tuning refuses a base model with another vocabulary or shape', () => {
  const model = Seq2SeqModel.create(TINY, vocab, 1);
  const otherVocab = new Vocabulary(['a', 'b', 'c'], vocab.specials);
  assert.throws(() => assertCompatible(model, TINY, otherVocab), /different vocabulary/);
  assert.throws(() => assertCompatible(model, { ...TINY, hiddenSize: 48 }, vocab), /hiddenSize=24, but 48 was requested/);
  assert.doesNotThrow(() => assertCompatible(model, TINY, vocab));
  model.dispose();
});

test('resuming from a checkpoint continues exactly as an uninterrupted run', async () => {
  const sampler = new WindowSampler([{ path: 'a.ts', text: SAMPLE_TS.repeat(4), family: 'ts-js' }], vocab, TINY);
  const batch = (s: number) => sampler.sample(Rng.derive(7, s), 8);
  const straight = Seq2SeqModel.create(TINY, vocab, 5);
  const l1 = new Seq2SeqLearner(straight, DEFAULT_TRAIN_CONFIG);
  for (let s = 0; s < 4; s++) l1.trainStep(batch(s));

  const first = Seq2SeqModel.create(TINY, vocab, 5);
  const l2 = new Seq2SeqLearner(first, DEFAULT_TRAIN_CONFIG);
  for (let s = 0; s < 2; s++) l2.trainStep(batch(s));
  const path = join(dir, 'resume');
  await saveModel(path, first, { training: { ...training, step: 2 }, optimizer: await l2.optimizerState() }, { replaceModel: true });
  const { model: resumed, metadata } = await loadModelDir(path);
  const l3 = new Seq2SeqLearner(resumed, DEFAULT_TRAIN_CONFIG);
  await l3.restoreOptimizerState((await loadOptimizerState(path))!);
  for (let s = metadata.training.step; s < 4; s++) l3.trainStep(batch(s));

  for (const [name, w] of straight.weights) {
    const a = w.dataSync();
    const b = resumed.weight(name).dataSync();
    for (let i = 0; i < a.length; i++) assert.ok(Math.abs((a[i] as number) - (b[i] as number)) < 1e-6, name);
  }
  for (const l of [l1, l2, l3]) l.dispose();
  for (const m of [straight, first, resumed]) m.dispose();
});
