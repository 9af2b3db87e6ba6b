import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serveEngine } from '../../src/worker/engineService';
import type { WorkerToHost } from '../../src/shared/engineProtocol';
import { Seq2SeqModel } from '../../src/model/graph/seq2seq';
import { assignWeights, Metadata, weightArrays } from '../../src/model/graph/serialize';
import type { ShowTree } from '../../src/model/inference/show';
import { SAMPLE_TS, trainedTiny, useTestBackend } from '../helpers';

// The engine's message handling, whatever thread serves it: what it answers before any model is loaded.

function serve(): { handle: (m: unknown) => void; posted: WorkerToHost[] } {
  const posted: WorkerToHost[] = [];
  const handle = serveEngine({ post: (m) => posted.push(m), later: (fn) => setImmediate(fn), load: () => Promise.reject(new Error('no model files here')) });
  return { handle, posted };
}

test('a malformed request with an id is answered as failed (its caller does not wait forever); one without an id is reported', () => {
  const { handle, posted } = serve();
  handle({ kind: 'load', requestId: 5, modelDir: 3, backend: 'wasm' });
  handle('nonsense');
  assert.equal(posted.length, 2);
  assert.deepEqual([posted[0]?.kind, (posted[0] as { requestId: number | null }).requestId], ['error', 5]);
  assert.deepEqual([posted[1]?.kind, (posted[1] as { requestId: number | null }).requestId], ['error', null]);
});

test('a failed load and a request before any model are answered with their reasons', async () => {
  const { handle, posted } = serve();
  handle({ kind: 'load', requestId: 1, loadId: 1, modelDir: 'm', backend: 'wasm' });
  handle({ kind: 'suggest', requestId: 2, before: 'a', windowStart: 0, atFileStart: true, below: '', path: 'p', language: 'typescript', beamWidth: 1, maxChars: 4, length: 'token', multiline: false, showThreshold: 0.5 });
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(posted.map((m) => [m.kind, 'requestId' in m ? m.requestId : null, 'message' in m ? m.message : '']), [
    ['error', 1, 'no model files here'],
    ['error', 2, 'no model is loaded'],
  ]);
});

test('weights before any model are refused, and weights whose values do not fill their shape are a malformed request', async () => {
  const { handle, posted } = serve();
  handle({ kind: 'weights', requestId: 1, loadId: 1, weights: [{ name: 'w', shape: [2], values: new Float32Array(2) }] });
  handle({ kind: 'weights', requestId: 2, loadId: 1, weights: [{ name: 'w', shape: [3], values: new Float32Array(2) }] });
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(posted.map((m) => [m.kind, 'requestId' in m ? m.requestId : null]), [['error', 2], ['weighted', 1]]);
  assert.deepEqual(posted[1], { kind: 'weighted', requestId: 1, applied: false, reason: 'another model was loaded since' });
});

test('a model learnt from a workspace is served with its show model\'s correction, adapted weights too; the model as shipped without it', async () => {
  await useTestBackend();
  const tiny = trainedTiny(60);
  const config = { ...tiny.config, showModel: { base: 0.3, trees: [[[-1, 0, 0, 0]]] as ShowTree[] }, tunedShow: { scale: 1.5, shift: -0.8 } };
  const served = async (training: Record<string, unknown>): Promise<number[]> => {
    const posted: WorkerToHost[] = [];
    const model = new Seq2SeqModel(config, tiny.vocab, tiny.weights);
    const metadata = { format: 'test', config, vocabulary: {}, training: { step: 1, bestValidationLoss: null, trainedChars: 0, seed: 1, ...training } } as unknown as Metadata;
    const handle = serveEngine({ post: (m) => posted.push(m), later: (fn) => setImmediate(fn), load: () => Promise.resolve({ model, metadata, memory: null, backend: { name: 'wasm', notes: [] } }) });
    const answered = (n: number): Promise<void> => new Promise((resolve, reject) => {
      const t0 = Date.now();
      const poll = (): void => {
        if (posted.filter((m) => m.kind === 'suggestion').length >= n) resolve();
        else if (Date.now() - t0 > 20_000) reject(new Error(`no answer: ${JSON.stringify(posted.map((m) => m.kind))}`));
        else setTimeout(poll, 10);
      };
      poll();
    });
    const suggest = (requestId: number): void => handle({ kind: 'suggest', requestId, before: `${SAMPLE_TS}\nexport const y = ad`, windowStart: 0, atFileStart: true, below: '', path: 'a.ts', language: 'typescript', beamWidth: 2, maxChars: 20, length: 'token', multiline: false, showThreshold: 0 });
    handle({ kind: 'load', requestId: 1, loadId: 1, modelDir: 'm', backend: 'wasm' });
    suggest(2);
    await answered(1);
    // Adapted weights (here the model's own values) keep the loaded model's answer.
    handle({ kind: 'weights', requestId: 3, loadId: 1, weights: weightArrays(tiny.weights) });
    suggest(4);
    await answered(2);
    const answers = posted.filter((m): m is Extract<WorkerToHost, { kind: 'suggestion' }> => m.kind === 'suggestion');
    assert.equal(answers.length, 2, JSON.stringify(posted.map((m) => m.kind)));
    assert.deepEqual(answers[0]?.candidates.map((c) => c.confidence), answers[1]?.candidates.map((c) => c.confidence));
    return answers.flatMap((a) => a.candidates.map((c) => c.confidence));
  };
  const shipped = await served({});
  const learnt = await served({ fineTunedFrom: 'base' });
  assert.ok(shipped.length > 0 && shipped.every((c) => Math.abs(c - 1 / (1 + Math.exp(-0.3))) < 1e-9));
  assert.ok(learnt.length > 0 && learnt.every((c) => Math.abs(c - 1 / (1 + Math.exp(-(1.5 * 0.3 - 0.8)))) < 1e-9));
  tiny.dispose();
});

test('the workspace memory from the host serves in place of the model\'s own, across loads, until the host takes it back', async () => {
  await useTestBackend();
  const tiny = trainedTiny(60);
  const posted: WorkerToHost[] = [];
  const metadata = { format: 'test', config: tiny.config, vocabulary: {}, training: { step: 1, bestValidationLoss: null, trainedChars: 0, seed: 1 } } as unknown as Metadata;
  // A learnt model's memory.txt names one helper; the workspace as it is now names another.
  const modelMemory = 'export function frobnicationLevel(x: number) {\n  return x;\n}\n'.repeat(6);
  const workspace = 'export function frobnicateWidgets(list: Widget[]) {\n  return list;\n}\n'.repeat(6);
  const handle = serveEngine({
    post: (m) => posted.push(m),
    later: (fn) => setImmediate(fn),
    // Each load its own copy, as each load reads the folder anew (a load disposes the model before it).
    load: () => {
      const copy = Seq2SeqModel.create(tiny.config, tiny.vocab, 1);
      assignWeights(copy.weights, weightArrays(tiny.weights));
      return Promise.resolve({ model: copy, metadata, memory: modelMemory, backend: { name: 'wasm', notes: [] } });
    },
  });
  let id = 0;
  const best = async (): Promise<string> => {
    const requestId = ++id * 10;
    handle({ kind: 'suggest', requestId, before: 'const n = frobni', windowStart: 0, atFileStart: true, below: '', path: 'b.ts', language: 'typescript', beamWidth: 3, maxChars: 20, length: 'token', multiline: false, showThreshold: 0 });
    const t0 = Date.now();
    for (;;) {
      const answer = posted.find((m): m is Extract<WorkerToHost, { kind: 'suggestion' }> => m.kind === 'suggestion' && m.requestId === requestId);
      if (answer) return answer.candidates[0]?.text ?? '';
      if (Date.now() - t0 > 20_000) throw new Error(`no answer: ${JSON.stringify(posted)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  handle({ kind: 'load', requestId: 1, loadId: 1, modelDir: 'm', backend: 'wasm' });
  assert.match(await best(), /^cationLevel/);
  handle({ kind: 'memory', requestId: 2, text: workspace });
  assert.match(await best(), /^cateWidgets/);
  // A model switch (here the same folder again) keeps the workspace's memory, not the model's.
  handle({ kind: 'load', requestId: 3, loadId: 2, modelDir: 'm', backend: 'wasm' });
  assert.match(await best(), /^cateWidgets/);
  handle({ kind: 'memory', requestId: 4, text: null });
  assert.match(await best(), /^cationLevel/);
  // A memory that is not text is a malformed message, answered as failed; the memory stays as it was.
  handle({ kind: 'memory', requestId: 5, text: 42 });
  assert.deepEqual(posted.filter((m) => m.kind === 'error').map((m) => (m as { requestId: number | null }).requestId), [5]);
  assert.match(await best(), /^cationLevel/);
  tiny.dispose();
});
