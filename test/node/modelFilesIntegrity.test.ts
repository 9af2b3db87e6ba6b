// A model folder that was changed after its save is refused with the file and the field, never loaded silently.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { loadModelDir, saveModel } from '../../src/node/modelFiles';
import { REPO, useTestBackend } from '../helpers';

const FIXTURE = join(REPO, 'test', 'fixtures', 'models', 'memorized');
let dir: string;
let n = 0;

before(async () => {
  await useTestBackend();
  dir = mkdtempSync(join(tmpdir(), 'seq2seq-integrity-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** A copy of the fixture model with `edit` applied to its metadata or weights. */
function edited(edit: { metadata?: (m: Record<string, any>) => void; weights?: (w: Float32Array, model: { weightsManifest: { weights: { name: string; shape: number[] }[] }[] }) => void }): string {
  const copy = join(dir, `m${n++}`);
  cpSync(FIXTURE, copy, { recursive: true });
  if (edit.metadata) {
    const m = JSON.parse(readFileSync(join(copy, 'metadata.json'), 'utf8'));
    edit.metadata(m);
    writeFileSync(join(copy, 'metadata.json'), JSON.stringify(m));
  }
  if (edit.weights) {
    const bytes = readFileSync(join(copy, 'weights.bin'));
    const w = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    edit.weights(w, JSON.parse(readFileSync(join(copy, 'model.json'), 'utf8')));
    writeFileSync(join(copy, 'weights.bin'), new Uint8Array(w.buffer));
  }
  return copy;
}

test('the shipped and fixture models carry a checksum and load', async () => {
  for (const d of [FIXTURE, join(REPO, 'models', 'base')]) {
    const { metadata, model } = await loadModelDir(d);
    assert.match(metadata.checksum ?? '', /^fnv1a64(v2)?:[0-9a-f]{16}$/);
    model.dispose();
  }
});

test('two letters of the vocabulary swapped: refused', async () => {
  const copy = edited({ metadata: (m) => { const c = m.vocabulary.chars; [c[10], c[11]] = [c[11], c[10]]; } });
  await assert.rejects(loadModelDir(copy), /weights\.bin: does not match the checksum in metadata\.json/);
});

test('two weights of the same shape swapped: refused', async () => {
  const copy = edited({
    weights: (w, model) => {
      const entries = model.weightsManifest[0]!.weights;
      const size = (e: { shape: number[] }): number => e.shape.reduce((a, b) => a * b, 1);
      const offsets = entries.map((_, i) => entries.slice(0, i).reduce((s, e) => s + size(e), 0));
      const i = entries.findIndex((e) => e.name.endsWith('kernel_i'));
      const j = entries.findIndex((e) => e.name.endsWith('kernel_f') && e.name.split('/')[0] === entries[i]!.name.split('/')[0]);
      const a = w.slice(offsets[i]!, offsets[i]! + size(entries[i]!));
      w.copyWithin(offsets[i]!, offsets[j]!, offsets[j]! + size(entries[j]!));
      w.set(a, offsets[j]!);
    },
  });
  await assert.rejects(loadModelDir(copy), /does not match the checksum/);
});

test('metadata without "config", or with an absurd window, is refused naming the field', async () => {
  await assert.rejects(loadModelDir(edited({ metadata: (m) => { delete m.config; } })), /metadata\.json: has no "config"/);
  await assert.rejects(loadModelDir(edited({ metadata: (m) => { m.config.maxContextChars = 10_000_000; } })), /metadata\.json: config\.maxContextChars must be a whole number from 1 to 8192/);
});

test('a model without a checksum, or with an empty one, is refused: nothing would verify its weights', async () => {
  await assert.rejects(loadModelDir(edited({ metadata: (m) => { delete m.checksum; } })), /weights\.bin: has no checksum in metadata\.json/);
  await assert.rejects(loadModelDir(edited({ metadata: (m) => { m.checksum = ''; } })), /weights\.bin: has no checksum in metadata\.json/);
  // With the checksum gone, a flipped weight byte would otherwise load silently.
  const flipped = edited({ metadata: (m) => { delete m.checksum; }, weights: (w) => { w[3] = -w[3]!; } });
  await assert.rejects(loadModelDir(flipped), /has no checksum/);
});

test('a vocabulary letter replaced by one with the same low byte (a -> \u0161) is refused, first-version checksum or new', async () => {
  const swapLetter = (m: Record<string, any>): void => {
    const c = m.vocabulary.chars as string[];
    c[c.indexOf('a')] = '\u0161';
  };
  await assert.rejects(loadModelDir(edited({ metadata: swapLetter })), /first-version checksum, which cannot vouch for characters beyond U\+00FF/);
  // Saved again with this version, the checksum covers both bytes of every code unit.
  const { model, metadata } = await loadModelDir(FIXTURE);
  const resaved = join(dir, `m${n++}`);
  await saveModel(resaved, model, { training: metadata.training }, { replaceModel: true });
  model.dispose();
  const m = JSON.parse(readFileSync(join(resaved, 'metadata.json'), 'utf8'));
  assert.match(m.checksum, /^fnv1a64v2:/);
  (await loadModelDir(resaved)).model.dispose();
  swapLetter(m);
  writeFileSync(join(resaved, 'metadata.json'), JSON.stringify(m));
  await assert.rejects(loadModelDir(resaved), /does not match the checksum/);
});
