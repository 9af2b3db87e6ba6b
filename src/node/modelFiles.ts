// Model folders on disk: model.json + weights.bin + metadata.json (+ optimizer state in training checkpoints).
// Writes go to a temporary sibling folder that is renamed into place, so a crash never leaves half a model.
import { existsSync, promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import {
  LoadedModel, METADATA_FILE, MODEL_FILE, ModelArtifacts, ModelFileError, modelFromArtifacts, modelToArtifacts,
  NamedArray, packArrays, parseJson, TrainingState, unpackArrays, WeightEntry, WEIGHTS_FILE,
} from '../model/graph/serialize';
import type { Seq2SeqModel } from '../model/graph/seq2seq';

export const OPTIMIZER_MANIFEST = 'optimizer.json';
export const OPTIMIZER_WEIGHTS = 'optimizer.bin';
/** A fine-tuned model's workspace memory: the text of the files it learned from, for the copy prior to search. */
export const MEMORY_FILE = 'memory.txt';

async function readFileOrExplain(dir: string, file: string): Promise<Buffer> {
  const path = join(dir, file);
  try {
    return await fs.readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ModelFileError(path, code === 'ENOENT' ? 'is missing' : `cannot be read (${code ?? (e as Error).message})`);
  }
}

export async function readArtifacts(dir: string): Promise<ModelArtifacts> {
  const [modelJson, metadataJson, weights] = await Promise.all([
    readFileOrExplain(dir, MODEL_FILE),
    readFileOrExplain(dir, METADATA_FILE),
    readFileOrExplain(dir, WEIGHTS_FILE),
  ]);
  return {
    modelJson: modelJson.toString('utf8'),
    metadataJson: metadataJson.toString('utf8'),
    weights: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer,
  };
}

/** Loads a model folder; every failure is a ModelFileError naming the file at fault. */
export async function loadModelDir(dir: string): Promise<LoadedModel> {
  const artifacts = await readArtifacts(dir);
  try {
    return modelFromArtifacts(artifacts);
  } catch (e) {
    if (e instanceof ModelFileError) throw new ModelFileError(join(dir, basename(e.file)), e.message.slice(e.file.length + 2));
    throw e;
  }
}

export interface SaveOptions {
  training: TrainingState;
  name?: string;
  optimizer?: NamedArray[];
  /** Text for MEMORY_FILE; a model without one copies from the open document only. */
  memory?: string;
}

/** The model folder's workspace memory, or null when it has none (a base model). */
export async function readMemory(dir: string): Promise<string | null> {
  try {
    return await fs.readFile(join(dir, MEMORY_FILE), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new ModelFileError(join(dir, MEMORY_FILE), `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** Writes the model to `dir` atomically: a temporary sibling folder, then one rename. */
export async function saveModelDir(dir: string, model: Seq2SeqModel, options: SaveOptions): Promise<void> {
  const artifacts = modelToArtifacts(model, options.training, options.name);
  const parent = dirname(dir);
  await fs.mkdir(parent, { recursive: true });
  const tmp = join(parent, `.${basename(dir)}.tmp-${process.pid}-${Date.now()}`);
  await fs.mkdir(tmp, { recursive: true });
  try {
    await fs.writeFile(join(tmp, WEIGHTS_FILE), new Uint8Array(artifacts.weights));
    await fs.writeFile(join(tmp, MODEL_FILE), artifacts.modelJson);
    await fs.writeFile(join(tmp, METADATA_FILE), artifacts.metadataJson);
    if (options.optimizer) {
      const { entries, data } = packArrays(options.optimizer);
      await fs.writeFile(join(tmp, OPTIMIZER_WEIGHTS), new Uint8Array(data));
      await fs.writeFile(join(tmp, OPTIMIZER_MANIFEST), JSON.stringify(entries));
    }
    if (options.memory !== undefined) await fs.writeFile(join(tmp, MEMORY_FILE), options.memory);
    const old = `${tmp}-old`;
    const hadOld = existsSync(dir);
    if (hadOld) await fs.rename(dir, old);
    await fs.rename(tmp, dir);
    if (hadOld) await fs.rm(old, { recursive: true, force: true });
  } catch (e) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** The optimiser state saved beside a checkpoint, or null when the folder holds a plain model. */
export async function loadOptimizerState(dir: string): Promise<NamedArray[] | null> {
  if (!existsSync(join(dir, OPTIMIZER_MANIFEST))) return null;
  const manifestPath = join(dir, OPTIMIZER_MANIFEST);
  const entries = parseJson((await fs.readFile(manifestPath)).toString('utf8'), manifestPath) as WeightEntry[];
  const data = await readFileOrExplain(dir, OPTIMIZER_WEIGHTS);
  const buf = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
  return unpackArrays(entries, buf, join(dir, OPTIMIZER_WEIGHTS));
}
