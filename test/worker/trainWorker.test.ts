import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { EngineClient } from '../../src/completion/engineClient';
import { nodeEngineThread } from '../../src/host/engineThread';
import { AdaptRun, FineTuneRun } from '../../src/host/trainThread';
import { stagingFolders, swapOldFolder } from '../../src/host/modelFolder';
import type { TrainFile, TrainPoint } from '../../src/shared/trainProtocol';
import { REPO } from '../helpers';

// Drives the real fine-tune worker bundle (dist/trainWorker.js) from the memorised fixture model: it knows
// "function gre" -> "et"; the workspace here says greetZorblax, so a fine-tune should learn that name.
const DIST = join(REPO, 'dist');
const FIXTURE = join(REPO, 'test', 'fixtures', 'models', 'memorized');
let dir: string;

const workspaceFiles = (): TrainFile[] =>
  Array.from({ length: 6 }, (_, i) => ({
    path: `src/part${i}.ts`,
    family: 'ts-js' as const,
    text: `function greetZorblax(name: string): string {\n  return "Hello, " + name;\n}\n\nexport const v${i} = greetZorblax("Ada");\n`.repeat(3),
  }));

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'seq2seq-finetune-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const logs: string[] = [];
const callbacks = (points: TrainPoint[]) => ({ onProgress: (p: TrainPoint) => points.push(p), log: (_l: string, m: string) => logs.push(m) });

test('a fine-tune (data-parallel over 2 threads) saves an improved model atomically, and it suggests the workspace\'s names', async () => {
  const out = join(dir, 'workspace-model');
  const points: TrainPoint[] = [];
  const run = new FineTuneRun(join(DIST, 'trainWorker.js'), workspaceFiles(), { baseModelDir: FIXTURE, outDir: out, outName: 'fixture (fine-tuned)', minutes: 0.3, backend: 'wasm', seed: 1, workers: 2 }, callbacks(points));
  const result = await run.done;
  assert.equal(result.outcome, 'saved', JSON.stringify(result));
  assert.ok(logs.some((m) => m.includes('data-parallel over 2 threads')), logs.join('\n'));
  assert.ok(result.bestValidationBpc! < result.baseValidationBpc!, JSON.stringify(result));
  assert.ok(points.length > 0 && points.every((p) => p.fraction >= 0 && p.fraction <= 1));
  assert.ok(existsSync(join(out, 'model.json')) && !existsSync(swapOldFolder(out)));
  assert.deepEqual(await stagingFolders(out), [], 'no staging folder is left behind');
  const engine = new EngineClient(nodeEngineThread(join(DIST, 'worker.js')), () => undefined);
  const info = await engine.load(out, 'wasm');
  assert.equal(info.name, 'fixture (fine-tuned)');
  const answer = await engine.suggest({ before: 'export const x = greetZor', windowStart: 0, atFileStart: true, below: '', path: 'file:///test.ts', language: 'typescript', beamWidth: 1, maxChars: 16, length: 'token' as const, multiline: false, showThreshold: 0.5 });
  // The name completed; the copy run may go on with what the workspace writes after it each time ('("Ada");').
  assert.match(answer?.candidates[0]?.text ?? '', /^blax\b/);
  await engine.dispose();
});

test('a cancelled fine-tune stops within a second and leaves the previous model byte for byte', async () => {
  const out = join(dir, 'keep');
  cpSync(FIXTURE, out, { recursive: true });
  const before = readFileSync(join(out, 'weights.bin'));
  const run = new FineTuneRun(join(DIST, 'trainWorker.js'), workspaceFiles(), { baseModelDir: out, outDir: out, outName: 'x', minutes: 5, backend: 'wasm', seed: 2, workers: 1 }, callbacks([]));
  await new Promise((r) => setTimeout(r, 1500));
  const asked = Date.now();
  run.cancel();
  const result = await run.done;
  const stopMs = Date.now() - asked;
  assert.equal(result.outcome, 'cancelled');
  assert.ok(stopMs < 1000, `stopped ${stopMs} ms after cancel`);
  assert.deepEqual(readFileSync(join(out, 'weights.bin')), before);
  assert.deepEqual(await stagingFolders(out), []);
});

test('a corrupt base model fails with a message naming the file, and nothing is written', async () => {
  const out = join(dir, 'never');
  const run = new FineTuneRun(join(DIST, 'trainWorker.js'), workspaceFiles(), { baseModelDir: join(dir, 'missing'), outDir: out, outName: 'x', minutes: 1, backend: 'wasm', seed: 3, workers: 1 }, callbacks([]));
  await assert.rejects(run.done, /missing\/(model|metadata|weights)\.(json|bin): is missing/);
  assert.ok(!existsSync(out));
});

/** A background run of 40 steps from the fixture into `out`, with what it reports. */
function backgroundRun(out: string, outName: string): { run: FineTuneRun; points: TrainPoint[]; saved: number[]; held: number[] } {
  const points: TrainPoint[] = [];
  const saved: number[] = [];
  const held: number[] = [];
  const run = new FineTuneRun(join(DIST, 'trainWorker.js'), workspaceFiles(), { baseModelDir: FIXTURE, outDir: out, outName, minutes: null, maxSteps: 40, backend: 'wasm', seed: 1, workers: 1, background: true }, { ...callbacks(points), onSaved: (s) => saved.push(s), onHeld: (s) => held.push(s) });
  return { run, points, saved, held };
}

/** Waits (polling) until `probe` holds; fails after a minute. */
async function until(what: string, probe: () => boolean): Promise<void> {
  for (const t0 = Date.now(); !probe(); await new Promise((r) => setTimeout(r, 20))) {
    if (Date.now() - t0 > 60_000) assert.fail(`timed out waiting for ${what}`);
  }
}

test('a background run holds between steps while paused, saves each gain as it comes, and stops at its step budget', async () => {
  const out = join(dir, 'learnt');
  const { run, points, saved, held } = backgroundRun(out, 'fixture (learnt)');
  // Paused before its first step: it says it holds, and takes no step however long the user types.
  run.pause();
  await until('the hold before the first step', () => held.length > 0);
  assert.deepEqual(held, [0]);
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(points.length, 0, `steps taken while paused: ${points.map((p) => p.step).join(', ')}`);
  run.resume();
  await until('a first step', () => points.length > 0);
  // Paused mid-run: the step under way ends, the worker says it holds, and then nothing until resumed.
  run.pause();
  await until('the hold mid-run', () => held.length > 1);
  const at = held.at(-1)!;
  await new Promise((r) => setTimeout(r, 1500));
  assert.ok((points.at(-1)?.step ?? 0) <= at, `a step after the hold at ${at}: ${points.at(-1)?.step}`);
  run.resume();
  const result = await run.done;
  assert.equal(result.outcome, 'saved', JSON.stringify(result));
  assert.equal(result.steps, 40, 'the step budget ends the run');
  assert.ok(saved.length >= 1 && saved.every((s) => s % 20 === 0), `saved at ${saved.join(', ')}`);
  assert.ok(logs.some((m) => m.includes('learning the workspace') && m.includes('one thread')), logs.join('\n'));
  assert.ok(existsSync(join(out, 'model.json')) && !existsSync(swapOldFolder(out)));
  const metadata = JSON.parse(readFileSync(join(out, 'metadata.json'), 'utf8')) as { name: string; training: { step: number } };
  assert.equal(metadata.name, 'fixture (learnt)');
  assert.equal(metadata.training.step, saved.at(-1));
});

test('a background run cancelled while it holds takes no further step and saves nothing more', async () => {
  const out = join(dir, 'held-cancel');
  const { run, points, saved, held } = backgroundRun(out, 'x');
  run.pause();
  await until('the hold', () => held.length > 0);
  run.cancel();
  const result = await run.done;
  assert.equal(result.outcome, 'cancelled');
  assert.equal(result.steps, 0);
  assert.deepEqual([points.length, saved.length], [0, 0]);
  assert.ok(!existsSync(join(out, 'model.json')));
});

test('adapting to a document: the worker sends weights that the engine serves for that load only, and the model\'s own come back', async () => {
  const document: TrainFile = { path: 'file:///src/zorblax.ts', family: 'ts-js', text: workspaceFiles().map((f) => f.text).join('\n') };
  const adapt = new AdaptRun(join(DIST, 'trainWorker.js'), document, { modelDir: FIXTURE, steps: 30, backend: 'wasm' }, (_l, m) => logs.push(m));
  const { result, weights } = await adapt.done;
  assert.equal(result.outcome, 'adapted', JSON.stringify(result));
  assert.equal(result.steps, 30);
  assert.ok(weights && weights.length > 0 && weights.every((w) => w.values.length === w.shape.reduce((n, d) => n * d, 1)));
  const engine = new EngineClient(nodeEngineThread(join(DIST, 'worker.js')), () => undefined);
  try {
    const info = await engine.load(FIXTURE, 'wasm');
    const ask = async (): Promise<string> =>
      (await engine.suggest({ before: 'export const x = greetZor', windowStart: 0, atFileStart: true, below: '', path: 'file:///other.ts', language: 'typescript', beamWidth: 1, maxChars: 16, length: 'token' as const, multiline: false, showThreshold: 0.5 }))?.candidates[0]?.text ?? '';
    const own = await ask();
    // Weights adapted from another load are refused: the engine may have switched models meanwhile.
    assert.deepEqual(await engine.setWeights(info.loadId + 1, weights), { applied: false, reason: 'another model was loaded since' });
    assert.equal(await ask(), own);
    assert.deepEqual(await engine.setWeights(info.loadId, weights), { applied: true });
    const adapted = await ask();
    // No copy text here (no memory, no other files): what changed is the weights alone.
    assert.notEqual(adapted, own, 'the adapted weights answer otherwise');
    assert.deepEqual(await engine.setWeights(info.loadId, null), { applied: true });
    assert.equal(await ask(), own, 'the model\'s own weights serve again');
    // A misfit (another model's shapes) is refused with its name.
    const misfit = weights.map((w, i) => (i === 0 ? { ...w, shape: [1, w.values.length] } : w));
    const refused = await engine.setWeights(info.loadId, misfit);
    assert.equal(refused.applied, false);
    assert.match(refused.reason ?? '', /do not fit/);
  } finally {
    await engine.dispose();
  }
});

test('an adaptation cancelled while it holds takes no step and sends no weights', async () => {
  const document: TrainFile = { path: 'file:///a.ts', family: 'ts-js', text: workspaceFiles()[0]!.text };
  const adapt = new AdaptRun(join(DIST, 'trainWorker.js'), document, { modelDir: FIXTURE, steps: 30, backend: 'wasm' }, () => undefined);
  adapt.pause();
  await new Promise((r) => setTimeout(r, 1500));
  adapt.cancel();
  const { result, weights } = await adapt.done;
  assert.deepEqual([result.outcome, result.steps, weights], ['cancelled', 0, null]);
});
