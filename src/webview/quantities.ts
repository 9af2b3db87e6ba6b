// The per-character quantities the heatmap can show, their names and their scales, plus the small statistics the
// panel derives from them (gate means, most active units over a span). No DOM: unit-tested in Node.
import type { EncoderStateView } from '../shared/encoderStateView';

export type Quantity = 'hidden' | 'cell' | 'inputGate' | 'forgetGate' | 'outputGate';

export const QUANTITIES: readonly { key: Quantity; label: string; short: string; gate: boolean }[] = [
  { key: 'hidden', label: 'hidden state h', short: 'h', gate: false },
  { key: 'cell', label: 'cell state c', short: 'c', gate: false },
  { key: 'inputGate', label: 'input gate', short: 'i', gate: true },
  { key: 'forgetGate', label: 'forget gate', short: 'f', gate: true },
  { key: 'outputGate', label: 'output gate', short: 'o', gate: true },
];

export const isGate = (q: Quantity): boolean => q === 'inputGate' || q === 'forgetGate' || q === 'outputGate';

/** The symmetric range of the diverging scale: h lives in (-1, 1); c is unbounded, so its range is its own largest |c|. */
export function scaleMax(view: EncoderStateView, q: Quantity): number {
  if (isGate(q)) return 1;
  if (q === 'hidden') return 1;
  let max = 0;
  for (const row of view.cell) for (const v of row) max = Math.max(max, Math.abs(v));
  return max > 0 ? max : 1;
}

/** Mean over units, per position: [position]. */
export function meanPerPosition(matrix: readonly (readonly number[])[]): number[] {
  return matrix.map((row) => (row.length ? row.reduce((a, b) => a + b, 0) / row.length : 0));
}

/**
 * The k units most active over positions [from, to] (inclusive): by mean |value| for h and c (a unit strongly
 * negative is as telling as one strongly positive), by mean value for gates. Best first, ties by unit index.
 */
export function topUnits(view: EncoderStateView, q: Quantity, from: number, to: number, k: number): { unit: number; score: number }[] {
  const matrix = view[q];
  const lo = Math.max(0, Math.min(from, to));
  const hi = Math.min(matrix.length - 1, Math.max(from, to));
  if (hi < lo) return [];
  const scores: { unit: number; score: number }[] = [];
  for (let u = 0; u < view.hiddenSize; u++) {
    let sum = 0;
    for (let p = lo; p <= hi; p++) {
      const v = matrix[p]?.[u] ?? 0;
      sum += isGate(q) ? v : Math.abs(v);
    }
    scores.push({ unit: u, score: sum / (hi - lo + 1) });
  }
  return scores.sort((a, b) => b.score - a.score || a.unit - b.unit).slice(0, k);
}

/** A token as one visible glyph for a column header: whitespace and markers made visible. */
export function tokenGlyph(token: string): string {
  switch (token) {
    case ' ':
      return '\u2423'; // open box
    case '\t':
      return '\u21e5';
    case '\n':
      return '\u23ce';
    case '<start>':
      return '\u25b8';
    case '':
      return '\u2205';
    default:
      return token.startsWith('<') && token.length > 1 ? '\u25c6' : token; // a language marker
  }
}
