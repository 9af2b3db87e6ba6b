// The show model: how likely a suggestion is exactly right, from what the engine knows when it makes it. The
// decoder's probability alone over-trusts short guesses the LSTM makes up and under-trusts long names copied from
// a few lines above; a logistic regression over a few figures of the decoder, the copy prior and the cursor's
// place in its line, fitted on replays of projects nothing else is fitted or reported on (`fit-show`), says what
// a suggestion is worth. Where a model has one, a candidate's confidence is this probability, so the confidence
// threshold keeps its meaning: the least chance of being right worth showing.
import type { LanguageFamily } from '../../shared/language';
import type { CopyGuess } from './copy';
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
  /** The copy prior at the cursor: the match length and the share of its votes for the candidate's first character. */
  copyAtCursor: Pick<CopyGuess, 'length' | 'votes' | 'total'>;
  /** The copy prior's match length after the candidate's text: long when the candidate was copied whole. */
  copyAfterLength: number;
  /** The line before the cursor. */
  line: string;
  family: LanguageFamily;
}

const FLOOR = 1e-6;
const logOf = (p: number): number => Math.log(Math.max(p, FLOOR));

/** The features, in the order of the fitted weights; the first is the bias. */
export function showFeatures(i: ShowInputs): number[] {
  const first = i.text[0] ?? '';
  const firstKind = first === '' ? 'newline' : charClass(first);
  const word = charClass(i.text.trim()[0] ?? '\n') === 'word';
  const votesFirst = i.copyAtCursor.total > 0 ? (i.copyAtCursor.votes.get(first) ?? 0) / i.copyAtCursor.total : 0;
  const margin = Number.isFinite(i.runnerUpLogProb) ? i.logProb - i.runnerUpLogProb : 10;
  const lastChar = i.line[i.line.length - 1] ?? '';
  // The part of a name typed so far: a name nothing earlier matches is one the user is making up, and a guess at
  // its rest is rarely right.
  const partial = /[A-Za-z0-9_$]*$/.exec(i.line)?.[0].length ?? 0;
  const indent = /^\s*/.exec(i.line)?.[0].length ?? 0;
  return [
    1,
    Math.max(i.logProb, logOf(0)),
    Math.min(10, Math.max(0, margin)) / 10,
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
  ];
}

export const SHOW_FEATURES = 19;

/** Names of the features, for `fit-show`'s report. */
export const SHOW_FEATURE_NAMES = [
  'bias', 'log p', 'margin over runner-up / 10', 'LSTM log p of first char', 'copy match / 32', 'copied', 'copy votes for first char',
  'copy votes unanimous', 'copy match after the text / 32', 'word', 'starts with a blank', 'length / 16', 'cursor after a word char',
  'line length / 40', 'blank line', 'python', 'other language', 'name typed so far / 16', 'name typed so far is new',
] as const;

/** The show model's probability that the candidate is exactly right. */
export function showProbability(weights: readonly number[], x: readonly number[]): number {
  let z = 0;
  for (let k = 0; k < x.length; k++) z += (weights[k] ?? 0) * (x[k] as number);
  return 1 / (1 + Math.exp(-z));
}
