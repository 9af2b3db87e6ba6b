// The engine in a browser: a Web Worker started by the web extension host (src/browser/engineThread.ts), or the
// host's own thread where it allows no worker. What it answers is src/worker/engineService.ts, as in Node; here the
// model comes as the bytes the host read (a browser engine cannot read the extension's folder).
import { modelFromArtifacts } from '../model/graph/serialize';
import { serveEngine } from '../worker/engineService';
import { IN_HOST_ENGINE_PORT, WorkerToHost } from '../shared/engineProtocol';
import { initBrowserBackend } from './backend';

/** The two ends a browser engine talks through: a Web Worker's global scope, or the host's in-thread stand-in. */
export interface BrowserEnginePort {
  postMessage(m: WorkerToHost): void;
  onmessage: ((e: { data: unknown }) => void) | null;
}

/** A macrotask sooner than setTimeout's clamped 4 ms: one hop through a MessageChannel. */
function laterFn(): (fn: () => void) => void {
  const channel = new MessageChannel();
  const queue: (() => void)[] = [];
  // Typed by @types/node here, where MessagePort has no onmessage; in a browser, setting it also starts the port.
  (channel.port1 as unknown as { onmessage: () => void }).onmessage = () => queue.shift()?.();
  return (fn) => {
    queue.push(fn);
    channel.port2.postMessage(null);
  };
}

export function serveBrowserEngine(port: BrowserEnginePort): void {
  const handle = serveEngine({
    post: (m) => port.postMessage(m),
    later: laterFn(),
    async load(m) {
      if (!m.files) throw new Error('a browser engine needs the model files with the load request');
      const backend = await initBrowserBackend(m.backend, m.files.wasm);
      return { ...modelFromArtifacts(m.files), memory: null, backend };
    },
  });
  port.onmessage = (e) => handle(e.data);
  // The host holds its requests until this first message: proof that the bundle runs here.
  port.postMessage({ kind: 'log', level: 'trace', message: 'engine thread started' });
}

const scope = globalThis as unknown as Record<string, unknown>;
serveBrowserEngine((scope[IN_HOST_ENGINE_PORT] as BrowserEnginePort | undefined) ?? (globalThis as unknown as BrowserEnginePort));
