// How many steps the background learner takes in N minutes of idle time on one core: the extension's own path
// (the train worker in a background run, never paused), on one project's files. Sets seq2seq.learn.steps' default
// (src/shared/learning.ts). Usage: node --import tsx scripts/learn-rate.ts --project DIR [--minutes 5] [--model DIR]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FineTuneRun } from '../src/host/trainThread';
import { readCorpus } from '../src/node/corpus';
import { LEARN_SEED } from '../src/shared/learning';
import { FINE_TUNE_MAX_CORPUS_CHARS, FINE_TUNE_MAX_FILE_BYTES } from '../src/workspace/filePolicy';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { project: { type: 'string' }, minutes: { type: 'string' }, model: { type: 'string' } } });
  if (!values.project) throw new Error('--project DIR is required');
  const minutes = Number(values.minutes ?? 5);
  const { files } = await readCorpus([values.project], { maxFileBytes: FINE_TUNE_MAX_FILE_BYTES, maxTotalChars: FINE_TUNE_MAX_CORPUS_CHARS });
  const out = mkdtempSync(join(tmpdir(), 'seq2seq-learn-rate-'));
  let step = 0;
  let firstStepAt: number | null = null;
  const t0 = Date.now();
  const run = new FineTuneRun(
    join(process.cwd(), 'dist', 'trainWorker.js'),
    files,
    { baseModelDir: values.model ?? 'models/base', outDir: join(out, 'model'), outName: 'rate', minutes: null, maxSteps: 1_000_000, backend: 'wasm', seed: LEARN_SEED, workers: 1, background: true },
    {
      onProgress: (p) => {
        step = p.step;
        firstStepAt ??= Date.now();
      },
      log: () => undefined,
    },
  );
  await new Promise((r) => setTimeout(r, minutes * 60_000));
  run.cancel();
  const result = await run.done;
  rmSync(out, { recursive: true, force: true });
  const seconds = (Date.now() - t0) / 1000;
  console.log(JSON.stringify({ project: values.project, files: files.length, minutes, steps: step, result: result.outcome, stopReason: result.steps, secondsPerStep: Number((seconds / Math.max(1, step)).toFixed(3)), startupSeconds: firstStepAt === null ? null : (firstStepAt - t0) / 1000 }));
}

void main();
