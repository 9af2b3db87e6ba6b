// Small pure rules that decide whether and what to suggest; each has its own test in test/filters.test.ts.

/** Mid-line suggestions only when the rest of the line is closing brackets, quotes or punctuation. */
export function midLineAllowed(restOfLine: string): boolean {
  return /^[\s)\]}>;,.:'"`]*$/.test(restOfLine);
}

export interface ShownCandidate {
  text: string;
  confidence: number;
}

/** Drops empty and low-confidence candidates and duplicates, keeping the order (best first). */
export function keepConfident<T extends ShownCandidate>(candidates: T[], threshold: number): T[] {
  const seen = new Set<string>();
  return candidates.filter((c) => {
    if (c.text.trim() === '' || c.confidence < threshold || seen.has(c.text)) return false;
    seen.add(c.text);
    return true;
  });
}

/** A suggestion must not repeat what already follows the cursor: trim the overlap with the rest of the line. */
export function trimOverlap(text: string, restOfLine: string): string {
  const rest = restOfLine.trimEnd();
  if (rest && text.endsWith(rest)) return text.slice(0, text.length - rest.length);
  return text;
}
