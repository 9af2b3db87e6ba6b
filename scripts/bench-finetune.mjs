#!/usr/bin/env node
// Fine-tune benchmark through the CLI: splits a real project's files into train and held-out parts (by file),
// fine-tunes the base model on the train part (`train --from`, one run, the best model so far kept at every minute),
// and evaluates each minute's model on the held-out part beside a PPM-style 8-gram trained on the train part
// (`eval --baseline-corpus`). Exact match is that of the suggestions as shipped (LSTM with the copy prior over the
// document and, once fine-tuned, the model's workspace memory), with the LSTM alone and copying alone beside it.
// usage: node scripts/bench-finetune.mjs --project DIR [--model models/base] [--minutes 5] [--samples 300] [--lr X] [--workers N]
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { project: { type: 'string' }, model: { type: 'string', default: 'models/base' }, minutes: { type: 'string', default: '5' }, samples: { type: 'string', default: '300' }, lr: { type: 'string' }, workers: { type: 'string' }, keep: { type: 'boolean' } } });
if (!values.project) throw new Error('--project DIR is required');
const cli = join(import.meta.dirname, '..', 'dist', 'cli.js');
const work = mkdtempSync(join(tmpdir(), 'seq2seq-ftbench-'));
const hash = (s) => { let h = 0x811c9dc5; for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193); return (h >>> 0) / 2 ** 32; };

// Split by file: a third of the files (by a hash of the path) are held out.
const files = [];
const walk = (d) => { for (const e of readdirSync(d)) { const p = join(d, e); statSync(p).isDirectory() ? walk(p) : files.push(p); } };
walk(values.project);
for (const f of files) {
  const rel = relative(values.project, f);
  const dest = join(work, hash(rel) < 1 / 3 ? 'heldout' : 'train', rel);
  mkdirSync(join(dest, '..'), { recursive: true });
  cpSync(f, dest);
}
const run = (args) => execFileSync('node', [cli, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
const evaluate = (model) => JSON.parse(run(['eval', '--model', model, '--corpus', join(work, 'heldout'), '--baseline-corpus', join(work, 'train'), '--samples', values.samples, '--batches', '8']));
const row = (label, e) => `${label.padEnd(22)} bpc ${e.bitsPerChar.toFixed(3)} (n-gram ${e.baseline.bitsPerChar.toFixed(3)}, ratio ${(e.bitsPerChar / e.baseline.bitsPerChar).toFixed(2)})  exact match ${(100 * e.exactMatch).toFixed(1)} % (n-gram ${(100 * e.baseline.exactMatch).toFixed(1)} %, ratio ${(e.exactMatch / e.baseline.exactMatch).toFixed(2)}; LSTM alone ${(100 * e.lstmExactMatch).toFixed(1)} %, copying alone ${(100 * e.copyOnlyExactMatch).toFixed(1)} %, memory ${e.memoryChars} chars)`;

console.log(`$ node scripts/bench-finetune.mjs ${process.argv.slice(2).join(' ')}`);
console.log(`project ${values.project}: ${files.length} files split into ${work}/{train,heldout}`);
console.log(row('base model', evaluate(values.model)));
const out = join(work, 'model');
const snapshots = join(work, 'snapshots');
// One uninterrupted fine-tune with the extension's settings (FINE_TUNE_TRAIN_CONFIG, the defaults of --from);
// the best model so far is copied at every minute, and each copy is evaluated afterwards.
const lines = run(['train', '--corpus', join(work, 'train'), '--out', out, '--from', values.model, '--minutes', values.minutes,
  '--snapshot-dir', snapshots, '--snapshot-minutes', '1', '--json', ...(values.lr ? ['--lr', values.lr] : []), ...(values.workers ? ['--workers', values.workers] : [])])
  .trim().split('\n').map((l) => JSON.parse(l));
const done = lines.find((l) => l.event === 'done');
for (const s of lines.filter((l) => l.event === 'snapshot')) {
  console.log(row(`after ${s.minutes} min (step ${s.step})`, evaluate(s.dir)));
}
const peak = done?.peakRssMB ?? 0;
console.log(`training: ${done?.step} steps in ${values.minutes} min on ${values.workers ?? 'the default number of'} thread(s), stopped by ${done?.stopReason}`);
console.log(`peak RSS of the training process: ${peak} MB`);
if (!values.keep) rmSync(work, { recursive: true, force: true });
