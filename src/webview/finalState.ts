// The final encoder state: h and c of every layer after the last character, the fixed-length vector the decoder
// starts from, drawn as strips of one cell per unit. Clicking a cell selects that unit.
import type { EncoderStateView } from '../shared/encoderStateView';
import { el, sizeCanvas } from './dom';
import { cssColor, diverging } from './scales';
import type { Palette } from './theme';

const GUTTER = 44;
const ROW = 16;

export class FinalState {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly caption: HTMLElement;
  private cellW = 2;
  private units = 0;

  constructor(selectUnit: (unit: number) => void) {
    this.canvas = el('canvas', { id: 'final-state', attrs: { role: 'img' } });
    this.caption = el('p', { className: 'hint' });
    this.element = el('div', {}, el('div', { className: 'scroll' }, this.canvas), this.caption);
    this.canvas.addEventListener('click', (e) => {
      const unit = Math.floor((e.offsetX - GUTTER) / this.cellW);
      if (unit >= 0 && unit < this.units) selectUnit(unit);
    });
  }

  render(view: EncoderStateView, palette: Palette, unit: number | null, availableWidth: number): void {
    const H = view.hiddenSize;
    this.units = H;
    this.cellW = Math.max(2, Math.min(16, Math.floor((availableWidth - GUTTER - 4) / H)));
    const rows: { label: string; values: number[]; max: number }[] = [];
    view.finalHidden.forEach((h, l) => {
      const c = view.finalCell[l] ?? [];
      const cMax = Math.max(1e-6, ...c.map(Math.abs));
      rows.push({ label: view.layers > 1 ? `h L${l}` : 'h', values: h, max: 1 });
      rows.push({ label: view.layers > 1 ? `c L${l}` : 'c', values: c, max: cMax });
    });
    const ctx = sizeCanvas(this.canvas, GUTTER + H * this.cellW, rows.length * ROW);
    ctx.font = '11px sans-serif';
    ctx.textBaseline = 'middle';
    rows.forEach((row, r) => {
      ctx.fillStyle = cssColor(palette.foreground);
      ctx.fillText(row.label, 2, r * ROW + ROW / 2);
      row.values.forEach((v, u) => {
        ctx.fillStyle = cssColor(diverging(v, row.max, palette.negative, palette.background, palette.positive));
        ctx.fillRect(GUTTER + u * this.cellW, r * ROW, this.cellW, ROW - 2);
      });
    });
    if (unit !== null && unit < H) {
      ctx.strokeStyle = cssColor(palette.focus);
      ctx.lineWidth = 2;
      ctx.strokeRect(GUTTER + unit * this.cellW - 1, 0, this.cellW + 2, rows.length * ROW);
    }
    const cMax = Math.max(...view.finalCell.flat().map(Math.abs), 0);
    this.canvas.setAttribute('aria-label', `Final encoder state: ${view.layers} layer(s) of h and c, ${H} units each`);
    this.caption.textContent = `${view.layers * 2 * H} numbers: h in (-1, 1); c scaled to its largest |c| = ${cMax.toFixed(2)}.${unit !== null ? ` Unit ${unit}: h = ${(view.finalHidden[view.layer]?.[unit] ?? 0).toFixed(3)}, c = ${(view.finalCell[view.layer]?.[unit] ?? 0).toFixed(3)}.` : ''}`;
  }
}
