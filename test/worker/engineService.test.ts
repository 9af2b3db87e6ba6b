import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serveEngine } from '../../src/worker/engineService';
import type { WorkerToHost } from '../../src/shared/engineProtocol';

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
