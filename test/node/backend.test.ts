import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CompletionEngine } from '../../src/model/inference/engine';
import { Seq2SeqModel } from '../../src/model/graph/seq2seq';
import { Vocabulary } from '../../src/model/graph/vocab';
import { findWasmDir, initBackend } from '../../src/node/backend';
import { TINY } from '../helpers';

const hasTfjsNode = (() => {
  try {
    require.resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
})();

test('forcing tensorflow fails with a clear message where tfjs-node is not installed', { skip: hasTfjsNode && 'tfjs-node is installed here' }, async () => {
  await assert.rejects(initBackend('tensorflow'), /tfjs-node unavailable/);
});

test('auto picks tfjs-node where it loads, else wasm, and says why', async () => {
  const choice = await initBackend('auto');
  if (hasTfjsNode) assert.equal(choice.name, 'tensorflow');
  else {
    assert.equal(choice.name, 'wasm');
    assert.ok(choice.notes.some((n) => n.includes('tfjs-node unavailable')));
  }
  assert.ok(findWasmDir());
});

test('the cpu fallback gives the same suggestions as wasm', async () => {
  const vocab = Vocabulary.createDefault();
  const prefixes = ['const x = ', 'def main():\n    ', 'import {'];
  const run = async (backend: 'cpu' | 'wasm') => {
    assert.equal((await initBackend(backend)).name, backend);
    const model = Seq2SeqModel.create(TINY, vocab, 17);
    const engine = new CompletionEngine(model);
    const out = prefixes.map((prefix) => engine.suggest({ prefix, beamWidth: 2 }).candidates);
    engine.dispose();
    model.dispose();
    return out;
  };
  const onCpu = await run('cpu');
  const onWasm = await run('wasm');
  onCpu.forEach((cands, i) => {
    assert.deepEqual(cands.map((c) => c.text), onWasm[i]!.map((c) => c.text));
    cands.forEach((c, k) => assert.ok(Math.abs(c.logProb - onWasm[i]![k]!.logProb) < 1e-3));
  });
});
