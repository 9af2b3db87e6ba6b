// Remembers the last suggestions per line so typing through a suggestion is answered without the engine:
// if the user typed the first characters of a shown suggestion, the rest of it is still the answer. Only what
// would be shown is served: a guess below the threshold is never served again for the keys after it (it hid a
// 14-character name for the whole word while the engine, asked again, grew sure of it from the second key), so
// those keys go to the engine. The rest of a candidate keeps the probability of the whole: a lower bound of the
// rest's probability given what was typed, so a candidate shown before stays shown.
import type { ShownCandidate } from './filters';

interface Entry<T extends ShownCandidate> {
  key: string; // document and line
  before: string; // line text before the cursor when the suggestion was made
  candidates: T[];
}

export class SuggestionCache<T extends ShownCandidate> {
  private entries: Entry<T>[] = [];

  constructor(private readonly capacity = 16) {}

  put(key: string, before: string, candidates: T[]): void {
    this.entries = [{ key, before, candidates }, ...this.entries.filter((e) => !(e.key === key && e.before === before))].slice(0, this.capacity);
  }

  /**
   * Candidates still consistent with what was typed since, shortened by it; null on a miss, and when none of them
   * reaches `threshold` (the engine is asked instead of serving a hidden guess).
   */
  get(key: string, before: string, threshold: number): T[] | null {
    for (const e of this.entries) {
      if (e.key !== key || !before.startsWith(e.before)) continue;
      const typed = before.slice(e.before.length);
      const rest = e.candidates
        .filter((c) => c.text.startsWith(typed) && c.text.length > typed.length)
        .map((c) => ({ ...c, text: c.text.slice(typed.length) }));
      if (rest.some((c) => c.confidence >= threshold && c.text.trim() !== '')) return rest;
    }
    return null;
  }

  clear(): void {
    this.entries = [];
  }
}
