// The traced text as it reads in the editor, each character coloured by the selected unit's activation (the view
// of Karpathy's char-rnn visualisations and LSTMVis); selecting a span of it lists the units most active there.
import type { EncoderStateView } from '../shared/encoderStateView';
import { el } from './dom';
import type { Span } from './heatmap';
import { Quantity, QUANTITIES, scaleMax, topUnits } from './quantities';
import { cssColor, readableOn } from './scales';
import { Palette, valueColor } from './theme';

export interface TextViewEvents {
  selectUnit(unit: number): void;
  selectSpan(span: Span | null): void;
}

const TOP_UNITS = 8;

export class TextView {
  readonly element: HTMLElement;
  private readonly text: HTMLElement;
  private readonly caption: HTMLElement;
  private readonly units: HTMLElement;
  /** The units listed last, for the render summary. */
  listed: number[] = [];

  constructor(private readonly events: TextViewEvents) {
    this.caption = el('p', { className: 'hint' });
    this.text = el('pre', { id: 'text', className: 'text', attrs: { 'aria-label': 'Traced text; select characters to list their most active units' } });
    this.units = el('div', { id: 'span-units', className: 'span-units', attrs: { 'aria-live': 'polite' } });
    this.element = el('div', {}, this.caption, this.text, this.units);
    // On release, not on every selectionchange: re-rendering mid-drag would drop the selection being made.
    this.text.addEventListener('mouseup', () => this.onSelection());
    this.text.addEventListener('keyup', () => this.onSelection());
  }

  render(view: EncoderStateView, quantity: Quantity, palette: Palette, unit: number | null, span: Span | null): void {
    const q = QUANTITIES.find((x) => x.key === quantity);
    this.caption.textContent =
      unit === null
        ? 'Click a unit in the heatmap (or type its number above) to colour the text by its activation.'
        : `Coloured by unit ${unit}'s ${q?.label ?? quantity}.`;
    this.text.dataset.unit = unit === null ? '' : String(unit);
    const max = scaleMax(view, quantity);
    const lo = span ? Math.min(span.from, span.to) : -1;
    const hi = span ? Math.max(span.from, span.to) : -1;
    const chars = view.tokens.map((t, p) => {
      const special = t.length !== 1;
      const node = el('span', { className: `${special ? 'marker' : 'ch'}${p >= lo && p <= hi ? ' in-span' : ''}`, text: special ? t : t === '\n' ? '\u23ce\n' : t });
      node.dataset.pos = String(p);
      if (unit !== null) {
        const value = view[quantity][p]?.[unit] ?? 0;
        const bg = valueColor(palette, quantity, value, max);
        node.style.backgroundColor = cssColor(bg);
        node.style.color = cssColor(readableOn(bg));
        node.title = `${JSON.stringify(t)}: ${value.toFixed(3)}`;
      }
      return node;
    });
    this.text.replaceChildren(...chars);
    this.renderUnits(view, quantity, span);
  }

  private renderUnits(view: EncoderStateView, quantity: Quantity, span: Span | null): void {
    if (!span) {
      this.listed = [];
      this.units.replaceChildren(el('span', { className: 'hint', text: 'Select characters here (or Shift+arrows in the heatmap) to list the units most active over them.' }));
      return;
    }
    const lo = Math.min(span.from, span.to);
    const hi = Math.max(span.from, span.to);
    const top = topUnits(view, quantity, lo, hi, TOP_UNITS);
    this.listed = top.map((t) => t.unit);
    const words = JSON.stringify(view.tokens.slice(lo, hi + 1).join(''));
    const buttons = top.map((t) => {
      const b = el('button', { className: 'unit-chip', text: `${t.unit} (${t.score.toFixed(2)})`, attrs: { type: 'button', title: `Select unit ${t.unit}` } });
      b.addEventListener('click', () => this.events.selectUnit(t.unit));
      return b;
    });
    this.units.replaceChildren(el('span', { text: `Most active over ${words}: ` }), ...buttons);
  }

  private onSelection(): void {
    const selection = document.getSelection();
    if (!selection || selection.isCollapsed || selection.rangeCount === 0) return;
    const range = selection.getRangeAt(0);
    if (!this.text.contains(range.commonAncestorContainer)) return;
    const posOf = (node: Node, atEnd: boolean): number | null => {
      const elem = node instanceof Element ? node : node.parentElement;
      const span = elem?.closest<HTMLElement>('[data-pos]');
      if (span?.dataset.pos !== undefined) return Number(span.dataset.pos);
      // The range starts or ends on the <pre> itself: take its first or last character.
      const all = this.text.querySelectorAll<HTMLElement>('[data-pos]');
      const edge = atEnd ? all[Math.min(all.length - 1, range.endOffset - 1)] : all[range.startOffset];
      return edge?.dataset.pos !== undefined ? Number(edge.dataset.pos) : null;
    };
    const from = posOf(range.startContainer, false);
    const to = posOf(range.endContainer, true);
    if (from === null || to === null) return;
    this.events.selectSpan({ from, to });
  }
}
