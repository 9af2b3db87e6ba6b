import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { SAMPLE_TS, REPO } from '../helpers';

// The CLI is a contract other tools rely on: these tests drive the built bundle (npm test builds it first).
const CLI = join(REPO, 'dist', 'cli.js');
const run = promisify(execFile);
let dir: string;
let corpus: string;
let model: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'seq2seq-cli-'));
  corpus = join(dir, 'corpus');
  mkdirSync(join(corpus, 'pkg'), { recursive: true });
  for (let i = 0; i < 6; i++) writeFileSync(join(corpus, 'pkg', `f${i}.ts`), SAMPLE_TS.repeat(3).replace(/add/g, `add${i}`));
  writeFileSync(join(corpus, 'pkg', 'bundle.min.js'), 'x'.repeat(5000));
  model = join(dir, 'model');
  const { stdout } = await run('node', [CLI, 'train', '--corpus', corpus, '--out', model, '--steps', '4', '--eval-every', '2', '--hidden', '16', '--min-context', '8', '--max-context', '16', '--target-chars', '8', '--batch', '4', '--backend', 'wasm', '--json']);
  const events = stdout.trim().split('\n').map((l) => JSON.parse(l) as { event: string; [k: string]: unknown });
  assert.equal(events.at(-1)?.event, 'done');
  assert.ok(events.some((e) => e.event === 'progress' && typeof e.charsPerSecond === 'number'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('suggest answers one JSON line per request, in order, and survives bad lines', async () => {
  const child = spawn('node', [CLI, 'suggest', '--model', model, '--beam', '2', '--backend', 'wasm'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let buffer = '';
  child.stdout.on('data', (d: Buffer) => {
    buffer += d.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    lines.push(...parts);
  });
  const requests = [
    JSON.stringify({ id: 1, prefix: 'export function ad', suffix: '', language: 'typescript' }),
    '{not json',
    JSON.stringify({ id: 'x', suffix: 'no prefix' }),
    JSON.stringify({ id: 3, prefix: 'def f(x):\n    ret', language: 'python' }),
  ];
  child.stdin.write(`${requests.join('\n')}\n`);
  child.stdin.end();
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 0);
  const replies = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(replies.length, 4);
  assert.equal(replies[0]!.id, 1);
  assert.equal(typeof replies[0]!.suggestion, 'string');
  assert.ok((replies[0]!.confidence as number) >= 0 && (replies[0]!.confidence as number) <= 1);
  assert.ok((replies[0]!.ms as number) >= 0);
  assert.match(replies[1]!.error as string, /not JSON/);
  assert.equal(replies[2]!.id, 'x');
  assert.match(replies[2]!.error as string, /"prefix" must be a string/);
  assert.equal(replies[3]!.id, 3);
});

test('suggest copies from the request\'s other files under the file policy, and from the suffix below the line', async () => {
  // Threshold 0: the tiny model here is sure of nothing; this is about what may be copied, not what is shown.
  const child = spawn('node', [CLI, 'suggest', '--model', model, '--threshold', '0', '--backend', 'wasm'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const cart = { path: 'src/cart.ts', text: 'export function renderShoppingCart(cart) {}\n' };
  const secret = { path: 'src/keys.ts', text: 'export const key = "AKIAABCDEFGHIJKLMNOP";\nexport function renderSecretZone() {}\n' };
  const requests = [
    { id: 'files', prefix: 'return renderSho', language: 'typescript', path: 'src/main.ts', files: [cart, secret] },
    { id: 'kept', prefix: 'return renderSho', language: 'typescript' },
    { id: 'secret', prefix: 'return renderSecr', language: 'typescript' },
    { id: 'below', prefix: 'total = computeGr', suffix: ')\nconst y = computeGrandTotalZ(1);\n', language: 'typescript' },
    { id: 'bad', prefix: 'x', files: [{ path: 1 }] },
  ];
  child.stdin.end(`${requests.map((r) => JSON.stringify(r)).join('\n')}\n`);
  assert.equal(await new Promise((resolve) => child.on('close', resolve)), 0);
  const replies = Object.fromEntries(out.trim().split('\n').map((l) => JSON.parse(l) as { id: string; suggestion?: string; error?: string; skippedFiles?: { path: string; reason: string }[] }).map((r) => [r.id, r]));
  assert.equal(replies.files?.suggestion, 'ppingCart');
  assert.deepEqual(replies.files?.skippedFiles, [{ path: 'src/keys.ts', reason: 'may hold secrets' }]);
  assert.equal(replies.kept?.suggestion, 'ppingCart', 'files stay in context for later requests, as open editors do');
  assert.notEqual(replies.secret?.suggestion, 'etZone', 'a file with a secret is never copied from');
  assert.equal(replies.below?.suggestion, 'andTotalZ');
  assert.match(replies.bad?.error ?? '', /"files" must be an array/);
});

test('suggest answers what the editor would show: the threshold, the mid-line rule, and longer suggestions on request', async () => {
  const ask = async (flags: string[], requests: object[]): Promise<Record<string, { suggestion: string; confidence: number; hidden?: string; error?: string }>> => {
    const child = spawn('node', [CLI, 'suggest', '--model', model, '--backend', 'wasm', ...flags], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdin.end(`${requests.map((r) => JSON.stringify(r)).join('\n')}\n`);
    const code = await new Promise((resolve) => child.on('close', resolve));
    assert.equal(code, 0, err);
    return Object.fromEntries(out.trim().split('\n').map((l) => JSON.parse(l) as { id: string }).map((r) => [r.id, r])) as never;
  };
  const line = 'renderShoppingCart(cartItems, customerProfile);';
  const requests = [
    { id: 'copy', prefix: `${line}\nx();\nrenderSho`, language: 'typescript' },
    { id: 'midline', prefix: `${line}\nx();\nrenderSho`, suffix: 'pping(x)', language: 'typescript' },
    { id: 'overlap', prefix: `${line}\nx();\nrenderSho`, suffix: ')', language: 'typescript' },
  ];
  const shown = await ask(['--threshold', '0'], requests);
  assert.equal(shown.copy?.suggestion, 'ppingCart');
  assert.equal(shown.midline?.suggestion, '');
  assert.match(shown.midline?.hidden ?? '', /mid-line/);
  assert.equal(shown.overlap?.suggestion, 'ppingCart');
  // The default threshold is the editor's: the tiny model's guess falls below it, and the answer says so.
  const strict = await ask(['--threshold', '0.999999'], requests.slice(0, 1));
  assert.equal(strict.copy?.suggestion, '');
  assert.match(strict.copy?.hidden ?? '', /below the threshold/);
  const long = await ask(['--threshold', '0', '--length', 'auto', '--max-chars', '80'], requests.slice(0, 1));
  assert.ok((long.copy?.suggestion ?? '').startsWith('ppingCart') && line.includes(long.copy?.suggestion ?? '?'), JSON.stringify(long.copy));
  await assert.rejects(run('node', [CLI, 'suggest', '--model', model, '--length', 'page']), /--length must be one of token, auto/);
});

test('eval prints bits per character and exact match as JSON, and with context the figures with less of it', async () => {
  const { stdout } = await run('node', [CLI, 'eval', '--model', model, '--corpus', corpus, '--samples', '20', '--batches', '1', '--backend', 'wasm']);
  const figures = JSON.parse(stdout) as { bitsPerChar: number; exactMatch: number; byLanguage: Record<string, unknown> };
  assert.ok(figures.bitsPerChar > 0 && figures.bitsPerChar < 10);
  assert.ok(figures.exactMatch >= 0 && figures.exactMatch <= 1);
  assert.ok('typescript' in figures.byLanguage);
  const withContext = JSON.parse((await run('node', [CLI, 'eval', '--model', model, '--corpus', corpus, '--samples', '20', '--batches', '1', '--below', '--files', '2', '--backend', 'wasm'])).stdout) as Record<string, unknown>;
  assert.deepEqual(withContext.context, { below: true, neighbourFiles: 2 });
  for (const k of ['exactMatch', 'exactMatchAboveOnly', 'exactMatchWithBelow']) assert.ok(typeof withContext[k] === 'number', k);
});

test('fit-length writes a calibrator the model loads with, and eval then reports its curve and the ceiling', async () => {
  const calibrated = join(dir, 'calibrated');
  cpSync(model, calibrated, { recursive: true });
  const { stdout } = await run('node', [CLI, 'fit-length', '--model', calibrated, '--corpus', corpus, '--samples', '30', '--below', '--backend', 'wasm']);
  assert.match(stdout, /log-loss on these tokens: base rate [\d.]+ bits, calibrator [\d.]+ bits/);
  const { config } = JSON.parse(readFileSync(join(calibrated, 'metadata.json'), 'utf8')) as { config: { extendCalibration?: number[] } };
  assert.equal(config.extendCalibration?.length, 9);
  const figures = JSON.parse((await run('node', [CLI, 'eval', '--model', calibrated, '--corpus', corpus, '--samples', '20', '--batches', '1', '--backend', 'wasm'])).stdout) as {
    suggestionValue: { token: { precision: number | null }; auto: { rule: string }[]; ceiling: { keystrokeSavings: number } };
  };
  assert.ok(figures.suggestionValue.auto.some((r) => r.rule === 'calibrated'));
  assert.ok(figures.suggestionValue.ceiling.keystrokeSavings >= 0);
});

test('fit-words fits the word model on replays, prints its curve, and writes it into the model', async () => {
  const fitted = join(dir, 'words');
  cpSync(model, fitted, { recursive: true });
  // Files long enough for replay blocks (twice 300 characters).
  const project = join(dir, 'words-project');
  mkdirSync(project);
  for (let i = 0; i < 3; i++) writeFileSync(join(project, `w${i}.ts`), SAMPLE_TS.repeat(6).replace(/add/g, `addTotal${i}`));
  await assert.rejects(run('node', [CLI, 'fit-words', '--model', fitted, '--corpus', corpus, '--blocks', '2', '--dry-run', '--backend', 'wasm']), (e: { stderr: string }) => /no document word to fit on/.test(e.stderr));
  const { stdout } = await run('node', [CLI, 'fit-words', '--model', fitted, '--corpus', project, '--blocks', '2', '--curve-blocks', '1', '--curve', '0.5', '--trees', '3', '--backend', 'wasm']);
  assert.match(stdout, /^\d+ document words from 1 projects \(2 blocks each, seed 11\), \d+ right/m);
  assert.match(stdout, /^without >= 0\.5: keystroke savings [\d.]+ %/m);
  assert.match(stdout, /^with the word model >= 0\.5: keystroke savings [\d.]+ %/m);
  const { config } = JSON.parse(readFileSync(join(fitted, 'metadata.json'), 'utf8')) as { config: { wordModel?: { trees: unknown[] } } };
  assert.equal(config.wordModel?.trees.length, 3);
  // The model loads with it, and suggest answers through it.
  const answer = spawnSync('node', [CLI, 'suggest', '--model', fitted, '--backend', 'wasm'], { input: `${JSON.stringify({ prefix: `${SAMPLE_TS}\nexport const y = ad` })}\n`, encoding: 'utf8' });
  assert.equal(answer.status, 0, answer.stderr);
  assert.equal(typeof (JSON.parse(answer.stdout.trim().split('\n')[0] as string) as { suggestion?: unknown }).suggestion, 'string');
  // fit-show replays the engine without either model: its examples are the same with the word model or without it.
  const examples = async (from: string, file: string): Promise<string> => {
    const args = ['--model', from, '--corpus', project, '--blocks', '2', '--curve-blocks', '1', '--curve', '0.5', '--trees', '3', '--backend', 'wasm'];
    const out = (await run('node', [CLI, 'fit-show', ...args, '--examples', join(dir, file)])).stdout;
    assert.equal(/refit it with fit-words/.test(out), from === fitted, out);
    return readFileSync(join(dir, file), 'utf8');
  };
  const plain = join(dir, 'no-words');
  cpSync(model, plain, { recursive: true });
  const withWords = await examples(fitted, 'with-words.jsonl');
  assert.ok(withWords.length > 0);
  assert.equal(withWords, await examples(plain, 'no-words.jsonl'));
});

test('fit-show --learn fits the correction for learnt weights, and a model fine-tuned from it answers corrected', async () => {
  const project = join(dir, 'learn-project');
  mkdirSync(project);
  for (let i = 0; i < 3; i++) writeFileSync(join(project, `w${i}.ts`), SAMPLE_TS.repeat(6).replace(/add/g, `addTotal${i}`));
  // The split into learnt and replayed files hashes the files' paths: relative to a fixed folder, the split is the
  // same on every run (under the temporary folder's random name it drew one learnt file in some runs).
  const learnArgs = ['--corpus', 'learn-project', '--learn-steps', '4', '--blocks', '2', '--backend', 'wasm'];
  const inDir = { cwd: dir };
  await assert.rejects(run('node', [CLI, 'fit-show', '--learn', '--model', model, ...learnArgs, '--dry-run'], inDir), (e: { stderr: string }) => /no show model to correct: fit it first with fit-show/.test(e.stderr));
  const shown = join(dir, 'tuned-show');
  cpSync(model, shown, { recursive: true });
  await run('node', [CLI, 'fit-show', '--model', shown, '--corpus', project, '--blocks', '2', '--curve-blocks', '1', '--curve', '0.5', '--trees', '3', '--backend', 'wasm']);
  const kept = join(dir, 'tuned-examples.jsonl');
  const { stdout } = await run('node', [CLI, 'fit-show', '--learn', '--model', shown, ...learnArgs, '--examples', kept], inDir);
  assert.match(stdout, /^learn-project: learnt 2 files for 4 steps \(improved\); \d+ suggestions before and \d+ after, from 2 blocks of the other files, in \d+ s$/m);
  assert.match(stdout, /^right by confidence, learnt, corrected: 0\.3-0\.4 /m);
  const fitted = /correction: scale ([\d.]+), shift (-?[\d.]+)$/m.exec(stdout);
  assert.ok(fitted, stdout);
  const configOf = (folder: string): { showModel?: unknown; tunedShow?: { scale: number; shift: number } } => (JSON.parse(readFileSync(join(folder, 'metadata.json'), 'utf8')) as { config: { tunedShow?: { scale: number; shift: number } } }).config;
  assert.deepEqual(configOf(shown).tunedShow, { scale: Number(fitted[1]), shift: Number(fitted[2]) });
  // The kept examples give the same fit without learning again.
  const again = (await run('node', [CLI, 'fit-show', '--learn', '--model', shown, '--examples-from', kept, '--dry-run', '--backend', 'wasm'])).stdout;
  assert.ok(again.includes(fitted[0]), again);
  // A model fine-tuned from it carries the correction, and suggest applies it: its confidence is the corrected one of
  // the same model's without it.
  const learnt = join(dir, 'learnt-from-shown');
  await run('node', [CLI, 'train', '--corpus', corpus, '--out', learnt, '--from', shown, '--steps', '2', '--eval-every', '1', '--backend', 'wasm']);
  const tunedShow = configOf(learnt).tunedShow as { scale: number; shift: number };
  assert.deepEqual(tunedShow, configOf(shown).tunedShow);
  const confidence = (folder: string): number => {
    const answer = spawnSync('node', [CLI, 'suggest', '--model', folder, '--backend', 'wasm'], { input: `${JSON.stringify({ prefix: `${SAMPLE_TS}\nexport const y = ad` })}\n`, encoding: 'utf8' });
    assert.equal(answer.status, 0, answer.stderr);
    return (JSON.parse(answer.stdout.trim().split('\n')[0] as string) as { confidence: number }).confidence;
  };
  const plain = join(dir, 'learnt-without-correction');
  cpSync(learnt, plain, { recursive: true });
  const metadata = JSON.parse(readFileSync(join(plain, 'metadata.json'), 'utf8')) as { config: Record<string, unknown> };
  delete metadata.config.tunedShow;
  writeFileSync(join(plain, 'metadata.json'), JSON.stringify(metadata));
  const raw = confidence(plain);
  assert.ok(raw > 0 && raw < 1, String(raw));
  const z = tunedShow.scale * Math.log(raw / (1 - raw)) + tunedShow.shift;
  assert.ok(Math.abs(confidence(learnt) - 1 / (1 + Math.exp(-z))) < 1e-3, `${confidence(learnt)} against ${raw} corrected`);
  // A new show model drops the correction fitted on the old one's log-odds, and says so.
  const refit = (await run('node', [CLI, 'fit-show', '--model', shown, '--corpus', project, '--blocks', '2', '--curve-blocks', '1', '--curve', '0.5', '--trees', '3', '--backend', 'wasm'])).stdout;
  assert.match(refit, /refit it with fit-show --learn/);
  assert.equal(configOf(shown).tunedShow, undefined);
  assert.ok(configOf(shown).showModel !== undefined);
});

test('fine-tuning refuses a base model of another shape, and a missing model is named', async () => {
  await assert.rejects(
    run('node', [CLI, 'train', '--corpus', corpus, '--out', join(dir, 'ft'), '--from', model, '--hidden', '32', '--steps', '1', '--backend', 'wasm']),
    (e: { stderr: string }) => /hiddenSize=16, but 32 was requested/.test(e.stderr),
  );
  await assert.rejects(
    run('node', [CLI, 'suggest', '--model', join(dir, 'nowhere'), '--backend', 'wasm']),
    (e: { stderr: string }) => /nowhere\/(model|metadata|weights)\.(json|bin): is missing/.test(e.stderr),
  );
});

test('train --from keeps the text it learned from as the model memory; fit-copy writes weights the model loads with', async () => {
  const tuned = join(dir, 'tuned');
  await run('node', [CLI, 'train', '--corpus', corpus, '--out', tuned, '--from', model, '--steps', '2', '--eval-every', '1', '--backend', 'wasm']);
  const memory = readFileSync(join(tuned, 'memory.txt'), 'utf8');
  assert.ok(memory.includes('add5(') && !memory.includes('xxxxx'), 'the memory holds the usable files, not the skipped bundle');

  const other = join(dir, 'fitted');
  cpSync(model, other, { recursive: true });
  writeFileSync(join(other, 'NOTES.md'), 'kept');
  const { stdout } = await run('node', [CLI, 'fit-copy', '--model', other, '--corpus', corpus, '--batches', '2', '--below', '--files', '2', '--shared', '--backend', 'wasm']);
  assert.match(stdout, /bits\/char on these characters: LSTM alone [\d.]+, with the rule [\d.]+, with the fitted weights [\d.]+, with a table per source [\d.]+/);
  assert.match(stdout, /source above: \d+ characters/);
  const { config } = JSON.parse(readFileSync(join(other, 'metadata.json'), 'utf8')) as { config: { copyWeights?: number[]; copySourceWeights?: Record<string, number[]> } };
  assert.equal(config.copyWeights?.length, 33);
  assert.equal(config.copySourceWeights?.above?.length, 33, 'a table per source that matched');
  await run('node', [CLI, 'fit-copy', '--model', other, '--corpus', corpus, '--batches', '2', '--sources', 'above', '--backend', 'wasm']);
  const refitted = (JSON.parse(readFileSync(join(other, 'metadata.json'), 'utf8')) as { config: { copyWeights?: number[]; copySourceWeights?: Record<string, number[]> } }).config;
  assert.equal(refitted.copyWeights, undefined, 'without --shared the one table is not written');
  assert.deepEqual(Object.keys(refitted.copySourceWeights ?? {}), ['above']);
  await assert.rejects(run('node', [CLI, 'fit-copy', '--model', other, '--corpus', corpus, '--sources', 'sideways', '--backend', 'wasm']), /unknown source "sideways"/);
  assert.equal(readFileSync(join(other, 'NOTES.md'), 'utf8'), 'kept', 'only the metadata is rewritten');
  const evaluated = await run('node', [CLI, 'eval', '--model', other, '--corpus', corpus, '--samples', '20', '--batches', '1', '--backend', 'wasm']);
  assert.ok((JSON.parse(evaluated.stdout) as { exactMatch: number }).exactMatch >= 0);
});

test('train --lr-end anneals the rate from --lr along the budget; --from refuses it', async () => {
  const out = join(dir, 'annealed');
  const { stdout } = await run('node', [CLI, 'train', '--corpus', corpus, '--out', out, '--steps', '6', '--eval-every', '1', '--lr', '1e-3', '--lr-end', '1e-4', '--workers', '1', '--hidden', '16', '--min-context', '8', '--max-context', '16', '--target-chars', '8', '--batch', '4', '--backend', 'wasm', '--json']);
  const rates = stdout.trim().split('\n').map((l) => JSON.parse(l) as { event: string; learningRate?: number }).filter((e) => e.event === 'progress').map((e) => e.learningRate as number);
  assert.equal(rates.length, 6);
  assert.ok(Math.abs(rates[0]! - 1e-3) < 1e-9, `first step at --lr: ${rates[0]}`);
  for (let i = 1; i < rates.length; i++) assert.ok(rates[i]! < rates[i - 1]! && rates[i]! > 1e-4, `rates ${rates.join(', ')}`);
  await assert.rejects(
    run('node', [CLI, 'train', '--corpus', corpus, '--out', join(dir, 'ft-annealed'), '--from', model, '--lr-end', '1e-5', '--steps', '1', '--backend', 'wasm']),
    (e: { stderr: string }) => /--lr-end anneals a base-model run/.test(e.stderr),
  );
});

test('suggest: a "land" line reads the window where the cursor rests, so the next request there runs a step or two', async () => {
  const child = spawn('node', [CLI, 'suggest', '--model', model, '--threshold', '0', '--backend', 'wasm'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const text = SAMPLE_TS.repeat(3);
  const requests = [
    { id: 'cold', prefix: text.slice(0, 300), language: 'typescript' },
    { id: 'land', prefix: text.slice(0, 200), language: 'typescript', land: true },
    { id: 'warm', prefix: text.slice(0, 201), language: 'typescript' },
    { id: 'bad', prefix: 'x', land: 'yes' },
  ];
  child.stdin.end(`${requests.map((r) => JSON.stringify(r)).join('\n')}\n`);
  assert.equal(await new Promise((resolve) => child.on('close', resolve)), 0);
  const replies = Object.fromEntries(out.trim().split('\n').map((l) => JSON.parse(l) as { id: string; encoderSteps?: number; landed?: boolean; error?: string }).map((r) => [r.id, r]));
  assert.ok((replies.cold?.encoderSteps ?? 0) >= 8, `a request at a new place reads its window (8-16 characters here): ${replies.cold?.encoderSteps}`);
  assert.equal(replies.land?.landed, true);
  assert.ok((replies.warm?.encoderSteps ?? 99) <= 2, `after the landing: ${replies.warm?.encoderSteps}`);
  assert.match(replies.bad?.error ?? '', /"land" must be true or false/);
});

test('suggest --workspace --learn learns the folder first, then each saved file: its names come at once, secrets never', async () => {
  const ws = join(dir, 'learn-ws');
  mkdirSync(join(ws, 'src'), { recursive: true });
  for (let i = 0; i < 3; i++) writeFileSync(join(ws, 'src', `w${i}.ts`), `export function renderWorkspaceWidget${i}(x: number) {\n  return x + ${i};\n}\n`.repeat(4));
  const child = spawn('node', [CLI, 'suggest', '--model', model, '--threshold', '0', '--beam', '3', '--backend', 'wasm', '--workspace', ws, '--learn', '--learn-steps', '3', '--document-steps', '4'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const lines = [
    { id: 'known', prefix: 'const w = renderWorks', language: 'typescript' },
    { id: 'before', prefix: 'const y = drawFresh', language: 'typescript' },
    { id: 'save', saved: { path: 'src/fresh.ts', text: 'export function drawFreshlySavedName() {}\n' } },
    { id: 'fresh', prefix: 'const y = drawFresh', language: 'typescript' },
    { id: 'secret', saved: { path: 'src/keys.ts', text: 'export const key = "AKIAABCDEFGHIJKLMNOP";\nexport function drawSecretPlace() {}\n' } },
    { id: 'bad', saved: { path: 3 } },
    { id: 'outside', saved: { path: '../elsewhere.ts', text: 'export const x = 1;\n' } },
    { id: 'deps', saved: { path: 'node_modules/lib/index.ts', text: 'export const x = 1;\n' } },
    { id: 'notes', saved: { path: 'notes.txt', text: 'remember the milk\n' } },
    // The user pauses in a document: the learnt model adapts to it, and the next request is answered by those weights.
    { id: 'preAdapt', prefix: 'const p = paintDoc', language: 'typescript' },
    { id: 'adapt', adapt: true, prefix: 'export function paintDocumentOnly() {}\n'.repeat(6), suffix: '\nexport const z = 1;\n', language: 'typescript' },
    { id: 'adapted', prefix: 'const p = paintDoc', language: 'typescript' },
    { id: 'adaptBad', adapt: 'yes', prefix: '' },
    { id: 'adaptSecret', adapt: true, prefix: 'export const key = "AKIAABCDEFGHIJKLMNOP";\n', language: 'typescript' },
  ];
  child.stdin.end(`${lines.map((r) => JSON.stringify(r)).join('\n')}\n`);
  assert.equal(await new Promise((resolve) => child.on('close', resolve)), 0, err);
  const replies = Object.fromEntries(out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown> & { id: string }).map((r) => [r.id, r]));
  assert.match(err, /workspace .*learn-ws: 3 file\(s\), 0 skipped; learnt 3 steps/);
  // The tiny model here ranks poorly: what counts is whether the workspace's names are among the candidates.
  const candidates = (id: string): string[] => {
    const r = replies[id] as unknown as { suggestion: string; alternatives: { text: string }[] };
    return [r.suggestion, ...r.alternatives.map((a) => a.text)];
  };
  assert.ok(candidates('known').some((c) => c.startsWith('paceWidget')), JSON.stringify(replies.known));
  assert.ok(!candidates('before').some((c) => c.startsWith('lySaved')), JSON.stringify(replies.before));
  assert.equal(replies.save?.saved, join(ws, 'src', 'fresh.ts'));
  assert.equal((replies.save?.learnt as { steps: number }).steps, 40, 'an update after a save: LEARN_UPDATE_STEPS');
  assert.ok(candidates('fresh').some((c) => c.startsWith('lySavedName')), JSON.stringify(replies.fresh));
  assert.match(String(replies.secret?.skipped), /secret/);
  assert.match(String(replies.bad?.error), /"saved" must be/);
  // The folder's own policy: what a read of the folder would not take, a saved file does not bring in either.
  assert.equal(replies.outside?.skipped, 'outside the workspace');
  assert.match(String(replies.deps?.skipped), /never read/);
  assert.equal(replies.notes?.skipped, 'not a source file');
  assert.deepEqual([(replies.adapt?.adapted as { outcome: string }).outcome, (replies.adapt?.adapted as { steps: number }).steps], ['adapted', 4]);
  const answered = (id: string): string => JSON.stringify([replies[id]?.suggestion, replies[id]?.confidence, replies[id]?.alternatives]);
  assert.notEqual(answered('adapted'), answered('preAdapt'), 'the adapted weights answer');
  assert.match(String(replies.adaptBad?.error), /"adapt" must be true or false/);
  assert.match(String(replies.adaptSecret?.skipped), /secret/, 'the file policy: a document with a secret is not learnt');
  await assert.rejects(run('node', [CLI, 'suggest', '--model', model, '--document-steps', '3']), /--document-steps goes with --learn/);
  // Without a workspace there is nothing to save into; --learn needs the folder.
  await assert.rejects(run('node', [CLI, 'suggest', '--model', model, '--learn']), /--learn learns the files of --workspace DIR/);
});
