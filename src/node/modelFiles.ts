// Model folders on disk: model.json + weights.bin + metadata.json (+ optimizer state in training checkpoints,
// + memory.txt in fine-tuned models). One writer (openModelWriter): the folder's lock, a staging folder swapped into
// place, recoverable at every point by the next lock holder, and a refusal to replace what is not a model. One way
// to read them: never changing the folder, each file checked to be a regular file of a sane size before it is read.
import type { NamedArray } from '../shared/namedArray';
import { constants, existsSync, promises as fs } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import {
  LoadedModel, METADATA_FILE, MODEL_FILE, ModelArtifacts, ModelFileError, modelFromArtifacts, modelToArtifacts,
  packArrays, parseJson, parseMetadata, parseModelJson, TrainingState, unpackArrays, WeightEntry, WEIGHTS_FILE,
} from '../model/graph/serialize';
import { Seq2SeqModel } from '../model/graph/seq2seq';
import type { ModelConfig } from '../model/graph/config';
import { lockFile, releaseLockOf, stagingFolder, stagingFolders, stagingPrefix, swapOldFolder } from '../host/modelFolder';

export const OPTIMIZER_MANIFEST = 'optimizer.json';
export const OPTIMIZER_WEIGHTS = 'optimizer.bin';
/** A fine-tuned model's workspace memory: the text of the files it learned from, for the copy prior to search. */
export const MEMORY_FILE = 'memory.txt';

/** JSON files are small; a larger one is not a model's. */
const MAX_JSON_BYTES = 16 * 2 ** 20;
/**
 * The largest workspace memory read, and so written (the writer refuses more): the fine-tune's corpus cap
 * (FINE_TUNE_MAX_CORPUS_CHARS) keeps every memory it builds below it.
 */
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

/** Reads the three files of one folder as they are now (a swap may change them under it: see readStable). */
async function readArtifactsOnce(dir: string): Promise<ModelArtifacts> {
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

/** The folder to read a model from now: the folder, or the complete previous model while a save is between renames. */
function readableFolder(dir: string): string {
  const old = swapOldFolder(dir);
  return !existsSync(join(dir, MODEL_FILE)) && existsSync(join(old, MODEL_FILE)) ? old : dir;
}

/** How long a read retries while saves keep overtaking it. */
const READ_RETRY_MS = 3_000;

/** Identifies a folder's current version: a swap puts a new folder (a new inode) in its place. */
async function folderVersion(dir: string): Promise<string> {
  const stat = await fs.stat(dir).catch(() => null);
  return stat ? `${stat.dev}:${stat.ino}` : 'none';
}

/**
 * Reads a model folder without ever changing it: recovering an interrupted save is the writer's job, under the lock
 * (openModelWriter). A save under way (a swap-old beside the folder) is waited for a moment, since a live writer's
 * two renames take milliseconds; one that stays is a crashed save, and then the complete previous model (swap-old)
 * is read. A read a swap overtook (the folder changed under it, or a file vanished) is read again, so the files read
 * belong together; what a read in vain produced is handed to `discard`.
 */
async function readStable<T>(dir: string, read: (folder: string) => Promise<T>, discard: (value: T) => void = () => {}): Promise<T> {
  // Each retry is owed to a swap seen under way: a writer that saves every few tens of milliseconds (train with a
  // checkpoint per step, on a loaded machine) overtook six attempts in a row, so the bound is a time, not a count.
  const deadline = Date.now() + READ_RETRY_MS;
  for (let attempt = 1; ; attempt++) {
    const last = Date.now() >= deadline;
    const swapping = existsSync(swapOldFolder(dir));
    if (swapping && attempt < 4) {
      await new Promise((resolve) => setTimeout(resolve, 25 * attempt));
      continue;
    }
    const folder = readableFolder(dir);
    const before = await folderVersion(folder);
    try {
      const result = await read(folder);
      const after = await folderVersion(folder);
      if (before !== 'none' && after === before) return result;
      // Nothing there, before or after, and no save under way: that is the folder's own answer (a memory read of a
      // folder without one). A folder that appeared during the read (a swap between its renames) proves nothing.
      if (before === 'none' && after === 'none' && !existsSync(swapOldFolder(dir))) return result;
      discard(result);
      if (last) {
        throw new Error(`${dir} kept changing while it was read (a writer is saving to it); try again`);
      }
    } catch (e) {
      const changed = existsSync(swapOldFolder(dir)) || (await folderVersion(folder)) !== before;
      if (!changed || last) throw e;
    }
    await new Promise((resolve) => setTimeout(resolve, 25 * Math.min(attempt, 4)));
  }
}

export function readArtifacts(dir: string): Promise<ModelArtifacts> {
  return readStable(dir, readArtifactsOnce);
}

function parseArtifacts(dir: string, artifacts: ModelArtifacts): LoadedModel {
  try {
    return modelFromArtifacts(artifacts);
  } catch (e) {
    if (e instanceof ModelFileError) throw new ModelFileError(join(dir, basename(e.file)), e.message.slice(e.file.length + 2));
    throw e;
  }
}

/** Loads a model folder (the complete previous model while a save is under way); every failure names the file. */
export async function loadModelDir(dir: string): Promise<LoadedModel> {
  // Parsing checks the checksum: a read that mixed two versions' files fails there and is read again.
  return readStable(dir, async (folder) => parseArtifacts(dir, await readArtifactsOnce(folder)), (loaded) => loaded.model.dispose());
}

/** A model and its workspace memory (null for a base model), read from the same version of the folder. */
export async function loadModelWithMemory(dir: string): Promise<LoadedModel & { memory: string | null }> {
  return readStable(
    dir,
    async (folder) => {
      const loaded = parseArtifacts(dir, await readArtifactsOnce(folder));
      try {
        return { ...loaded, memory: await readMemoryIn(folder) };
      } catch (e) {
        loaded.model.dispose();
        throw e;
      }
    },
    (loaded) => loaded.model.dispose(),
  );
}

async function readMemoryIn(folder: string): Promise<string | null> {
  if (!existsSync(join(folder, MEMORY_FILE))) return null;
  return (await readChecked(folder, MEMORY_FILE, { max: MAX_MEMORY_BYTES })).toString('utf8');
}

/** The model folder's workspace memory, or null when it has none (a base model). */
export function readMemory(dir: string): Promise<string | null> {
  return readStable(dir, readMemoryIn);
}

/** The optimiser state saved beside a checkpoint, or null when the folder holds a plain model. */
export async function loadOptimizerState(dir: string): Promise<NamedArray[] | null> {
  const hasManifest = existsSync(join(dir, OPTIMIZER_MANIFEST));
  // One of the pair without the other is a damaged checkpoint, not a plain model: resuming must not start afresh.
  if (hasManifest !== existsSync(join(dir, OPTIMIZER_WEIGHTS))) {
    const missing = hasManifest ? OPTIMIZER_WEIGHTS : OPTIMIZER_MANIFEST;
    throw new ModelFileError(join(dir, missing), `is missing while its pair is there: the optimiser state is incomplete (delete both to resume with a fresh optimiser)`);
  }
  if (!hasManifest) return null;
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

/** Points where a test stops a save to play a crash or a race there (a pause, or a throw that stands for the crash). */
export interface SaveFaults {
  betweenRenames?(): Promise<void>;
}

/** The files a model folder may hold: a folder with any other file is not one a save may replace. */
export const MODEL_FOLDER_FILES: readonly string[] = [MODEL_FILE, WEIGHTS_FILE, METADATA_FILE, OPTIMIZER_MANIFEST, OPTIMIZER_WEIGHTS, MEMORY_FILE];

/** What a writer may do to the folder it opens. */
export interface WriterIntent {
  /** Only the metadata is rewritten (fit-copy, fit-length): the folder is never replaced, whatever else it holds. */
  metadataOnly?: boolean;
  /**
   * Whether a model already in the folder may be replaced by another: `train --resume` continues it and a fine-tune
   * into the folder it started from improves it (both true); a new run or a fine-tune of another model replaces it
   * only when asked to (`--replace`; the extension's command, which writes its own storage).
   */
  replaceModel: boolean;
}

/**
 * The one writer of a model folder: it holds the folder's lock from open to release, so no other process saves,
 * rewrites or recovers it meanwhile; it finishes or rolls back a save a crash interrupted (readers never do); and
 * it refuses, before any training, a folder it could not safely replace.
 */
export interface ModelWriter {
  /** The folder, normalised once (absolute, no trailing separator): the lock and every swap use this one path. */
  readonly dir: string;
  save(model: Seq2SeqModel, options: SaveOptions, faults?: SaveFaults): Promise<void>;
  /**
   * Rewrites only the metadata with a new config (fitted copy weights, a length calibrator); the weights and the
   * folder's other files stay. Refused when the folder no longer holds the model `loaded` was read from.
   */
  rewriteConfig(loaded: LoadedModel, config: ModelConfig): Promise<string>;
  release(): Promise<void>;
}

/** Where a metadata rewrite is written before it is renamed into the folder. */
const metadataTempFile = (dir: string): string => join(dirname(dir), `.${basename(dir)}.metadata.tmp`);

/** Normalises an --out path once: absolute, without a trailing separator (`DIR/` and `DIR` are one folder, one lock). */
export const modelFolderPath = (dir: string): string => resolve(dir);

export async function openModelWriter(out: string, intent: WriterIntent): Promise<ModelWriter> {
  const dir = modelFolderPath(out);
  const release = await lockModelDir(dir);
  try {
    await recoverInterruptedSwap(dir);
    if (!intent.metadataOnly) await assertReplaceable(dir, intent);
  } catch (e) {
    await release();
    throw e;
  }
  let open = true;
  const held = (): void => {
    if (!open) throw new Error(`the writer of ${dir} was released`);
  };
  return {
    dir,
    save: async (model, options, faults) => {
      held();
      if (intent.metadataOnly) throw new Error(`the writer of ${dir} was opened to rewrite its metadata only`);
      await saveModelDir(dir, model, options, faults);
    },
    rewriteConfig: async (loaded, config) => {
      held();
      return rewriteConfigLocked(dir, loaded, config);
    },
    release: async () => {
      if (!open) return;
      open = false;
      await release();
    },
  };
}

/** Runs `work` with a writer of `out`, released however it ends. */
export async function withModelWriter<T>(out: string, intent: WriterIntent, work: (writer: ModelWriter) => Promise<T>): Promise<T> {
  const writer = await openModelWriter(out, intent);
  try {
    return await work(writer);
  } finally {
    await writer.release();
  }
}

/** Saves one model to `out` through its writer: the lock, the checks of openModelWriter, the swap. */
export function saveModel(out: string, model: Seq2SeqModel, options: SaveOptions, intent: WriterIntent, faults?: SaveFaults): Promise<void> {
  return withModelWriter(out, intent, (writer) => writer.save(model, options, faults));
}

/**
 * Refuses a folder a save would wreck: one that is not a folder, a mount point (it cannot be renamed), one holding
 * files that are not a model's (they would be deleted: the swap replaces the whole folder), and one holding a model
 * that the intent does not allow to be replaced.
 */
async function assertReplaceable(dir: string, intent: WriterIntent): Promise<void> {
  const stat = await fs.stat(dir).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw new Error(`cannot write the model to ${dir}: ${e.code ?? e.message}`);
  });
  if (!stat) return;
  if (!stat.isDirectory()) throw new Error(`cannot write the model to ${dir}: it is a file, not a folder`);
  const parent = await fs.stat(dirname(dir));
  if (parent.dev !== stat.dev || dirname(dir) === dir) {
    throw new Error(`cannot write the model to ${dir}: it is a mount point, which a save cannot replace; name a folder inside it`);
  }
  const entries = await fs.readdir(dir);
  const foreign = entries.filter((n) => !MODEL_FOLDER_FILES.includes(n)).sort();
  if (foreign.length > 0) {
    const named = foreign.slice(0, 5).join(', ') + (foreign.length > 5 ? ` and ${foreign.length - 5} more` : '');
    throw new Error(`refusing to write the model to ${dir}: it holds files that are not a model's (${named}), which saving would delete; name a new or empty folder`);
  }
  if (entries.includes(MODEL_FILE) && !intent.replaceModel) {
    throw new Error(`${dir} already holds a model: --resume continues it, --replace writes a new model over it`);
  }
}

/** Writes the model to `dir` (the caller holds its lock): a complete staging folder first, then the swap. */
async function saveModelDir(dir: string, model: Seq2SeqModel, options: SaveOptions, faults: SaveFaults = {}): Promise<void> {
  // What the writer writes, the loader must load: a memory past the reader's limit is refused before a byte is written.
  if (options.memory !== undefined && Buffer.byteLength(options.memory) > MAX_MEMORY_BYTES) {
    throw new Error(`the workspace memory is ${Buffer.byteLength(options.memory)} bytes, more than the ${MAX_MEMORY_BYTES} a model folder holds; nothing was saved to ${dir}`);
  }
  const artifacts = modelToArtifacts(model, options.training, options.name);
  const staging = stagingFolder(dir, `${process.pid}-${Date.now()}`);
  const write = async (file: string, data: string | Uint8Array): Promise<void> => {
    try {
      await fs.writeFile(join(staging, file), data);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new Error(`cannot save the model to ${dir}: ${code === 'ENOSPC' ? 'the disk is full' : (code ?? (e as Error).message)} writing ${join(staging, file)}; the model in ${dir} is unchanged`);
    }
  };
  try {
    await fs.mkdir(staging, { recursive: true });
    await write(WEIGHTS_FILE, new Uint8Array(artifacts.weights));
    await write(MODEL_FILE, artifacts.modelJson);
    await write(METADATA_FILE, artifacts.metadataJson);
    if (options.optimizer) {
      const { entries, data } = packArrays(options.optimizer);
      await write(OPTIMIZER_WEIGHTS, new Uint8Array(data));
      await write(OPTIMIZER_MANIFEST, JSON.stringify(entries));
    }
    if (options.memory !== undefined) await write(MEMORY_FILE, options.memory);
    await swapIntoPlace(staging, dir, faults);
  } catch (e) {
    await fs.rm(staging, { recursive: true, force: true });
    throw e;
  }
}

async function rewriteConfigLocked(dir: string, loaded: LoadedModel, config: ModelConfig): Promise<string> {
  const { model, metadata } = loaded;
  // Another writer may have saved a newer model, or rewritten this one's config, since `loaded` was read: ours must
  // not replace theirs (two fits one after the other would lose the first one's weights).
  const current = parseMetadata((await readChecked(dir, METADATA_FILE, { max: MAX_JSON_BYTES })).toString('utf8'));
  if (JSON.stringify(current) !== JSON.stringify(metadata)) {
    throw new Error(`${dir} holds another model or config than the one read at the start (a save or a fit since then changed it); nothing was written: run again`);
  }
  const { metadataJson } = modelToArtifacts(new Seq2SeqModel(config, model.vocab, model.weights), metadata.training, metadata.name);
  const target = join(dir, METADATA_FILE);
  // Written beside the folder, then renamed in: a crash leaves no stray file inside it.
  const temp = metadataTempFile(dir);
  await fs.writeFile(temp, metadataJson);
  await fs.rename(temp, target);
  return target;
}

/**
 * Replaces `dir` with the complete folder `staged`: the previous model moves to its swap-old sibling, the new one
 * takes its place, the old one goes. A crash between the two renames leaves no `dir` but a swap-old, which the next
 * writer rolls back (readers read swap-old meanwhile); a crash after them leaves both, and the next writer finishes.
 */
async function swapIntoPlace(staged: string, dir: string, faults: SaveFaults): Promise<void> {
  const old = swapOldFolder(dir);
  const hadOld = existsSync(dir);
  if (hadOld) await fs.rename(dir, old);
  await faults.betweenRenames?.();
  await fs.rename(staged, dir);
  if (hadOld) await fs.rm(old, { recursive: true, force: true });
}

/** Finishes or rolls back a swap a crash interrupted, and clears staging folders of writers that are gone. Lock holders only. */
async function recoverInterruptedSwap(dir: string): Promise<'none' | 'rolled back' | 'finished'> {
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
  await fs.rm(metadataTempFile(dir), { force: true });
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
 * before any training is spent. Returns the release. openModelWriter is the way in; this is exported for its tests.
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
      // Released only while it is still ours: a lock taken over (its holder looked gone) belongs to another now.
      return async () => {
        await releaseLockOf(dir, process.pid);
      };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') throw new Error(`cannot write the model to ${dir}: ${code ?? (e as Error).message} creating ${file}`);
      const text = (await fs.readFile(file, 'utf8').catch(() => '')).trim();
      const holder = Number(text);
      if (Number.isInteger(holder) && holder > 0 && processAlive(holder)) {
        throw new Error(`another process (pid ${holder}) is writing the model at ${dir}; wait for it or stop it (lock file ${file})`);
      }
      // An empty lock is one being written right now (created, its pid not yet in it), unless it is old.
      const age = Date.now() - ((await fs.stat(file).catch(() => null))?.mtimeMs ?? 0);
      if (text === '' && age < 5_000) throw new Error(`another process is taking the lock on ${dir}; wait for it (lock file ${file})`);
      await fs.rm(file, { force: true }); // its writer is gone
    }
  }
  throw new Error(`could not take the lock ${file}`);
}
