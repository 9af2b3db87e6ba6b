// Fitting the extension calibrator: a logistic regression that says, from a few figures of the decoder and the
// copy prior (extendFeatures), how likely a next token is right given that the suggestion so far is right. Fitted
// on held-out cursors (the samples eval's suggestion-value figures use), so that "sure" means what it says.
import { extendFeatures } from '../inference/extend';
import { EXTEND_FEATURES } from '../graph/config';
import { Example, fitLogistic, LogisticFit } from './logistic';
import { exactlyRight, ValueSample } from './suggestionValue';

/** A next token's features, and whether it was right. */
export type TokenExample = Example;

/**
 * One example per next token whose suggestion so far (the first token, then the tokens before it) is exactly
 * right: the calibrator answers the question the extension asks, one token at a time.
 */
export function tokenExamples(samples: readonly ValueSample[], showThreshold: number): TokenExample[] {
  const out: TokenExample[] = [];
  for (const s of samples) {
    if (s.token.trim() === '' || s.confidence < showThreshold || !exactlyRight(s.token, s.restOfLine)) continue;
    let text = s.token;
    for (const [k, t] of s.nextTokens.entries()) {
      text += t.text;
      const right = exactlyRight(text, s.restOfLine);
      out.push({ x: extendFeatures(t, k), right });
      if (!right) break;
    }
  }
  return out;
}

export type LengthFit = LogisticFit;

/** The extension calibrator: a logistic regression on extendFeatures. */
export function fitCalibrator(examples: readonly TokenExample[], iterations = 30, ridge = 1e-2): LengthFit {
  return fitLogistic(examples, EXTEND_FEATURES, iterations, ridge);
}
