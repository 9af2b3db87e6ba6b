// Experiment (issue 29): is adapting the weights to the document being edited (its text above and below the
// block) worth it in the typing replay? Base model, no workspace memory; per block K steps of the fine-tune recipe
// on the document alone, then the block replayed, then the weights restored.
import { parseArgs } from 'node:util';
import { FINE_TUNE_TRAIN_CONFIG } from '../../src/model/graph/config';
import { Rng } from '../../src/model/graph/rng';
import { tf } from '../../src/model/graph/tf';
import { CompletionEngine } from '../../src/model/inference/engine';
import { WindowSampler } from '../../src/model/training/dataset';
import { Seq2SeqLearner } from '../../src/model/training/learner';
import { initBackend } from '../../src/node/backend';
import { readCorpus } from '../../src/node/corpus';
import { loadModelWithMemory } from '../../src/node/modelFiles';
import { DEFAULT_SETTINGS } from '../../src/completion/settings';
import { figuresOf, sampleBlocks } from '../../src/cli/replay/run';
import { addCounts, emptyCount, replayBlock } from '../../src/cli/replay/simulate';
import { engineSuggester } from '../../src/cli/replay/suggesters';
import { FINE_TUNE_MAX_CORPUS_CHARS, FINE_TUNE_MAX_FILE_BYTES } from '../../src/workspace/filePolicy';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { corpus: { type: 'string', multiple: true }, steps: { type: 'string' }, lr: { type: 'string' }, blocks: { type: 'string' }, batch: { type: 'string' } } });
  const K = Number(values.steps ?? 10);
  await initBackend('wasm');
  const { model } = await loadModelWithMemory('models/base');
  const config = { ...FINE_TUNE_TRAIN_CONFIG, learningRate: Number(values.lr ?? 1e-3), batchSize: Number(values.batch ?? 16) };
  const snap = new Map([...model.weights].map(([n, v]) => [n, v.dataSync().slice() as Float32Array]));
  const restore = (): void => { for (const [n, a] of snap) { const v = model.weights.get(n)!; tf.tidy(() => v.assign(tf.tensor(a, v.shape))); } };
  const settings = DEFAULT_SETTINGS;
  let totBase = emptyCount(); let totAd = emptyCount();
  for (const corpus of values.corpus ?? []) {
    const { files } = await readCorpus([corpus], { maxFileBytes: FINE_TUNE_MAX_FILE_BYTES, maxTotalChars: FINE_TUNE_MAX_CORPUS_CHARS });
    const blocks = sampleBlocks(files, { blocks: Number(values.blocks ?? 20), blockChars: 300, seed: 7 });
    let base = emptyCount(); let ad = emptyCount(); let secs = 0;
    for (const doc of blocks) {
      const e0 = new CompletionEngine(model);
      base = addCounts(base, replayBlock(doc.block, engineSuggester(e0, doc, settings, [])));
      e0.dispose();
      const t0 = Date.now();
      const family = files.find((f) => f.path === doc.path)!.family;
      const sampler = new WindowSampler([{ path: doc.path, text: doc.above + doc.below, family }], model.vocab, model.config);
      if (!sampler.isEmpty && K > 0) {
        const learner = new Seq2SeqLearner(model, config);
        for (let s = 0; s < K; s++) learner.trainStep(sampler.sample(Rng.derive(11, s), config.batchSize));
        learner.dispose();
      }
      secs += (Date.now() - t0) / 1000;
      const e1 = new CompletionEngine(model);
      ad = addCounts(ad, replayBlock(doc.block, engineSuggester(e1, doc, settings, [])));
      e1.dispose();
      restore();
    }
    const fb = figuresOf(base), fa = figuresOf(ad);
    console.log(JSON.stringify({ corpus, blocks: blocks.length, adaptSecondsPerBlock: +(secs / blocks.length).toFixed(1), base: [fb.keystrokeSavings, fb.wrongPer100], adapted: [fa.keystrokeSavings, fa.wrongPer100] }));
    totBase = addCounts(totBase, base); totAd = addCounts(totAd, ad);
  }
  const fb = figuresOf(totBase), fa = figuresOf(totAd);
  console.log(JSON.stringify({ all: true, K, config: { lr: config.learningRate, batch: config.batchSize }, base: [fb.keystrokeSavings, fb.wrongPer100], adapted: [fa.keystrokeSavings, fa.wrongPer100] }));
}
void main();
