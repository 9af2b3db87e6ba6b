// The host's side of the engine: starts its thread lazily, sends typed requests, maps AbortSignals to cancel
// messages, and turns a crash into a clear error instead of hanging promises. Which thread it is (a Node worker
// thread, a browser Web Worker, the host itself) is the starter's business. No vscode import.
import { BackendName, CandidateMessage, HostToWorker, isWorkerToHost, LandRequest, ModelFiles, ModelInfo, TraceOptions, WindowRequest, WorkerToHost } from '../shared/engineProtocol';
import type { NamedArray } from '../shared/namedArray';
import type { EncoderStateView } from '../shared/encoderStateView';

export type SuggestParams = WindowRequest;

export interface SuggestAnswer {
  candidates: CandidateMessage[];
  engineMs: number;
  encoderSteps: number;
}

/** What the encoder-state panel asks for: a suggest request plus how much of the trace to send back. */
export type TraceParams = WindowRequest & TraceOptions;

type Log = (level: 'info' | 'warn' | 'error' | 'trace', message: string) => void;

/** One engine thread as the client sees it. */
export interface EngineThread {
  post(m: HostToWorker): void;
  /** Requests are in flight (keep the process alive for them) or none are (an idle engine must not). */
  busy(busy: boolean): void;
  terminate(): Promise<void>;
}

/** What a thread reports to its client. */
export interface EngineThreadEvents {
  message(m: unknown): void;
  /** The thread died (crashed or exited): every waiting request fails. */
  failed(e: Error): void;
}

/** Starts an engine thread (src/host/engineThread.ts in Node, src/browser/engineThread.ts in a browser). */
export type StartEngineThread = (events: EngineThreadEvents) => EngineThread;

interface Waiter {
  resolve(m: WorkerToHost): void;
  reject(e: Error): void;
}

/**
 * How much of the other files the client keeps to give a restarted thread: the worker's ring holds 300,000
 * characters once repeated chunks are dropped (CONTEXT_LIMITS in src/model/inference/contextFiles.ts), so twice that
 * of the texts as sent rebuilds it; the ring drops the rest again.
 */
export const RESEND_CONTEXT_CHARS = 600_000;

export class EngineClient {
  private worker: EngineThread | null = null;
  private nextId = 1;
  private readonly waiters = new Map<number, Waiter>();
  /** The last load that succeeded: a thread started after a crash loads it again before anything else. */
  private lastLoad: Extract<HostToWorker, { kind: 'load' }> | null = null;
  /** The workspace memory last sent (null: none): a thread started after a crash is given it again, after the load. */
  private lastMemory: string | null = null;
  /**
   * The other files last sent, oldest first: a thread started after a crash is given them again in the same order,
   * so its ring of files comes back as it was instead of only as documents are opened or saved again.
   */
  private readonly contextFiles = new Map<string, string>();
  private disposed = false;

  constructor(private readonly start: StartEngineThread, private readonly log: Log) {}

  private ensureWorker(): EngineThread {
    if (this.worker) return this.worker;
    const worker: EngineThread = this.start({
      // A thread that failed is done with: whatever it still says, or a second report of its end, is not news.
      message: (m) => this.worker === worker && this.onMessage(m),
      failed: (e) => {
        if (this.worker !== worker) return;
        this.worker = null;
        void worker.terminate();
        this.failAll(e);
      },
    });
    this.worker = worker;
    // After a crash the engine comes back with the model it had; requests queue behind the load.
    if (this.lastLoad && !this.disposed) {
      this.log('warn', `the engine restarted: loading ${this.lastLoad.modelDir} again`);
      worker.post({ ...this.lastLoad, requestId: this.nextId++ });
      if (this.lastMemory !== null) worker.post({ kind: 'memory', requestId: this.nextId++, text: this.lastMemory });
      for (const [path, text] of this.contextFiles) worker.post({ kind: 'contextFile', requestId: this.nextId++, path, text });
    }
    return worker;
  }

  private onMessage(m: unknown): void {
    if (!isWorkerToHost(m)) {
      this.log('warn', `ignored a malformed message from the engine worker: ${JSON.stringify(m).slice(0, 200)}`);
      return;
    }
    switch (m.kind) {
      case 'log':
        this.log(m.level, m.message);
        return;
      case 'loaded':
      case 'suggestion':
      case 'traced':
      case 'weighted':
      case 'cancelled':
      case 'error': {
        if (m.kind === 'error' && m.requestId === null) {
          this.log('error', m.message);
          return;
        }
        const id = m.requestId as number;
        const waiter = this.waiters.get(id);
        this.waiters.delete(id);
        if (this.waiters.size === 0) this.worker?.busy(false);
        waiter?.resolve(m);
        return;
      }
    }
  }

  private failAll(e: Error): void {
    this.log('error', e.message);
    for (const w of this.waiters.values()) w.reject(e);
    this.waiters.clear();
  }

  private request(m: HostToWorker): Promise<WorkerToHost> {
    // A disposed client starts no thread again.
    if (this.disposed) return Promise.reject(new Error('the engine was shut down'));
    const worker = this.ensureWorker();
    return new Promise((resolve, reject) => {
      this.waiters.set(m.requestId, { resolve, reject });
      worker.busy(true);
      worker.post(m);
    });
  }

  /** Loads a model folder; `files` carries its content to an engine that cannot read it (in a browser). */
  async load(modelDir: string, backend: BackendName, files?: ModelFiles): Promise<ModelInfo> {
    const requestId = this.nextId++;
    const message: HostToWorker = { kind: 'load', requestId, loadId: requestId, modelDir, backend, ...(files && { files }) };
    const reply = await this.request(message);
    if (reply.kind === 'loaded') {
      this.lastLoad = message;
      return reply.info;
    }
    throw new Error(reply.kind === 'error' ? reply.message : `unexpected reply ${reply.kind}`);
  }

  /**
   * Weights adapted to the document in hand for the load `loadId` (null: the loaded model's own again). Resolves
   * with whether they now serve, and why not.
   */
  async setWeights(loadId: number, weights: NamedArray[] | null): Promise<{ applied: boolean; reason?: string }> {
    const reply = await this.request({ kind: 'weights', requestId: this.nextId++, loadId, weights });
    if (reply.kind === 'weighted') return { applied: reply.applied, ...(reply.reason !== undefined && { reason: reply.reason }) };
    throw new Error(reply.kind === 'error' ? reply.message : `unexpected reply ${reply.kind}`);
  }

  /**
   * Sends a request that a signal may cancel. The caller stops waiting at once (the reply is `cancelled`); the
   * worker drops the request if it has not started it yet.
   */
  private async cancellable(m: Extract<HostToWorker, { kind: 'suggest' | 'trace' }>, signal?: AbortSignal): Promise<WorkerToHost> {
    const { requestId } = m;
    const onAbort = (): void => {
      this.worker?.post({ kind: 'cancel', requestId });
      const waiter = this.waiters.get(requestId);
      this.waiters.delete(requestId);
      if (this.waiters.size === 0) this.worker?.busy(false);
      waiter?.resolve({ kind: 'cancelled', requestId });
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await this.request(m);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** One of the user's other files for the copy prior (null text: forget it); no reply is awaited. */
  contextFile(path: string, text: string | null): void {
    this.ensureWorker().post({ kind: 'contextFile', requestId: this.nextId++, path, text });
    this.contextFiles.delete(path);
    if (text === null) return;
    this.contextFiles.set(path, text);
    let total = 0;
    for (const t of this.contextFiles.values()) total += t.length;
    for (const [oldest, t] of this.contextFiles) {
      if (total <= RESEND_CONTEXT_CHARS || this.contextFiles.size === 1) break;
      this.contextFiles.delete(oldest);
      total -= t.length;
    }
  }

  /** The workspace memory (null: the loaded model's own again), kept for a restarted thread; no reply is awaited. */
  memory(text: string | null): void {
    if (this.disposed) return;
    const worker = this.ensureWorker();
    this.lastMemory = text;
    worker.post({ kind: 'memory', requestId: this.nextId++, text });
  }

  /** The cursor rests at a new place: the worker reads its window in idle time; no reply is awaited. */
  land(params: LandRequest): void {
    this.ensureWorker().post({ kind: 'land', requestId: this.nextId++, ...params });
  }

  /** Resolves null when the request was cancelled (by the signal) or superseded by a newer one. */
  async suggest(params: SuggestParams, signal?: AbortSignal): Promise<SuggestAnswer | null> {
    if (signal?.aborted) return null;
    const reply = expect(await this.cancellable({ kind: 'suggest', requestId: this.nextId++, ...params }, signal), 'suggestion');
    return reply && { candidates: reply.candidates, engineMs: reply.engineMs, encoderSteps: reply.encoderSteps };
  }

  /** The encoder-state view for a window; null when cancelled (by the signal) or superseded by a newer trace. */
  async trace(params: TraceParams, signal?: AbortSignal): Promise<EncoderStateView | null> {
    if (signal?.aborted) return null;
    return expect(await this.cancellable({ kind: 'trace', requestId: this.nextId++, ...params }, signal), 'traced')?.view ?? null;
  }

  /** Starts the thread now, without a request: its start overlaps with work the first request waits for (reading a model). */
  warm(): void {
    this.ensureWorker();
  }

  get pendingRequests(): number {
    return this.waiters.size;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const worker = this.worker;
    this.worker = null;
    this.failAll(new Error('engine stopped'));
    await worker?.terminate();
  }
}

/** The reply of the expected kind, null for `cancelled`; an `error` reply or any other kind throws. */
function expect<K extends WorkerToHost['kind']>(reply: WorkerToHost, kind: K): Extract<WorkerToHost, { kind: K }> | null {
  if (reply.kind === kind) return reply as Extract<WorkerToHost, { kind: K }>;
  if (reply.kind === 'cancelled') return null;
  throw new Error(reply.kind === 'error' ? reply.message : `unexpected reply ${reply.kind}`);
}
