// The engine's thread in Node: a worker_threads Worker running dist/worker.js (src/worker/engineWorker.ts).
import { Worker } from 'node:worker_threads';
import type { StartEngineThread } from '../completion/engineClient';

export const nodeEngineThread =
  (workerPath: string): StartEngineThread =>
  (events) => {
    const worker = new Worker(workerPath);
    worker.on('message', (m: unknown) => events.message(m));
    worker.on('error', (e) => events.failed(new Error(`engine worker crashed: ${e.message}`)));
    // Any end is reported (a client that stopped the thread itself has already let it go).
    worker.on('exit', (code) => events.failed(new Error(code === 0 ? 'engine worker exited' : `engine worker exited with code ${code}`)));
    // An idle worker must not keep the process alive; one with requests in flight must.
    worker.unref();
    return {
      post: (m) => worker.postMessage(m),
      busy: (busy) => (busy ? worker.ref() : worker.unref()),
      terminate: async () => void (await worker.terminate()),
    };
  };
