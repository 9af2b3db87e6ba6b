// The engine's thread in a browser extension host: a Web Worker made from the engine bundle's text (a web extension
// host cannot point a worker at the extension's own files, and some hosts proxy nested workers through their page).
// Where the host allows no worker, or it fails before it says it is ready, the same bundle runs on the host's own
// thread: slower to answer while the host is busy, but the same engine and the same answers.
import type { EngineThread, StartEngineThread } from '../completion/engineClient';
import { HostToWorker, IN_HOST_ENGINE_PORT } from '../shared/engineProtocol';

/** Where the engine runs: its own Web Worker, or the extension host's thread. */
export type EngineThreadKind = 'worker' | 'host';

/** How long a new worker may take to say it is ready before the engine runs on the host's thread instead. */
const READY_TIMEOUT_MS = 15_000;

interface WebWorker {
  postMessage(m: unknown): void;
  terminate(): void;
  onmessage: ((e: { data: unknown }) => void) | null;
  onerror: ((e: { message?: string; preventDefault?(): void }) => void) | null;
}
type WorkerConstructor = new (url: string, options?: { name?: string }) => WebWorker;

export interface BrowserThreadOptions {
  /** The engine bundle's text (dist/browser/engineWorker.js). */
  script: () => Promise<string>;
  /** Asks for the host's thread from the start (the seq2seq.browserEngineThread setting). */
  prefer: EngineThreadKind;
  log: (level: 'info' | 'warn', message: string) => void;
  /** Told where the engine ended up. */
  started?: (kind: EngineThreadKind) => void;
}

/** The first message of a started engine: the bundle's own ready signal (any message proves it runs). */
const isReadySignal = (m: unknown): boolean => typeof m === 'object' && m !== null;

export function browserEngineThread(options: BrowserThreadOptions): StartEngineThread {
  return (events) => {
    /** What the host sent before the engine was ready, in order: sent again wherever it ends up. */
    let queue: HostToWorker[] | null = [];
    let send: ((m: HostToWorker) => void) | null = null;
    let stop: () => void = () => undefined;
    let stopped = false;

    const flush = (to: (m: HostToWorker) => void): void => {
      const pending = queue ?? [];
      queue = null;
      send = to;
      for (const m of pending) to(m);
    };

    const runInHost = (text: string, why: string): void => {
      if (stopped) return;
      options.log('warn', `the engine runs on the extension host's thread: ${why}`);
      const port: { postMessage(m: unknown): void; onmessage: ((e: { data: unknown }) => void) | null } = {
        // Replies go out as tasks, as a worker's would: never inside the host's own call.
        postMessage: (m) => void setTimeout(() => events.message(m), 0),
        onmessage: null,
      };
      const scope = globalThis as unknown as Record<string, unknown>;
      try {
        scope[IN_HOST_ENGINE_PORT] = port;
        // The bundle is an iife: evaluated here, it serves on the port above (the host's CSP allows eval).
        new Function(text)();
      } catch (e) {
        events.failed(new Error(`the engine could not start: ${(e as Error).message}`));
        return;
      } finally {
        delete scope[IN_HOST_ENGINE_PORT];
      }
      options.started?.('host');
      // Delivered as a microtask: after the host's current call, and before the engine's deferred work (a
      // MessageChannel hop), so a cancel or a newer request posted meanwhile reaches it first, as in a worker.
      flush((m) => queueMicrotask(() => port.onmessage?.({ data: m })));
    };

    const runInWorker = (text: string): void => {
      if (stopped) return;
      const Ctor = (globalThis as unknown as { Worker?: WorkerConstructor }).Worker;
      if (!Ctor) return runInHost(text, 'this host has no Worker');
      let worker: WebWorker;
      const url = URL.createObjectURL(new Blob([text], { type: 'text/javascript' }));
      try {
        worker = new Ctor(url, { name: 'seq2seq-engine' });
      } catch (e) {
        URL.revokeObjectURL(url);
        return runInHost(text, `a worker could not start (${(e as Error).message})`);
      }
      const timer = setTimeout(() => fallBack(`the worker did not start within ${READY_TIMEOUT_MS / 1000} s`), READY_TIMEOUT_MS);
      const fallBack = (why: string): void => {
        clearTimeout(timer);
        worker.terminate();
        URL.revokeObjectURL(url);
        runInHost(text, why);
      };
      stop = () => {
        clearTimeout(timer);
        worker.terminate();
        URL.revokeObjectURL(url);
      };
      worker.onerror = (e) => {
        e.preventDefault?.();
        if (queue !== null) return fallBack(`the worker failed to start (${e.message ?? 'no message'})`);
        // An uncaught error does not end a Web Worker: this one is ended, and the client starts another.
        stop();
        events.failed(new Error(`engine worker crashed: ${e.message ?? 'no message'}`));
      };
      worker.onmessage = (e) => {
        if (queue !== null && isReadySignal(e.data)) {
          clearTimeout(timer);
          // The script is loaded: its URL is no longer needed.
          URL.revokeObjectURL(url);
          options.started?.('worker');
          flush((m) => worker.postMessage(m));
        }
        events.message(e.data);
      };
    };

    options.script().then(
      (text) => (options.prefer === 'host' ? runInHost(text, 'seq2seq.browserEngineThread asks for it') : runInWorker(text)),
      (e: Error) => events.failed(new Error(`the engine bundle could not be read: ${e.message}`)),
    );

    const thread: EngineThread = {
      post: (m) => (send ? send(m) : queue?.push(m)),
      // A browser never waits for an idle worker to exit.
      busy: () => undefined,
      terminate: async () => {
        stopped = true;
        stop();
      },
    };
    return thread;
  };
}
