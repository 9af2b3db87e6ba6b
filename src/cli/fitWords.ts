// `fit-words`: fits the word model (src/model/inference/words.ts) on typing replays of the fit projects, and writes
// it into the model folder's config. Along the replay of the engine as it ships without a word model, every request
// where the document holds a word that extends the name being typed gives an example, labelled by whether the text
// goes on with that word. The curve it prints (keystroke savings and wrong suggestions at each threshold, without
// and with the word model) is measured on other blocks of the same projects. Fit on projects the reported figures
// leave out (scripts/corpus.mjs, role 'fit'), after `fit-show`: the word model reads the show model's confidence.
import { basename } from 'node:path';
import { DEFAULT_SETTINGS, Settings } from '../completion/settings';
import type { Example } from '../model/evaluation/logistic';
import { DEFAULT_TREE_OPTIONS, fitShowModel } from '../model/evaluation/showFit';
import { Seq2SeqModel } from '../model/graph/seq2seq';
import { CompletionEngine } from '../model/inference/engine';
import { WORD_FEATURE_NAMES, WORD_FEATURES } from '../model/inference/words';
import type { SourceFile } from '../model/training/dataset';
import { initBackend } from '../node/backend';
import { readCorpus } from '../node/corpus';
import { loadModelDir, withModelWriter } from '../node/modelFiles';
import { backendOption, countOption, numberOption, parse, requireString } from './options';
import { stdoutLines } from './output';
import { DEFAULT_REPLAY, sampleBlocks } from './replay/run';
import { addCounts, emptyCount, replayBlock, ReplayCount } from './replay/simulate';
import { engineSuggester, WordRecord } from './replay/suggesters';

/** Thresholds the curve reports, without and with the word model. */
const CURVE = [0.45, 0.5, 0.55];

export async function runFitWords(args: string[]): Promise<number> {
  const values = parse(args, {
    model: { type: 'string' },
    corpus: { type: 'string', multiple: true },
    blocks: { type: 'string' },
    seed: { type: 'string' },
    'curve-blocks': { type: 'string' },
    curve: { type: 'string' },
    trees: { type: 'string' },
    depth: { type: 'string' },
    rate: { type: 'string' },
    'dry-run': { type: 'boolean' },
  });
  const modelDir = requireString(values, 'model');
  const corpora = (values.corpus as string[] | undefined) ?? [];
  if (corpora.length === 0) throw new Error('--corpus is required (one folder per fit project)');
  await initBackend(backendOption(values));
  const loaded = await loadModelDir(modelDir);
  const { model } = loaded;
  const { wordModel: _old, ...raw } = model.config;
  const projects: { name: string; files: SourceFile[] }[] = [];
  for (const corpus of corpora) {
    const { files } = await readCorpus([corpus]);
    if (files.length === 0) throw new Error(`no usable source files under ${corpus}`);
    projects.push({ name: basename(corpus), files });
  }
  const blocks = countOption(values, 'blocks', 30, 1, 10_000);
  const seed = countOption(values, 'seed', 11, 0, 2 ** 31 - 1);
  const curveBlocks = countOption(values, 'curve-blocks', 12, 1, 10_000);
  const curve = typeof values.curve === 'string' ? values.curve.split(',').map(Number) : CURVE;
  if (curve.some((t) => !(t >= 0 && t <= 1))) throw new Error('--curve must be thresholds from 0 to 1, separated by commas');
  const print = stdoutLines({ goOn: 'the fit goes on and writes the model as before' });
  print(`$ node dist/cli.js fit-words ${args.join(' ')}`);
  const t0 = Date.now();

  const examples: Example[] = [];
  const rawModel = new Seq2SeqModel(raw, model.vocab, model.weights);
  replayAll(rawModel, projects, { blocks, seed }, DEFAULT_SETTINGS, (x, right) => examples.push({ x, right }));
  if (examples.length === 0) throw new Error(`no document word to fit on: no file of these projects is over ${2 * DEFAULT_REPLAY.blockChars} characters, or no name typed in their blocks is completed by a word of its document`);
  const fit = fitShowModel(examples, WORD_FEATURES, {
    ...DEFAULT_TREE_OPTIONS,
    trees: countOption(values, 'trees', DEFAULT_TREE_OPTIONS.trees, 1, 2_000),
    depth: countOption(values, 'depth', DEFAULT_TREE_OPTIONS.depth, 1, 8),
    rate: numberOption(values, 'rate', DEFAULT_TREE_OPTIONS.rate, 0.001),
  });
  print(`${examples.length} document words from ${projects.length} projects (${blocks} blocks each, seed ${seed}), ${examples.filter((e) => e.right).length} right, in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  print(`log-loss: base rate ${fit.bits.baseRate.toFixed(3)} bits, word model (${fit.model.trees.length} trees) ${fit.bits.fitted.toFixed(3)} bits`);
  const splits = new Array<number>(WORD_FEATURES).fill(0);
  for (const tree of fit.model.trees) for (const [f] of tree) if (f >= 0) splits[f] = (splits[f] as number) + 1;
  print(`splits per feature: ${WORD_FEATURE_NAMES.map((name, k) => `${name} ${splits[k]}`).join(', ')}`);

  const withWords = new Seq2SeqModel({ ...raw, wordModel: fit.model }, model.vocab, model.weights);
  for (const [label, m] of [['without', rawModel], ['with the word model', withWords]] as const) {
    for (const threshold of curve) {
      const c = replayAll(m, projects, { blocks: curveBlocks, seed: seed + 1 }, { ...DEFAULT_SETTINGS, confidenceThreshold: threshold });
      print(`${label} >= ${threshold}: keystroke savings ${(100 * (1 - c.keys / c.chars)).toFixed(1)} %, wrong ${((100 * c.wrong) / c.chars).toFixed(2)} / 100 chars, shown ${((100 * c.shown) / c.chars).toFixed(2)}, taken ${((100 * c.taken) / c.chars).toFixed(2)}`);
    }
  }
  if (values['dry-run'] !== true) {
    print(`wrote the word model into ${await withModelWriter(modelDir, { replaceModel: false, metadataOnly: true }, (writer) => writer.rewriteConfig(loaded, { ...model.config, wordModel: fit.model }))}`);
  }
  model.dispose();
  return 0;
}

/** The engine's replay (Tab only) over each project's blocks; `record` receives every document word it considered. */
function replayAll(model: Seq2SeqModel, projects: readonly { files: SourceFile[] }[], options: { blocks: number; seed: number }, settings: Settings, record?: WordRecord): ReplayCount {
  let total = emptyCount();
  for (const p of projects) {
    const engine = new CompletionEngine(model);
    try {
      for (const doc of sampleBlocks(p.files, { ...options, blockChars: DEFAULT_REPLAY.blockChars })) {
        total = addCounts(total, replayBlock(doc.block, engineSuggester(engine, doc, settings, [], undefined, {}, undefined, record)));
      }
    } finally {
      engine.dispose();
    }
  }
  return total;
}
