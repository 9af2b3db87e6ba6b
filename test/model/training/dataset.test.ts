import assert from 'node:assert/strict';
import { test } from 'node:test';
import { batchChars, SourceFile, splitByFile, validationSetId, WindowSampler } from '../../../src/model/training/dataset';
import { decoderPrime } from '../../../src/model/graph/context';
import { Rng } from '../../../src/model/graph/rng';
import { Vocabulary } from '../../../src/model/graph/vocab';
import { TINY } from '../../helpers';

const files = (n: number): SourceFile[] =>
  Array.from({ length: n }, (_, i) => ({ path: `src/file${i}.ts`, text: `const v${i} = ${i};\n`.repeat(20), family: 'ts-js' as const }));

test('the split is by file, deterministic, and covers every file once', () => {
  const all = files(50);
  const a = splitByFile(all, 0.2, 1);
  const b = splitByFile(all, 0.2, 1);
  assert.deepEqual(a.validation.map((f) => f.path), b.validation.map((f) => f.path));
  assert.equal(a.train.length + a.validation.length, 50);
  assert.ok(a.validation.length > 0 && a.validation.length < 25);
  const trainPaths = new Set(a.train.map((f) => f.path));
  assert.ok(a.validation.every((f) => !trainPaths.has(f.path)));
});

test('a few files that all draw validation still leave files to train on (a small workspace is learnt, not refused)', () => {
  // A fraction near 1 draws every file for validation, as a handful of files can by chance at 0.2.
  const three = splitByFile(files(3), 0.9999, 1);
  assert.equal(three.train.length, 2);
  assert.equal(three.validation.length, 1);
  const two = splitByFile(files(2).map((f) => ({ ...f, project: 'one' })), 0.9999, 1);
  assert.deepEqual([two.train.length, two.validation.length], [2, 0], 'one project alone: all of it trains');
});

test('files of one project stay on one side of the split', () => {
  const all = files(40).map((f, i) => ({ ...f, project: `p${i % 5}` }));
  const { train, validation } = splitByFile(all, 0.3, 2);
  const trainProjects = new Set(train.map((f) => f.project));
  assert.ok(validation.every((f) => !trainProjects.has(f.project)));
});

test('a validation set is named by its files, whatever their order', () => {
  const all = files(10);
  assert.equal(validationSetId(all), validationSetId([...all].reverse()));
  assert.notEqual(validationSetId(all), validationSetId(all.slice(1)));
  const edited = all.map((f, i) => (i === 3 ? { ...f, text: `${f.text}// one more line\n` } : f));
  assert.notEqual(validationSetId(all), validationSetId(edited));
});

test('training windows never contain validation text', () => {
  const vocab = Vocabulary.createDefault();
  // Training files hold only "a"s, validation files only "b"s: any "b" in a training batch would be a leak.
  const corpus: SourceFile[] = [
    ...Array.from({ length: 10 }, (_, i) => ({ path: `t${i}.py`, text: 'a'.repeat(200), family: 'python' as const })),
    ...Array.from({ length: 10 }, (_, i) => ({ path: `v${i}.py`, text: 'b'.repeat(200), family: 'python' as const })),
  ];
  const train = new WindowSampler(corpus.filter((f) => f.path.startsWith('t')), vocab, TINY);
  const b = vocab.idOf('b');
  for (let s = 0; s < 20; s++) {
    const batch = train.sample(Rng.derive(3, s), 8);
    assert.ok(!batch.encoderIds.includes(b) && !batch.targets.includes(b) && !batch.decoderInputs.includes(b));
  }
});

test('a batch is left-padded, starts with the marker, primes the decoder with the context and teacher-forces shifted targets', () => {
  const vocab = Vocabulary.createDefault();
  const sampler = new WindowSampler(files(3), vocab, TINY);
  const batch = sampler.sample(new Rng(5), 6);
  const { encoderLength: L, targetLength: T, primeLength: P } = batch;
  const D = P + T;
  assert.equal(T, TINY.targetChars);
  assert.equal(P, TINY.decoderPrime);
  assert.ok(L <= TINY.maxContextChars + 2);
  for (let r = 0; r < 6; r++) {
    const pad = batch.encoderPad[r] as number;
    assert.equal(batch.encoderIds[r * L + pad], vocab.markerId('ts-js'));
    assert.equal(batch.decoderInputs[r * D], vocab.startId);
    // The prime is the encoder's last P characters (START fills in when the window is shorter).
    const context = Array.from(batch.encoderIds.subarray(r * L + pad + 1, (r + 1) * L)).filter((id) => id !== vocab.startId);
    const expected = [...new Array(Math.max(0, P - context.length)).fill(vocab.startId), ...context.slice(-P)];
    assert.deepEqual(Array.from(batch.decoderInputs.subarray(r * D + 1, r * D + 1 + P)), expected);
    for (let t = 1; t < T; t++) assert.equal(batch.decoderInputs[r * D + P + t], batch.targets[r * T + t - 1]);
  }
  const chars = batchChars(batch);
  assert.equal(chars.targets, 6 * T);
  assert.equal(chars.processed, 6 * (L + P) - batch.encoderPad.reduce((a, b) => a + b, 0) + 6 * T);
});

test('the decoder prime is START plus the last k characters, padded with START near the file start', () => {
  const vocab = Vocabulary.createDefault();
  const ids = (s: string): number[] => [...s].map((c) => vocab.idOf(c));
  assert.deepEqual(decoderPrime(vocab, 'const x = 1', 0), [vocab.startId]);
  assert.deepEqual(decoderPrime(vocab, 'const x = 1', 4), [vocab.startId, ...ids(' = 1')]);
  assert.deepEqual(decoderPrime(vocab, 'ab', 4), [vocab.startId, vocab.startId, vocab.startId, ...ids('ab')]);
});

test('sampling is reproducible from the seed', () => {
  const vocab = Vocabulary.createDefault();
  const sampler = new WindowSampler(files(5), vocab, TINY);
  assert.deepEqual(sampler.sample(Rng.derive(9, 4), 4), sampler.sample(Rng.derive(9, 4), 4));
});
