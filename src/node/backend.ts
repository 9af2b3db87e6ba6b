// Picks the TensorFlow.js backend at run time: the native tfjs-node where it loads, else wasm, else cpu.
// A preference forces one; the choice and the reason are returned so callers can log them.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { startWasmOrCpu } from '../model/graph/portableBackend';
import { Tf, useTf } from '../model/graph/tf';
import { BACKEND_NAMES, BackendName } from '../shared/engineProtocol';

export type BackendPreference = BackendName;
export const BACKEND_PREFERENCES: readonly BackendPreference[] = BACKEND_NAMES;

export interface BackendChoice {
  name: 'tensorflow' | 'wasm' | 'cpu';
  /** Why this one: which faster ones were tried and what they said. */
  notes: string[];
}

const WASM_FILE = 'tfjs-backend-wasm-simd.wasm';

/** The folder holding the wasm binaries: beside the bundle in dist/, or in the npm package in development. */
export function findWasmDir(explicit?: string): string | null {
  const candidates = [explicit, __dirname, join(__dirname, '..', '..', 'dist')];
  try {
    candidates.push(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist'));
  } catch {
    // not resolvable inside a bundle without node_modules: the bundle's own folder is the answer there
  }
  for (const dir of candidates) if (dir && existsSync(join(dir, WASM_FILE))) return dir;
  return null;
}

function loadTfjsNode(): Tf {
  // Resolved at run time from node_modules; esbuild leaves it external. Its install needs a download that
  // some machines cannot make, so it is optional and its absence is normal.
  return require('@tensorflow/tfjs-node') as Tf;
}

let current: BackendChoice | null = null;

export async function initBackend(preference: BackendPreference = 'auto', wasmDir?: string): Promise<BackendChoice> {
  if (current && (preference === 'auto' || preference === current.name)) return current;
  const notes: string[] = [];
  if (preference === 'auto' || preference === 'tensorflow') {
    try {
      const tfnode = loadTfjsNode();
      await tfnode.setBackend('tensorflow');
      await tfnode.ready();
      useTf(tfnode);
      return (current = { name: 'tensorflow', notes });
    } catch (e) {
      const why = `tfjs-node unavailable: ${(e as Error).message.split('\n')[0]}`;
      if (preference === 'tensorflow') throw new Error(why);
      notes.push(why);
    }
  }
  const name = await startWasmOrCpu({
    tryWasm: preference === 'auto' || preference === 'wasm',
    wasmOnly: preference === 'wasm',
    configureWasm: () => {
      const dir = findWasmDir(wasmDir);
      if (!dir) throw new Error(`${WASM_FILE} not found`);
      setWasmPaths(dir.endsWith('/') ? dir : `${dir}/`);
    },
    notes,
  });
  return (current = { name, notes });
}
