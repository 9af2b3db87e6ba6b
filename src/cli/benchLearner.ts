// bench's row for the background learner: what a keystroke costs while the workspace is being learnt. The learner
// is the extension's own (the train worker in a background run: one thread below the editor's priority); the
// typing trace alternates, in segments, between the learner training and the learner paused (what the extension
// does while the user types), so both halves see the same machine; a segment starts a second after the switch,
// once the step under way has ended.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SETTINGS } from '../completion/settings';
import { FineTuneRun } from '../host/trainThread';
import type { Seq2SeqModel } from '../model/graph/seq2seq';
import { CompletionEngine } from '../model/inference/engine';
import type { SourceFile } from '../model/training/dataset';
import type { BackendName } from '../shared/engineProtocol';
import { LEARN_SEED } from '../shared/learning';
import { textBelow } from '../shared/window';
import { percentile } from './percentile';

const now = (): number => performance.now();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));


export async function learnerRow(model: Seq2SeqModel, modelDir: string, files: SourceFile[], text: string, at: number, keys: number, backend: BackendName): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), 'seq2seq-bench-learn-'));
  let steps = 0;
  const run = new FineTuneRun(
    join(__dirname, 'trainWorker.js'),
    files.map((f) => ({ path: f.path, text: f.text, family: f.family })),
    { baseModelDir: modelDir, outDir: join(out, 'model'), outName: 'bench', minutes: null, maxSteps: 1_000_000, backend, seed: LEARN_SEED, workers: 1, background: true },
    { onProgress: (p) => (steps = p.step), log: () => undefined },
  );
  const engine = new CompletionEngine(model);
  const times: [number[], number[]] = [[], []];
  try {
    // Training has begun before the first timed key.
    for (const t0 = Date.now(); steps === 0 && Date.now() - t0 < 60_000; ) await sleep(50);
    const segment = 20;
    let k = 0;
    for (let round = 0; k < keys; round++) {
      const training = round % 2 === 0;
      if (training) run.resume();
      else run.pause();
      await sleep(1000);
      for (let i = 0; i < segment && k < keys; i++, k++) {
        const t0 = now();
        engine.suggest({ prefix: text.slice(0, at + k), beamWidth: 3, maxChars: 32, below: textBelow(text.slice(at + k)), showThreshold: DEFAULT_SETTINGS.confidenceThreshold });
        (times[training ? 0 : 1] as number[]).push(now() - t0);
        engine.prepareIdle();
      }
    }
  } finally {
    engine.dispose();
    run.cancel();
    await run.done.catch(() => undefined);
    rmSync(out, { recursive: true, force: true });
  }
  const row = (t: number[]): string => `p50 ${percentile(t, 50).toFixed(1)} p95 ${percentile(t, 95).toFixed(1)}`;
  return `  beam 3, typing trace in segments of 20 keys: the background learner training ${row(times[0])} | paused (as while the user types) ${row(times[1])}; ${steps} learning steps meanwhile`;
}
