// The one request cut (src/shared/window.ts): on normalised offsets, so a CRLF document is cut, slides and reads
// ahead exactly like the same text with LF line ends, and the engine cuts a bare prefix the same way.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { Vocabulary } from '../../src/model/graph/vocab';
import { Seq2SeqModel } from '../../src/model/graph/seq2seq';
import { CompletionEngine } from '../../src/model/inference/engine';
import { COPY_CONTEXT_CHARS, CUT_ALIGN, cutDocument, cutRequest, RawDocument, RequestCut } from '../../src/shared/window';
import { SAMPLE_TS, TINY, useTestBackend } from '../helpers';

before(async () => {
  await useTestBackend();
});

const bounds = { minContextChars: 40, maxContextChars: 64 };
const LF = SAMPLE_TS.repeat(12);
const CRLF = LF.replace(/\n/g, '\r\n');

/** The document `text` with its cursor after `n` normalised characters, as the host reads it. */
function documentAt(text: string, n: number): RawDocument {
  const crlf = text.includes('\r\n');
  const lines = LF.slice(0, n).split('\n').length - 1;
  const offset = n + (crlf ? lines : 0);
  return { crlf, offset, line: lines, readBefore: (rawFrom) => text.slice(rawFrom, offset) };
}

test('a CRLF document is cut exactly like the LF one at every cursor, window slides included', () => {
  let slides = 0;
  let last: RequestCut | null = null;
  for (let n = 0; n <= LF.length; n++) {
    const lf = cutDocument(documentAt(LF, n), bounds);
    assert.deepEqual(cutDocument(documentAt(CRLF, n), bounds), lf, `cursor ${n}`);
    assert.equal(lf.before.slice(lf.windowStart).length <= bounds.maxContextChars, true);
    if (last && lf.atFileStart === false && lf.before.length - lf.windowStart < last.before.length - last.windowStart) slides++;
    last = lf;
  }
  assert.ok(slides >= 10, `${slides} slides`);
});

test('the engine cuts a bare prefix with the same cut as the host', () => {
  const text = 'x'.repeat(COPY_CONTEXT_CHARS + 500);
  const cut = cutRequest(text, 0, bounds);
  // The copy context, from a start aligned to CUT_ALIGN: it moves once in 4,096 keystrokes, not at every one.
  assert.equal(cut.before.length, text.length - Math.floor((text.length - COPY_CONTEXT_CHARS) / CUT_ALIGN) * CUT_ALIGN);
  assert.ok(cut.before.length >= COPY_CONTEXT_CHARS && cut.before.length < COPY_CONTEXT_CHARS + CUT_ALIGN);
  assert.deepEqual(cutRequest(`${text}y`, 0, bounds).before.length, cut.before.length + 1);
  assert.equal(cut.atFileStart, false);
  assert.deepEqual(cutDocument(documentAt(text, text.length), bounds), cut);
  assert.throws(() => cutRequest('abc', 10, bounds), /the cut needs the text from offset 0/);
});

test('typing through a CRLF document costs the engine the same encoder steps as LF: every slide read ahead', () => {
  const model = Seq2SeqModel.create({ ...TINY, ...bounds }, Vocabulary.createDefault(), 3);
  const steps = (text: string): number[] => {
    const engine = new CompletionEngine(model);
    const out: number[] = [];
    for (let n = 200; n < 600; n++) {
      const cut = cutDocument(documentAt(text, n), bounds);
      const r = engine.suggest({ prefix: cut.before, window: { start: cut.windowStart, atFileStart: cut.atFileStart }, language: 'typescript', beamWidth: 1, maxChars: 4 });
      out.push(r.encoderSteps);
      while (engine.prepareIdle());
    }
    engine.dispose();
    return out;
  };
  const lf = steps(LF);
  assert.deepEqual(steps(CRLF), lf);
  // After the first keystroke (a jump into the document), each key costs a step or two, slides included.
  assert.ok(Math.max(...lf.slice(1)) <= 2, `steps per key: ${lf.join(',')}`);
  model.dispose();
});
