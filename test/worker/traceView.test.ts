import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { CompletionEngine } from '../../src/model/inference/engine';
import { Seq2SeqModel } from '../../src/model/graph/seq2seq';
import { Vocabulary } from '../../src/model/graph/vocab';
import { EncoderStateView, isEncoderStateView, MAX_TRACE_CHARS } from '../../src/shared/encoderStateView';
import { toEncoderStateView } from '../../src/worker/traceView';
import { SAMPLE_TS, TINY, useTestBackend } from '../helpers';

// The trace as the worker sends it: one layer per position, the final state of every layer, values in range.
before(async () => {
  await useTestBackend();
});

const vocab = Vocabulary.createDefault();
const LONG = SAMPLE_TS.repeat(3);

function viewOf(config: Partial<typeof TINY>, traceChars: number, layer: number, prefix = LONG): { view: EncoderStateView; dispose(): void } {
  const model = Seq2SeqModel.create({ ...TINY, maxContextChars: 160, minContextChars: 96, ...config }, vocab, 7);
  const engine = new CompletionEngine(model);
  const view = toEncoderStateView(engine.explain({ prefix, language: 'typescript', beamWidth: 3, maxChars: 8, traceChars, topK: 5 }), layer, 1.5);
  return { view, dispose: () => (engine.dispose(), model.dispose()) };
}

test('shapes: [position][unit] for the chosen layer, [layer][unit] for the final state, at most 64 positions', () => {
  const { view, dispose } = viewOf({}, 200, 0);
  assert.equal(view.tokens.length, MAX_TRACE_CHARS);
  assert.equal(view.tokens.join(''), LONG.slice(-MAX_TRACE_CHARS), 'the last characters before the cursor, in order');
  assert.equal(view.hiddenSize, TINY.hiddenSize);
  assert.deepEqual([view.layer, view.layers], [0, 1]);
  for (const key of ['hidden', 'cell', 'inputGate', 'forgetGate', 'outputGate'] as const) {
    assert.equal(view[key].length, MAX_TRACE_CHARS, key);
    for (const row of view[key]) assert.equal(row.length, TINY.hiddenSize, key);
  }
  assert.equal(view.finalHidden.length, 1);
  assert.equal(view.finalHidden[0]?.length, TINY.hiddenSize);
  assert.equal(view.greedy.steps[0]?.top.length, 5);
  assert.equal(view.engineMs, 1.5);
  assert.ok(isEncoderStateView(view));
  dispose();
});

test('values in range: gates in [0, 1], h in (-1, 1), all finite; the final state is the last position', () => {
  const { view, dispose } = viewOf({}, 32, 0);
  for (const key of ['inputGate', 'forgetGate', 'outputGate'] as const) {
    for (const row of view[key]) for (const v of row) assert.ok(v >= 0 && v <= 1, `${key} ${v}`);
  }
  for (const row of view.hidden) for (const v of row) assert.ok(v >= -1 && v <= 1, `h ${v}`);
  for (const row of view.cell) for (const v of row) assert.ok(Number.isFinite(v));
  assert.deepEqual(view.finalHidden[0], view.hidden.at(-1));
  assert.deepEqual(view.finalCell[0], view.cell.at(-1));
  // The gates do something: not every unit of every character is at the same value.
  assert.ok(new Set(view.forgetGate.flat()).size > 10);
  dispose();
});

test('a short text traces the language marker and START too; a deeper model shows the layer asked for', () => {
  const short = viewOf({}, 16, 0, 'ab');
  assert.deepEqual(short.view.tokens, ['<lang:ts-js>', '<start>', 'a', 'b']);
  short.dispose();
  const deep = viewOf({ layers: 2, peephole: true }, 8, 1);
  assert.deepEqual([deep.view.layer, deep.view.layers], [1, 2]);
  assert.equal(deep.view.finalHidden.length, 2);
  assert.deepEqual(deep.view.finalHidden[1], deep.view.hidden.at(-1));
  assert.notDeepEqual(deep.view.finalHidden[0], deep.view.hidden.at(-1));
  const clamped = toEncoderStateView(
    { trace: { tokens: ['a'], hidden: [[[0], [0]]], cell: [[[0], [0]]], inputGate: [[[0], [0]]], forgetGate: [[[0], [0]]], outputGate: [[[0], [0]]] }, greedy: { prime: ['<start>'], steps: [], text: '', logProb: -Infinity, complete: true }, candidates: [] },
    9,
    0,
  );
  assert.equal(clamped.layer, 1, 'a layer past the top is clamped');
  assert.equal(clamped.greedy.logProb, -1e9, '-Infinity does not survive JSON, so it is sent as a large finite number');
  deep.dispose();
});

test('the view guard refuses wrong shapes, out-of-range values and oversized traces', () => {
  const { view, dispose } = viewOf({}, 12, 0);
  const broken = (change: (v: EncoderStateView) => void): unknown => {
    const copy = structuredClone(view);
    change(copy);
    return copy;
  };
  assert.ok(isEncoderStateView(structuredClone(view)));
  assert.ok(!isEncoderStateView(broken((v) => v.hidden[0]?.pop())), 'a short row');
  assert.ok(!isEncoderStateView(broken((v) => v.cell.pop())), 'a missing position');
  assert.ok(!isEncoderStateView(broken((v) => (v.forgetGate[0]![0] = 1.2))), 'a gate above 1');
  assert.ok(!isEncoderStateView(broken((v) => (v.hidden[1]![1] = NaN))), 'NaN');
  assert.ok(!isEncoderStateView(broken((v) => (v.layer = 1))), 'a layer the model lacks');
  assert.ok(!isEncoderStateView(broken((v) => (v.greedy.steps[0]!.top[0]!.prob = 2))), 'a probability above 1');
  assert.ok(!isEncoderStateView(broken((v) => (v.candidates = [{ text: 1 } as never]))), 'a bad candidate');
  const many = broken((v) => {
    v.tokens = Array.from({ length: 65 }, () => 'x');
  });
  assert.ok(!isEncoderStateView(many), 'more than 64 positions');
  assert.ok(!isEncoderStateView(null));
  dispose();
});

test("the document's word reaches the panel marked as such, and a mark of another kind is refused", () => {
  const base = Seq2SeqModel.create({ ...TINY, maxContextChars: 160, minContextChars: 96 }, vocab, 7);
  const model = new Seq2SeqModel({ ...base.config, wordModel: { base: 10, trees: [[[-1, 0, 0, 0]]] } }, vocab, base.weights);
  const engine = new CompletionEngine(model);
  const view = toEncoderStateView(engine.explain({ prefix: `${LONG}const zetaValue = 1;\nzet`, language: 'typescript', beamWidth: 3, maxChars: 16, traceChars: 16, topK: 3 }), 0, 1);
  const words = view.candidates.filter((c) => c.word === true);
  assert.deepEqual(words.map((c) => c.text), ['aValue']);
  assert.equal(view.candidates[0]?.word, true, 'surer than the untrained beam: first');
  assert.ok(isEncoderStateView(view));
  assert.ok(!isEncoderStateView({ ...view, candidates: [{ ...view.candidates[0], word: 'yes' }] }));
  engine.dispose();
  base.dispose();
});
