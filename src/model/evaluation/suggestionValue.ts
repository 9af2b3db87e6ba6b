// How much shown suggestions are worth to a user: precision (shown suggestions that are exactly right), coverage
// (cursors where one is shown) and keystroke savings (characters spared by accepting the right ones, over all the
// characters from the cursors to the ends of their lines), for one-token suggestions and for suggestions that go
// on while the model is sure of each next token (extend.ts), on the same cursors.
import { ExtendRule, keptExtension, NextToken } from '../inference/extend';
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
