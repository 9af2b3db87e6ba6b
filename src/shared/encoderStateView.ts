// The encoder-state view as plain arrays: what the worker computes for one cursor and the panel draws. Shared by
// the worker protocol and the webview protocol, with one guard that checks shapes and ranges on both boundaries.
import { isObject } from './guards';
import { COPY_ORIGINS, CopyOrigin } from './copySources';

export type { CopyOrigin } from './copySources';

/** The most characters a trace carries: 64 x hidden x 5 numbers stay small enough to post every 150 ms. */
export const MAX_TRACE_CHARS = 64;

export interface DecodeStepView {
  /** The k likeliest next tokens (a character or a special token's name), most likely first. */
  top: { token: string; prob: number }[];
  /** Probability of ending the suggestion at this step. */
  stopProb: number;
  /** The character the greedy decoder generated here; null where it ended. */
  chosen: string | null;
  chosenProb: number;
  /** Length of the earlier text the copy prior matched at this step (0: none) and the weight copying got. */
  copyMatch: number;
  copyWeight: number;
  /** Where that text was (empty when nothing matched). */
  copyFrom: CopyOrigin[];
  /** With 'files' among them: which of the other files, by name. */
  copyFiles: string[];
}


export interface CandidateView {
  text: string;
  /** Natural-log probability of exactly this suggestion. */
  logProb: number;
  /** What the confidence threshold applies to: the show model's chance of being right, else exp(logProb). */
  confidence: number;
  /** The document's word that extends the name being typed, its confidence the word model's (words.ts). */
  word?: boolean;
}

export interface EncoderStateView {
  /** One label per traced position: the character, or `<lang:…>` / `<start>` for the markers. */
  tokens: string[];
  /** The layer the per-position arrays below belong to, of `layers`. */
  layer: number;
  layers: number;
  hiddenSize: number;
  hidden: number[][]; // [position][unit], in (-1, 1)
  cell: number[][]; // [position][unit], unbounded
  inputGate: number[][]; // [position][unit], in [0, 1]
  forgetGate: number[][];
  outputGate: number[][];
  /** The state handed to the decoder: h and c after the last position, every layer: [layer][unit]. */
  finalHidden: number[][];
  finalCell: number[][];
  /** The greedy decoder, step by step, and its suggestion. */
  greedy: {
    /** What the decoder re-read before its first step: START, then the last characters before the cursor. */
    prime: string[];
    steps: DecodeStepView[];
    text: string;
    logProb: number;
    complete: boolean;
  };
  /** Beam-search candidates, best first, as the inline provider receives them. */
  candidates: CandidateView[];
  /** Time the worker spent computing this view. */
  engineMs: number;
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isProb = (v: unknown): v is number => isFiniteNumber(v) && v >= 0 && v <= 1;

/** rows x cols of finite numbers, each within [lo, hi]. */
function isMatrix(v: unknown, rows: number, cols: number, lo = -Infinity, hi = Infinity): v is number[][] {
  return (
    Array.isArray(v) &&
    v.length === rows &&
    v.every((row) => Array.isArray(row) && row.length === cols && row.every((x) => isFiniteNumber(x) && x >= lo && x <= hi))
  );
}

function isDecodeStep(v: unknown): v is DecodeStepView {
  return (
    isObject(v) &&
    Array.isArray(v.top) &&
    v.top.every((t) => isObject(t) && typeof t.token === 'string' && isProb(t.prob)) &&
    isProb(v.stopProb) &&
    (v.chosen === null || typeof v.chosen === 'string') &&
    isProb(v.chosenProb) &&
    typeof v.copyMatch === 'number' && Number.isInteger(v.copyMatch) && v.copyMatch >= 0 &&
    isProb(v.copyWeight) &&
    Array.isArray(v.copyFrom) && v.copyFrom.every((o) => COPY_ORIGINS.includes(o as CopyOrigin)) &&
    Array.isArray(v.copyFiles) && v.copyFiles.every((f) => typeof f === 'string')
  );
}

function isCandidate(v: unknown): v is CandidateView {
  return isObject(v) && typeof v.text === 'string' && isFiniteNumber(v.logProb) && isProb(v.confidence) && (v.word === undefined || v.word === true);
}

export function isEncoderStateView(v: unknown): v is EncoderStateView {
  if (!isObject(v) || !Array.isArray(v.tokens) || !v.tokens.every((t) => typeof t === 'string')) return false;
  const n = v.tokens.length;
  const { layer, layers, hiddenSize: h } = v;
  if (n < 1 || n > MAX_TRACE_CHARS || !isInt(layers) || layers < 1 || !isInt(layer) || layer < 0 || layer >= layers) return false;
  if (!isInt(h) || h < 1) return false;
  const g = v.greedy;
  return (
    isMatrix(v.hidden, n, h, -1, 1) &&
    isMatrix(v.cell, n, h) &&
    isMatrix(v.inputGate, n, h, 0, 1) &&
    isMatrix(v.forgetGate, n, h, 0, 1) &&
    isMatrix(v.outputGate, n, h, 0, 1) &&
    isMatrix(v.finalHidden, layers, h, -1, 1) &&
    isMatrix(v.finalCell, layers, h) &&
    isObject(g) &&
    Array.isArray(g.prime) &&
    g.prime.length <= MAX_TRACE_CHARS &&
    g.prime.every((t) => typeof t === 'string') &&
    Array.isArray(g.steps) &&
    g.steps.every(isDecodeStep) &&
    typeof g.text === 'string' &&
    isFiniteNumber(g.logProb) &&
    typeof g.complete === 'boolean' &&
    Array.isArray(v.candidates) &&
    v.candidates.every(isCandidate) &&
    isFiniteNumber(v.engineMs)
  );
}
