// The decoder's side: for each character the greedy decoder generated, the k likeliest next tokens as bars; the
// beam-search candidates with their scores; and the suggestion the editor shows for them.
import type { CopyOrigin, EncoderStateView } from '../shared/encoderStateView';
import { el } from './dom';
import { tokenGlyph } from './quantities';

/** A suggestion with its whitespace visible, in quotes. */
const quoted = (text: string): string => JSON.stringify(text);

export class DecoderView {
  readonly element: HTMLElement;
  private readonly shown: HTMLElement;
  private readonly prime: HTMLElement;
  private readonly steps: HTMLElement;
  private readonly candidates: HTMLOListElement;

  constructor() {
    this.shown = el('p', { id: 'shown' });
    this.prime = el('p', { id: 'prime', className: 'hint' });
    this.steps = el('div', { id: 'steps', className: 'steps', attrs: { role: 'list' } });
    this.candidates = el('ol', { id: 'candidates', className: 'candidates' });
    this.element = el(
      'div',
      {},
      this.shown,
      el('h3', { text: 'Greedy decoder, step by step: the five likeliest next tokens' }),
      this.prime,
      el('div', { className: 'scroll' }, this.steps),
      el('h3', { text: "Candidates: the beam's, and the document's word where one extends the name" }),
      this.candidates,
    );
  }

  render(view: EncoderStateView, shown: string | null): void {
    this.shown.replaceChildren(
      el('span', { text: 'Shown in the editor: ' }),
      shown === null ? el('em', { text: 'nothing (suggestions off here, mid-line, or below the confidence threshold)' }) : el('code', { text: quoted(shown) }),
    );
    // The encoder's state blurs the last few characters, so the decoder re-reads them before its first step.
    const reread = view.greedy.prime.filter((t) => t !== '<start>');
    this.prime.replaceChildren(
      el('span', { text: reread.length ? `Before its first step the decoder re-read the last ${reread.length} characters: ` : 'The decoder started from the encoder state alone.' }),
      ...(reread.length ? [el('code', { text: reread.map(tokenGlyph).join('') })] : []),
    );
    this.steps.replaceChildren(
      ...view.greedy.steps.map((step, k) => {
        const head = step.chosen === null ? 'end' : tokenGlyph(step.chosen);
        const bars = [...step.top.map((t) => ({ label: tokenGlyph(t.token), title: t.token, prob: t.prob, chosen: t.token === step.chosen })),
          { label: 'end', title: 'end of the suggestion here', prob: step.stopProb, chosen: step.chosen === null }];
        return el(
          'div',
          { className: 'step', attrs: { role: 'listitem', 'aria-label': `step ${k + 1}: ${step.chosen === null ? 'ends' : JSON.stringify(step.chosen)} with p ${step.chosenProb.toFixed(2)}` } },
          el('div', { className: 'step-head', text: head, attrs: { title: step.chosen === null ? 'ended here' : JSON.stringify(step.chosen) } }),
          // Where earlier text matched, the bars are the mixture of the LSTM and what followed that text.
          el('div', {
            className: 'step-copy',
            text: step.copyMatch > 0 ? `copy ${Math.round(step.copyWeight * 100)}% ${whence(step.copyFrom, step.copyFiles)}` : 'LSTM only',
            attrs: { title: step.copyMatch > 0 ? `the last ${step.copyMatch} characters occurred ${whereLong(step.copyFrom, step.copyFiles)}; what followed them got ${Math.round(step.copyWeight * 100)}% of the weight` : 'no earlier text matched: the LSTM alone' },
          }),
          ...bars.map((b) => {
            const fill = el('span', { className: 'bar-fill' });
            fill.style.width = `${Math.max(0.5, b.prob * 100).toFixed(1)}%`;
            return el(
              'div',
              { className: b.chosen ? 'bar chosen' : 'bar', attrs: { title: `${JSON.stringify(b.title)}: ${(b.prob * 100).toFixed(1)}%` } },
              el('span', { className: 'bar-label', text: b.label }),
              el('span', { className: 'bar-track' }, fill),
              el('span', { className: 'bar-value', text: `${Math.round(b.prob * 100)}%` }),
            );
          }),
        );
      }),
    );
    // The editor shows the first confident candidate, trimmed of what already follows the cursor.
    const shownAt = shown === null ? -1 : view.candidates.findIndex((c) => c.text === shown || (shown !== '' && c.text.startsWith(shown)));
    this.candidates.replaceChildren(
      ...view.candidates.map((c, k) => {
        const isShown = k === shownAt;
        return el(
          'li',
          { className: isShown ? 'candidate shown' : 'candidate' },
          el('code', { text: quoted(c.text) }),
          // Where the model has a show model, the confidence is its chance of being right, not exp(log p).
          el('span', { className: 'score', text: ` confidence ${c.confidence.toFixed(3)}, log p = ${c.logProb.toFixed(2)}` }),
          c.word ? el('span', { className: 'badge', text: "the document's word", attrs: { title: "a word of this document that extends the name being typed: the word model's confidence" } }) : null,
          isShown ? el('span', { className: 'badge', text: 'shown' }) : null,
        );
      }),
    );
    if (view.candidates.length === 0) this.candidates.replaceChildren(el('li', { text: 'no candidates' }));
  }
}

const ORIGIN_SHORT: Record<CopyOrigin, string> = { above: '↑', below: '↓', files: '⇄', memory: 'ws' };
const ORIGIN_LONG: Record<CopyOrigin, string> = { above: 'above the cursor', below: "below the cursor's line", files: 'in another file', memory: 'in the workspace memory' };
const baseName = (path: string): string => path.slice(path.lastIndexOf('/') + 1);
/** Where a step's copy came from, in a few characters: ↑ above, ↓ below, ⇄ another file (named), ws the workspace memory. */
const whence = (from: CopyOrigin[], files: string[]): string =>
  from.map((o) => (o === 'files' && files[0] ? `${ORIGIN_SHORT[o]} ${baseName(files[0])}${files.length > 1 ? ` +${files.length - 1}` : ''}` : ORIGIN_SHORT[o])).join(' ');
const whereLong = (from: CopyOrigin[], files: string[]): string =>
  from.map((o) => (o === 'files' && files.length ? `in ${files.join(', ')}` : ORIGIN_LONG[o])).join(' and ') || 'earlier';
