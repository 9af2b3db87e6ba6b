// The engine worker: owns TensorFlow.js and the model so the extension host's main thread never runs a model
// step. Suggest requests are answered newest first; older pending ones are superseded, not queued.
import { parentPort } from 'node:worker_threads';
import { CompletionEngine } from '../model/engine';
import type { Seq2SeqModel } from '../model/seq2seq';
import { BackendPreference, initBackend } from '../node/backend';
import { loadModelDir } from '../node/modelFiles';
import { HostToWorker, isHostToWorker, WorkerToHost } from '../shared/engineProtocol';

type SuggestMessage = Extract<HostToWorker, { kind: 'suggest' }>;

const port = parentPort;
if (!port) throw new Error('engineWorker must run in a worker thread');

const post = (m: WorkerToHost): void => port.postMessage(m);
let engine: CompletionEngine | null = null;
let model: Seq2SeqModel | null = null;
let pending: SuggestMessage | null = null;
let scheduled = false;

async function load(m: Extract<HostToWorker, { kind: 'load' }>): Promise<void> {
  const t0 = performance.now();
  try {
    const backend = await initBackend(m.backend as BackendPreference);
    const loaded = await loadModelDir(m.modelDir);
    engine?.dispose();
    model?.dispose();
    model = loaded.model;
    engine = new CompletionEngine(model);
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

function runPending(): void {
  scheduled = false;
  const m = pending;
  pending = null;
  if (!m) return;
  if (!engine) {
    post({ kind: 'error', requestId: m.requestId, message: 'no model is loaded' });
    return;
  }
  try {
    const t0 = performance.now();
    const r = engine.suggest({
      prefix: '',
      window: { text: m.window, atFileStart: m.atFileStart },
      language: m.language,
      beamWidth: m.beamWidth,
      maxChars: m.maxChars,
    });
    post({
      kind: 'suggestion',
      requestId: m.requestId,
      candidates: r.candidates.map((c) => ({ text: c.text, confidence: c.confidence })),
      engineMs: performance.now() - t0,
      encoderSteps: r.encoderSteps,
    });
  } catch (e) {
    post({ kind: 'error', requestId: m.requestId, message: (e as Error).message });
  }
}

// Loads run one after another; suggestions wait for the load in progress.
let loading: Promise<void> = Promise.resolve();

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
      if (pending) post({ kind: 'cancelled', requestId: pending.requestId });
      pending = m;
      if (!scheduled) {
        scheduled = true;
        // setImmediate lets a cancel or a newer request that is already queued arrive first.
        void loading.then(() => setImmediate(runPending));
      }
      return;
    case 'cancel':
      if (pending?.requestId === m.requestId) {
        pending = null;
        post({ kind: 'cancelled', requestId: m.requestId });
      }
      return;
  }
});
