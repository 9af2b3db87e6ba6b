// The copy indexes of the document being edited, kept from one request to the next. Typing only appends to the
// text before the cursor (and, once it is COPY_CONTEXT_CHARS long, drops as much from its start), so the index is
// extended by the new characters and its floor raised instead of being rebuilt over 64,000 characters; the text
// below the cursor's line rarely changes while the user types on a line, so its index is reused as it is.
import { MatchIndex } from './copy';
import { COPY_AFTER_CHARS, COPY_CONTEXT_CHARS } from '../../shared/window';

/** How many characters a request may have added since the last one and still extend the index (a fast burst). */
const MAX_APPENDED = 64;
/** Past this multiple of the searched length the index is rebuilt, so dropped text does not pile up. */
const MAX_GROWTH = 2;

export class DocumentIndexes {
  /** The index the last request searched above the cursor: its text from its floor is that request's text. */
  private aboveIndex: MatchIndex | null = null;
  private belowIndex: MatchIndex | null = null;
  /** How the last request's indexes were obtained, for the bench and the tests. */
  lastAbove: 'reused' | 'extended' | 'built' = 'built';

  /** The index over `text` (the document before the cursor, as searched): extended from the last one where it can be. */
  above(text: string): MatchIndex {
    const index = this.aboveIndex;
    if (index) {
      const appended = this.appendedSince(index, text);
      if (appended !== null && index.text.length + appended.length <= MAX_GROWTH * Math.max(text.length, 1)) {
        index.append(appended);
        index.floor = index.text.length - text.length;
        this.lastAbove = appended === '' ? 'reused' : 'extended';
        return index;
      }
    }
    this.lastAbove = 'built';
    // Sized for a full-length text: a short document grows into it as the user types, and a jump reuses its tables.
    if (index && text.length <= COPY_CONTEXT_CHARS) {
      index.reset(text);
      return index;
    }
    return (this.aboveIndex = new MatchIndex(text, Math.max(text.length, COPY_CONTEXT_CHARS)));
  }

  /**
   * What `text` adds to the indexed text, when `text` is the last request's text with up to MAX_APPENDED characters
   * dropped from its start and as many or more appended; null when it is anything else (an edit, a jump).
   */
  private appendedSince(index: MatchIndex, text: string): string | null {
    const old = index.text;
    const searched = index.length; // the last request's text: from the floor to the end
    const oldStart = index.floor;
    for (let dropped = 0; dropped <= MAX_APPENDED && dropped <= searched; dropped++) {
      const overlap = searched - dropped;
      if (text.length < overlap || text.length - overlap > MAX_APPENDED) continue;
      // A cheap look at the first characters, then the whole overlap.
      if (!text.startsWith(old.slice(oldStart + dropped, oldStart + dropped + 32))) continue;
      if (text.startsWith(old.slice(oldStart + dropped))) return text.slice(overlap);
    }
    return null;
  }

  /** The index over the text below the cursor's line: the last one while that text is unchanged. */
  below(text: string): MatchIndex {
    const index = this.belowIndex;
    if (index && index.text === text) return index;
    if (index && text.length <= COPY_AFTER_CHARS) {
      index.reset(text);
      return index;
    }
    return (this.belowIndex = new MatchIndex(text, Math.max(text.length, COPY_AFTER_CHARS)));
  }
}
