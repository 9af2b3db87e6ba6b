// Model (de)serialisation to in-memory artifacts: model.json (weights manifest), weights.bin (float32) and
// metadata.json (config, vocabulary, training stats). Files are the node layer's business; every check that
// can name the faulty file happens here, before TensorFlow.js sees a byte.
import { DEFAULT_MODEL_CONFIG, ModelConfig, validateModelConfig } from './config';
import { Seq2SeqModel } from './seq2seq';
import { Vocabulary, VocabularyJson } from './vocab';
import { shapeMismatch, toVariable, variableScope, WeightMap } from './weights';
import type { NamedArray } from '../../shared/namedArray';
import { tf } from './tf';

export const MODEL_FORMAT = 'seq2seq-complete/lstm';
export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';
export const METADATA_FILE = 'metadata.json';

export interface WeightEntry {
  name: string;
  shape: number[];
  dtype: 'float32';
}

export interface ModelJson {
  format: string;
  formatVersion: number;
  weightsManifest: { paths: string[]; weights: WeightEntry[] }[];
}

/** Where training stands; carried by every checkpoint so training can resume or report. */
export interface TrainingState {
  step: number;
  bestValidationLoss: number | null;
  trainedChars: number;
  seed: number;
  note?: string;
  [key: string]: unknown;
}

export interface Metadata {
  format: string;
  config: ModelConfig;
  vocabulary: VocabularyJson;
  training: TrainingState;
  name?: string;
  /** Of the weights (names, shapes, bytes) and the vocabulary, so that a file changed after the save is refused. */
  checksum?: string;
}

/**
 * FNV-1a, twice with different offsets (64 bits in all): cheap over a few megabytes, enough to catch any edit.
 * `fnv1a64v2` hashes both bytes of every UTF-16 code unit of the names and vocabulary; the first version hashed only
 * the low byte, so it vouches for text of code units below 256 only (see verifyChecksum).
 */
export function modelChecksum(entries: WeightEntry[], weights: ArrayBuffer, vocabulary: VocabularyJson, version: 1 | 2 = 2): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  const mix = (byte: number): void => {
    a = Math.imul(a ^ byte, 0x01000193);
    b = Math.imul(b ^ byte, 0x01000193 + 2);
  };
  const text = checksummedText(entries, vocabulary);
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    mix(unit & 0xff);
    if (version === 2) mix(unit >>> 8);
  }
  const bytes = new Uint8Array(weights);
  for (let i = 0; i < bytes.length; i++) mix(bytes[i] as number);
  return `${version === 2 ? 'fnv1a64v2' : 'fnv1a64'}:${(a >>> 0).toString(16).padStart(8, '0')}${(b >>> 0).toString(16).padStart(8, '0')}`;
}

const checksummedText = (entries: WeightEntry[], vocabulary: VocabularyJson): string => JSON.stringify({ weights: entries.map((e) => [e.name, e.shape]), vocabulary });

/**
 * Why the weights and vocabulary do not match the checksum, or null when they do. Every model carries one: a model
 * without is refused (its files could have been swapped or edited unseen). A first-version checksum is accepted
 * only where it is exact, over names and a vocabulary of code units below 256 (all the models it was written for).
 */
export function checksumMismatch(checksum: string | undefined, entries: WeightEntry[], weights: ArrayBuffer, vocabulary: VocabularyJson): string | null {
  if (!checksum) return 'has no checksum in metadata.json, so its weights and vocabulary cannot be verified; save the model again with this version';
  const version = checksum.startsWith('fnv1a64v2:') ? 2 : checksum.startsWith('fnv1a64:') ? 1 : null;
  if (version === null) return `has a checksum of an unknown kind (${checksum.slice(0, 24)}) in metadata.json`;
  if (version === 1 && [...checksummedText(entries, vocabulary)].some((c) => c.charCodeAt(0) > 0xff)) {
    return 'has a first-version checksum, which cannot vouch for characters beyond U+00FF in its vocabulary or names; save the model again with this version';
  }
  if (checksum !== modelChecksum(entries, weights, vocabulary, version)) {
    return 'does not match the checksum in metadata.json: the weights, their order or the vocabulary changed after the model was saved';
  }
  return null;
}

export interface ModelArtifacts {
  modelJson: string;
  metadataJson: string;
  weights: ArrayBuffer;
}

export class ModelFileError extends Error {
  constructor(readonly file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'ModelFileError';
  }
}


/** Concatenates named float32 arrays into one buffer with a manifest. */
export function packArrays(arrays: NamedArray[]): { entries: WeightEntry[]; data: ArrayBuffer } {
  const total = arrays.reduce((n, a) => n + a.values.length, 0);
  const data = new Float32Array(total);
  let offset = 0;
  for (const a of arrays) {
    data.set(a.values, offset);
    offset += a.values.length;
  }
  return { entries: arrays.map((a) => ({ name: a.name, shape: a.shape, dtype: 'float32' })), data: data.buffer };
}

/** Splits a buffer back into named arrays, checking its length against the manifest. */
export function unpackArrays(entries: WeightEntry[], data: ArrayBuffer, file: string): NamedArray[] {
  let expected = 0;
  for (const e of entries) {
    if (e.dtype !== 'float32') throw new ModelFileError(file, `weight ${e.name} has dtype ${e.dtype}; only float32 is read`);
    expected += e.shape.reduce((a, b) => a * b, 1);
  }
  if (data.byteLength !== expected * 4) {
    const what = data.byteLength < expected * 4 ? 'is truncated' : 'is longer than its manifest says';
    throw new ModelFileError(file, `${what}: ${data.byteLength} bytes, expected ${expected * 4}`);
  }
  const all = new Float32Array(data);
  let offset = 0;
  return entries.map((e) => {
    const size = e.shape.reduce((a, b) => a * b, 1);
    const values = all.slice(offset, offset + size);
    offset += size;
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i])) throw new ModelFileError(file, `weight ${e.name} holds a non-finite value`);
    }
    return { name: e.name, shape: e.shape, values };
  });
}

export function weightArrays(weights: WeightMap): NamedArray[] {
  return [...weights].map(([name, v]) => ({ name, shape: [...v.shape], values: v.dataSync().slice() as Float32Array }));
}

/** Puts arrays (weightArrays' own, or a learner's) back into the weights of the same names. */
export function assignWeights(weights: WeightMap, arrays: readonly NamedArray[]): void {
  for (const a of arrays) {
    const v = weights.get(a.name);
    if (v) tf.tidy(() => v.assign(tf.tensor(a.values, v.shape)));
  }
}

export function modelToArtifacts(model: Seq2SeqModel, training: TrainingState, name?: string): ModelArtifacts {
  const { entries, data } = packArrays(weightArrays(model.weights));
  const modelJson: ModelJson = {
    format: MODEL_FORMAT,
    formatVersion: 1,
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: entries }],
  };
  const vocabulary = model.vocab.toJson();
  const metadata: Metadata = {
    format: MODEL_FORMAT,
    config: model.config,
    vocabulary,
    training,
    ...(name ? { name } : {}),
    checksum: modelChecksum(entries, data, vocabulary),
  };
  return {
    modelJson: JSON.stringify(modelJson, null, 1),
    metadataJson: JSON.stringify(metadata, null, 2),
    weights: data,
  };
}

export function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ModelFileError(file, `is not valid JSON (${(e as Error).message})`);
  }
}

export function parseMetadata(text: string): Metadata {
  const m = parseJson(text, METADATA_FILE) as Partial<Metadata> | null;
  if (!m || typeof m !== 'object' || m.format !== MODEL_FORMAT) {
    throw new ModelFileError(METADATA_FILE, `is not a ${MODEL_FORMAT} metadata file`);
  }
  if (!m.config || typeof m.config !== 'object') throw new ModelFileError(METADATA_FILE, 'has no "config": the model\'s shape cannot be known');
  // Models saved before the decoder re-read the context have no decoderPrime: theirs is 0, not today's default.
  const config = { ...DEFAULT_MODEL_CONFIG, decoderPrime: 0, ...(m.config as Partial<ModelConfig>) } as ModelConfig;
  try {
    validateModelConfig(config);
    Vocabulary.fromJson(m.vocabulary);
  } catch (e) {
    throw new ModelFileError(METADATA_FILE, (e as Error).message);
  }
  const training = m.training ?? { step: 0, bestValidationLoss: null, trainedChars: 0, seed: 0 };
  if (m.checksum !== undefined && typeof m.checksum !== 'string') throw new ModelFileError(METADATA_FILE, '"checksum" must be a string');
  return {
    format: MODEL_FORMAT, config, vocabulary: m.vocabulary as VocabularyJson, training,
    ...(m.name ? { name: m.name } : {}), ...(m.checksum !== undefined ? { checksum: m.checksum } : {}),
  };
}

export function parseModelJson(text: string): WeightEntry[] {
  const j = parseJson(text, MODEL_FILE) as Partial<ModelJson> | null;
  if (!j || j.format !== MODEL_FORMAT || !Array.isArray(j.weightsManifest) || j.weightsManifest.length !== 1) {
    throw new ModelFileError(MODEL_FILE, `is not a ${MODEL_FORMAT} model file`);
  }
  const group = j.weightsManifest[0];
  if (!group || !Array.isArray(group.weights)) throw new ModelFileError(MODEL_FILE, 'has no weights manifest');
  for (const w of group.weights) {
    if (!w || typeof w.name !== 'string' || !Array.isArray(w.shape) || !w.shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new ModelFileError(MODEL_FILE, 'has a malformed weight entry');
    }
  }
  return group.weights;
}

export interface LoadedModel {
  model: Seq2SeqModel;
  metadata: Metadata;
}

export function modelFromArtifacts(artifacts: ModelArtifacts): LoadedModel {
  const metadata = parseMetadata(artifacts.metadataJson);
  const entries = parseModelJson(artifacts.modelJson);
  const vocab = Vocabulary.fromJson(metadata.vocabulary);
  const mismatch = shapeMismatch(metadata.config, vocab.size, new Map(entries.map((e) => [e.name, e.shape])));
  if (mismatch) throw new ModelFileError(MODEL_FILE, `does not match its metadata: ${mismatch}`);
  const arrays = unpackArrays(entries, artifacts.weights, WEIGHTS_FILE);
  const unverified = checksumMismatch(metadata.checksum, entries, artifacts.weights, metadata.vocabulary);
  if (unverified) throw new ModelFileError(WEIGHTS_FILE, unverified);
  const weights: WeightMap = new Map();
  const scope = variableScope();
  for (const a of arrays) weights.set(a.name, toVariable(a.values, a.shape, `${scope}/${a.name}`));
  return { model: new Seq2SeqModel(metadata.config, vocab, weights), metadata };
}

/** Refuses to fine-tune from a model that cannot share weights with the requested shape and vocabulary. */
export function assertCompatible(base: Seq2SeqModel, config: ModelConfig, vocab: Vocabulary): void {
  if (!base.vocab.equals(vocab)) {
    throw new Error('the base model uses a different vocabulary; fine-tuning needs the same characters and ids');
  }
  for (const key of ['hiddenSize', 'layers', 'peephole'] as const) {
    if (base.config[key] !== config[key]) {
      throw new Error(`the base model has ${key}=${base.config[key]}, but ${config[key]} was requested`);
    }
  }
}
