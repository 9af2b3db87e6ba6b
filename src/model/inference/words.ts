// The document's own words as candidates. Where the user is typing a name, the document above and below often
// holds the whole of it: word completion (the most frequent earlier word that extends the name) is right about
// half the time it has a guess, and its right guesses are long, while the decoder's beam, three guesses wide, may
// hold none of them or hold one at too low a probability to show. The engine weighs the few most frequent words
// that extend the name; how likely each is to be right comes from a second small model of boosted trees (the show
// model's form, fitted by `fit-words` on replays of the fit projects) over what word completion and the decoder
// know, and the likeliest joins the candidates (engine.ts).
import type { LanguageFamily } from '../../shared/language';
import { lowestSplit, probabilityOf, ShowModel, ShowTree } from './show';

/** [A-Za-z0-9_$] by char code: the scan tests a character per occurrence, and a regex per test costs more than the scan. */
function isWordCode(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36;
}

/** A word of the document that completes the name the cursor is in. */
export interface WordGuess {
  /** The rest of the word after what is typed. */
  text: string;
  /** The name typed so far. */
  typed: string;
  /** How often the whole word occurs above the cursor and below its line. */
  count: number;
  /** Its share of the occurrences of every word that extends the name. */
  share: number;
  /** How many different words extend the name. */
  words: number;
  /** Characters from the cursor back to its nearest occurrence above (Infinity when it occurs only below). */
  distance: number;
  /** Its place among the words that extend the name, most frequent first (0: word completion's guess). */
  rank: number;
}

/** The name being typed at the end of `before` ('' after anything else); read backwards, as a regex anchored at the end would scan the whole text. */
export function nameAtEnd(before: string): string {
  let start = before.length;
  while (start > 0 && isWordCode(before.charCodeAt(start - 1))) start--;
  return before.slice(start);
}

/** How many of the document's words extending the name the engine weighs (the most frequent ones). */
export const WORD_GUESSES = 3;

/**
 * The words of `above` (text before the cursor, the name being typed at its end) and `below` that start like the
 * name typed and are longer: the `k` most frequent, ties to the nearer one above. Empty when the cursor is not in a
 * name or nothing extends it. One indexOf scan per text: well under a millisecond on 64,000 characters.
 */
export function documentWords(above: string, below: string, k = WORD_GUESSES): WordGuess[] {
  const typed = nameAtEnd(above);
  if (typed === '') return [];
  const counts = new Map<string, { count: number; last: number }>();
  const scan = (text: string, end: number, offset: number): void => {
    for (let at = text.indexOf(typed); at >= 0 && at < end; at = text.indexOf(typed, at + 1)) {
      if (at > 0 && isWordCode(text.charCodeAt(at - 1))) continue;
      let stop = at + typed.length;
      while (stop < text.length && isWordCode(text.charCodeAt(stop))) stop++;
      if (stop === at + typed.length) continue;
      const word = text.slice(at, stop);
      const seen = counts.get(word);
      if (seen) {
        seen.count++;
        seen.last = Math.max(seen.last, offset + at);
      } else counts.set(word, { count: 1, last: offset + at });
    }
  };
  // The name being typed is not an occurrence of itself.
  scan(above, above.length - typed.length, 0);
  scan(below, below.length, -Infinity);
  let total = 0;
  for (const s of counts.values()) total += s.count;
  return [...counts]
    .sort((a, b) => b[1].count - a[1].count || b[1].last - a[1].last)
    .slice(0, k)
    .map(([word, { count, last }], rank) => ({ text: word.slice(typed.length), typed, count, share: count / total, words: counts.size, distance: Number.isFinite(last) ? above.length - last : Infinity, rank }));
}

/** What the word model reads besides the guess: the decoder's best candidate and how sure the engine is of it. */
export interface WordInputs {
  guess: WordGuess;
  /** The engine's best candidate's text and confidence ('' and 0 when it has none). */
  best: { text: string; confidence: number; logProb: number };
  /** Whether the beam holds the guess's text. */
  inBeam: boolean;
  /** The decoder's log-probability of the guess's text (its score where the beam does not hold it). */
  logProb: number;
  family: LanguageFamily;
}

/** The least log-probability the features tell apart: a word scored below it is as unlikely as can be said. */
export const WORD_LOG_PROB_FLOOR = -30;

/** The lowest splits on the two score features, per word model: walked once, not on every keystroke. */
const scoreSplits = new WeakMap<ShowModel, { logP: number; overBest: number }>();

function scoreSplitsOf(model: ShowModel): { logP: number; overBest: number } {
  let splits = scoreSplits.get(model);
  if (!splits) {
    splits = { logP: lowestSplit(model, LOG_P), overBest: lowestSplit(model, OVER_BEST) };
    scoreSplits.set(model, splits);
  }
  return splits;
}

/**
 * How low a word's decoder score may be known only as "below this" without changing what `model` makes of it: below
 * the lowest split on its log p and on its log p over the best's (`bestLogProb`), the trees take the same branches;
 * without a model, the features' own floor.
 */
export function wordScoreFloor(model: ShowModel | undefined, bestLogProb: number): number {
  if (!model) return WORD_LOG_PROB_FLOOR;
  const { logP, overBest } = scoreSplitsOf(model);
  return Math.max(WORD_LOG_PROB_FLOOR, Math.min(logP, overBest + Math.max(bestLogProb, WORD_LOG_PROB_FLOOR)));
}

/** The largest leaf `tree` can reach for x with the score features free: both branches of a split on either. */
function largestLeaf(tree: ShowTree, x: readonly number[], at = 0): number {
  const [feature, value, left, right] = tree[at] as [number, number, number, number];
  if (feature < 0) return value;
  if (feature === LOG_P || feature === OVER_BEST) return Math.max(largestLeaf(tree, x, left), largestLeaf(tree, x, right));
  return largestLeaf(tree, x, x[feature] as number <= value ? left : right);
}

/**
 * The most the word model could make of a word whatever the decoder's score of it (`x`: its features with any score
 * in the two score features, which this ignores): each tree's largest leaf over both branches of its score splits.
 * An upper bound (looser than the best score's, since the two features move together), so a word under the show
 * threshold by it can never be shown, and the decoder need not read it.
 */
export function wordProbabilityBound(model: ShowModel, x: readonly number[]): number {
  let z = model.base;
  for (const tree of model.trees) z += largestLeaf(tree, x);
  return probabilityOf(z);
}

/** The word model's features, in WORD_FEATURE_NAMES' order. */
export function wordFeatures(i: WordInputs): number[] {
  const g = i.guess;
  const best = i.best.text;
  const agreeFirst = best !== '' && best[0] === g.text[0];
  const prefix = best !== '' && (g.text.startsWith(best) || best.startsWith(g.text));
  return [
    Math.log(g.count),
    g.share,
    Math.min(g.words, 32),
    Math.min(g.text.length, 32),
    Math.min(g.typed.length, 32),
    Number.isFinite(g.distance) ? Math.log1p(g.distance) : 20,
    agreeFirst ? 1 : 0,
    prefix ? 1 : 0,
    i.best.confidence,
    Math.max(i.best.logProb, WORD_LOG_PROB_FLOOR),
    i.inBeam ? 1 : 0,
    Math.max(i.logProb, WORD_LOG_PROB_FLOOR),
    Math.max(i.logProb, WORD_LOG_PROB_FLOOR) - Math.max(i.best.logProb, WORD_LOG_PROB_FLOOR),
    i.family === 'python' ? 1 : i.family === 'ts-js' ? 2 : 0,
    g.rank,
  ];
}

export const WORD_FEATURE_NAMES = [
  'log count', 'share of the extending words', 'extending words', 'rest length', 'typed length', 'log distance above',
  "best's first char agrees", "best is a prefix or extension", "best's confidence", "best's log p", 'in the beam', 'log p',
  "log p over best's", 'language', 'rank by count',
] as const;

export const WORD_FEATURES = WORD_FEATURE_NAMES.length;

/** The two features a word's decoder score sets; the others are known before it is scored. */
const LOG_P = WORD_FEATURE_NAMES.indexOf('log p');
const OVER_BEST = WORD_FEATURE_NAMES.indexOf("log p over best's");
