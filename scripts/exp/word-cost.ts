// Experiment (issue 27): what the document's words cost a keystroke. The same typing traces (this repository's
// sources, at three depths) through the shipped engine and one on the model without its word model, interleaved key
// by key; the time inside the words (the scan, features and trees) and inside the decoder's scoring of them.
// Usage: node --import tsx scripts/exp/word-cost.ts [keys per depth, default 200] [all: every word read, as before
// the engine skipped those that could not reach the editor's threshold]
import { Decoder } from '../../src/model/inference/decode';
import { CompletionEngine } from '../../src/model/inference/engine';
import { Seq2SeqModel } from '../../src/model/graph/seq2seq';
import { initBackend } from '../../src/node/backend';
import { readCorpus } from '../../src/node/corpus';
import { loadModelWithMemory } from '../../src/node/modelFiles';
import { COPY_CONTEXT_CHARS, textBelow } from '../../src/shared/window';

async function main(): Promise<void> {
  await initBackend('wasm');
  const { model } = await loadModelWithMemory('models/base');
  const { files } = await readCorpus(['src']);
  const text = files.map((f) => f.text).join('\n');
  const { wordModel: _word, ...plain } = model.config;
  const engines = [new CompletionEngine(model), new CompletionEngine(new Seq2SeqModel(plain, model.vocab, model.weights))];
  const times: [number[], number[]] = [[], []];
  const spent = { words: 0, score: 0, steps: 0 };
  const proto = CompletionEngine.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
  const words = proto.documentWords as (...a: unknown[]) => unknown;
  proto.documentWords = function (this: unknown, ...a: unknown[]) {
    const t0 = performance.now();
    const r = words.apply(this, a);
    spent.words += performance.now() - t0;
    return r;
  };
  const score = Decoder.prototype.score;
  Decoder.prototype.score = function (this: Decoder, ...a: Parameters<typeof score>) {
    const t0 = performance.now();
    const r = score.apply(this, a);
    spent.score += performance.now() - t0;
    spent.steps += Math.max(...a[1].map((w) => w.length));
    return r;
  };
  const reps = Number(process.argv[2] ?? 200);
  for (const start of [COPY_CONTEXT_CHARS + 2000, 20_000, 120_000]) {
    for (let k = 0; k <= reps; k++) {
      const request = { prefix: text.slice(0, start + k), beamWidth: 3, maxChars: 32, below: textBelow(text.slice(start + k)), ...(process.argv[3] === 'all' ? {} : { showThreshold: 0.5 }) };
      engines.forEach((e, i) => {
        const t0 = performance.now();
        e.suggest(request);
        if (k > 0) times[i].push(performance.now() - t0);
      });
    }
  }
  const q = (a: number[], p: number): string => ([...a].sort((x, y) => x - y)[Math.floor((a.length - 1) * p)] as number).toFixed(2);
  const keys = times[0].length;
  console.log(`${keys} keys: with the word model p50 ${q(times[0], 0.5)} p95 ${q(times[0], 0.95)} | without p50 ${q(times[1], 0.5)} p95 ${q(times[1], 0.95)}`);
  console.log(`per key: in the words ${(spent.words / keys).toFixed(2)} ms, of which scoring ${(spent.score / keys).toFixed(2)} ms (${(spent.steps / keys).toFixed(1)} decoder steps)`);
  for (const e of engines) e.dispose();
}
void main();
