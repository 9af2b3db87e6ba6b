import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { EngineClient } from '../../src/completion/engineClient';
import { nodeEngineThread } from '../../src/host/engineThread';
import { isHostToWorker, isWorkerToHost } from '../../src/shared/engineProtocol';
import { windowStart } from '../../src/shared/window';
import { REPO } from '../helpers';

// Drives the real worker bundle (dist/worker.js, built by npm test) with the memorised fixture model.
const WORKER = join(REPO, 'dist', 'worker.js');
const MODEL = join(REPO, 'test', 'fixtures', 'models', 'memorized');
const logs: string[] = [];
let client: EngineClient;

before(async () => {
  client = new EngineClient(nodeEngineThread(WORKER), (level, message) => logs.push(`${level} ${message}`));
});
after(async () => {
  await client.dispose();
});

const params = (window: string) => ({ before: window, windowStart: 0, atFileStart: true, below: '', path: 'file:///test.ts', language: 'typescript', beamWidth: 2, maxChars: 16, length: 'token' as const, multiline: false, showThreshold: 0.5 });

test('the worker loads a model and answers suggestions', async () => {
  const info = await client.load(MODEL, 'wasm');
  assert.equal(info.name, 'memorized-fixture');
  assert.equal(info.backend, 'wasm');
  const answer = await client.suggest(params('function gre'));
  assert.equal(answer?.candidates[0]?.text, 'et');
});

test('a burst of requests leaves no backlog: superseded ones are cancelled, the newest is answered', async () => {
  const text = 'function greet(name: string): string {\n  return "Hello, " + name;\n}\n';
  const replies = await Promise.all(Array.from({ length: 200 }, (_, k) => client.suggest(params(text.slice(0, 1 + (k % text.length))))));
  assert.ok(replies.at(-1) !== null, 'the newest request must be answered');
  const answered = replies.filter((r) => r !== null).length;
  assert.ok(answered < 50, `${answered} of 200 were computed`);
  assert.equal(client.pendingRequests, 0);
});

test('an aborted request resolves null and does not disturb the next one', async () => {
  const abort = new AbortController();
  const p = client.suggest(params('function fare'), abort.signal);
  abort.abort();
  const q = client.suggest(params('function gre'));
  assert.equal(await p, null);
  assert.equal((await q)?.candidates[0]?.text, 'et');
  assert.equal(await client.suggest(params('x'), AbortSignal.abort()), null);
});

test('a corrupt model is reported with the file name; the worker keeps serving the old model', async () => {
  await assert.rejects(client.load(join(REPO, 'test', 'fixtures', 'nowhere'), 'wasm'), /nowhere\/(model|metadata|weights)\.(json|bin): is missing/);
  assert.equal((await client.suggest(params('function gre')))?.candidates[0]?.text, 'et');
});

test('other files sent as context are copied from, survive a model reload, and can be forgotten', async () => {
  const prefix = 'const widget = makeZqxFlurb';
  const other = 'file:///w/src/widgets.ts';
  const before = (await client.suggest({ ...params(prefix), beamWidth: 1 }))?.candidates[0]?.text;
  assert.notEqual(before, 'Gadget');
  client.contextFile(other, 'export function makeZqxFlurbGadget(size: number) {\n  return size;\n}\n');
  const copied = async (): Promise<string | undefined> => (await client.suggest({ ...params(prefix), beamWidth: 1 }))?.candidates[0]?.text;
  // The worker indexes other files in idle time, never inside a request: a request right after may not see it yet.
  const deadline = Date.now() + 5_000;
  while ((await copied()) !== 'Gadget' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.equal(await copied(), 'Gadget');
  await client.load(MODEL, 'wasm');
  assert.equal(await copied(), 'Gadget', 'the worker keeps the other files across a model switch');
  // The document's own copy in the ring is not searched: with its path, the request sees nothing to copy.
  assert.notEqual((await client.suggest({ ...params(prefix), beamWidth: 1, path: other }))?.candidates[0]?.text, 'Gadget');
  client.contextFile(other, null);
  await new Promise((r) => setTimeout(r, 100)); // the idle rebuild without it
  assert.notEqual(await copied(), 'Gadget');
});

test('a landing is read in idle time: the first request there after it runs a step or two, not the whole window', async () => {
  const text = 'function greet(name: string): string {\n  return "Hello, " + name;\n}\n'.repeat(8);
  const bounds = { minContextChars: 16, maxContextChars: 32 }; // the fixture model's windows
  const at = (offset: number) => {
    const start = windowStart(offset, bounds);
    return { before: text.slice(0, offset), windowStart: start, atFileStart: start === 0, below: '', path: 'file:///landed.ts', language: 'typescript' };
  };
  const cold = await client.suggest({ ...params(''), ...at(401) });
  assert.ok((cold?.encoderSteps ?? 0) >= 16, `a jump with no landing reads its whole window: ${cold?.encoderSteps} steps`);
  client.land(at(500));
  await new Promise((r) => setTimeout(r, 300)); // idle time, as while the user looks at where the cursor landed
  const first = await client.suggest({ ...params(''), ...at(501) });
  assert.ok((first?.encoderSteps ?? 99) <= 2, `after a landing: ${first?.encoderSteps} steps`);
});

test('message guards accept the protocol and refuse anything else', () => {
  assert.ok(isHostToWorker({ kind: 'land', requestId: 9, before: 'ab', windowStart: 0, atFileStart: true, below: '', path: 'file:///a.ts', language: 'typescript' }));
  assert.ok(!isHostToWorker({ kind: 'land', requestId: 9, before: 'ab', windowStart: 5, atFileStart: true, below: '', path: 'file:///a.ts', language: 'typescript' }));
  assert.ok(isHostToWorker({ kind: 'contextFile', requestId: 9, path: 'file:///a.ts', text: 'x' }));
  assert.ok(isHostToWorker({ kind: 'contextFile', requestId: 9, path: 'file:///a.ts', text: null }));
  assert.ok(!isHostToWorker({ kind: 'contextFile', requestId: 9, path: 'file:///a.ts' }));
  assert.ok(!isHostToWorker({ kind: 'suggest', requestId: 1, before: 'x', windowStart: 0, atFileStart: true, below: '', language: 'ts', beamWidth: 1, maxChars: 8, length: 'token', multiline: false, showThreshold: 0.5 }), 'a suggest without the document path');
  assert.ok(isHostToWorker({ kind: 'cancel', requestId: 3 }));
  assert.ok(isHostToWorker({ kind: 'load', requestId: 1, loadId: 1, modelDir: '/m', backend: 'wasm' }));
  assert.ok(!isHostToWorker({ kind: 'load', requestId: 1, loadId: 1, modelDir: '/m', backend: 'gpu' }));
  assert.ok(!isHostToWorker({ kind: 'suggest', requestId: 1, window: 'x' }));
  const suggest = { kind: 'suggest', requestId: 1, before: 'x', windowStart: 0, atFileStart: true, below: '', path: 'p', language: 'ts', beamWidth: 1, maxChars: 8, length: 'token', multiline: false };
  assert.ok(isHostToWorker({ ...suggest, showThreshold: 0.5 }));
  assert.ok(!isHostToWorker(suggest), 'a suggest without the threshold of what is shown');
  assert.ok(!isHostToWorker({ ...suggest, showThreshold: 1.5 }));
  assert.ok(!isHostToWorker({ kind: 'train', requestId: 1 }));
  assert.ok(!isHostToWorker(null));
  assert.ok(isWorkerToHost({ kind: 'suggestion', requestId: 1, candidates: [{ text: 'a', confidence: 0.5 }], engineMs: 1, encoderSteps: 0 }));
  assert.ok(!isWorkerToHost({ kind: 'suggestion', requestId: 1, candidates: [{ text: 1 }], engineMs: 1 }));
  assert.ok(isWorkerToHost({ kind: 'error', requestId: null, message: 'x' }));
  assert.ok(!isWorkerToHost({ kind: 'log', level: 'loud', message: 'x' }));
});
