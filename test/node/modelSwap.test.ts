// Writing model folders safely: a swap that a crash can interrupt at any point, reads that refuse what is not a
// model file, and one writer at a time.
import assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Seq2SeqModel } from '../../src/model/graph/seq2seq';
import { Vocabulary } from '../../src/model/graph/vocab';
import { loadModelDir, lockModelDir, readMemory, saveModelDir } from '../../src/node/modelFiles';
import { lockFile, stagingFolder, stagingFolders, swapOldFolder } from '../../src/shared/modelFolder';
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
  await saveModelDir(path, model, { training: training(step), memory: `memory of step ${step}` });
  model.dispose();
  return path;
}

test('a crash between the two renames of a swap is rolled back on load: the previous model comes back', async () => {
  const path = await saved('crash-mid-swap', 1);
  // The state a SIGKILL between the renames leaves: the old model moved aside, the new one never arrived.
  renameSync(path, swapOldFolder(path));
  assert.ok(!existsSync(path));
  const { metadata } = await loadModelDir(path);
  assert.equal(metadata.training.step, 1);
  assert.ok(existsSync(join(path, 'model.json')) && !existsSync(swapOldFolder(path)));
});

test('a crash after the second rename is finished on load: the new model stays, the old copy goes', async () => {
  const path = await saved('crash-after-swap', 2);
  cpSync(path, swapOldFolder(path), { recursive: true });
  assert.equal((await loadModelDir(path)).metadata.training.step, 2);
  assert.ok(!existsSync(swapOldFolder(path)));
});

test('a save leaves no staging folder, and a dead writer\'s staging folder is cleared', async () => {
  const path = await saved('staging', 3);
  const stale = stagingFolder(path, '999999999-1');
  cpSync(path, stale, { recursive: true });
  const model = Seq2SeqModel.create(TINY, vocab, 4);
  await saveModelDir(path, model, { training: training(4) });
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
