// The cut between the editor and the engine: how much text before the cursor the host sends, and where the
// encoder window in it begins. One cut, on normalised text (line ends as LF, as the model reads them): the host
// cuts the document with it, and the engine cuts a bare prefix (the CLI's, bench's, eval's) with the same function,
// so a CRLF document slides its window and reads ahead exactly like an LF one.

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

/**
 * How a suggestion is decoded unless a request says otherwise: the editor's default settings and the engine's
 * defaults both read these, so a caller that names nothing gets what the editor shows.
 */
export const DECODE_DEFAULTS = {
  /** Beam search over 3 (alternatives for Alt+]; beam 3 was the best exact match per millisecond, docs/figures.md). */
  beamWidth: 3,
  maxChars: 32,
  length: 'token' as SuggestionLength,
  /**
   * A suggestion goes on with the copied text that follows it while at least copyRunVotes occurrences of a match at
   * least this long are found and all agree on the next character (CopyPrior.run), to the end of the line; 0 turns
   * it off. Measured in the typing replay (docs/figures.md): one occurrence alone was right less than half the time.
   */
  copyRun: 6,
  copyRunVotes: 2,
} as const;
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

/** Line ends as the model reads them: CRLF and lone CR become LF (every other character is kept as it is). */
export function normaliseLineEnds(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

/** What a request carries before the cursor: the copy prior searches its last COPY_CONTEXT_CHARS, the encoder reads it from `windowStart`. */
export interface RequestCut {
  before: string;
  windowStart: number;
  atFileStart: boolean;
}

/**
 * How many normalised characters before a cursor at normalised offset `offset` the cut keeps: the copy prior's
 * COPY_CONTEXT_CHARS, or the whole encoder window when that reaches further back.
 */
export function charsBeforeCut(offset: number, bounds: WindowBounds): number {
  return offset - copyStartOf(offset, bounds);
}

/**
 * Where the text a request carries begins is aligned to this many characters, so that it stays put for 4,096
 * keystrokes and offsets relative to it keep the grids of absolute ones: the engine cuts its short window (a stride
 * of 32) on offsets within the request, and a start that moved with every key made a new short window every key.
 */
export const CUT_ALIGN = 4096;

const copyStartOf = (offset: number, bounds: WindowBounds): number =>
  Math.max(0, Math.min(windowStart(offset, bounds), Math.floor((offset - COPY_CONTEXT_CHARS) / CUT_ALIGN) * CUT_ALIGN));

/**
 * The one request cut. `text` is normalised document text that ends at the cursor and begins at normalised offset
 * `from` of the document (0: the file's start); it must hold charsBeforeCut characters or start at the file's start.
 */
export function cutRequest(text: string, from: number, bounds: WindowBounds): RequestCut {
  const offset = from + text.length;
  const start = windowStart(offset, bounds);
  const copyStart = Math.max(from, copyStartOf(offset, bounds));
  if (start < from) throw new Error(`the cut needs the text from offset ${start}, but it starts at ${from}`);
  return { before: text.slice(copyStart - from), windowStart: start - copyStart, atFileStart: start === 0 };
}

/** A document as the host sees it: raw offsets (a CRLF line end is two characters) and a reader of raw text. */
export interface RawDocument {
  crlf: boolean;
  /** Raw offset of the cursor, and its line (the number of line ends before it). */
  offset: number;
  line: number;
  /** The raw text from `rawFrom` to the cursor. */
  readBefore(rawFrom: number): string;
}

/** The one request cut of a document at its cursor (`extra`: text that counts as typed, the suggest widget's item). */
export function cutDocument(doc: RawDocument, bounds: WindowBounds, extraText = ''): RequestCut {
  const extra = normaliseLineEnds(extraText);
  const offset = doc.offset - (doc.crlf ? doc.line : 0) + extra.length;
  // Each normalised character is at most two of the document's: read enough of it, then cut the normalised text.
  const rawFrom = Math.max(0, doc.offset - (doc.crlf ? 2 : 1) * charsBeforeCut(offset, bounds));
  const text = normaliseLineEnds(doc.readBefore(rawFrom)) + extra;
  return cutRequest(text, offset - text.length, bounds);
}
