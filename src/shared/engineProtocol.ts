// Messages between the extension host and the engine worker. Defined once, used by both sides; every
// incoming message is checked by a guard before an exhaustive switch handles it.
import { isObject } from './guards';
import { isNamedArrayList, NamedArray } from './namedArray';
import { EncoderStateView, isEncoderStateView } from './encoderStateView';
import { SUGGESTION_LENGTHS, SuggestionLength } from './window';

/** The TensorFlow.js backends a user may ask for ('auto': tfjs-node where it loads, else wasm, else cpu). */
export const BACKEND_NAMES = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** What the host knows of a model once it is loaded: enough to cut encoder windows itself. */
export interface ModelInfo {
  name: string;
  backend: string;
  backendNotes: string[];
  minContextChars: number;
  maxContextChars: number;
  hiddenSize: number;
  layers: number;
  loadMs: number;
  /**
   * The host's name for this load (its first request's id; the same again when a restarted engine thread loads it
   * anew): weights adapted from this load name it, and the engine refuses them after any other load.
   */
  loadId: number;
}


export interface CandidateMessage {
  text: string;
  confidence: number;
}

/**
 * The text before the cursor, cut by the host (src/shared/window.ts), and how to decode from it. The text crosses
 * the thread once: the copy prior searches all of it, the encoder reads it from `windowStart` on.
 */
export interface WindowRequest {
  /** The document before the cursor: its last COPY_CONTEXT_CHARS or more, always the whole encoder window. */
  before: string;
  /** Where the encoder window begins in `before`. */
  windowStart: number;
  atFileStart: boolean;
  /** The document below the cursor's line (textBelow in src/shared/window.ts), which suggestions may copy from. */
  below: string;
  /** The document's URI: its own older text among the other files (contextFile) is not searched. */
  path: string;
  language: string;
  beamWidth: number;
  maxChars: number;
  /** Where the best suggestion ends (src/shared/window.ts). */
  length: SuggestionLength;
  /** With length 'auto': the best suggestion may go on to the next line when the model is sure of all of it. */
  multiline: boolean;
  /** The confidence threshold of what is shown: the engine leaves unread the document words that could not reach it. */
  showThreshold: number;
}

/** Where the cursor came to rest (src/completion/landing.ts): the window and copy text there, nothing to decode. */
export type LandRequest = Pick<WindowRequest, 'before' | 'windowStart' | 'atFileStart' | 'below' | 'language'>;

/** What the encoder-state panel wants besides the window: how much of the trace, which layer, how many bars. */
export interface TraceOptions {
  traceChars: number;
  layer: number;
  topK: number;
}

/**
 * A model's files, read by the host, for an engine that cannot read the folder itself (in a browser): the three
 * files of the folder, and the wasm backend's SIMD binary (null: no wasm).
 */
export interface ModelFiles {
  modelJson: string;
  metadataJson: string;
  weights: ArrayBuffer;
  wasm: ArrayBuffer | null;
}

/**
 * Where a browser host that runs the engine bundle on its own thread (no worker allowed) leaves the port the engine
 * serves on: a global the bundle reads at start (src/browser/engineThread.ts sets it, src/browser/engineWorker.ts
 * reads it).
 */
export const IN_HOST_ENGINE_PORT = '__seq2seqEnginePort';

export type HostToWorker =
  /**
   * Host, at start-up or when the model or backend setting changes: (re)load a model folder. `files` carries the
   * folder's content where the engine cannot read it (a browser); `modelDir` then only names it.
   */
  | { kind: 'load'; requestId: number; loadId: number; modelDir: string; backend: BackendName; files?: ModelFiles }
  /** Host, per keystroke after the debounce: suggestions for an encoder window. Newer ones supersede older. */
  | ({ kind: 'suggest'; requestId: number } & WindowRequest)
  /** Host, when the editor cancels a request (the user typed on, or moved away). */
  | { kind: 'cancel'; requestId: number }
  /**
   * Host, when the cursor rests somewhere new (a click, a jump, a file opened): read that window in idle time, so
   * the first keystroke there extends a cached state. No reply; any request comes first.
   */
  | ({ kind: 'land'; requestId: number } & LandRequest)
  /**
   * Host, when a document the file policy allows is opened, saved or left after an edit: one of the user's other
   * files that suggestions may copy from (null text: forget it). No reply; the worker indexes it in idle time.
   */
  | { kind: 'contextFile'; requestId: number; path: string; text: string | null }
  /**
   * Host, once it has read the workspace's files under the file policy (src/extension/workspaceMemory.ts), and again
   * after they change: the workspace memory suggestions may copy from, in place of the loaded model's own (the files
   * a learnt model learnt from, as they were then); null: the loaded model's own again. Kept across loads. No reply.
   */
  | { kind: 'memory'; requestId: number; text: string | null }
  /**
   * Host, for the encoder-state panel (throttled, only while it is visible): the encoder's state over the last
   * `traceChars` characters of `window` (`layer` per position), the greedy decoder's `topK` per step and the beam.
   * Newer ones supersede older; they never supersede a `suggest`.
   */
  | ({ kind: 'trace'; requestId: number } & WindowRequest & TraceOptions)
  /**
   * Host, when the learner adapted the loaded model to the document in hand (src/model/training/adapt.ts): its
   * weights, for the load `loadId` only (a later load refuses them); null: the loaded model's own weights again.
   * Answered `weighted`; suggestions after it use them.
   */
  | { kind: 'weights'; requestId: number; loadId: number; weights: NamedArray[] | null };

export type WorkerToHost =
  /** Worker, after a `load` succeeded. */
  | { kind: 'loaded'; requestId: number; info: ModelInfo }
  /** Worker, the answer to a `suggest`: candidates best first, and the time the engine spent. */
  | { kind: 'suggestion'; requestId: number; candidates: CandidateMessage[]; engineMs: number; encoderSteps: number }
  /** Worker, for a request that was cancelled or superseded before it ran. */
  | { kind: 'cancelled'; requestId: number }
  /** Worker, when a request failed; requestId is null for failures outside a request. */
  | { kind: 'error'; requestId: number | null; message: string }
  /** Worker, a log line for the host's output channel. */
  | { kind: 'log'; level: 'info' | 'warn' | 'error' | 'trace'; message: string }
  /** Worker, the answer to a `trace`: plain arrays, at most MAX_TRACE_CHARS positions. */
  | { kind: 'traced'; requestId: number; view: EncoderStateView }
  /** Worker, the answer to `weights`: whether they now serve (false: another load came, or they do not fit the model). */
  | { kind: 'weighted'; requestId: number; applied: boolean; reason?: string };

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const isString = (v: unknown): v is string => typeof v === 'string';
const BACKENDS: readonly string[] = BACKEND_NAMES;

const isLandRequest = (m: Record<string, unknown>): boolean =>
  isString(m.before) && isInt(m.windowStart) && m.windowStart >= 0 && m.windowStart <= m.before.length &&
  typeof m.atFileStart === 'boolean' && isString(m.below) && isString(m.language);

const isWindowRequest = (m: Record<string, unknown>): boolean =>
  isLandRequest(m) && isString(m.path) && isInt(m.beamWidth) && isInt(m.maxChars) &&
  SUGGESTION_LENGTHS.includes(m.length as SuggestionLength) && typeof m.multiline === 'boolean' &&
  typeof m.showThreshold === 'number' && m.showThreshold >= 0 && m.showThreshold <= 1;

const isModelFiles = (f: unknown): f is ModelFiles =>
  isObject(f) && isString(f.modelJson) && isString(f.metadataJson) && f.weights instanceof ArrayBuffer && (f.wasm === null || f.wasm instanceof ArrayBuffer);

export function isHostToWorker(m: unknown): m is HostToWorker {
  if (!isObject(m) || !isInt(m.requestId)) return false;
  switch (m.kind) {
    case 'load':
      return isInt(m.loadId) && isString(m.modelDir) && isString(m.backend) && BACKENDS.includes(m.backend) && (m.files === undefined || isModelFiles(m.files));
    case 'suggest':
      return isWindowRequest(m);
    case 'land':
      return isLandRequest(m);
    case 'cancel':
      return true;
    case 'contextFile':
      return isString(m.path) && (m.text === null || isString(m.text));
    case 'memory':
      return m.text === null || isString(m.text);
    case 'trace':
      return (
        isWindowRequest(m) &&
        isInt(m.traceChars) && m.traceChars > 0 && isInt(m.layer) && m.layer >= 0 && isInt(m.topK) && m.topK >= 0
      );
    case 'weights':
      return isInt(m.loadId) && (m.weights === null || isNamedArrayList(m.weights));
    default:
      return false;
  }
}

export function isWorkerToHost(m: unknown): m is WorkerToHost {
  if (!isObject(m)) return false;
  switch (m.kind) {
    case 'loaded':
      return isInt(m.requestId) && isObject(m.info) && isString(m.info.name) && isInt(m.info.loadId);
    case 'suggestion':
      return (
        isInt(m.requestId) &&
        Array.isArray(m.candidates) &&
        m.candidates.every((c) => isObject(c) && isString(c.text) && typeof c.confidence === 'number') &&
        typeof m.engineMs === 'number'
      );
    case 'cancelled':
      return isInt(m.requestId);
    case 'error':
      return (m.requestId === null || isInt(m.requestId)) && isString(m.message);
    case 'log':
      return isString(m.message) && ['info', 'warn', 'error', 'trace'].includes(m.level as string);
    case 'traced':
      return isInt(m.requestId) && isEncoderStateView(m.view);
    case 'weighted':
      return isInt(m.requestId) && typeof m.applied === 'boolean' && (m.reason === undefined || isString(m.reason));
    default:
      return false;
  }
}
