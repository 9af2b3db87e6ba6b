// Request lines with a bound: an over-long line is reported in its place and the lines after it are read as usual.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { boundedLines, Line } from '../../src/cli/lines';

async function collect(chunks: (string | Buffer)[], max: number): Promise<Line[]> {
  async function* input(): AsyncGenerator<string | Buffer> {
    yield* chunks;
  }
  const lines: Line[] = [];
  for await (const l of boundedLines(input(), max)) lines.push(l);
  return lines;
}

test('lines split across chunks, CRLF, and a last line without a newline', async () => {
  assert.deepEqual(await collect(['ab', 'c\r\nde', 'f\n', 'g'], 100), [{ text: 'abc' }, { text: 'def' }, { text: 'g' }]);
});

test('a multi-byte character split between chunks is decoded whole', async () => {
  const bytes = Buffer.from('é€\n');
  assert.deepEqual(await collect([bytes.subarray(0, 1), bytes.subarray(1, 3), bytes.subarray(3)], 100), [{ text: 'é€' }]);
});

test('a line over the bound is dropped as it streams and reported with its length; the next line is read', async () => {
  assert.deepEqual(await collect(['0123', '456789', 'abc\nok\n', 'x'.repeat(20)], 8), [{ tooLong: 13 }, { text: 'ok' }, { tooLong: 20 }]);
});
