// The engine worker: owns TensorFlow.js and the model so the extension host's main thread never runs a model
// step. Suggest requests are answered newest first; older pending ones are superseded, not queued.
import { parentPort } from 'node:worker_threads';
import { CompletionEngine, SuggestRequest } from '../model/inference/engine';
import { ContextFiles } from '../model/inference/contextFiles';
import type { Seq2SeqModel } from '../model/graph/seq2seq';
import { BackendPreference, initBackend } from '../node/backend';
import { loadModelWithMemory } from '../node/modelFiles';
import { HostToWorker, isHostToWorker, WindowRequest, WorkerToHost } from '../shared/engineProtocol';
import { MAX_TRACE_CHARS } from '../shared/encoderStateView';
import { toEncoderStateView } from './traceView';

type SuggestMessage = Extract<HostToWorker, { kind: 'suggest' }>;

const port = parentPort;
if (!port) throw new Error('engineWorker must run in a worker thread');

const post = (m: WorkerToHost): void => port.postMessage(m);
let engine: CompletionEngine | null = null;
/** The user's other files: the worker's, not a model's, so they stay in context across model switches. */
const context = new ContextFiles();
let model: Seq2SeqModel | null = null;

async function load(m: Extract<HostToWorker, { kind: 'load' }>): Promise<void> {
  const t0 = performance.now();
  try {
    const backend = await initBackend(m.backend as BackendPreference);
    // The model and its memory from one version of the folder, even while a fine-tune saves a new one.
    const loaded = await loadModelWithMemory(m.modelDir);
    engine?.dispose();
    model?.dispose();
    model = loaded.model;
    engine = new CompletionEngine(model, { context });
    engine.setMemory(loaded.memory);
    const c = model.config;
    post({
      kind: 'loaded',
      requestId: m.requestId,
      info: {
        name: loaded.metadata.name ?? m.modelDir,
        backend: backend.name,
        backendNotes: backend.notes,
        minContextChars: c.minContextChars,
        maxContextChars: c.maxContextChars,
        hiddenSize: c.hiddenSize,
        layers: c.layers,
        loadMs: performance.now() - t0,
      },
    });
  } catch (e) {
    post({ kind: 'error', requestId: m.requestId, message: (e as Error).message });
  }
}

type TraceMessage = Extract<HostToWorker, { kind: 'trace' }>;

// Loads run one after another; suggestions wait for the load in progress.
let loading: Promise<void> = Promise.resolve();

/**
 * One slot per kind of request: a newer request supersedes a pending older one (answered `cancelled`), so a
 * burst of keystrokes costs one computation. Suggestions and traces have separate slots: a trace for the
 * encoder-state panel never supersedes a suggestion.
 */
class LatestOnly<T extends { requestId: number }> {
  private pending: T | null = null;
  private scheduled = false;

  constructor(private readonly answer: (m: T, engine: CompletionEngine) => WorkerToHost) {}

  put(m: T): void {
    if (this.pending) post({ kind: 'cancelled', requestId: this.pending.requestId });
    this.pending = m;
    if (this.scheduled) return;
    this.scheduled = true;
    // setImmediate lets a cancel or a newer request that is already queued arrive first.
    void loading.then(() => setImmediate(() => this.flush()));
  }

  cancel(requestId: number): void {
    if (this.pending?.requestId !== requestId) return;
    this.pending = null;
    post({ kind: 'cancelled', requestId });
  }

  get waiting(): boolean {
    return this.pending !== null;
  }

  private flush(): void {
    this.scheduled = false;
    const m = this.pending;
    this.pending = null;
    if (!m) return;
    if (!engine) {
      post({ kind: 'error', requestId: m.requestId, message: 'no model is loaded' });
      return;
    }
    try {
      post(this.answer(m, engine));
    } catch (e) {
      post({ kind: 'error', requestId: m.requestId, message: (e as Error).message });
    }
    setImmediate(prepareWhenIdle);
  }
}

/**
 * Idle time between keystrokes reads ahead the window the next slide will start (CompletionEngine.prepareNextWindow),
 * in chunks of a few milliseconds, stopping as soon as a request is waiting.
 */
function prepareWhenIdle(): void {
  if (suggestions.waiting || traces.waiting) return;
  if (engine ? engine.prepareIdle() : context.prepare()) setImmediate(prepareWhenIdle);
}

/** The engine's request for a host's window request: one mapping for suggestions and traces, so the panel's trace decodes what the ghost text does. */
const engineRequest = (m: WindowRequest): SuggestRequest => ({
  prefix: m.before, window: { start: m.windowStart, atFileStart: m.atFileStart }, below: m.below, path: m.path, language: m.language,
  beamWidth: m.beamWidth, maxChars: m.maxChars, length: m.length, multiline: m.multiline,
});

const suggestions = new LatestOnly<SuggestMessage>((m, e) => {
  const t0 = performance.now();
  const r = e.suggest(engineRequest(m));
  return {
    kind: 'suggestion',
    requestId: m.requestId,
    candidates: r.candidates.map((c) => ({ text: c.text, confidence: c.confidence })),
    engineMs: performance.now() - t0,
    encoderSteps: r.encoderSteps,
  };
});

const traces = new LatestOnly<TraceMessage>((m, e) => {
  const t0 = performance.now();
  const explanation = e.explain({ ...engineRequest(m), traceChars: Math.min(MAX_TRACE_CHARS, m.traceChars), topK: m.topK });
  return { kind: 'traced', requestId: m.requestId, view: toEncoderStateView(explanation, m.layer, performance.now() - t0) };
});

port.on('message', (m: unknown) => {
  if (!isHostToWorker(m)) {
    post({ kind: 'error', requestId: null, message: `worker ignored a malformed message: ${JSON.stringify(m).slice(0, 200)}` });
    return;
  }
  switch (m.kind) {
    case 'load':
      loading = loading.then(() => load(m));
      return;
    case 'suggest':
      suggestions.put(m);
      return;
    case 'trace':
      traces.put(m);
      return;
    case 'land':
      // Before the model is loaded there is nothing to read ahead with: the first request reads the window.
      engine?.land({ prefix: m.before, window: { start: m.windowStart, atFileStart: m.atFileStart }, below: m.below, language: m.language });
      setImmediate(prepareWhenIdle);
      return;
    case 'cancel':
      suggestions.cancel(m.requestId);
      traces.cancel(m.requestId);
      return;
    case 'contextFile':
      if (m.text === null) context.remove(m.path);
      else context.put(m.path, m.text);
      setImmediate(prepareWhenIdle);
      return;
  }
});
