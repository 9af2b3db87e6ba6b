// The engine's side of the host <-> engine contract, whatever thread it runs on: a Node worker thread
// (engineWorker.ts), a browser Web Worker (src/browser/engineWorker.ts) or, where a browser host allows no worker,
// the host itself. Suggest requests are answered newest first; older pending ones are superseded, not queued.
import { CompletionEngine, memoryIndexOf, SuggestRequest } from '../model/inference/engine';
import { ContextFiles } from '../model/inference/contextFiles';
import type { MatchIndex } from '../model/inference/copy';
import type { Seq2SeqModel } from '../model/graph/seq2seq';
import type { Metadata } from '../model/graph/serialize';
import { HostToWorker, isHostToWorker, LandRequest, WindowRequest, WorkerToHost } from '../shared/engineProtocol';
import type { NamedArray } from '../shared/namedArray';
import { assignWeights, weightArrays } from '../model/graph/serialize';
import { isObject } from '../shared/guards';
import { MAX_TRACE_CHARS } from '../shared/encoderStateView';
import { toEncoderStateView } from './traceView';
import { wasFineTuned } from '../model/training/fineTune';

export type LoadMessage = Extract<HostToWorker, { kind: 'load' }>;

/** A model read for a load, on the backend it asked for. */
export interface LoadedForEngine {
  model: Seq2SeqModel;
  metadata: Metadata;
  memory: string | null;
  backend: { name: string; notes: string[] };
}

/** What differs between the threads the engine runs on. */
export interface EngineThreadSide {
  post(m: WorkerToHost): void;
  /** Runs fn as a later task, after the messages already delivered (setImmediate in Node, a MessageChannel hop in a browser). */
  later(fn: () => void): void;
  /** Starts the backend and reads the model a load message names (a folder in Node, the files it carries in a browser). */
  load(m: LoadMessage): Promise<LoadedForEngine>;
}

type SuggestMessage = Extract<HostToWorker, { kind: 'suggest' }>;
type TraceMessage = Extract<HostToWorker, { kind: 'trace' }>;
type WeightsMessage = Extract<HostToWorker, { kind: 'weights' }>;

/** Serves the engine on one thread: returns the handler for every message from the host. */
export function serveEngine(side: EngineThreadSide): (m: unknown) => void {
  const { post, later } = side;
  let engine: CompletionEngine | null = null;
  /** The user's other files: the engine thread's, not a model's, so they stay in context across model switches. */
  const context = new ContextFiles();
  let model: Seq2SeqModel | null = null;
  /** The loaded model's own memory (memory.txt: the files a learnt model learnt from). */
  let modelMemory: string | null = null;
  /** The workspace's files as the host read them: the thread's, like `context`, and preferred to the model's. */
  let workspaceMemory: string | null = null;
  /** The memory that serves, indexed once for every engine built on it (a load, adapted weights). */
  let memory: MatchIndex | null = null;
  const indexMemory = (): void => {
    memory = memoryIndexOf(workspaceMemory ?? modelMemory);
    engine?.setMemory(memory);
  };
  /**
   * Whether the loaded model learnt from a workspace, so its show model's confidence is corrected (the engine's
   * `tuned`); weights adapted to a document keep the loaded model's answer, the correction being fitted on learnt ones.
   */
  let tuned = false;
  /** The host's name for the load that serves (see ModelInfo.loadId). */
  let loadId = -1;
  /** The loaded model's own weights, kept while adapted ones serve in their place. */
  let own: NamedArray[] | null = null;
  /** Where the cursor last came to rest: read again after new weights, as the first keystroke there would. */
  let lastLand: LandRequest | null = null;
  // Loads run one after another; suggestions wait for the load in progress.
  let loading: Promise<void> = Promise.resolve();

  async function load(m: LoadMessage): Promise<void> {
    const t0 = performance.now();
    try {
      // The model and its memory from one version of the folder, even while a fine-tune saves a new one.
      const loaded = await side.load(m);
      engine?.dispose();
      model?.dispose();
      model = loaded.model;
      own = null;
      loadId = m.loadId;
      tuned = wasFineTuned(loaded.metadata.training);
      engine = new CompletionEngine(model, { context, tuned });
      // The workspace's memory, where the host sent one, serves in place of the model's own and is indexed already.
      modelMemory = loaded.memory;
      if (workspaceMemory === null) indexMemory();
      else engine.setMemory(memory);
      const c = model.config;
      post({
        kind: 'loaded',
        requestId: m.requestId,
        info: {
          name: loaded.metadata.name ?? m.modelDir,
          backend: loaded.backend.name,
          backendNotes: loaded.backend.notes,
          minContextChars: c.minContextChars,
          maxContextChars: c.maxContextChars,
          hiddenSize: c.hiddenSize,
          layers: c.layers,
          loadMs: performance.now() - t0,
          loadId,
        },
      });
    } catch (e) {
      post({ kind: 'error', requestId: m.requestId, message: (e as Error).message });
    }
  }

  /**
   * Weights adapted to the document in hand, in place of the loaded model's (or its own back, for null). They apply
   * only to the load they were adapted from; the engine starts afresh on them, as after a load (its read-ahead and
   * states came from the old weights).
   */
  function setWeights(m: WeightsMessage): void {
    const answer = (applied: boolean, reason?: string): void => post({ kind: 'weighted', requestId: m.requestId, applied, ...(reason && { reason }) });
    if (!model || m.loadId !== loadId) return answer(false, 'another model was loaded since');
    const current = model;
    const target = m.weights ?? own;
    if (!target) return answer(true);
    const misfit = target.find((w) => {
      const v = current.weights.get(w.name);
      return !v || v.shape.length !== w.shape.length || v.shape.some((d, i) => d !== w.shape[i]);
    });
    if (misfit || target.length !== current.weights.size) return answer(false, `the weights do not fit the loaded model${misfit ? ` (${misfit.name})` : ''}`);
    try {
      own ??= weightArrays(current.weights);
      assignWeights(current.weights, target);
      if (m.weights === null) own = null;
      // The new engine first: should it fail, the old one still serves (on weights it was not built for, until the next load).
      const next = new CompletionEngine(current, { context, tuned });
      next.setMemory(memory);
      engine?.dispose();
      engine = next;
      if (lastLand) engine.land({ prefix: lastLand.before, window: { start: lastLand.windowStart, atFileStart: lastLand.atFileStart }, below: lastLand.below, language: lastLand.language });
      later(prepareWhenIdle);
      answer(true);
    } catch (e) {
      post({ kind: 'error', requestId: m.requestId, message: `could not use the adapted weights: ${(e as Error).message}` });
    }
  }

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
      // Deferred so that a cancel or a newer request that is already queued arrives first.
      void loading.then(() => later(() => this.flush()));
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
      later(prepareWhenIdle);
    }
  }

  /**
   * Idle time between keystrokes reads ahead the window the next slide will start (CompletionEngine.prepareNextWindow),
   * in chunks of a few milliseconds, stopping as soon as a request is waiting.
   */
  function prepareWhenIdle(): void {
    if (suggestions.waiting || traces.waiting) return;
    if (engine ? engine.prepareIdle() : context.prepare()) later(prepareWhenIdle);
  }

  /** The engine's request for a host's window request: one mapping for suggestions and traces, so the panel's trace decodes what the ghost text does. */
  const engineRequest = (m: WindowRequest): SuggestRequest => ({
    prefix: m.before, window: { start: m.windowStart, atFileStart: m.atFileStart }, below: m.below, path: m.path, language: m.language,
    beamWidth: m.beamWidth, maxChars: m.maxChars, length: m.length, multiline: m.multiline, showThreshold: m.showThreshold,
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

  return (m: unknown): void => {
    if (!isHostToWorker(m)) {
      // A request with a valid id is answered as failed, so its caller does not wait forever.
      const id = isObject(m) && Number.isInteger(m.requestId) ? (m.requestId as number) : null;
      post({ kind: 'error', requestId: id, message: `the engine ignored a malformed message: ${JSON.stringify(m).slice(0, 200)}` });
      return;
    }
    switch (m.kind) {
      case 'load':
        loading = loading.then(() => load(m));
        return;
      case 'weights':
        // In order with loads: weights adapted from a load meet that load, or are refused after a later one.
        loading = loading.then(() => setWeights(m));
        return;
      case 'suggest':
        suggestions.put(m);
        return;
      case 'trace':
        traces.put(m);
        return;
      case 'land':
        lastLand = m;
        // Before the model is loaded there is nothing to read ahead with: the first request reads the window.
        engine?.land({ prefix: m.before, window: { start: m.windowStart, atFileStart: m.atFileStart }, below: m.below, language: m.language });
        later(prepareWhenIdle);
        return;
      case 'cancel':
        suggestions.cancel(m.requestId);
        traces.cancel(m.requestId);
        return;
      case 'contextFile':
        if (m.text === null) context.remove(m.path);
        else context.put(m.path, m.text);
        later(prepareWhenIdle);
        return;
      case 'memory':
        // Indexed here, between requests (about 15 ms a million characters); the host sends only what changed.
        workspaceMemory = m.text;
        indexMemory();
        return;
    }
  };
}
