#!/usr/bin/env node
// The base model's held-out figures as the docs report them: `eval` once per seed on the held-out projects, the
// per-language figures pooled over seeds (bits/char weighted by target characters, exact match by cursors).
// Usage: node scripts/eval-seeds.mjs MODEL_DIR [--seeds 7,8,9] [--samples 1000] [--jobs N] [--out FILE.json]
// Each seed is its own process (eval runs on one core): --jobs of them at once, by default one per core.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseArgs, promisify } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    seeds: { type: 'string', default: '7,8,9' },
    samples: { type: 'string', default: '1000' },
    jobs: { type: 'string', default: String(availableParallelism()) },
    out: { type: 'string' },
    cli: { type: 'string', default: 'dist/cli.js' },
  },
});
const model = positionals[0];
if (!model) throw new Error('usage: eval-seeds.mjs MODEL_DIR [--seeds 7,8,9] [--samples 1000] [--jobs N] [--out FILE.json]');
const jobs = Math.max(1, Number.parseInt(values.jobs, 10) || 1);
const run = promisify(execFile);

const seeds = values.seeds.split(',');
const runs = new Array(seeds.length);
let next = 0;
const evalSeed = async (i) => {
  const args = [values.cli, 'eval', '--model', model, '--corpus', '.cache/corpus/heldout', '--samples', values.samples, '--batches', '8', '--seed', seeds[i], '--below', '--files', '3'];
  process.stderr.write(`node ${args.join(' ')}\n`);
  const { stdout } = await run('node', args, { maxBuffer: 64 << 20 });
  runs[i] = JSON.parse(stdout);
};
await Promise.all(Array.from({ length: Math.min(jobs, seeds.length) }, async () => {
  while (next < seeds.length) await evalSeed(next++);
}));

const FIGURES = { bitsPerChar: 'targetChars', lstmExactMatch: 'cursors', exactMatch: 'cursors', exactMatchAfterJump: 'cursors' };
const pool = (rows) =>
  Object.fromEntries(
    Object.entries(FIGURES).map(([figure, weight]) => {
      const kept = rows.filter((r) => typeof r[figure] === 'number');
      const w = kept.reduce((n, r) => n + r[weight], 0);
      return [figure, w === 0 ? null : kept.reduce((s, r) => s + r[figure] * r[weight], 0) / w];
    }),
  );
const languages = [...new Set(runs.flatMap((r) => Object.keys(r.byLanguage)))];
const byLanguage = Object.fromEntries(languages.map((l) => [l, { ...pool(runs.map((r) => r.byLanguage[l]).filter(Boolean)), cursors: runs.reduce((n, r) => n + (r.byLanguage[l]?.cursors ?? 0), 0) }]));
const all = pool(languages.flatMap((l) => runs.map((r) => r.byLanguage[l]).filter(Boolean)));
const result = { model: runs[0].model, step: runs[0].step, seeds: values.seeds, ...all, byLanguage, cursors: Object.values(byLanguage).reduce((n, f) => n + f.cursors, 0) };

const pct = (x) => (x === null ? 'n/a' : `${(100 * x).toFixed(1)} %`);
console.log(`${result.model} step ${result.step}, seeds ${result.seeds}, ${result.cursors} cursors`);
console.log(`  all: ${all.bitsPerChar.toFixed(3)} bits/char, LSTM alone ${pct(all.lstmExactMatch)}, as shipped ${pct(all.exactMatch)}, after a jump ${pct(all.exactMatchAfterJump)}`);
for (const [l, f] of Object.entries(byLanguage)) console.log(`  ${l}: ${f.bitsPerChar.toFixed(3)} bits/char, LSTM alone ${pct(f.lstmExactMatch)}, as shipped ${pct(f.exactMatch)} (${f.cursors} cursors)`);
if (values.out) writeFileSync(values.out, `${JSON.stringify({ ...result, runs }, null, 2)}\n`);
