// The one decision of what the editor shows for the engine's answer: the ghost text (inlineProvider.ts), the
// panel's "suggestion shown" (encoderPanel.ts) and the CLI's `suggest` all take it from here, so they agree
// character for character, and say the same reason when nothing is shown.
import { keepConfident, midLineAllowed, ShownCandidate, trimOverlap } from './filters';

export interface ShownDecision<T extends ShownCandidate> {
  /** What is shown, best first (the ghost text is the first; the others are cycled with Alt+]). */
  shown: T[];
  /** Why nothing is shown; null when something is. */
  hidden: string | null;
}

/** Why a suggestion may not appear before `restOfLine` (the text after the cursor on its line), or null: then the engine need not be asked. */
export function hiddenMidLine(restOfLine: string): string | null {
  return midLineAllowed(restOfLine) ? null : `mid-line before ${JSON.stringify(restOfLine.slice(0, 20))}: only closing brackets, quotes or punctuation may follow a suggestion`;
}

/**
 * The shortest suggestion shown. Taking one character with Tab is one key, as typing it is: such a suggestion can
 * spare nothing, only be wrong (measured in the typing replay: docs/figures.md).
 */
export const MIN_SHOWN_CHARS = 2;

/**
 * From the engine's candidates (already as long as the length setting asks) and the text after the cursor to what
 * is shown: the mid-line rule, the overlap with what already follows the cursor trimmed, the confidence threshold,
 * nothing shorter than `minChars`.
 */
export function decideShown<T extends ShownCandidate>(candidates: readonly T[], restOfLine: string, threshold: number, minChars = MIN_SHOWN_CHARS): ShownDecision<T> {
  const midLine = hiddenMidLine(restOfLine);
  if (midLine) return { shown: [], hidden: midLine };
  const confident = keepConfident(candidates.map((c) => ({ ...c, text: trimOverlap(c.text, restOfLine) })), threshold);
  const shown = confident.filter((c) => c.text.length >= minChars);
  if (shown.length > 0) return { shown, hidden: null };
  const best = candidates[0];
  const short = confident[0];
  return {
    shown,
    hidden: short
      ? `the best guess ${JSON.stringify(short.text)} is shorter than ${minChars} characters: taking it would spare no key`
      : best && best.text.trim() !== ''
        ? `the best guess ${JSON.stringify(best.text)} has confidence ${best.confidence.toFixed(2)}, below the threshold ${threshold}`
        : 'the model proposes nothing here',
  };
}
