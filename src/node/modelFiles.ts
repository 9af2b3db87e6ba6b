// Model folders on disk: model.json + weights.bin + metadata.json (+ optimizer state in training checkpoints,
// + memory.txt in fine-tuned models). One way to write them: a staging folder swapped into place, recoverable at
// every point; one way to read them: each file checked to be a regular file of a sane size before it is read.
import { constants, existsSync, promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import {
  LoadedModel, METADATA_FILE, MODEL_FILE, ModelArtifacts, ModelFileError, modelFromArtifacts, modelToArtifacts,
  NamedArray, packArrays, parseJson, parseModelJson, TrainingState, unpackArrays, WeightEntry, WEIGHTS_FILE,
} from '../model/graph/serialize';
import { Seq2SeqModel } from '../model/graph/seq2seq';
import type { ModelConfig } from '../model/graph/config';
import { lockFile, stagingFolder, stagingFolders, stagingPrefix, swapOldFolder } from '../shared/modelFolder';

export const OPTIMIZER_MANIFEST = 'optimizer.json';
export const OPTIMIZER_WEIGHTS = 'optimizer.bin';
/** A fine-tuned model's workspace memory: the text of the files it learned from, for the copy prior to search. */
export const MEMORY_FILE = 'memory.txt';

/** JSON files are small; a larger one is not a model's. */
const MAX_JSON_BYTES = 16 * 2 ** 20;
/** The fine-tune reads at most a few million characters; a memory far beyond that is not one it wrote. */
export const MAX_MEMORY_BYTES = 64 * 2 ** 20;

/** Reads a file of a model folder after checking that it is a regular file of at most `maxBytes` (or exactly). */
async function readChecked(dir: string, file: string, size: { max: number } | { exact: number }): Promise<Buffer> {
  const path = join(dir, file);
  let stat;
  try {
    stat = await fs.stat(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ModelFileError(path, code === 'ENOENT' ? 'is missing' : `cannot be read (${code ?? (e as Error).message})`);
  }
  // A FIFO would hang the read and a device (/dev/zero) would never end: only regular files are opened.
  if (!stat.isFile()) throw new ModelFileError(path, 'is not a regular file');
  if ('exact' in size && stat.size !== size.exact) {
    throw new ModelFileError(path, `${stat.size < size.exact ? 'is truncated' : 'is longer than its manifest says'}: ${stat.size} bytes, expected ${size.exact}`);
  }
  if ('max' in size && stat.size > size.max) throw new ModelFileError(path, `is ${stat.size} bytes, more than the ${size.max} a model folder holds`);
  try {
    return await fs.readFile(path);
  } catch (e) {
    throw new ModelFileError(path, `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

const weightBytes = (entries: WeightEntry[]): number => entries.reduce((n, e) => n + 4 * e.shape.reduce((a, b) => a * b, 1), 0);
const asArrayBuffer = (b: Buffer): ArrayBuffer => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;

export async function readArtifacts(dir: string): Promise<ModelArtifacts> {
  // A read-only folder (a shipped model) has nothing to recover, and reading it must not fail for it.
  await recoverInterruptedSwap(dir).catch(() => 'none');
  const [modelJson, metadataJson] = await Promise.all([
    readChecked(dir, MODEL_FILE, { max: MAX_JSON_BYTES }),
    readChecked(dir, METADATA_FILE, { max: MAX_JSON_BYTES }),
  ]);
  // The manifest says how long weights.bin must be: checked before a byte of it is read.
  let entries: WeightEntry[];
  try {
    entries = parseModelJson(modelJson.toString('utf8'));
  } catch (e) {
    if (e instanceof ModelFileError) throw new ModelFileError(join(dir, MODEL_FILE), e.message.slice(e.file.length + 2));
    throw e;
  }
  const weights = await readChecked(dir, WEIGHTS_FILE, { exact: weightBytes(entries) });
  return { modelJson: modelJson.toString('utf8'), metadataJson: metadataJson.toString('utf8'), weights: asArrayBuffer(weights) };
}

/** Loads a model folder (finishing or rolling back an interrupted save first); every failure names the file. */
export async function loadModelDir(dir: string): Promise<LoadedModel> {
  const artifacts = await readArtifacts(dir);
  try {
    return modelFromArtifacts(artifacts);
  } catch (e) {
    if (e instanceof ModelFileError) throw new ModelFileError(join(dir, basename(e.file)), e.message.slice(e.file.length + 2));
    throw e;
  }
}

/**
 * Rewrites only a model folder's metadata with a new config (fitted copy weights, a length calibrator): the weights
 * and the folder's other files (the base model's CORPUS.md) stay. Written beside it, then renamed over it.
 */
export async function rewriteModelConfig(dir: string, loaded: LoadedModel, config: ModelConfig): Promise<string> {
  const { model, metadata } = loaded;
  const { metadataJson } = modelToArtifacts(new Seq2SeqModel(config, model.vocab, model.weights), metadata.training, metadata.name);
  const target = join(dir, METADATA_FILE);
  await fs.writeFile(`${target}.tmp`, metadataJson);
  await fs.rename(`${target}.tmp`, target);
  return target;
}

/** The model folder's workspace memory, or null when it has none (a base model). */
export async function readMemory(dir: string): Promise<string | null> {
  if (!existsSync(join(dir, MEMORY_FILE))) return null;
  return (await readChecked(dir, MEMORY_FILE, { max: MAX_MEMORY_BYTES })).toString('utf8');
}

/** The optimiser state saved beside a checkpoint, or null when the folder holds a plain model. */
export async function loadOptimizerState(dir: string): Promise<NamedArray[] | null> {
  if (!existsSync(join(dir, OPTIMIZER_MANIFEST))) return null;
  const manifestPath = join(dir, OPTIMIZER_MANIFEST);
  const entries = parseJson((await readChecked(dir, OPTIMIZER_MANIFEST, { max: MAX_JSON_BYTES })).toString('utf8'), manifestPath) as WeightEntry[];
  if (!Array.isArray(entries) || !entries.every((e) => e && Array.isArray(e.shape) && e.shape.every((d) => Number.isInteger(d) && d >= 0))) {
    throw new ModelFileError(manifestPath, 'has a malformed entry');
  }
  const data = await readChecked(dir, OPTIMIZER_WEIGHTS, { exact: weightBytes(entries) });
  return unpackArrays(entries, asArrayBuffer(data), join(dir, OPTIMIZER_WEIGHTS));
}

export interface SaveOptions {
  training: TrainingState;
  name?: string;
  optimizer?: NamedArray[];
  /** Text for MEMORY_FILE; a model without one copies from the open document only. */
  memory?: string;
}

/** Writes the model to `dir`: a complete staging folder first, then the swap. */
export async function saveModelDir(dir: string, model: Seq2SeqModel, options: SaveOptions): Promise<void> {
  const artifacts = modelToArtifacts(model, options.training, options.name);
  await fs.mkdir(dirname(dir), { recursive: true });
  const staging = stagingFolder(dir, `${process.pid}-${Date.now()}`);
  await fs.mkdir(staging, { recursive: true });
  try {
    await fs.writeFile(join(staging, WEIGHTS_FILE), new Uint8Array(artifacts.weights));
    await fs.writeFile(join(staging, MODEL_FILE), artifacts.modelJson);
    await fs.writeFile(join(staging, METADATA_FILE), artifacts.metadataJson);
    if (options.optimizer) {
      const { entries, data } = packArrays(options.optimizer);
      await fs.writeFile(join(staging, OPTIMIZER_WEIGHTS), new Uint8Array(data));
      await fs.writeFile(join(staging, OPTIMIZER_MANIFEST), JSON.stringify(entries));
    }
    if (options.memory !== undefined) await fs.writeFile(join(staging, MEMORY_FILE), options.memory);
    await swapIntoPlace(staging, dir);
  } catch (e) {
    await fs.rm(staging, { recursive: true, force: true });
    throw e;
  }
}

/**
 * Replaces `dir` with the complete folder `staged`: the previous model moves to its swap-old sibling, the new one
 * takes its place, the old one goes. A crash between the two renames leaves no `dir` but a swap-old, which
 * recoverInterruptedSwap rolls back; a crash after them leaves both, and it finishes the swap.
 */
export async function swapIntoPlace(staged: string, dir: string): Promise<void> {
  await recoverInterruptedSwap(dir);
  const old = swapOldFolder(dir);
  const hadOld = existsSync(dir);
  if (hadOld) await fs.rename(dir, old);
  await fs.rename(staged, dir);
  if (hadOld) await fs.rm(old, { recursive: true, force: true });
}

/** Finishes or rolls back a swap a crash interrupted, and clears staging folders of writers that are gone. */
export async function recoverInterruptedSwap(dir: string): Promise<'none' | 'rolled back' | 'finished'> {
  const old = swapOldFolder(dir);
  let done: 'none' | 'rolled back' | 'finished' = 'none';
  if (existsSync(old)) {
    if (existsSync(join(dir, MODEL_FILE))) {
      await fs.rm(old, { recursive: true, force: true });
      done = 'finished';
    } else {
      await fs.rm(dir, { recursive: true, force: true });
      await fs.rename(old, dir);
      done = 'rolled back';
    }
  }
  const prefix = stagingPrefix(dir);
  for (const staging of await stagingFolders(dir)) {
    const pid = Number(staging.slice(prefix.length).split('-')[0]);
    if (Number.isInteger(pid) && !processAlive(pid)) await fs.rm(staging, { recursive: true, force: true });
  }
  return done;
}


function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the one writer's lock on `dir` (a sibling file holding this pid), so that two writers never race their
 * swaps; a lock whose process is gone is taken over. Creating it also proves the folder's parent is writable,
 * before any training is spent. Returns the release.
 */
export async function lockModelDir(dir: string): Promise<() => Promise<void>> {
  const file = lockFile(dir);
  try {
    await fs.mkdir(dirname(dir), { recursive: true });
  } catch (e) {
    throw new Error(`cannot create ${dirname(dir)} for the model (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await fs.open(file, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY);
      await handle.writeFile(String(process.pid));
      await handle.close();
      return async () => {
        await fs.rm(file, { force: true });
      };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') throw new Error(`cannot write the model to ${dir}: ${code ?? (e as Error).message} creating ${file}`);
      const holder = Number((await fs.readFile(file, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(holder) && holder > 0 && processAlive(holder)) {
        throw new Error(`another process (pid ${holder}) is writing the model at ${dir}; wait for it or stop it (lock file ${file})`);
      }
      await fs.rm(file, { force: true }); // its writer is gone
    }
  }
  throw new Error(`could not take the lock ${file}`);
}
