// The TensorFlow.js backend in a browser: wasm (SIMD, one thread: multithreaded wasm needs cross-origin isolation,
// which a web extension host does not have), else cpu. The wasm binary comes as bytes from the host (a Web Worker
// of an extension host cannot fetch the extension's own files), so no request ever leaves the engine's thread.
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { startWasmOrCpu } from '../model/graph/portableBackend';
import { tf } from '../model/graph/tf';
import type { BackendName } from '../shared/engineProtocol';

export interface BrowserBackend {
  name: 'wasm' | 'cpu';
  notes: string[];
}

/** Where the wasm backend asks for its binary: answered from memory by the platform fetch below, never the network. */
const WASM_PREFIX = 'seq2seq-local/';
const SIMD_FILE = 'tfjs-backend-wasm-simd.wasm';

let current: BrowserBackend | null = null;

export async function initBrowserBackend(preference: BackendName, wasm: ArrayBuffer | null): Promise<BrowserBackend> {
  if (current && (preference === 'auto' || preference === current.name)) return current;
  const notes: string[] = [];
  if (preference === 'tensorflow') notes.push('tfjs-node does not run in a browser');
  const name = await startWasmOrCpu({
    tryWasm: preference !== 'cpu',
    wasmOnly: preference === 'wasm',
    configureWasm: () => {
      if (!wasm) throw new Error(`${SIMD_FILE} was not found in the extension`);
      // The backend fetches through the platform when asked to (setWasmPaths' second argument): this answers its
      // one request from the bytes the host sent and refuses every other. (No SIMD: it asks for another file, is
      // refused, and cpu runs.)
      tf.env().platform.fetch = async (path: string) => {
        if (path === WASM_PREFIX + SIMD_FILE) return new Response(wasm, { headers: { 'Content-Type': 'application/wasm' } });
        throw new Error(`the engine makes no network request (asked for ${path})`);
      };
      setWasmPaths(WASM_PREFIX, true);
    },
    notes,
  });
  return (current = { name, notes });
}
