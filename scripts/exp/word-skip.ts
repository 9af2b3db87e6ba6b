// Experiment (issue 27): how many of the document's words the decoder scores could the word model never put over
// the show bar, whatever their score? An upper bound per word: each tree's largest leaf reachable when the two
// score features are free. Replays fit-project blocks with the shipped engine; counts the words it scored.
import { parseArgs } from 'node:util';
import { DEFAULT_SETTINGS } from '../../src/completion/settings';
import { CompletionEngine } from '../../src/model/inference/engine';
import type { ShowModel, ShowTree } from '../../src/model/inference/show';
import { WORD_FEATURE_NAMES } from '../../src/model/inference/words';
import { sampleBlocks } from '../../src/cli/replay/run';
import { replayBlock } from '../../src/cli/replay/simulate';
import { engineSuggester } from '../../src/cli/replay/suggesters';
import { readCorpus } from '../../src/node/corpus';
import { loadModelWithMemory } from '../../src/node/modelFiles';
import { initBackend } from '../../src/node/backend';

function maxLeaf(tree: ShowTree, x: readonly number[], free: ReadonlySet<number>, at = 0): number {
  const [f, t, l, r] = tree[at] as [number, number, number, number];
  if (f < 0) return t;
  if (free.has(f)) return Math.max(maxLeaf(tree, x, free, l), maxLeaf(tree, x, free, r));
  return maxLeaf(tree, x, free, (x[f] as number) <= t ? l : r);
}
const upperBound = (m: ShowModel, x: readonly number[], free: ReadonlySet<number>): number => 1 / (1 + Math.exp(-(m.base + m.trees.reduce((s, tree) => s + maxLeaf(tree, x, free), 0))));

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { corpus: { type: 'string', multiple: true }, blocks: { type: 'string' }, threshold: { type: 'string' } } });
  await initBackend('wasm');
  const { model } = await loadModelWithMemory('models/base');
  const wordModel = model.config.wordModel as ShowModel;
  const free = new Set([WORD_FEATURE_NAMES.indexOf('log p'), WORD_FEATURE_NAMES.indexOf("log p over best's")]);
  const inBeam = WORD_FEATURE_NAMES.indexOf('in the beam');
  const threshold = Number(values.threshold ?? 0.5);
  let requests = 0, withWords = 0, scored = 0, hopeless = 0, requestsAllHopeless = 0;
  for (const corpus of values.corpus ?? []) {
    const { files } = await readCorpus([corpus]);
    const engine = new CompletionEngine(model);
    const spy = new Proxy(engine, { get: (target, prop) => prop === 'suggest' ? (req: Parameters<CompletionEngine['suggest']>[0]) => {
      const r = target.suggest({ ...req, wordFeatures: true });
      requests++;
      const toScore = (r.words ?? []).filter((w) => w.features[inBeam] === 0);
      if (toScore.length > 0) withWords++;
      scored += toScore.length;
      const h = toScore.filter((w) => upperBound(wordModel, w.features, free) < threshold).length;
      hopeless += h;
      if (toScore.length > 0 && h === toScore.length) requestsAllHopeless++;
      return r;
    } : Reflect.get(target, prop) });
    for (const doc of sampleBlocks(files, { blocks: Number(values.blocks ?? 8), blockChars: 300, seed: 7 })) replayBlock(doc.block, engineSuggester(spy, doc, DEFAULT_SETTINGS, []));
    engine.dispose();
  }
  console.log(JSON.stringify({ requests, requestsWithWordsToScore: withWords, wordsScored: scored, hopeless, requestsAllHopeless }));
}
void main();
