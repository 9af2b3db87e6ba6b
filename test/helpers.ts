// Shared fixtures for unit tests: the backend under test and tiny model sizes that train in seconds.
import type { ModelConfig } from '../src/model/graph/config';
import { join } from 'node:path';
import { BackendPreference, initBackend } from '../src/node/backend';

/** The repository's root, for dist/ and test/fixtures/ from test files at any depth. */
export const REPO = join(__dirname, '..');

/** Tests run on wasm unless SEQ2SEQ_TEST_BACKEND says otherwise (cpu is the fallback path). */
export async function useTestBackend(): Promise<string> {
  const pref = (process.env.SEQ2SEQ_TEST_BACKEND ?? 'wasm') as BackendPreference;
  return (await initBackend(pref)).name;
}

export const TINY: ModelConfig = {
  hiddenSize: 24,
  layers: 1,
  peephole: false,
  maxContextChars: 24,
  minContextChars: 12,
  targetChars: 12,
  decoderPrime: 4,
};

export const SAMPLE_TS = `export function add(a: number, b: number): number {
  return a + b;
}

export function subtract(a: number, b: number): number {
  return a - b;
}
`;
