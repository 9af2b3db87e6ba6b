// Hyperparameters in one place; each default carries the reason it was chosen.
import { ShowModel, showModelProblem, TunedShow, tunedShowProblem } from '../inference/show';
import { WORD_FEATURES } from '../inference/words';
import { COPY_ORIGINS, CopyOrigin } from '../../shared/copySources';

// Sizes of the tables a model's config holds, defined with the config that validates them (the inference code
// that reads the tables imports them from here: the config imports nothing from inference/ that imports it back).
/** Longest copy match measured: a copy-weight table holds one weight per length 0..MAX_MATCH. */
export const MAX_MATCH = 32;
/** The length calibrator's features (extendFeatures in inference/extend.ts computes exactly these). */
export const EXTEND_FEATURES = 9;

export interface ModelConfig {
  /** LSTM units per layer. 256 keeps a decoder step well under a millisecond on wasm (batch 1). */
  hiddenSize: number;
  /** Stacked LSTM layers in the encoder and in the decoder. One layer is 2-3x faster to train on 2 cores. */
  layers: number;
  /** Peephole connections (Gers & Schmidhuber 2000): gates also see the cell state. Off: they cost ~10 % speed. */
  peephole: boolean;
  /** Upper bound of the encoder window in characters; a window is between min and max so its start can stay
   * fixed while the user types (the encoder then advances one character per keystroke). */
  maxContextChars: number;
  /** Lower bound of the encoder window; enough for the current statement and the line above. */
  minContextChars: number;
  /** Teacher-forced decoder steps per encoded window; long targets spend compute on targets, not re-encoding. */
  targetChars: number;
  /**
   * Characters before the cursor that the decoder re-reads before its first prediction. The encoder's final
   * state carries only a blurred copy of the last few characters (first-character bits/char was 2.7 vs 2.1 later),
   * and completing a half-typed word needs them exactly. 0 is the plain seq2seq decoder that starts from START.
   */
  decoderPrime: number;
  /**
   * The copy prior's weight for each match length 0..MAX_MATCH (see copy.ts), fitted to this model on held-out
   * text by `fit-copy`; absent, the rule len / (len + 4).
   */
  copyWeights?: number[];
  /**
   * Per source of the copied text (above the cursor, below its line, other files, workspace memory), a table like
   * copyWeights fitted by `fit-copy --by-source`; a source without one uses copyWeights, else the rule.
   */
  copySourceWeights?: Partial<Record<CopyOrigin, number[]>>;
  /**
   * Weights of the calibrator that decides how far a suggestion goes past its token (extend.ts: logistic regression
   * on extendFeatures), fitted by `fit-length` on held-out cursors; absent, a plain threshold on each token's
   * probability.
   */
  extendCalibration?: number[];
  /**
   * The show model (show.ts: boosted trees on showFeatures), fitted by `fit-show` on replays of the fit projects;
   * with it, a candidate's confidence is its estimated chance of being exactly right. Absent, the decoder's
   * probability.
   */
  showModel?: ShowModel;
  /**
   * The word model (words.ts: boosted trees of the show model's form on wordFeatures), fitted by `fit-words`: with
   * it, the document's word that extends the name being typed is a candidate, its confidence this model's estimate.
   */
  wordModel?: ShowModel;
  /**
   * The show model's correction for this model's weights once tuned on the user's code (show.ts, TunedShow), fitted
   * by `fit-show --learn`; a model learnt from this one carries it too, and its engine applies it (the engine's
   * `tuned` option).
   */
  tunedShow?: TunedShow;
}

export const DEFAULT_MODEL_CONFIG: ModelConfig = {
  hiddenSize: 256,
  layers: 1,
  peephole: false,
  maxContextChars: 256,
  minContextChars: 128,
  targetChars: 64,
  decoderPrime: 16,
};

export interface TrainConfig {
  /** Windows per batch. 64 spreads tfjs's fixed per-op cost (thousands of small kernels per batch) over more rows. */
  batchSize: number;
  learningRate: number;
  /** Global gradient-norm clip; LSTMs occasionally spike early in training. */
  clipNorm: number;
  seed: number;
  /** Share of files (never windows) held out for validation. */
  validationFraction: number;
  /** Batches between validation runs (and checkpoints). */
  evalEvery: number;
  /** Validation batches per evaluation; fixed windows so the figures are comparable across evaluations. */
  validationBatches: number;
}

export interface FineTuneConfig extends TrainConfig {
  /** Evaluations without improvement before stopping early. */
  patience: number;
}

export const DEFAULT_TRAIN_CONFIG: TrainConfig = {
  batchSize: 64,
  learningRate: 2e-3,
  clipNorm: 1.0,
  seed: 1234,
  validationFraction: 0.1,
  evalEvery: 50,
  validationBatches: 4,
};

/**
 * Fine-tuning on a workspace (the extension's command, and `train --from`): batches of 16 keep a step well under
 * a second, so Cancel stops within one. Half the pretraining learning rate: a project's few files overfit fast,
 * and at equal steps (120) 1e-3 beat 2e-3 on ws's held-out files (1.788 vs 1.850 bits/char, 38.3 vs 35.3 %
 * exact match) and tied on requests (1.897 vs 1.884, 27.7 % both). A fifth of the files validate, since a small
 * workspace leaves a tenth with one file or none.
 */
export const FINE_TUNE_TRAIN_CONFIG: FineTuneConfig = {
  ...DEFAULT_TRAIN_CONFIG,
  batchSize: 16,
  learningRate: 1e-3,
  evalEvery: 20,
  validationFraction: 0.2,
  // Six evaluations (120 steps) without a gain: a small workspace has stopped teaching anything new.
  patience: 6,
};

/** Upper bounds far above any model worth running here: beyond them one request would take seconds or gigabytes. */
const CONFIG_LIMITS = { hiddenSize: 4096, layers: 8, maxContextChars: 8192, minContextChars: 8192, targetChars: 4096 } as const;

export function validateModelConfig(c: ModelConfig): void {
  for (const [name, max] of Object.entries(CONFIG_LIMITS) as [keyof typeof CONFIG_LIMITS, number][]) {
    const v = c[name];
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0 || v > max) throw new Error(`config.${name} must be a whole number from 1 to ${max}, got ${String(v)}`);
  }
  if (typeof c.decoderPrime !== 'number' || !Number.isInteger(c.decoderPrime) || c.decoderPrime < 0 || c.decoderPrime > c.minContextChars) {
    throw new Error('config.decoderPrime must be an integer from 0 to minContextChars');
  }
  if (typeof c.peephole !== 'boolean') throw new Error('config.peephole must be true or false');
  const isTable = (w: unknown): boolean => Array.isArray(w) && w.length === MAX_MATCH + 1 && w.every((x) => typeof x === 'number' && x >= 0 && x < 1);
  if (c.copyWeights !== undefined && !isTable(c.copyWeights)) throw new Error(`config.copyWeights must hold ${MAX_MATCH + 1} numbers in [0, 1)`);
  const calibration: unknown = c.extendCalibration;
  if (calibration !== undefined && !(Array.isArray(calibration) && calibration.length === EXTEND_FEATURES && calibration.every((x) => typeof x === 'number' && Number.isFinite(x)))) {
    throw new Error(`config.extendCalibration must hold ${EXTEND_FEATURES} finite numbers`);
  }
  const show = c.showModel === undefined ? null : showModelProblem(c.showModel);
  if (show) throw new Error(`config.showModel: ${show}`);
  const words = c.wordModel === undefined ? null : showModelProblem(c.wordModel, WORD_FEATURES);
  if (words) throw new Error(`config.wordModel: ${words}`);
  const tuned = c.tunedShow === undefined ? null : tunedShowProblem(c.tunedShow);
  if (tuned) throw new Error(`config.tunedShow: ${tuned}`);
  const bySource: unknown = c.copySourceWeights;
  if (bySource !== undefined) {
    if (typeof bySource !== 'object' || bySource === null || Array.isArray(bySource)) throw new Error('config.copySourceWeights must be an object');
    for (const [origin, w] of Object.entries(bySource)) {
      if (!COPY_ORIGINS.includes(origin as CopyOrigin)) throw new Error(`config.copySourceWeights has an unknown source "${origin}"`);
      if (!isTable(w)) throw new Error(`config.copySourceWeights.${origin} must hold ${MAX_MATCH + 1} numbers in [0, 1)`);
    }
  }
  if (c.minContextChars > c.maxContextChars) throw new Error('config.minContextChars must not exceed maxContextChars');
}
