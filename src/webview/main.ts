// Entry point of the encoder-state webview (browser code: DOM only, no vscode module, no TensorFlow.js). Every
// message from the host passes the protocol's guard before an exhaustive switch; the user's choices live in the
// webview state, so a panel restored after a reload shows what it showed before.
import type { EncoderStateView } from '../shared/encoderStateView';
import { HostToPanel, isHostToPanel, isPanelOptions, PanelOptions, PanelToHost, TrainingPoint } from '../shared/panelProtocol';
import { DecoderView } from './decoderView';
import { el } from './dom';
import { FinalState } from './finalState';
import { Heatmap, Span } from './heatmap';
import { Legend } from './legend';
import { LossChart } from './lossChart';
import { Quantity, QUANTITIES, scaleMax } from './quantities';
import { TextView } from './textView';
import { onThemeChange, readPalette } from './theme';

interface VsCodeApi {
  postMessage(message: PanelToHost): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** What survives a reload (webview state): the options the host traces with and the user's view choices. */
interface Persisted {
  options: PanelOptions;
  quantity: Quantity;
  unit: number | null;
}

const CHAR_CHOICES = [16, 32, 48, 64];

function isPersisted(v: unknown): v is Persisted {
  if (typeof v !== 'object' || v === null) return false;
  const p = v as Record<string, unknown>;
  return isPanelOptions(p.options) && QUANTITIES.some((q) => q.key === p.quantity) && (p.unit === null || (typeof p.unit === 'number' && Number.isInteger(p.unit) && p.unit >= 0));
}

const vscode = acquireVsCodeApi();
const saved = vscode.getState();
const ui: Persisted = isPersisted(saved) ? saved : { options: { chars: 48, layer: 0 }, quantity: 'hidden', unit: null };
let view: EncoderStateView | null = null;
let shown: string | null = null;
let span: Span | null = null;
let training: TrainingPoint[] = [];
let statesDrawn = 0;
let palette = readPalette();

const post = (m: PanelToHost): void => vscode.postMessage(m);
const persist = (): void => vscode.setState(ui);

// --- Layout -------------------------------------------------------------------------------------------------
const status = el('p', { id: 'status', attrs: { role: 'status' }, text: 'Waiting for the editor…' });
const source = el('span', { id: 'source', className: 'source' });
const timing = el('span', { className: 'timing' });

const quantityRadios = el(
  'fieldset',
  { className: 'quantity' },
  el('legend', { text: 'Show' }),
  ...QUANTITIES.map((q) => {
    const input = el('input', { attrs: { type: 'radio', name: 'quantity', value: q.key, id: `q-${q.key}` } });
    input.checked = q.key === ui.quantity;
    input.addEventListener('change', () => {
      if (!input.checked) return;
      ui.quantity = q.key;
      persist();
      render();
    });
    return el('label', { attrs: { for: `q-${q.key}` } }, input, ` ${q.label}`);
  }),
);

const charsSelect = el('select', { id: 'chars-select' }, ...CHAR_CHOICES.map((n) => el('option', { text: String(n), attrs: { value: String(n) } })));
charsSelect.value = String(ui.options.chars);
charsSelect.addEventListener('change', () => {
  ui.options = { ...ui.options, chars: Number(charsSelect.value) };
  persist();
  post({ kind: 'options', options: ui.options });
});

const layerSelect = el('select', { id: 'layer-select' });
const layerLabel = el('label', { className: 'layer', attrs: { for: 'layer-select' } }, 'Layer ', layerSelect);
layerSelect.addEventListener('change', () => {
  ui.options = { ...ui.options, layer: Number(layerSelect.value) };
  persist();
  post({ kind: 'options', options: ui.options });
});

const unitInput = el('input', { id: 'unit-input', attrs: { type: 'number', min: '0', step: '1', placeholder: 'none' } });
unitInput.addEventListener('change', () => selectUnit(unitInput.value === '' ? null : Math.floor(Number(unitInput.value))));
const clearUnit = el('button', { id: 'clear-unit', text: 'Clear', attrs: { type: 'button' } });
clearUnit.addEventListener('click', () => selectUnit(null));

const heatmap = new Heatmap({ selectUnit: (u) => selectUnit(u), selectSpan: (s) => selectSpan(s) });
const legend = new Legend();
const textView = new TextView({ selectUnit: (u) => selectUnit(u), selectSpan: (s) => selectSpan(s) });
const finalState = new FinalState((u) => selectUnit(u));
const decoder = new DecoderView();
const loss = new LossChart();
const trainingSection = el('section', { id: 'training', attrs: { 'aria-labelledby': 'training-h' } }, el('h2', { id: 'training-h', text: 'Training: loss (fine-tune or background learning)' }), loss.element);
trainingSection.hidden = true;

const content = el(
  'div',
  { id: 'content' },
  el('section', { attrs: { 'aria-labelledby': 'encoder-h' } }, el('h2', { id: 'encoder-h', text: 'Encoder: one column per character before the cursor, one row per unit' }), legend.element, heatmap.element),
  el('section', { attrs: { 'aria-labelledby': 'text-h' } }, el('h2', { id: 'text-h', text: 'Text coloured by a unit' }), textView.element),
  el('section', { attrs: { 'aria-labelledby': 'final-h' } }, el('h2', { id: 'final-h', text: 'Final encoder state: the fixed-length vector handed to the decoder' }), finalState.element),
  el('section', { attrs: { 'aria-labelledby': 'decoder-h' } }, el('h2', { id: 'decoder-h', text: 'Decoder' }), decoder.element),
);
content.hidden = true;

const app = document.getElementById('app') ?? document.body.appendChild(el('main', { id: 'app' }));
app.replaceChildren(
  el('header', {}, el('h1', { text: 'Encoder state' }), source, timing),
  el(
    'div',
    { className: 'controls', attrs: { role: 'group', 'aria-label': 'View options' } },
    quantityRadios,
    el('label', { attrs: { for: 'chars-select' } }, 'Characters ', charsSelect),
    layerLabel,
    el('label', { attrs: { for: 'unit-input' } }, 'Unit ', unitInput),
    clearUnit,
  ),
  status,
  content,
  trainingSection,
);

// --- State changes ------------------------------------------------------------------------------------------
function selectUnit(unit: number | null): void {
  const max = view ? view.hiddenSize - 1 : Infinity;
  ui.unit = unit === null || !Number.isFinite(unit) || unit < 0 ? null : Math.min(unit, max);
  persist();
  render();
}

function selectSpan(next: Span | null): void {
  span = next;
  render();
}

function summarise(): void {
  post({
    kind: 'rendered',
    summary: { states: statesDrawn, text: view ? view.tokens.join('') : '', unit: ui.unit, topUnits: textView.listed, trainingPoints: training.length },
  });
}

function render(): void {
  if (!view) return;
  const width = Math.max(240, app.clientWidth);
  if (ui.unit !== null && ui.unit >= view.hiddenSize) ui.unit = null;
  if (span && Math.max(span.from, span.to) >= view.tokens.length) span = null;
  unitInput.max = String(view.hiddenSize - 1);
  unitInput.value = ui.unit === null ? '' : String(ui.unit);
  clearUnit.disabled = ui.unit === null;
  layerLabel.hidden = view.layers < 2;
  if (layerSelect.options.length !== view.layers) {
    layerSelect.replaceChildren(...Array.from({ length: view.layers }, (_, l) => el('option', { text: String(l), attrs: { value: String(l) } })));
  }
  layerSelect.value = String(view.layer);
  legend.render(ui.quantity, scaleMax(view, ui.quantity), palette);
  heatmap.render(view, ui.quantity, palette, { unit: ui.unit, span }, width);
  textView.render(view, ui.quantity, palette, ui.unit, span);
  finalState.render(view, palette, ui.unit, width);
  decoder.render(view, shown);
  summarise();
}

function renderTraining(): void {
  trainingSection.hidden = training.length === 0;
  loss.render(training);
}

window.addEventListener('message', (event: MessageEvent) => {
  const m: unknown = event.data;
  if (!isHostToPanel(m)) {
    console.warn(`[encoder panel] ignored a malformed message: ${JSON.stringify(m).slice(0, 200)}`);
    return;
  }
  handle(m);
});

function handle(m: HostToPanel): void {
  switch (m.kind) {
    case 'state':
      view = m.view;
      shown = m.shown;
      source.textContent = m.source;
      timing.textContent = `${m.view.tokens.length} chars, ${m.view.hiddenSize} units, traced in ${m.view.engineMs.toFixed(1)} ms`;
      status.hidden = true;
      content.hidden = false;
      statesDrawn++;
      render();
      return;
    case 'status':
      status.textContent = m.message;
      status.hidden = false;
      return;
    case 'training':
      training = m.reset ? [...m.points] : training.concat(m.points);
      renderTraining();
      summarise();
      return;
    default: {
      const unexpected: never = m;
      console.warn(`[encoder panel] unhandled message ${JSON.stringify(unexpected)}`);
    }
  }
}

// Redraw on theme switches and size changes (one frame later, once layout has settled).
let pending = 0;
const redraw = (): void => {
  cancelAnimationFrame(pending);
  pending = requestAnimationFrame(() => {
    palette = readPalette();
    render();
    renderTraining();
  });
};
onThemeChange(redraw);
let lastWidth = 0;
new ResizeObserver(() => {
  // Only a new width changes the layout; heights change as a result of drawing and must not loop back here.
  if (app.clientWidth === lastWidth) return;
  lastWidth = app.clientWidth;
  redraw();
}).observe(app);

post({ kind: 'ready', options: ui.options });
