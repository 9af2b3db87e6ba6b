// The backends TensorFlow.js brings in JavaScript, the same in Node and in a browser: wasm (with our kernel fixes)
// where it is wanted and starts, else cpu. Where the wasm binary comes from is the caller's (a folder in Node, bytes
// from the host in a browser: src/node/backend.ts, src/browser/backend.ts).
import * as tfCore from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { tf, useTf } from './tf';
import { installWasmKernelFixes } from './wasmKernels';

/**
 * Starts wasm when `tryWasm` (after `configureWasm`, which says where its binary is and may throw), else cpu. Why
 * wasm was passed over goes to `notes`; with `wasmOnly` that is an error instead.
 */
export async function startWasmOrCpu(o: { tryWasm: boolean; wasmOnly: boolean; configureWasm: () => void; notes: string[] }): Promise<'wasm' | 'cpu'> {
  useTf(tfCore);
  // Production mode skips per-op debug checks and the console banner that asks for tfjs-node.
  tf.enableProdMode();
  if (o.tryWasm) {
    try {
      o.configureWasm();
      if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend failed to initialise');
      await tf.ready();
      installWasmKernelFixes();
      return 'wasm';
    } catch (e) {
      const why = `wasm unavailable: ${(e as Error).message}`;
      if (o.wasmOnly) throw new Error(why);
      o.notes.push(why);
    }
  }
  // Referencing the class keeps the cpu package (and its kernel registrations) in the bundle.
  if (!tf.findBackendFactory('cpu')) tf.registerBackend('cpu', () => new MathBackendCPU(), 1);
  await tf.setBackend('cpu');
  await tf.ready();
  return 'cpu';
}
