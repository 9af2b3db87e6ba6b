// Request lines read from a stream with a bound on each: readline would build one string of a whole line, and a
// line past V8's string limit (a gigabyte with no newline) kills the process. A line over the bound is dropped as
// it streams by, and reported in its place so the server can answer it with an error line and go on.
import { StringDecoder } from 'node:string_decoder';

/** The longest request line read: far beyond any request the editor sends (a window, the text below, a few files). */
export const MAX_LINE_CHARS = 64 * 2 ** 20;

export type Line = { text: string } | { tooLong: number };

export async function* boundedLines(input: AsyncIterable<Buffer | string>, maxChars = MAX_LINE_CHARS): AsyncGenerator<Line> {
  const decoder = new StringDecoder('utf8');
  let parts: string[] = [];
  let length = 0;
  /** Characters of the current line dropped so far; > 0 once it went over the bound. */
  let dropped = 0;
  const take = (piece: string): void => {
    if (dropped > 0 || length + piece.length > maxChars) {
      dropped += length + piece.length;
      parts = [];
      length = 0;
      return;
    }
    parts.push(piece);
    length += piece.length;
  };
  const end = (): Line => {
    const line: Line = dropped > 0 ? { tooLong: dropped } : { text: parts.join('').replace(/\r$/, '') };
    parts = [];
    length = 0;
    dropped = 0;
    return line;
  };
  for await (const chunk of input) {
    const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let from = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', from)) {
      take(text.slice(from, nl));
      yield end();
      from = nl + 1;
    }
    if (from < text.length) take(text.slice(from));
  }
  take(decoder.end());
  if (length > 0 || dropped > 0) yield end();
}
