// The cut between the editor and the engine: how much text before the cursor the host sends, and where the
// encoder window in it begins. The host cuts, the engine reads the same cut; both import it from here.

/** How far back before the cursor the copy prior searches the document (the encoder reads far less). */
export const COPY_CONTEXT_CHARS = 64_000;

/**
 * How much of the document below the cursor's line the copy prior also searches: names used further down. The
 * rest of the cursor's own line is never searched: mid-line, the editor's own rules decide what may appear there,
 * and in an evaluation it would be the very text being predicted.
 */
export const COPY_AFTER_CHARS = 64_000;

/** The text the copy prior may search below the cursor: from the next line on, at most COPY_AFTER_CHARS. */
export function textBelow(textAfterCursor: string): string {
  const nextLine = textAfterCursor.indexOf('\n');
  return nextLine < 0 ? '' : textAfterCursor.slice(nextLine + 1, nextLine + 1 + COPY_AFTER_CHARS);
}

/**
 * How long a suggestion is: 'token' ends it at the end of the current token; 'auto' goes on to further tokens of
 * the line while the model is sure of each (src/model/inference/extend.ts). The editor's setting and the CLI's flag.
 */
export type SuggestionLength = 'token' | 'auto';
export const SUGGESTION_LENGTHS: readonly SuggestionLength[] = ['token', 'auto'];

export interface WindowBounds {
  minContextChars: number;
  maxContextChars: number;
}

/**
 * Where the encoder window for a cursor at `offset` begins: 0 while the text is short, otherwise a multiple of
 * (max - min), so that the window's length stays within [min, max) and typing only appends to it (the encoder's
 * cached state then advances one step per keystroke).
 */
export function windowStart(offset: number, bounds: WindowBounds): number {
  const { minContextChars: min, maxContextChars: max } = bounds;
  if (offset <= max) return 0;
  const stride = Math.max(1, max - min);
  return Math.floor((offset - min) / stride) * stride;
}
