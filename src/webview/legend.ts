// The colour legend for the heatmap's current quantity: the scale drawn as a gradient with its ends and middle.
import { el, sizeCanvas } from './dom';
import { isGate, Quantity, QUANTITIES } from './quantities';
import { cssColor } from './scales';
import { Palette, valueColor } from './theme';

const WIDTH = 200;

export class Legend {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly low: HTMLElement;
  private readonly mid: HTMLElement;
  private readonly high: HTMLElement;
  private readonly name: HTMLElement;

  constructor() {
    this.canvas = el('canvas', { id: 'legend', attrs: { 'aria-hidden': 'true' } });
    this.low = el('span');
    this.mid = el('span');
    this.high = el('span');
    this.name = el('span', { className: 'legend-name' });
    this.element = el('div', { className: 'legend', attrs: { role: 'group', 'aria-label': 'Colour legend' } }, this.name, el('div', { className: 'legend-scale' }, this.canvas, el('div', { className: 'legend-ticks' }, this.low, this.mid, this.high)));
  }

  render(quantity: Quantity, maxAbs: number, palette: Palette): void {
    const ctx = sizeCanvas(this.canvas, WIDTH, 10);
    const gate = isGate(quantity);
    for (let x = 0; x < WIDTH; x++) {
      const t = x / (WIDTH - 1);
      const value = gate ? t : (2 * t - 1) * maxAbs;
      ctx.fillStyle = cssColor(valueColor(palette, quantity, value, maxAbs));
      ctx.fillRect(x, 0, 1, 10);
    }
    this.name.textContent = `${QUANTITIES.find((q) => q.key === quantity)?.label ?? quantity}:`;
    this.low.textContent = gate ? '0 (closed)' : (-maxAbs).toFixed(2);
    this.mid.textContent = gate ? '0.5' : '0';
    this.high.textContent = gate ? '1 (open)' : `+${maxAbs.toFixed(2)}`;
  }
}
