import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EncoderStateView } from '../../src/shared/encoderStateView';
import { meanPerPosition, scaleMax, tokenGlyph, topUnits } from '../../src/webview/quantities';
import { diverging, luminance, mix, parseColor, readableOn, Rgb, sequential } from '../../src/webview/scales';

// The webview's DOM-free logic: theme colour parsing, the colour scales, and the per-span unit statistics.
test('parses the colour forms VS Code themes use, and refuses the rest', () => {
  assert.deepEqual(parseColor('#1e1e1e'), [30, 30, 30]);
  assert.deepEqual(parseColor(' #F14C4C '), [241, 76, 76]);
  assert.deepEqual(parseColor('#fff'), [255, 255, 255]);
  assert.deepEqual(parseColor('#0078d4cc'), [0, 120, 212]);
  assert.deepEqual(parseColor('rgba(55, 148, 255, 0.5)'), [55, 148, 255]);
  assert.deepEqual(parseColor('rgb(1 2 3)'), [1, 2, 3]);
  assert.equal(parseColor(''), null);
  assert.equal(parseColor('var(--x)'), null);
  assert.equal(parseColor('#12345'), null);
});

const blue: Rgb = [0, 0, 255];
const red: Rgb = [255, 0, 0];
const bg: Rgb = [30, 30, 30];

test('diverging scale: zero is the background, the ends are the theme colours, clamped beyond', () => {
  assert.deepEqual(diverging(0, 1, blue, bg, red), bg);
  assert.deepEqual(diverging(1, 1, blue, bg, red), red);
  assert.deepEqual(diverging(-1, 1, blue, bg, red), blue);
  assert.deepEqual(diverging(-7, 2, blue, bg, red), blue);
  assert.deepEqual(diverging(0.5, 1, blue, bg, red), mix(bg, red, 0.5));
  assert.deepEqual(diverging(3, 0, blue, bg, red), bg, 'a zero range draws everything as zero');
  assert.deepEqual(sequential(0, 0, 1, bg, red), bg);
  assert.deepEqual(sequential(1, 0, 1, bg, red), red);
});

test('text on a coloured cell is black or white, whichever reads', () => {
  assert.deepEqual(readableOn([255, 255, 255]), [0, 0, 0]);
  assert.deepEqual(readableOn([30, 30, 30]), [255, 255, 255]);
  assert.ok(luminance([255, 255, 255]) > 0.99 && luminance([0, 0, 0]) === 0);
});

const view = {
  tokens: ['a', 'b', 'c'],
  hiddenSize: 3,
  hidden: [[0.9, -0.1, 0], [-0.8, 0.1, 0], [0.7, 0.2, 0.1]],
  cell: [[2, 0, -4], [0, 0, 0], [1, 1, 1]],
  inputGate: [[0.1, 0.9, 0.5], [0.1, 0.8, 0.5], [0.1, 0.7, 0.5]],
  forgetGate: [[1, 1, 1], [0, 0, 0], [0.5, 0.5, 0.5]],
  outputGate: [[0, 0, 0], [0, 0, 0], [0, 0, 0]],
} as unknown as EncoderStateView;

test('units most active over a span: by |value| for h and c, by value for gates, best first', () => {
  assert.deepEqual(topUnits(view, 'hidden', 0, 1, 2).map((u) => u.unit), [0, 1]);
  assert.ok(Math.abs((topUnits(view, 'hidden', 0, 1, 1)[0]?.score ?? 0) - 0.85) < 1e-9, 'a strongly negative value counts as active');
  assert.deepEqual(topUnits(view, 'inputGate', 0, 2, 3).map((u) => u.unit), [1, 2, 0]);
  assert.deepEqual(topUnits(view, 'cell', 2, 0, 1).map((u) => u.unit), [2], 'a span selected backwards is the same span');
  assert.deepEqual(topUnits(view, 'hidden', 5, 9, 2), [], 'a span past the end has no units');
  assert.deepEqual(meanPerPosition(view.forgetGate), [1, 0, 0.5]);
  assert.equal(scaleMax(view, 'cell'), 4);
  assert.equal(scaleMax(view, 'hidden'), 1);
});

test('whitespace and markers get a visible glyph in the column header', () => {
  assert.equal(tokenGlyph('x'), 'x');
  assert.equal(tokenGlyph(' '), '\u2423');
  assert.equal(tokenGlyph('\n'), '\u23ce');
  assert.equal(tokenGlyph('<start>'), '\u25b8');
  assert.equal(tokenGlyph('<lang:python>'), '\u25c6');
  assert.equal(tokenGlyph('<'), '<');
});
