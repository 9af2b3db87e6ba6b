import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { EngineClient } from '../../src/completion/engineClient';
import { nodeEngineThread } from '../../src/host/engineThread';
import { isEncoderStateView } from '../../src/shared/encoderStateView';
import { REPO } from '../helpers';

// The encoder-state trace through the real worker bundle (dist/worker.js) with the memorised fixture model.
const WORKER = join(REPO, 'dist', 'worker.js');
const MODEL = join(REPO, 'test', 'fixtures', 'models', 'memorized');
let client: EngineClient;

before(async () => {
  client = new EngineClient(nodeEngineThread(WORKER), () => {});
  await client.load(MODEL, 'wasm');
});
after(async () => {
  await client.dispose();
});

const params = (window: string, traceChars = 16) => ({ before: window, windowStart: 0, atFileStart: true, below: '', path: 'file:///test.ts', language: 'typescript', beamWidth: 2, maxChars: 16, length: 'token' as const, multiline: false, showThreshold: 0.5, traceChars, layer: 0, topK: 5 });

test('the worker answers a trace with a view that passes the guard, ending at the cursor', async () => {
  const view = await client.trace(params('function gre'));
  assert.ok(view && isEncoderStateView(view));
  assert.deepEqual(view.tokens, ['<lang:ts-js>', '<start>', ...'function gre'], 'marker, START and the text fit in 16 positions');
  assert.ok((await client.trace(params('function greet(name: string)', 16)))?.tokens.join('').endsWith('(name: string)'));
  assert.equal(view.hiddenSize, 32);
  assert.equal(view.greedy.text, 'et');
  assert.equal(view.candidates[0]?.text, 'et');
  assert.deepEqual(view.greedy.steps.map((s) => s.chosen), ['e', 't', null]);
  assert.ok((view.greedy.steps[0]?.top[0]?.prob ?? 0) > 0.5, 'the memorised model is sure of the next character');
});

test('a newer trace supersedes an older one that has not run; a trace never cancels a suggestion', async () => {
  const suggestion = client.suggest({ before: 'function gre', windowStart: 0, atFileStart: true, below: '', path: 'file:///test.ts', language: 'typescript', beamWidth: 2, maxChars: 16, length: 'token' as const, multiline: false, showThreshold: 0.5 });
  const traces = await Promise.all(Array.from({ length: 20 }, (_, k) => client.trace(params('function greet'.slice(0, k % 14 + 1)))));
  assert.equal((await suggestion)?.candidates[0]?.text, 'et');
  assert.ok(traces.at(-1) !== null, 'the newest trace is answered');
  assert.ok(traces.slice(0, -1).some((t) => t === null), 'older traces are superseded');
  assert.equal(client.pendingRequests, 0);
});

test('an aborted trace resolves null', async () => {
  const abort = new AbortController();
  const p = client.trace(params('function gre'), abort.signal);
  abort.abort();
  assert.equal(await p, null);
  assert.equal(await client.trace(params('x'), AbortSignal.abort()), null);
});
