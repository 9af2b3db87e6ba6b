// The engine worker in Node: owns TensorFlow.js and the model so the extension host's main thread never runs a
// model step. What it answers is src/worker/engineService.ts; this file is the Node side of it.
import { parentPort } from 'node:worker_threads';
import { BackendPreference, initBackend } from '../node/backend';
import { loadModelWithMemory } from '../node/modelFiles';
import { serveEngine } from './engineService';

const port = parentPort;
if (!port) throw new Error('engineWorker must run in a worker thread');

const handle = serveEngine({
  post: (m) => port.postMessage(m),
  later: (fn) => setImmediate(fn),
  async load(m) {
    const backend = await initBackend(m.backend as BackendPreference);
    // The model and its memory from one version of the folder, even while a fine-tune saves a new one.
    return { ...(await loadModelWithMemory(m.modelDir)), backend };
  },
});
port.on('message', handle);
