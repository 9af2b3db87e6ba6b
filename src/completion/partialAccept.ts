// Word-by-word and line accepts, seen from the document. VS Code's stable API runs an item's command only when the
// whole suggestion is taken (Tab), so a part taken with Ctrl+Right or accept-line shows up only as an edit: one
// insertion, at the suggestion's place, of more than one character that the suggestion begins with and that is
// shorter than it. Typing through a suggestion inserts one character at a time, so it is never counted here.

/** The suggestion on screen: where it starts (document offset) and the texts of its items. */
export interface ShownSuggestion {
  offset: number;
  texts: readonly string[];
}

/** One content change of a document, as VS Code reports it. */
export interface DocumentEdit {
  rangeOffset: number;
  rangeLength: number;
  text: string;
}

/** What the editor inserts by itself when an opening bracket or quote is typed (auto-closing): never an accept. */
const AUTO_CLOSED = new Set(['()', '[]', '{}', '<>', '""', "''", '``']);

/** What Enter inserts: a line end and the indentation the editor adds. */
const NEW_LINE = /^\r?\n[ \t]*$/;

/** What a batch of edits did to the suggestion on screen. */
export interface EditOutcome {
  /** Characters taken from it as a partial accept (0 for none). */
  partlyAccepted: number;
  /** A typed character contradicted it: a wrong suggestion. */
  contradicted: boolean;
}

/**
 * Characters the user typed in a batch of edits: one for each single character inserted, one for a new line with
 * the indentation the editor adds to it. Accepted suggestions and pastes insert more and are not typing.
 */
export function typedChars(edits: readonly DocumentEdit[]): number {
  let n = 0;
  for (const e of edits) if (e.text.length === 1 || NEW_LINE.test(e.text)) n++;
  return n;
}

/** Characters a single edit took from the suggestion on screen as a partial accept (0 when it is anything else). */
export function partlyAccepted(shown: ShownSuggestion, edit: DocumentEdit): number {
  if (edit.rangeLength !== 0 || edit.rangeOffset !== shown.offset || edit.text.length < 2 || AUTO_CLOSED.has(edit.text)) return 0;
  return shown.texts.some((t) => t.length > edit.text.length && t.startsWith(edit.text)) ? edit.text.length : 0;
}

/**
 * Follows the suggestion on screen through the edits to its document. After a partial accept the rest of the
 * suggestion stays on screen, so a second word taken before the provider runs again counts too.
 */
export class PartialAcceptTracker<Doc> {
  private current: { document: Doc; shown: ShownSuggestion } | null = null;

  shown(document: Doc, shown: ShownSuggestion): void {
    this.current = { document, shown };
  }

  /**
   * What this batch of edits did to the suggestion on screen: a partial accept, a typed character that contradicts
   * it (a wrong suggestion), or neither; any edit other than a partial accept or typing through forgets it.
   */
  edited(document: Doc, edits: readonly DocumentEdit[]): EditOutcome {
    const none = { partlyAccepted: 0, contradicted: false };
    const c = this.current;
    if (!c || c.document !== document || edits.length === 0) return none;
    const edit = edits.length === 1 ? (edits[0] as DocumentEdit) : null;
    const taken = edit ? partlyAccepted(c.shown, edit) : 0;
    if (taken === 0) {
      // A typed character that goes on with the suggestion keeps it (the provider will show its rest); anything else
      // ends it. Enter is a key too: the editor inserts the new line with its indentation.
      const key = edit === null || edit.rangeLength !== 0 || edit.rangeOffset !== c.shown.offset ? null : edit.text.length === 1 ? edit.text : NEW_LINE.test(edit.text) ? '\n' : null;
      const typedThrough = key !== null && key === edit?.text && c.shown.texts.some((t) => t.startsWith(key));
      this.current = typedThrough ? { document, shown: rest(c.shown, key) } : null;
      return { partlyAccepted: 0, contradicted: key !== null && !c.shown.texts.some((t) => t.startsWith(key)) && c.shown.texts.length > 0 };
    }
    this.current = { document, shown: rest(c.shown, (edit as DocumentEdit).text) };
    return { partlyAccepted: taken, contradicted: false };
  }

  clear(): void {
    this.current = null;
  }
}

function rest(shown: ShownSuggestion, taken: string): ShownSuggestion {
  return { offset: shown.offset + taken.length, texts: shown.texts.filter((t) => t.startsWith(taken) && t.length > taken.length).map((t) => t.slice(taken.length)) };
}
