// How much shown suggestions are worth to a user: precision (shown suggestions that are exactly right), coverage
// (cursors where one is shown) and keystroke savings (characters spared by accepting the right ones, over all the
// characters from the cursors to the ends of their lines), for one-token suggestions and for suggestions that go
// on while the model is sure of each next token (extend.ts), on the same cursors.
import { EXTEND_RULE, EXTEND_THRESHOLD, ExtendRule, keptExtension, keptNextLine, NextLine, NextToken } from '../inference/extend';
import { charClass } from '../inference/tokens';

/** What one cursor's request gave: the first token, the next tokens proposed after it, and the truth. */
export interface ValueSample {
  /** The best candidate's text ending at its token ('' when nothing is suggested). */
  token: string;
  confidence: number;
  /** The tokens that would follow it, with their probabilities (empty for 'token' length or a cut token). */
  nextTokens: readonly NextToken[];
  /** The document's text from the cursor to the end of its line. */
  restOfLine: string;
  /** The line after the suggestion's, as the decoder proposed it (null: none, or not asked). */
  nextLine?: NextLine | null;
  /** The document's line after the cursor's (null at the end of the file). */
  nextLineRef?: string | null;
}

export interface ValueRow {
  /** The extension threshold (extend.ts) and what it applies to, null for one-token suggestions. */
  extendThreshold: number | null;
  rule?: ExtendRule;
  precision: number | null;
  coverage: number;
  keystrokeSavings: number;
  /** Mean length of the shown suggestions, in characters. */
  meanShownChars: number;
}

/**
 * A suggestion is exactly right when the line goes on with it and it ends where a token of the real text ends
 * (accepting it leaves nothing to delete and no half-word to finish).
 */
export function exactlyRight(suggestion: string, restOfLine: string): boolean {
  if (suggestion === '' || !restOfLine.startsWith(suggestion)) return false;
  const end = suggestion.length;
  if (end === restOfLine.length) return true;
  const last = charClass(restOfLine[end - 1] as string);
  const next = charClass(restOfLine[end] as string);
  return last !== next || last === 'punct'; // a run of punctuation may end anywhere: ")" then ";" are two tokens
}

function row(samples: readonly ValueSample[], showThreshold: number, extendThreshold: number | null, rule: ExtendRule = 'product'): ValueRow {
  let shown = 0;
  let right = 0;
  let spared = 0;
  let shownChars = 0;
  let total = 0;
  for (const s of samples) {
    total += s.restOfLine.length;
    if (s.token.trim() === '' || s.confidence < showThreshold) continue;
    const text = extendThreshold === null ? s.token : s.token + keptExtension(s.nextTokens, extendThreshold, rule);
    shown++;
    shownChars += text.length;
    if (exactlyRight(text, s.restOfLine)) {
      right++;
      spared += text.length;
    }
  }
  return {
    extendThreshold,
    ...(extendThreshold === null ? {} : { rule }),
    precision: shown ? right / shown : null,
    coverage: samples.length ? shown / samples.length : 0,
    keystrokeSavings: total ? spared / total : 0,
    meanShownChars: shown ? shownChars / shown : 0,
  };
}

/**
 * One-token suggestions, then suggestions extended under each threshold (applied to each next token's probability,
 * to its least likely character, and to the calibrator's probability where the model has one), all shown under
 * `showThreshold`; and the ceiling of any rule on these continuations: every right next token kept, none wrong.
 */
export function suggestionValue(samples: readonly ValueSample[], showThreshold: number, extendThresholds: readonly number[]): { token: ValueRow; auto: ValueRow[]; ceiling: ValueRow } {
  const calibrated = samples.some((s) => s.nextTokens.some((t) => t.calibrated !== undefined));
  const rules: ExtendRule[] = calibrated ? ['product', 'min', 'calibrated'] : ['product', 'min'];
  const oracle = samples.map((s) => {
    let text = s.token;
    let kept = '';
    for (const t of s.nextTokens) {
      if (!exactlyRight(text + t.text, s.restOfLine)) break;
      text += t.text;
      kept = text.slice(s.token.length);
    }
    return { ...s, nextTokens: kept ? [{ text: kept, prob: 1, minCharProb: 1, copyMatch: 0, lstmMinProb: 1, copyMinShare: 0 }] : [] };
  });
  return {
    token: row(samples, showThreshold, null),
    auto: rules.flatMap((rule) => extendThresholds.map((t) => row(samples, showThreshold, t, rule))),
    ceiling: { ...row(oracle, showThreshold, 1, 'product'), extendThreshold: null, rule: undefined },
  };
}

/** One threshold of seq2seq.multiline: how often the next line is offered after a suggestion, and how often it is right. */
export interface NextLineRow {
  threshold: number;
  /** Shown suggestions that reach the end of their line exactly right (or a line that ends at the cursor): where a next line may follow. */
  eligible: number;
  /** Of those, the share given a next line at this threshold. */
  offered: number;
  /** Of the next lines offered, the share exactly right (the whole line). */
  precision: number | null;
  /** Precision of all shown suggestions with the next lines added (a wrong next line makes its suggestion wrong). */
  shownPrecision: number | null;
  /** Characters of right next lines (newline included) over all characters from the cursors to the ends of their lines. */
  extraSavings: number;
}

/**
 * What seq2seq.multiline adds on top of the 'auto' length at its shipped rule: at each threshold on the whole next
 * line's probability, how often a next line is offered after a suggestion that reaches its line's end exactly, how
 * often that line is right, and the precision of all shown suggestions once next lines are added.
 */
export function nextLineValue(samples: readonly ValueSample[], showThreshold: number, thresholds: readonly number[]): NextLineRow[] {
  return thresholds.map((threshold) => {
    let eligible = 0;
    let offered = 0;
    let right = 0;
    let shown = 0;
    let shownRight = 0;
    let extra = 0;
    let total = 0;
    for (const s of samples) {
      total += s.restOfLine.length;
      // An empty best token says the line ends at the cursor: only a next line can be shown there.
      if (s.confidence < showThreshold || (s.token === '' ? s.nextTokens.length > 0 : s.token.trim() === '')) continue;
      const kept = keptExtension(s.nextTokens, EXTEND_THRESHOLD, EXTEND_RULE);
      const text = s.token + kept;
      const line = keptNextLine(s.nextTokens, kept, s.nextLine, threshold);
      const reachesEnd = text === s.restOfLine;
      if (reachesEnd) eligible++;
      if (s.token === '' && !line) continue;
      shown++;
      const lineRight = line !== null && line.text === s.nextLineRef;
      if (reachesEnd && line) offered++;
      if (line ? reachesEnd && lineRight : exactlyRight(text, s.restOfLine)) shownRight++;
      if (line && reachesEnd && lineRight) {
        right++;
        extra += line.text.length + 1;
      }
    }
    return {
      threshold,
      eligible,
      offered: eligible ? offered / eligible : 0,
      precision: offered ? right / offered : null,
      shownPrecision: shown ? shownRight / shown : null,
      extraSavings: total ? extra / total : 0,
    };
  });
}
