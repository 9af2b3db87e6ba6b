import { join } from 'node:path';
import { EngineClient } from '../../src/completion/engineClient';
import { decodeRequest, DEFAULT_SETTINGS } from '../../src/completion/settings';
import { nodeEngineThread } from '../../src/host/engineThread';
import { loadModelDir } from '../../src/node/modelFiles';
import { initBackend } from '../../src/node/backend';
async function main() {
  await initBackend('cpu');
  const { model } = await loadModelDir('/work/main/models/base');
  const weights = [...model.weights].map(([name, v]) => ({ name, shape: [...v.shape], values: v.dataSync().slice() as Float32Array }));
  const engine = new EngineClient(nodeEngineThread('/work/main/dist/worker.js'), () => undefined);
  const info = await engine.load('/work/main/models/base', 'wasm');
  const req = { before: 'export function greet(name: string) {\n  return ', windowStart: 0, atFileStart: true, below: '', path: 'file:///a.ts', language: 'typescript', ...decodeRequest(DEFAULT_SETTINGS) };
  await engine.suggest(req);
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    await engine.setWeights(info.loadId, weights);
    const t1 = performance.now();
    const a = await engine.suggest(req);
    const t2 = performance.now();
    const b = await engine.suggest({ ...req, before: req.before + 'n' });
    const t3 = performance.now();
    console.log(JSON.stringify({ setWeightsMs: +(t1 - t0).toFixed(1), firstSuggestMs: +(t2 - t1).toFixed(1), engineMs: a?.engineMs.toFixed(1), nextMs: +(t3 - t2).toFixed(1) }));
  }
  await engine.dispose();
}
void main();
