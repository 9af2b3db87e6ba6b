// Writing model folders safely: a swap that a crash can interrupt at any point, reads that refuse what is not a
// model file, and one writer at a time.
import assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Seq2SeqModel } from '../../src/model/graph/seq2seq';
import { Vocabulary } from '../../src/model/graph/vocab';
import { loadModelDir, loadModelWithMemory, lockModelDir, MAX_MEMORY_BYTES, openModelWriter, readMemory, saveModel, withModelWriter } from '../../src/node/modelFiles';
import { lockFile, releaseLockOf, stagingFolder, stagingFolders, swapOldFolder } from '../../src/host/modelFolder';
import { TINY, useTestBackend } from '../helpers';

const vocab = Vocabulary.createDefault();
const training = (step: number) => ({ step, bestValidationLoss: 1.5, trainedChars: 100, seed: 1 });
let dir: string;

before(async () => {
  await useTestBackend();
  dir = mkdtempSync(join(tmpdir(), 'seq2seq-swap-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function saved(name: string, step: number): Promise<string> {
  const path = join(dir, name);
  const model = Seq2SeqModel.create(TINY, vocab, step);
  await saveModel(path, model, { training: training(step), memory: `memory of step ${step}` }, { replaceModel: true });
  model.dispose();
  return path;
}

test('a crash between the two renames: readers read the previous model and change nothing; the next writer rolls it back', async () => {
  const path = await saved('crash-mid-swap', 1);
  // The state a SIGKILL between the renames leaves: the old model moved aside, the new one never arrived.
  renameSync(path, swapOldFolder(path));
  // Two readers at once (the fault run lost the model here: one restored, the other deleted what it restored).
  const [a, b] = await Promise.all([loadModelDir(path), loadModelDir(path)]);
  assert.equal(a.metadata.training.step, 1);
  assert.equal(b.metadata.training.step, 1);
  a.model.dispose();
  b.model.dispose();
  assert.equal(await readMemory(path), 'memory of step 1');
  assert.ok(!existsSync(path) && existsSync(join(swapOldFolder(path), 'model.json')), 'a reader renamed nothing');
  await (await openModelWriter(path, { replaceModel: true })).release();
  assert.ok(existsSync(join(path, 'model.json')) && !existsSync(swapOldFolder(path)));
  assert.equal((await loadModelDir(path)).metadata.training.step, 1);
});

test('a crash after the second rename: readers read the new model; the next writer clears the old copy', async () => {
  const path = await saved('crash-after-swap', 2);
  cpSync(path, swapOldFolder(path), { recursive: true });
  assert.equal((await loadModelDir(path)).metadata.training.step, 2);
  assert.ok(existsSync(swapOldFolder(path)), 'a reader removed nothing');
  await (await openModelWriter(path, { replaceModel: true })).release();
  assert.ok(!existsSync(swapOldFolder(path)));
});

test('a reader while a save is between its renames gets the previous model and leaves the save to finish', async () => {
  const path = await saved('reader-mid-save', 3);
  const model = Seq2SeqModel.create(TINY, vocab, 4);
  let reached!: () => void;
  const atGap = new Promise<void>((resolve) => (reached = resolve));
  let go!: () => void;
  const resume = new Promise<void>((resolve) => (go = resolve));
  const saving = saveModel(path, model, { training: training(4), memory: 'memory of step 4' }, { replaceModel: true }, {
    betweenRenames: async () => {
      reached();
      await resume;
    },
  });
  await atGap;
  const during = await loadModelWithMemory(path);
  assert.equal(during.metadata.training.step, 3);
  assert.equal(during.memory, 'memory of step 3');
  during.model.dispose();
  go();
  await saving;
  model.dispose();
  const after = await loadModelWithMemory(path);
  assert.equal(after.metadata.training.step, 4);
  assert.equal(after.memory, 'memory of step 4');
  after.model.dispose();
  assert.ok(!existsSync(swapOldFolder(path)));
});

test('a save that dies between its renames leaves the previous model readable, and the next save succeeds', async () => {
  const path = await saved('dies-mid-save', 5);
  const model = Seq2SeqModel.create(TINY, vocab, 6);
  await assert.rejects(
    saveModel(path, model, { training: training(6) }, { replaceModel: true }, { betweenRenames: () => Promise.reject(new Error('crash')) }),
    /crash/,
  );
  assert.equal((await loadModelDir(path)).metadata.training.step, 5);
  await saveModel(path, model, { training: training(6) }, { replaceModel: true });
  model.dispose();
  assert.equal((await loadModelDir(path)).metadata.training.step, 6);
  assert.ok(!existsSync(swapOldFolder(path)));
});

test('a writer refuses a folder that is not a model\'s and names what it would delete; the files stay', async () => {
  const proj = join(dir, 'proj');
  mkdirSync(join(proj, 'src'), { recursive: true });
  writeFileSync(join(proj, 'NOTES.md'), 'notes');
  writeFileSync(join(proj, 'data.csv'), '1,2');
  writeFileSync(join(proj, 'src', 'a.ts'), 'export const a = 1;');
  const model = Seq2SeqModel.create(TINY, vocab, 7);
  await assert.rejects(
    saveModel(proj, model, { training: training(7) }, { replaceModel: true }),
    /refusing to write the model to .*proj: it holds files that are not a model's \(NOTES\.md, data\.csv, src\), which saving would delete/,
  );
  assert.deepEqual(readdirSync(proj).sort(), ['NOTES.md', 'data.csv', 'src']);
  assert.ok(!existsSync(lockFile(proj)), 'the lock was released');
  // An empty folder is fine, and a trailing slash is the same folder with the same lock.
  const empty = join(dir, 'empty-out');
  mkdirSync(empty);
  await saveModel(`${empty}/`, model, { training: training(7) }, { replaceModel: false });
  assert.equal((await loadModelDir(empty)).metadata.training.step, 7);
  // A model there is replaced only when the intent allows it.
  await assert.rejects(saveModel(empty, model, { training: training(8) }, { replaceModel: false }), /already holds a model: --resume continues it, --replace writes a new model over it/);
  assert.equal((await loadModelDir(empty)).metadata.training.step, 7);
  model.dispose();
});

test('a metadata rewrite takes the lock and refuses a folder whose model changed since it was read', async () => {
  const path = await saved('rewrite', 9);
  const loaded = await loadModelDir(path);
  const release = await lockModelDir(path);
  await assert.rejects(
    withModelWriter(path, { replaceModel: false, metadataOnly: true }, (w) => w.rewriteConfig(loaded, loaded.model.config)),
    /another process \(pid \d+\) is writing the model/,
  );
  await release();
  // A newer save in between: the rewrite must not put the older step's metadata over it.
  const newer = Seq2SeqModel.create(TINY, vocab, 10);
  await saveModel(path, newer, { training: training(10) }, { replaceModel: true });
  newer.dispose();
  await assert.rejects(
    withModelWriter(path, { replaceModel: false, metadataOnly: true }, (w) => w.rewriteConfig(loaded, loaded.model.config)),
    /holds another model or config than the one read at the start/,
  );
  loaded.model.dispose();
  const now = await loadModelDir(path);
  assert.equal(now.metadata.training.step, 10);
  now.model.dispose();
});

test('a memory past what the loader reads is refused before anything is written; the model there stays', async () => {
  const path = await saved('big-memory', 11);
  const model = Seq2SeqModel.create(TINY, vocab, 12);
  await assert.rejects(
    saveModel(path, model, { training: training(12), memory: 'x'.repeat(MAX_MEMORY_BYTES + 1) }, { replaceModel: true }),
    /the workspace memory is \d+ bytes, more than the \d+ a model folder holds; nothing was saved/,
  );
  model.dispose();
  assert.equal((await loadModelWithMemory(path)).memory, 'memory of step 11');
  assert.deepEqual(await stagingFolders(path), []);
});

test('a save leaves no staging folder, and a dead writer\'s staging folder is cleared', async () => {
  const path = await saved('staging', 3);
  const stale = stagingFolder(path, '999999999-1');
  cpSync(path, stale, { recursive: true });
  const model = Seq2SeqModel.create(TINY, vocab, 4);
  await saveModel(path, model, { training: training(4) }, { replaceModel: true });
  model.dispose();
  assert.deepEqual(await stagingFolders(path), []);
  assert.equal((await loadModelDir(path)).metadata.training.step, 4);
});

test('weights.bin as /dev/zero or a FIFO is refused at once, naming the file; so is an oversized memory', async () => {
  const path = await saved('hostile', 5);
  rmSync(join(path, 'weights.bin'));
  symlinkSync('/dev/zero', join(path, 'weights.bin'));
  await assert.rejects(loadModelDir(path), /weights\.bin: is not a regular file/);
  rmSync(join(path, 'weights.bin'));
  execFileSync('mkfifo', [join(path, 'weights.bin')]);
  await assert.rejects(loadModelDir(path), /weights\.bin: is not a regular file/);
  rmSync(join(path, 'weights.bin'));
  writeFileSync(join(path, 'weights.bin'), Buffer.alloc(8));
  await assert.rejects(loadModelDir(path), /weights\.bin: is truncated: 8 bytes, expected \d+/);
  rmSync(join(path, 'memory.txt'));
  execFileSync('mkfifo', [join(path, 'memory.txt')]);
  await assert.rejects(readMemory(path), /memory\.txt: is not a regular file/);
});

test('one writer at a time: a second lock is refused with the holder\'s pid; a dead holder\'s lock is taken over', async () => {
  const path = join(dir, 'locked');
  const release = await lockModelDir(path);
  await assert.rejects(lockModelDir(path), new RegExp(`another process \\(pid ${process.pid}\\) is writing the model at`));
  await release();
  assert.ok(!existsSync(lockFile(path)));
  // A holder that no longer runs.
  const gone = spawnSync('true').pid as number;
  writeFileSync(lockFile(path), String(gone));
  const again = await lockModelDir(path);
  await again();
});

test('a folder that cannot be written is refused before any work, with the path and the cause', async () => {
  // Root writes anywhere a mode allows, so the parent here is a file: no folder can be made in it.
  const file = join(dir, 'a-file');
  writeFileSync(file, 'not a folder');
  await assert.rejects(lockModelDir(join(file, 'model')), new RegExp(`cannot create ${file} for the model \\((EEXIST|ENOTDIR)\\)`));
});

test('a lock this process left (its writer thread ended without releasing it) is released by the host, another\'s never', async () => {
  const path = join(dir, 'left-lock');
  await lockModelDir(path); // never released: the thread that took it is gone
  await assert.rejects(lockModelDir(path), /another process/);
  assert.equal(await releaseLockOf(path, process.pid), true);
  await (await lockModelDir(path))();
  writeFileSync(lockFile(path), '999999999');
  assert.equal(await releaseLockOf(path, process.pid), false);
  assert.ok(existsSync(lockFile(path)));
});

test('a lock being written (still empty) is held, not taken over; a release frees only its own lock', async () => {
  const path = join(dir, 'racing-lock');
  writeFileSync(lockFile(path), ''); // created by another writer that has not written its pid yet
  await assert.rejects(lockModelDir(path), /another process is taking the lock/);
  rmSync(lockFile(path));
  const release = await lockModelDir(path);
  writeFileSync(lockFile(path), '999999999'); // taken over meanwhile by a writer that thought us gone
  await release();
  assert.ok(existsSync(lockFile(path)), 'the other writer\'s lock stays');
  rmSync(lockFile(path));
});

test('two metadata rewrites from the same read: the second is refused, so the first one\'s config stays', async () => {
  const path = await saved('two-fits', 13);
  const [a, b] = [await loadModelDir(path), await loadModelDir(path)];
  await withModelWriter(path, { replaceModel: false, metadataOnly: true }, (w) => w.rewriteConfig(a, { ...a.model.config, copyWeights: Array(33).fill(0.5) }));
  await assert.rejects(
    withModelWriter(path, { replaceModel: false, metadataOnly: true }, (w) => w.rewriteConfig(b, { ...b.model.config, extendCalibration: [0, 1, 0, 0, 0, 0, 0, 0, 0] })),
    /holds another model or config than the one read at the start/,
  );
  a.model.dispose();
  b.model.dispose();
  const now = await loadModelDir(path);
  assert.equal(now.metadata.config.copyWeights?.length, 33);
  now.model.dispose();
  // The rewrite's temp file is never left inside the folder (a later save would refuse a folder with a stranger in it).
  assert.deepEqual(readdirSync(path).sort(), ['memory.txt', 'metadata.json', 'model.json', 'weights.bin']);
});
