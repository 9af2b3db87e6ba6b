// The live loss curve of a fine-tune: train and validation bits per character against the step, as an SVG that
// the editor theme colours through CSS. Hidden until the first point arrives.
import type { TrainingPoint } from '../shared/panelProtocol';
import { el, svgEl } from './dom';

const W = 600;
const H = 180;
const PAD = { left: 44, right: 12, top: 10, bottom: 26 };

export class LossChart {
  readonly element: HTMLElement;
  private readonly svg: SVGSVGElement;
  private readonly caption: HTMLElement;

  constructor() {
    this.svg = svgEl('svg', { id: 'loss-chart', viewBox: `0 0 ${W} ${H}`, role: 'img', preserveAspectRatio: 'xMinYMin meet' });
    this.caption = el('p', { id: 'loss-caption', className: 'hint' });
    this.element = el('div', {}, this.svg, this.caption);
  }

  render(points: readonly TrainingPoint[]): void {
    this.svg.replaceChildren();
    if (points.length === 0) return;
    const steps = points.map((p) => p.step);
    const values = points.flatMap((p) => (p.validationBpc === null ? [p.trainBpc] : [p.trainBpc, p.validationBpc]));
    const x0 = Math.min(...steps);
    const x1 = Math.max(...steps, x0 + 1);
    const lo = Math.min(...values);
    const hi = Math.max(...values, lo + 1e-3);
    const pad = (hi - lo) * 0.08;
    const y0 = lo - pad;
    const y1 = hi + pad;
    const x = (step: number): number => PAD.left + ((step - x0) / (x1 - x0)) * (W - PAD.left - PAD.right);
    const y = (v: number): number => PAD.top + (1 - (v - y0) / (y1 - y0)) * (H - PAD.top - PAD.bottom);
    const line = (sel: (p: TrainingPoint) => number | null, cls: string): SVGElement[] => {
      const pts = points.filter((p) => sel(p) !== null).map((p) => `${x(p.step).toFixed(1)},${y(sel(p) as number).toFixed(1)}`);
      if (pts.length === 0) return [];
      const last = pts[pts.length - 1]?.split(',') ?? ['0', '0'];
      return [svgEl('polyline', { class: `series ${cls}`, points: pts.join(' ') }), svgEl('circle', { class: `dot ${cls}`, cx: last[0] ?? 0, cy: last[1] ?? 0, r: 3 })];
    };
    this.svg.append(
      svgEl('line', { class: 'axis', x1: PAD.left, y1: H - PAD.bottom, x2: W - PAD.right, y2: H - PAD.bottom }),
      svgEl('line', { class: 'axis', x1: PAD.left, y1: PAD.top, x2: PAD.left, y2: H - PAD.bottom }),
      svgEl('text', { class: 'tick', x: PAD.left - 4, y: PAD.top + 8, 'text-anchor': 'end' }, hi.toFixed(2)),
      svgEl('text', { class: 'tick', x: PAD.left - 4, y: H - PAD.bottom, 'text-anchor': 'end' }, lo.toFixed(2)),
      svgEl('text', { class: 'tick', x: PAD.left, y: H - 8 }, `step ${x0}`),
      svgEl('text', { class: 'tick', x: W - PAD.right, y: H - 8, 'text-anchor': 'end' }, `step ${x1}`),
      ...line((p) => p.trainBpc, 'train'),
      ...line((p) => p.validationBpc, 'validation'),
    );
    const last = points[points.length - 1] as TrainingPoint;
    const summary = `Step ${last.step}: train ${last.trainBpc.toFixed(3)} bits/char${last.validationBpc === null ? '' : `, validation ${last.validationBpc.toFixed(3)} bits/char`} (${points.length} points).`;
    this.svg.setAttribute('aria-label', `Loss curve. ${summary}`);
    this.caption.replaceChildren(
      el('span', { className: 'key train', text: '\u2014 train' }),
      el('span', { className: 'key validation', text: '\u2014 validation' }),
      el('span', { text: summary }),
    );
  }
}
