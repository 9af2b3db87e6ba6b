// The show model: how likely a suggestion is exactly right, from what the engine knows when it makes it. The
// decoder's probability alone over-trusts short guesses the LSTM makes up and under-trusts long names copied from
// a few lines above; a small ensemble of boosted decision trees over a few figures of the decoder, the copy prior
// and the cursor's place in its line, fitted on replays of projects nothing else is fitted or reported on
// (`fit-show`), says what a suggestion is worth (JetBrains' completion filter is such a model). Where a model has
// one, a candidate's confidence is this probability, so the confidence threshold keeps its meaning: the least
// chance of being right worth showing.
import type { LanguageFamily } from '../../shared/language';
import { charClass } from './tokens';

/** What the show model reads about one candidate. */
export interface ShowInputs {
  text: string;
  /** The decoder's log-probability of exactly this text (copy prior mixed in). */
  logProb: number;
  /** The best other candidate's log-probability (-Infinity when there is none). */
  runnerUpLogProb: number;
  /** The LSTM's own log-probability (before copying) of the candidate's first character; NaN for an empty text. */
  lstmFirstLogProb: number;
  /**
   * The copy prior at the cursor: the match length and the votes for each first character (a CopyGuess of copy.ts,
   * named by its shape so that the config, which copy.ts imports, can import this file).
   */
  copyAtCursor: { length: number; votes: Map<string, number>; total: number };
  /** The copy prior's match length after the candidate's text: long when the candidate was copied whole. */
  copyAfterLength: number;
  /** The line before the cursor. */
  line: string;
  family: LanguageFamily;
  /** The first character's distribution (copy prior mixed in): its entropy in nats, and its largest probability. */
  firstStepEntropy: number;
  firstStepTop: number;
  /** The share of the candidates that begin with this one's first character. */
  beamAgreement: number;
}

const FLOOR = 1e-6;
const logOf = (p: number): number => Math.log(Math.max(p, FLOOR));

/** The features, in the order of the fitted weights; the first is the bias. */
export function showFeatures(i: ShowInputs): number[] {
  const first = i.text[0] ?? '';
  const firstKind = first === '' ? 'newline' : charClass(first);
  const word = charClass(i.text.trim()[0] ?? '\n') === 'word';
  const votesFirst = i.copyAtCursor.total > 0 ? (i.copyAtCursor.votes.get(first) ?? 0) / i.copyAtCursor.total : 0;
  const logP = Math.max(i.logProb, logOf(0));
  // Alone, the candidate has the widest margin the feature reads.
  const margin = Number.isFinite(i.runnerUpLogProb) ? Math.min(10, Math.max(0, i.logProb - i.runnerUpLogProb)) / 10 : 1;
  const lastChar = i.line[i.line.length - 1] ?? '';
  // The part of a name typed so far: a name nothing earlier matches is one the user is making up, and a guess at
  // its rest is rarely right.
  const partial = /[A-Za-z0-9_$]*$/.exec(i.line)?.[0].length ?? 0;
  const indent = /^\s*/.exec(i.line)?.[0].length ?? 0;
  return [
    1,
    logP,
    margin,
    Number.isFinite(i.lstmFirstLogProb) ? Math.max(i.lstmFirstLogProb, logOf(0)) : logOf(0),
    Math.min(i.copyAtCursor.length, 32) / 32,
    i.copyAtCursor.length > 0 ? 1 : 0,
    votesFirst,
    votesFirst === 1 ? 1 : 0,
    Math.min(i.copyAfterLength, 32) / 32,
    word ? 1 : 0,
    firstKind === 'blank' ? 1 : 0,
    Math.min(i.text.length, 16) / 16,
    charClass(lastChar || '\n') === 'word' ? 1 : 0,
    Math.min(i.line.length - indent, 40) / 40,
    i.line.trim() === '' ? 1 : 0,
    i.family === 'python' ? 1 : 0,
    i.family === 'other' ? 1 : 0,
    Math.min(partial, 16) / 16,
    partial > 0 && i.copyAtCursor.length <= partial ? 1 : 0,
    Math.min(i.firstStepEntropy, 4) / 4,
    i.firstStepTop,
    i.beamAgreement,
    logP * (word ? 1 : 0),
    logP * (firstKind === 'blank' ? 1 : 0),
    logP * (i.copyAtCursor.length > 0 ? 1 : 0),
    logP * logP / 10,
    margin * (word ? 1 : 0),
  ];
}

/** Names of the features, in showFeatures' order, for `fit-show`'s report. */
export const SHOW_FEATURE_NAMES = [
  'bias', 'log p', 'margin over runner-up / 10', 'LSTM log p of first char', 'copy match / 32', 'copied', 'copy votes for first char',
  'copy votes unanimous', 'copy match after the text / 32', 'word', 'starts with a blank', 'length / 16', 'cursor after a word char',
  'line length / 40', 'blank line', 'python', 'other language', 'name typed so far / 16', 'name typed so far is new',
  'first char entropy / 4', 'first char top p', 'beam agreement on first char', 'log p x word', 'log p x starts with a blank',
  'log p x copied', 'log p squared / 10', 'margin x word',
] as const;

export const SHOW_FEATURES = SHOW_FEATURE_NAMES.length;

/**
 * One tree: nodes[0] is the root; an inner node [feature, threshold, left, right] sends x to `left` when
 * x[feature] <= threshold; a leaf [-1, value, 0, 0] adds `value` to the log-odds.
 */
export type ShowTree = [number, number, number, number][];

/** Boosted trees over showFeatures: log-odds = base + the sum of each tree's leaf. */
export interface ShowModel {
  base: number;
  trees: ShowTree[];
}

/** The show model's probability that the candidate is exactly right. */
export function showProbability(model: ShowModel, x: readonly number[]): number {
  let z = model.base;
  for (const tree of model.trees) {
    let node = tree[0] as [number, number, number, number];
    while (node[0] >= 0) node = tree[(x[node[0]] as number) <= node[1] ? node[2] : node[3]] as [number, number, number, number];
    z += node[1];
  }
  return probabilityOf(z);
}

/**
 * How the show model's log-odds are corrected for a model that learnt the user's workspace: such a model is surer of
 * its own guesses than it is right (docs/figures.md, "A learnt model's confidence"), and read by the base model's
 * show model they look better than they are. Fitted by `fit-show --learn` on replays of the fit projects by the
 * model as shipped and by a learnt copy (tunedShowFit.ts): a corrected confidence is the one at which the model as
 * shipped is right as often. A model only adapted to the document in hand is not corrected, as no fit measured one.
 */
export interface TunedShow {
  scale: number;
  shift: number;
}

/** The probability of log-odds z (the logistic function), the inverse of logOdds. */
export function probabilityOf(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** The log-odds of a probability, kept finite at 0 and 1. */
export function logOdds(p: number): number {
  const q = Math.min(Math.max(p, 1e-9), 1 - 1e-9);
  return Math.log(q / (1 - q));
}

/** The show model's probability `p` for a model that learnt its workspace: sigmoid(scale * logOdds(p) + shift). */
export function tunedProbability(p: number, tuned: TunedShow): number {
  return probabilityOf(tuned.scale * logOdds(p) + tuned.shift);
}

/** Why `t` is not a correction for tuned weights, or null; the scale is positive, so the order of candidates stays. */
export function tunedShowProblem(t: unknown): string | null {
  if (typeof t !== 'object' || t === null) return 'must be an object';
  const { scale, shift } = t as { scale?: unknown; shift?: unknown };
  if (typeof scale !== 'number' || !(scale > 0 && scale <= 10)) return 'scale must be a number over 0, at most 10';
  if (typeof shift !== 'number' || !(Math.abs(shift) <= 10)) return 'shift must be a number from -10 to 10';
  return null;
}

/**
 * The lowest threshold the model's trees split `feature` at (Infinity when none does): every value at or below it
 * takes the same branch at every node, so it need not be known more exactly.
 */
export function lowestSplit(model: ShowModel, feature: number): number {
  let lowest = Infinity;
  for (const tree of model.trees) for (const [f, t] of tree) if (f === feature && t < lowest) lowest = t;
  return lowest;
}

/** Why `m` is not a show model over `features` features (a tree that loops or points outside itself included), or null. */
export function showModelProblem(m: unknown, features: number = SHOW_FEATURES): string | null {
  if (typeof m !== 'object' || m === null) return 'must be an object';
  const { base, trees } = m as { base?: unknown; trees?: unknown };
  if (typeof base !== 'number' || !Number.isFinite(base)) return 'base must be a finite number';
  if (!Array.isArray(trees) || trees.length > 10_000) return 'trees must be a list of at most 10,000 trees';
  for (const tree of trees as unknown[]) {
    if (!Array.isArray(tree) || tree.length === 0 || tree.length > 1_000) return 'each tree must hold 1 to 1,000 nodes';
    for (const [k, node] of (tree as unknown[]).entries()) {
      if (!Array.isArray(node) || node.length !== 4 || !node.every((v) => typeof v === 'number' && Number.isFinite(v))) return 'each node must hold 4 finite numbers';
      const [feature, , left, right] = node as number[];
      if (feature === -1) continue;
      // Children come after their parent, so every walk ends at a leaf.
      const child = (c: number): boolean => Number.isInteger(c) && c > k && c < tree.length;
      if (!Number.isInteger(feature) || (feature as number) < 0 || (feature as number) >= features || !child(left as number) || !child(right as number)) return 'an inner node must name a feature and two later nodes';
    }
  }
  return null;
}
