// The encoder heatmap: one column per character (labelled above), one row per unit, coloured by the chosen
// quantity; a strip of per-character gate means below it. Clicking a row selects that unit; the keyboard moves a
// focus cell (arrows), selects its unit (Enter) and marks a span of characters (Shift+arrows).
import type { EncoderStateView } from '../shared/encoderStateView';
import { el, sizeCanvas } from './dom';
import { meanPerPosition, Quantity, QUANTITIES, scaleMax, tokenGlyph } from './quantities';
import { cssColor } from './scales';
import { Palette, valueColor } from './theme';

export interface Span {
  from: number;
  to: number;
}

export interface HeatmapSelection {
  unit: number | null;
  span: Span | null;
}

export interface HeatmapEvents {
  selectUnit(unit: number | null): void;
  selectSpan(span: Span | null): void;
}

const GUTTER = 44; // px left of the grid for unit numbers
const GATE_ROW = 12; // px per gate row in the strip under the heatmap
const GATE_KEYS = ['inputGate', 'forgetGate', 'outputGate'] as const;

/** Keys that move the focus cell: [characters, units]; Home and End go to the ends (the move is clamped). */
const FOCUS_STEPS: ReadonlyMap<string, readonly [number, number]> = new Map([
  ['ArrowLeft', [-1, 0]],
  ['ArrowRight', [1, 0]],
  ['ArrowUp', [0, -1]],
  ['ArrowDown', [0, 1]],
  ['PageUp', [0, -16]],
  ['PageDown', [0, 16]],
  ['Home', [-Infinity, 0]],
  ['End', [Infinity, 0]],
]);

export class Heatmap {
  readonly element: HTMLElement;
  private readonly chars: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly gates: HTMLCanvasElement;
  private readonly readout: HTMLElement;
  private readonly gateLabel: HTMLElement;
  private view: EncoderStateView | null = null;
  private quantity: Quantity = 'hidden';
  private palette: Palette | null = null;
  private selection: HeatmapSelection = { unit: null, span: null };
  private focus = { pos: 0, unit: 0 };
  private anchor: number | null = null;
  private colW = 12;
  private rowH = 2;

  constructor(private readonly events: HeatmapEvents) {
    this.chars = el('div', { id: 'chars', className: 'chars', attrs: { 'aria-hidden': 'true' } });
    this.canvas = el('canvas', {
      id: 'heatmap',
      attrs: {
        tabindex: '0',
        role: 'img',
        'aria-roledescription': 'heatmap',
        'aria-describedby': 'heatmap-readout',
      },
    });
    this.gates = el('canvas', { id: 'gate-summary', attrs: { role: 'img' } });
    this.readout = el('p', { id: 'heatmap-readout', className: 'readout', attrs: { 'aria-live': 'polite' } });
    this.gateLabel = el('div', { className: 'gate-label' });
    this.element = el(
      'div',
      { className: 'heatmap' },
      el('div', { className: 'scroll' }, this.chars, this.canvas, this.gateLabel, this.gates),
      this.readout,
    );
    this.canvas.addEventListener('click', (e) => this.onClick(e));
    this.canvas.addEventListener('keydown', (e) => this.onKey(e));
    this.canvas.addEventListener('focus', () => this.draw());
    this.canvas.addEventListener('blur', () => this.draw());
  }

  render(view: EncoderStateView, quantity: Quantity, palette: Palette, selection: HeatmapSelection, availableWidth: number): void {
    this.view = view;
    this.quantity = quantity;
    this.palette = palette;
    this.selection = selection;
    const n = view.tokens.length;
    this.colW = Math.max(8, Math.min(18, Math.floor((availableWidth - GUTTER - 4) / n)));
    this.rowH = Math.max(2, Math.min(14, Math.floor(512 / view.hiddenSize)));
    this.focus = { pos: Math.min(this.focus.pos, n - 1), unit: Math.min(this.focus.unit, view.hiddenSize - 1) };
    this.renderChars();
    this.draw();
    this.drawGates();
    const label = QUANTITIES.find((x) => x.key === quantity)?.label ?? quantity;
    this.canvas.setAttribute(
      'aria-label',
      `${label} of ${view.hiddenSize} units over the last ${n} characters. Arrow keys move, Enter selects a unit, Shift+arrows select characters.`,
    );
    const gatesOf = selection.unit === null ? 'mean over all units, each row stretched from its lowest to its highest mean' : `unit ${selection.unit}, 0 (closed) to 1 (open)`;
    this.gateLabel.textContent = `Input, forget and output gates per character (${gatesOf}):`;
    this.gates.setAttribute('aria-label', `Input, forget and output gate per character, ${gatesOf}`);
  }

  private renderChars(): void {
    const view = this.view as EncoderStateView;
    const span = this.selection.span;
    this.chars.style.paddingLeft = `${GUTTER}px`;
    const cells = view.tokens.map((t, p) => {
      const inSpan = span !== null && p >= Math.min(span.from, span.to) && p <= Math.max(span.from, span.to);
      const cell = el('span', { className: inSpan ? 'char in-span' : 'char', text: tokenGlyph(t), attrs: { title: JSON.stringify(t) } });
      cell.style.width = `${this.colW}px`;
      cell.style.fontSize = `${Math.min(13, this.colW)}px`;
      return cell;
    });
    this.chars.replaceChildren(...cells);
  }

  private draw(): void {
    const view = this.view;
    const palette = this.palette;
    if (!view || !palette) return;
    const n = view.tokens.length;
    const H = view.hiddenSize;
    const { colW, rowH } = this;
    const ctx = sizeCanvas(this.canvas, GUTTER + n * colW, H * rowH);
    const matrix = view[this.quantity];
    const max = scaleMax(view, this.quantity);
    for (let p = 0; p < n; p++) {
      const row = matrix[p] as number[];
      for (let u = 0; u < H; u++) {
        ctx.fillStyle = cssColor(valueColor(palette, this.quantity, row[u] as number, max));
        ctx.fillRect(GUTTER + p * colW, u * rowH, colW, rowH);
      }
    }
    // Unit numbers in the gutter, about every 24 px.
    ctx.fillStyle = cssColor(palette.foreground);
    ctx.font = '10px sans-serif';
    ctx.textBaseline = 'middle';
    const every = Math.max(1, Math.ceil(24 / rowH));
    for (let u = 0; u < H; u += every) ctx.fillText(String(u), 2, Math.max(6, u * rowH + rowH / 2));
    const { unit, span } = this.selection;
    ctx.strokeStyle = cssColor(palette.focus);
    ctx.lineWidth = 2;
    if (unit !== null && unit < H) {
      ctx.strokeRect(GUTTER - 1, unit * rowH - 1, n * colW + 2, rowH + 2);
      ctx.fillStyle = cssColor(palette.focus);
      ctx.fillRect(GUTTER - 8, unit * rowH + rowH / 2 - 3, 6, 6);
    }
    if (span) {
      const a = Math.min(span.from, span.to);
      const b = Math.max(span.from, span.to);
      ctx.setLineDash([4, 3]);
      ctx.strokeRect(GUTTER + a * colW + 1, 1, (b - a + 1) * colW - 2, H * rowH - 2);
      ctx.setLineDash([]);
    }
    if (document.activeElement === this.canvas) {
      ctx.strokeStyle = cssColor(palette.foreground);
      ctx.lineWidth = 1.5;
      ctx.strokeRect(GUTTER + this.focus.pos * colW + 0.5, this.focus.unit * rowH - 1.5, colW - 1, rowH + 3);
    }
  }

  /** One row per gate: the selected unit's activation per character, or (none selected) the mean over units. */
  private drawGates(): void {
    const view = this.view as EncoderStateView;
    const palette = this.palette as Palette;
    const n = view.tokens.length;
    const unit = this.selection.unit;
    const ctx = sizeCanvas(this.gates, GUTTER + n * this.colW, GATE_KEYS.length * GATE_ROW);
    ctx.font = '10px sans-serif';
    ctx.textBaseline = 'middle';
    GATE_KEYS.forEach((key, r) => {
      ctx.fillStyle = cssColor(palette.foreground);
      ctx.fillText(QUANTITIES.find((q) => q.key === key)?.short ?? key, 2, r * GATE_ROW + GATE_ROW / 2);
      let values = unit === null ? meanPerPosition(view[key]) : view[key].map((row) => row[unit] ?? 0);
      if (unit === null) {
        // Means over hundreds of units all sit near 0.5; stretching each row shows where they rise and fall.
        const lo = Math.min(...values);
        const hi = Math.max(...values);
        values = values.map((v) => (hi > lo ? (v - lo) / (hi - lo) : 0.5));
      }
      values.forEach((v, p) => {
        ctx.fillStyle = cssColor(valueColor(palette, key, v, 1));
        ctx.fillRect(GUTTER + p * this.colW, r * GATE_ROW, this.colW, GATE_ROW - 1);
      });
    });
  }

  private onClick(e: MouseEvent): void {
    const view = this.view;
    if (!view) return;
    const unit = Math.floor(e.offsetY / this.rowH);
    const pos = Math.floor((e.offsetX - GUTTER) / this.colW);
    if (unit < 0 || unit >= view.hiddenSize) return;
    this.focus = { pos: Math.max(0, Math.min(view.tokens.length - 1, pos)), unit };
    this.events.selectUnit(this.selection.unit === unit ? null : unit);
    this.announce();
  }

  private onKey(e: KeyboardEvent): void {
    const view = this.view;
    if (!view) return;
    const step = FOCUS_STEPS.get(e.key);
    if (step) {
      const [dPos, dUnit] = step;
      const before = this.focus.pos;
      const clamp = (v: number, size: number): number => Math.max(0, Math.min(size - 1, v));
      this.focus = { pos: clamp(this.focus.pos + dPos, view.tokens.length), unit: clamp(this.focus.unit + dUnit, view.hiddenSize) };
      // Moving along the text extends the selected span with Shift, and ends it without; moving across units keeps it.
      if (dPos !== 0 && e.shiftKey) {
        this.anchor ??= before;
        this.events.selectSpan({ from: this.anchor, to: this.focus.pos });
      } else if (dPos !== 0) {
        this.anchor = null;
      }
    } else if (e.key === 'Enter' || e.key === ' ') {
      this.events.selectUnit(this.selection.unit === this.focus.unit ? null : this.focus.unit);
    } else if (e.key === 'Escape') {
      this.anchor = null;
      this.events.selectSpan(null);
    } else {
      return;
    }
    e.preventDefault();
    this.draw();
    this.announce();
  }

  /** Says what the focus cell holds (screen readers read the live region). */
  private announce(): void {
    const view = this.view;
    if (!view) return;
    const { pos, unit } = this.focus;
    const q = QUANTITIES.find((x) => x.key === this.quantity);
    const value = view[this.quantity][pos]?.[unit] ?? 0;
    this.readout.textContent = `Unit ${unit} at ${JSON.stringify(view.tokens[pos])} (character ${pos + 1} of ${view.tokens.length}): ${q?.short ?? ''} = ${value.toFixed(3)}`;
  }
}
