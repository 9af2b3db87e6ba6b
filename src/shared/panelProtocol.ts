// Messages between the extension host and the encoder-state webview. Defined once, imported by both sides (the
// webview bundle too, so nothing here may import vscode or Node); every incoming message passes a guard first.
import { isObject } from './guards';
import { EncoderStateView, isEncoderStateView, MAX_TRACE_CHARS } from './encoderStateView';

/** One evaluation of a fine-tune: bits per character on the training batches and, when it ran, on validation. */
export interface TrainingPoint {
  step: number;
  trainBpc: number;
  validationBpc: number | null;
}

/** What the panel asks the host to trace; kept in the webview's own state so a restored panel asks the same. */
export interface PanelOptions {
  /** Characters before the cursor, 1..MAX_TRACE_CHARS. */
  chars: number;
  /** Encoder layer shown per character. */
  layer: number;
}

/** What the webview drew last; the host logs it and the integration tests read it through the extension's API. */
export interface RenderSummary {
  /** States drawn since the webview loaded. */
  states: number;
  /** The traced text as drawn (special tokens as their names). */
  text: string;
  /** The unit whose activation colours the text, if one is selected. */
  unit: number | null;
  /** Units listed as most active over the selected span. */
  topUnits: number[];
  /** Points on the loss curve. */
  trainingPoints: number;
}

export type HostToPanel =
  /** Host, after a throttled change of the active editor's text or cursor while the panel is visible. */
  | { kind: 'state'; view: EncoderStateView; shown: string | null; source: string }
  /** Host, when there is nothing to trace, and why (no editor, model loading or failed, language off). */
  | { kind: 'status'; message: string }
  /** Host, when fine-tune points arrive (`reset`: these replace what the panel holds, e.g. after `ready`). */
  | { kind: 'training'; points: TrainingPoint[]; reset: boolean };

export type PanelToHost =
  /** Webview, once its script runs (fresh or restored): the host posts nothing before this. */
  | { kind: 'ready'; options: PanelOptions }
  /** Webview, when the user picks another number of characters or another layer. */
  | { kind: 'options'; options: PanelOptions }
  /** Webview, after it drew a state, a training point or a new selection. */
  | { kind: 'rendered'; summary: RenderSummary };

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export function isTrainingPoint(v: unknown): v is TrainingPoint {
  return (
    isObject(v) && isInt(v.step) && v.step >= 0 && isFiniteNumber(v.trainBpc) && (v.validationBpc === null || isFiniteNumber(v.validationBpc))
  );
}

export function isPanelOptions(v: unknown): v is PanelOptions {
  return isObject(v) && isInt(v.chars) && v.chars >= 1 && v.chars <= MAX_TRACE_CHARS && isInt(v.layer) && v.layer >= 0;
}

function isRenderSummary(v: unknown): v is RenderSummary {
  return (
    isObject(v) &&
    isInt(v.states) &&
    typeof v.text === 'string' &&
    (v.unit === null || isInt(v.unit)) &&
    Array.isArray(v.topUnits) &&
    v.topUnits.every(isInt) &&
    isInt(v.trainingPoints)
  );
}

export function isHostToPanel(m: unknown): m is HostToPanel {
  if (!isObject(m)) return false;
  switch (m.kind) {
    case 'state':
      return isEncoderStateView(m.view) && (m.shown === null || typeof m.shown === 'string') && typeof m.source === 'string';
    case 'status':
      return typeof m.message === 'string';
    case 'training':
      return Array.isArray(m.points) && m.points.every(isTrainingPoint) && typeof m.reset === 'boolean';
    default:
      return false;
  }
}

export function isPanelToHost(m: unknown): m is PanelToHost {
  if (!isObject(m)) return false;
  switch (m.kind) {
    case 'ready':
    case 'options':
      return isPanelOptions(m.options);
    case 'rendered':
      return isRenderSummary(m.summary);
    default:
      return false;
  }
}
