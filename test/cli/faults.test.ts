// Faults and hostile input against the CLI: each case lost data, leaked a secret or killed a process before.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { REPO, SAMPLE_TS, SECRET_MARKERS, SECRETS_DIR } from '../helpers';

const CLI = join(REPO, 'dist', 'cli.js');
const run = promisify(execFile);
let dir: string;
let corpus: string;
let model: string;
const TINY_ARGS = ['--hidden', '16', '--min-context', '8', '--max-context', '16', '--target-chars', '8', '--batch', '4', '--backend', 'wasm'];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'seq2seq-faults-'));
  corpus = join(dir, 'corpus');
  mkdirSync(corpus, { recursive: true });
  for (let i = 0; i < 6; i++) writeFileSync(join(corpus, `f${i}.ts`), SAMPLE_TS.repeat(3).replace(/add/g, `add${i}`));
  // Fake secrets, by name and by content.
  writeFileSync(join(corpus, '.env.js'), 'module.exports = { aws: "AKIAIOSFODNN7EXAMPLE" };\n');
  writeFileSync(join(corpus, 'secrets.py'), 'AWS_KEY = "AKIAIOSFODNN7EXAMPLE"\n');
  writeFileSync(join(corpus, 'config.ts'), `${SAMPLE_TS}export const key = "AKIAIOSFODNN7EXAMPLE";\n`);
  model = join(dir, 'model');
  await run('node', [CLI, 'train', '--corpus', corpus, '--out', model, '--steps', '4', '--eval-every', '2', ...TINY_ARGS]);
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `suggest` over the given lines and returns its replies and exit code. */
async function suggest(lines: string[], args: string[] = []): Promise<{ replies: Record<string, unknown>[]; code: number | null; stderr: string }> {
  const child = spawn('node', [CLI, 'suggest', '--model', model, '--backend', 'wasm', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(`${lines.join('\n')}\n`);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { replies: out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>), code, stderr };
}

test('suggest: an id nested thousands deep is answered as null, and the server goes on serving', async () => {
  const nested = `{"id": ${'['.repeat(5000)}${']'.repeat(5000)}, "prefix": "export function ad"}`;
  const { replies, code } = await suggest([nested, JSON.stringify({ id: 2, prefix: 'export function ad' })]);
  assert.equal(code, 0);
  assert.equal(replies.length, 2);
  assert.equal(replies[0]!.id, null);
  assert.match(replies[0]!.error as string, /"id" must be/);
  assert.equal(replies[1]!.id, 2);
  assert.equal(typeof replies[1]!.suggestion, 'string');
});

test('suggest: a request line past the read bound gets an error line, and the next request is answered', async () => {
  const { replies, code, stderr } = await suggest(['x'.repeat(65 * 2 ** 20), JSON.stringify({ id: 2, prefix: 'export function ad' })]);
  assert.equal(code, 0, stderr);
  assert.equal(replies.length, 2);
  assert.match(replies[0]!.error as string, /a request line of 68157440 characters is longer than the 67108864 read/);
  assert.equal(replies[1]!.id, 2);
});

test('fit-copy | head -1 and bench | head -1: a closed pipe ends in no stack trace', async () => {
  for (const args of [['fit-copy', '--model', model, '--corpus', corpus, '--batches', '1', '--dry-run', '--backend', 'wasm'], ['bench', '--quick', '--model', model, '--backend', 'wasm']]) {
    const child = spawn('node', [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 0, `${args[0]}: ${stderr}`);
    assert.ok(!/EPIPE|at .*\(/.test(stderr), `${args[0]}: ${stderr}`);
  }
});

test('suggest: a count option rejects fractions and absurd sizes before loading anything', async () => {
  for (const beam of ['2.5', '1e6']) {
    await assert.rejects(run('node', [CLI, 'suggest', '--model', model, '--beam', beam]), (e: { stderr: string }) => /--beam must be a whole number from 1 to 8/.test(e.stderr));
  }
});

test('suggest | head -1: a closed pipe ends the server quietly, with no stack trace', async () => {
  const child = spawn('node', [CLI, 'suggest', '--model', model, '--backend', 'wasm'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.once('data', () => child.stdout.destroy());
  for (let i = 0; i < 50; i++) child.stdin.write(`${JSON.stringify({ id: i, prefix: 'export function ad' })}\n`);
  child.stdin.end();
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 0, stderr);
  assert.ok(!/EPIPE|at .*\(/.test(stderr), stderr);
});

test('train --from never learns or copies a secret: no key in memory.txt, none suggested', async () => {
  const tuned = join(dir, 'tuned');
  // The fake-secret corpus beside ordinary code: every one of its shapes, quoted or not.
  const withSecrets = join(dir, 'corpus-secrets');
  cpSync(corpus, withSecrets, { recursive: true });
  cpSync(SECRETS_DIR, join(withSecrets, 'secrets-fixture'), { recursive: true });
  const fakes = readdirSync(SECRETS_DIR).filter((f) => f !== 'README.md').length;
  const { stdout } = await run('node', [CLI, 'train', '--corpus', withSecrets, '--out', tuned, '--from', model, '--steps', '4', '--eval-every', '2', '--backend', 'wasm']);
  assert.match(stdout, new RegExp(`${3 + fakes} may hold secrets`));
  const memory = existsSync(join(tuned, 'memory.txt')) ? readFileSync(join(tuned, 'memory.txt'), 'utf8') : '';
  for (const marker of ['AKIA', ...SECRET_MARKERS]) assert.ok(!memory.includes(marker), marker);
  const { replies } = await suggest([
    JSON.stringify({ id: 1, prefix: `${SAMPLE_TS}const k = "AKIA` }),
    JSON.stringify({ id: 2, prefix: `${SAMPLE_TS}# aws_secret_access_key = ` }),
  ], ['--model', existsSync(join(tuned, 'model.json')) ? tuned : model]);
  assert.ok(!String(replies[0]!.suggestion).startsWith('IOSFODNN'), JSON.stringify(replies[0]));
  assert.ok(!String(replies[1]!.suggestion).startsWith('wJal'), JSON.stringify(replies[1]));
});

test('train --out a project folder refuses before training and deletes nothing', async () => {
  const proj = join(dir, 'proj');
  cpSync(corpus, join(proj, 'src'), { recursive: true });
  writeFileSync(join(proj, 'NOTES.md'), 'notes');
  writeFileSync(join(proj, 'data.csv'), '1,2\n');
  const before = readdirSync(proj, { recursive: true }).sort();
  await assert.rejects(
    run('node', [CLI, 'train', '--from', model, '--corpus', join(proj, 'src'), '--out', proj, '--steps', '20', '--backend', 'wasm']),
    (e: { stderr: string }) => /refusing to write the model to .*proj: it holds files that are not a model's \(NOTES\.md, data\.csv, src\)/.test(e.stderr),
  );
  assert.deepEqual(readdirSync(proj, { recursive: true }).sort(), before);
  // Another model in --out is replaced only when asked: a new run there is refused without --replace.
  const other = join(dir, 'other-model');
  cpSync(model, other, { recursive: true });
  const weights = readFileSync(join(other, 'weights.bin'));
  await assert.rejects(
    run('node', [CLI, 'train', '--corpus', corpus, '--out', `${other}/`, '--steps', '2', '--eval-every', '1', ...TINY_ARGS]),
    (e: { stderr: string }) => /already holds a model: --resume continues it, --replace writes a new model over it/.test(e.stderr),
  );
  assert.deepEqual(readFileSync(join(other, 'weights.bin')), weights);
  await run('node', [CLI, 'train', '--corpus', corpus, '--out', `${other}/`, '--steps', '2', '--eval-every', '1', '--replace', ...TINY_ARGS]);
  assert.ok(existsSync(join(other, 'model.json')));
});

test('train --from caps its corpus at what a model\'s memory may hold', async () => {
  await assert.rejects(
    run('node', [CLI, 'train', '--from', model, '--corpus', corpus, '--out', join(dir, 'too-big'), '--max-corpus-chars', '20000000', '--steps', '2', '--backend', 'wasm']),
    (e: { stderr: string }) => /--max-corpus-chars: a fine-tuned model holds at most 16000000 characters/.test(e.stderr),
  );
});

test('fit-copy while train writes the same folder: the rewrite is refused, the checkpoint still loads', async () => {
  const ckpt = join(dir, 'fit-vs-train');
  cpSync(model, ckpt, { recursive: true });
  const trainer = spawn('node', [CLI, 'train', '--corpus', corpus, '--out', ckpt, '--resume', '--steps', '400', '--eval-every', '1', '--workers', '1', ...TINY_ARGS], { stdio: 'ignore' });
  // fit-copy reads the model, fits, and takes the lock only to write: train holds it for its whole run.
  await new Promise((r) => setTimeout(r, 2500));
  await assert.rejects(
    run('node', [CLI, 'fit-copy', '--model', ckpt, '--corpus', corpus, '--batches', '1', '--backend', 'wasm']),
    (e: { stderr: string }) => /another process \(pid \d+\) is writing the model at|holds another model or config than the one read at the start/.test(e.stderr),
  );
  trainer.kill('SIGTERM');
  await new Promise((resolve) => trainer.on('close', resolve));
  const { replies, code } = await suggest([JSON.stringify({ id: 1, prefix: 'export function ad' })], ['--model', ckpt]);
  assert.equal(code, 0);
  assert.equal(typeof replies[0]!.suggestion, 'string');
});

test('train --from with a learning rate that diverges saves nothing and says so; a good --out stays as it was', async () => {
  const out = join(dir, 'diverged');
  const { stdout } = await run('node', [CLI, 'train', '--corpus', corpus, '--out', out, '--from', model, '--lr', '1e6', '--steps', '6', '--eval-every', '2', '--backend', 'wasm']);
  assert.match(stdout, /nothing saved/);
  assert.doesNotMatch(stdout, /saved to/);
  assert.ok(!existsSync(join(out, 'model.json')));
});

test('train --resume without a checkpoint refuses instead of starting a random model', async () => {
  await assert.rejects(
    run('node', [CLI, 'train', '--corpus', corpus, '--out', join(dir, 'empty'), '--resume', '--steps', '2', ...TINY_ARGS]),
    (e: { stderr: string }) => /--resume: there is no checkpoint in .*empty/.test(e.stderr),
  );
});

test('train --resume on a changed corpus measures the checkpoint on the new validation set and keeps it unless beaten', async () => {
  const ckpt = join(dir, 'resume-changed');
  cpSync(model, ckpt, { recursive: true });
  const before = readFileSync(join(ckpt, 'weights.bin'));
  const events = async (corpusDir: string): Promise<Record<string, unknown>[]> => {
    // Learning rate 0: the weights cannot improve, so the checkpoint must survive unchanged.
    const { stdout } = await run('node', [CLI, 'train', '--corpus', corpusDir, '--out', ckpt, '--resume', '--steps', '2', '--eval-every', '1', '--lr', '0', '--workers', '1', '--json', ...TINY_ARGS]);
    return stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  };
  // The same corpus as the checkpoint's: its saved best stands.
  assert.ok(!(await events(corpus)).some((e) => e.event === 'revalidated'));
  const other = join(dir, 'corpus-other');
  mkdirSync(other, { recursive: true });
  for (let i = 0; i < 6; i++) writeFileSync(join(other, `g${i}.ts`), SAMPLE_TS.repeat(2).replace(/add/g, `plus${i}`));
  const changed = await events(other);
  const revalidated = changed.find((e) => e.event === 'revalidated');
  assert.ok(revalidated && typeof revalidated.validationLoss === 'number');
  const done = changed.find((e) => e.event === 'done')!;
  assert.equal(done.saved, false);
  assert.equal(done.bestValidationLoss, revalidated.validationLoss);
  assert.deepEqual(readFileSync(join(ckpt, 'weights.bin')), before);
});

test('train --resume with half of the optimiser state is refused before training, and the process exits', async () => {
  const ckpt = join(dir, 'half-optimizer');
  await run('node', [CLI, 'train', '--corpus', corpus, '--out', ckpt, '--steps', '2', '--eval-every', '1', '--lr', '0', '--workers', '1', ...TINY_ARGS]);
  assert.ok(existsSync(join(ckpt, 'optimizer.bin')));
  rmSync(join(ckpt, 'optimizer.json'));
  // Two gradient threads: before the fix the error came after they started, and nothing ended them.
  await assert.rejects(
    run('node', [CLI, 'train', '--corpus', corpus, '--out', ckpt, '--resume', '--steps', '4', '--workers', '2', ...TINY_ARGS], { timeout: 60_000 }),
    (e: { stderr: string; killed?: boolean }) => !e.killed && /optimizer\.json: is missing while its pair is there/.test(e.stderr),
  );
});

test('train --resume keeps the checkpoint\'s name unless --name gives another', async () => {
  const ckpt = join(dir, 'resume-named');
  // Learning rate 0 first: the saved model is the untrained one, so every resumed run below improves on it and saves.
  await run('node', [CLI, 'train', '--corpus', corpus, '--out', ckpt, '--steps', '2', '--eval-every', '1', '--lr', '0', '--name', 'base-h16', '--workers', '1', ...TINY_ARGS]);
  const resumed = async (extra: string[]): Promise<{ name?: unknown; training: { step: number } }> => {
    await run('node', [CLI, 'train', '--corpus', corpus, '--out', ckpt, '--resume', '--steps', '4', '--eval-every', '2', '--workers', '1', ...extra, ...TINY_ARGS]);
    return JSON.parse(readFileSync(join(ckpt, 'metadata.json'), 'utf8')) as { name?: unknown; training: { step: number } };
  };
  const kept = await resumed([]);
  assert.ok(kept.training.step > 2, `the resumed run saved (step ${kept.training.step})`);
  assert.equal(kept.name, 'base-h16');
  const renamed = await resumed(['--name', 'renamed']);
  assert.ok(renamed.training.step > kept.training.step, `the second resumed run saved (step ${renamed.training.step})`);
  assert.equal(renamed.name, 'renamed');
});

test('two train processes to one --out: the second is refused and names the first', async () => {
  const out = join(dir, 'contended');
  const first = spawn('node', [CLI, 'train', '--corpus', corpus, '--out', out, '--minutes', '0.2', ...TINY_ARGS], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 1500));
  await assert.rejects(
    run('node', [CLI, 'train', '--corpus', corpus, '--out', out, '--steps', '2', ...TINY_ARGS]),
    (e: { stderr: string }) => new RegExp(`another process \\(pid ${first.pid}\\) is writing the model`).test(e.stderr),
  );
  assert.equal(await new Promise((resolve) => first.on('close', resolve)), 0);
});

test('train | head: a closed stdout does not stop training or saving', async () => {
  const out = join(dir, 'piped');
  const child = spawn('node', [CLI, 'train', '--corpus', corpus, '--out', out, '--steps', '40', '--eval-every', '10', ...TINY_ARGS], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.once('data', () => child.stdout.destroy());
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 0, stderr);
  assert.match(stderr, /stdout was closed; training goes on/);
  assert.ok(statSync(join(out, 'model.json')).size > 0);
  const { step } = (JSON.parse(readFileSync(join(out, 'metadata.json'), 'utf8')) as { training: { step: number } }).training;
  assert.ok(step >= 30, `saved at step ${step}`);
});
