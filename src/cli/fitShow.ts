// `fit-show`: fits the show model (src/model/inference/show.ts) on typing replays of the fit projects, and writes it
// into the model folder's config. Every suggestion the engine makes along the replay is shown (threshold 0), so
// the examples cover the whole range the threshold may cut; each is labelled by whether the text went on with it.
// The curve it prints (keystroke savings and wrong suggestions at each threshold, before and after) is measured on
// other blocks of the same projects, with the decoder's probability and with the show model: the default threshold
// is read off it. Fit on projects the reported figures leave out (scripts/corpus.mjs, role 'fit').
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { DEFAULT_SETTINGS, Settings } from '../completion/settings';
import type { Example } from '../model/evaluation/logistic';
import { DEFAULT_TREE_OPTIONS, fitShowModel } from '../model/evaluation/showFit';
import { Seq2SeqModel } from '../model/graph/seq2seq';
import { CompletionEngine } from '../model/inference/engine';
import { SHOW_FEATURE_NAMES, SHOW_FEATURES } from '../model/inference/show';
import type { SourceFile } from '../model/training/dataset';
import { initBackend } from '../node/backend';
import { readCorpus } from '../node/corpus';
import { loadModelDir, withModelWriter } from '../node/modelFiles';
import { backendOption, countOption, numberOption, parse, requireString } from './options';
import { stdoutLines } from './output';
import { DEFAULT_REPLAY, sampleBlocks } from './replay/run';
import { addCounts, emptyCount, replayBlock, ReplayCount } from './replay/simulate';
import { engineSuggester } from './replay/suggesters';

/** Thresholds the curve reports, for the decoder's probability and for the show model. */
const CURVE = [0.3, 0.4, 0.5, 0.6, 0.7];

export async function runFitShow(args: string[]): Promise<number> {
  const values = parse(args, {
    model: { type: 'string' },
    corpus: { type: 'string', multiple: true },
    blocks: { type: 'string' },
    seed: { type: 'string' },
    'curve-blocks': { type: 'string' },
    examples: { type: 'string' },
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
  const { showModel: _old, ...raw } = model.config;
  const projects: { name: string; files: SourceFile[] }[] = [];
  for (const corpus of corpora) {
    const { files } = await readCorpus([corpus]);
    if (files.length === 0) throw new Error(`no usable source files under ${corpus}`);
    projects.push({ name: basename(corpus), files });
  }
  const blocks = countOption(values, 'blocks', 40, 1, 10_000);
  const seed = countOption(values, 'seed', 11, 0, 2 ** 31 - 1);
  const curveBlocks = countOption(values, 'curve-blocks', DEFAULT_REPLAY.blocks, 1, 10_000);
  const print = stdoutLines({ goOn: 'the fit goes on and writes the model as before' });
  print(`$ node dist/cli.js fit-show ${args.join(' ')}`);
  const t0 = Date.now();

  // Examples: every suggestion of the raw engine along the replay, shown from any probability.
  const examples: (Example & { project: string })[] = [];
  const rawModel = new Seq2SeqModel(raw, model.vocab, model.weights);
  for (const p of projects) replayAll(rawModel, [p], { blocks, seed }, { ...DEFAULT_SETTINGS, confidenceThreshold: 0 }, (x, right) => examples.push({ x, right, project: p.name }));
  if (typeof values.examples === 'string') writeFileSync(values.examples, examples.map((e) => JSON.stringify(e)).join('\n'));
  const treeOptions = {
    ...DEFAULT_TREE_OPTIONS,
    trees: countOption(values, 'trees', DEFAULT_TREE_OPTIONS.trees, 1, 2_000),
    depth: countOption(values, 'depth', DEFAULT_TREE_OPTIONS.depth, 1, 8),
    rate: numberOption(values, 'rate', DEFAULT_TREE_OPTIONS.rate, 0.001),
  };
  const curve = typeof values.curve === 'string' ? values.curve.split(',').map(Number) : CURVE;
  if (curve.some((t) => !(t >= 0 && t <= 1))) throw new Error('--curve must be thresholds from 0 to 1, separated by commas');
  const fit = fitShowModel(examples, SHOW_FEATURES, treeOptions);
  print(`${examples.length} suggestions from ${projects.length} projects (${blocks} blocks each, seed ${seed}), ${examples.filter((e) => e.right).length} right, in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  print(`log-loss: base rate ${fit.bits.baseRate.toFixed(3)} bits, show model (${fit.model.trees.length} trees) ${fit.bits.fitted.toFixed(3)} bits`);
  const splits = new Array<number>(SHOW_FEATURES).fill(0);
  for (const tree of fit.model.trees) for (const [f] of tree) if (f >= 0) splits[f] = (splits[f] as number) + 1;
  print(`splits per feature: ${SHOW_FEATURE_NAMES.map((name, k) => `${name} ${splits[k]}`).join(', ')}`);

  // The curve, on other blocks of the same projects.
  const calibrated = new Seq2SeqModel({ ...raw, showModel: fit.model }, model.vocab, model.weights);
  const curveSeed = seed + 1;
  for (const [label, m] of [['decoder probability', rawModel], ['show model', calibrated]] as const) {
    for (const threshold of curve) {
      const c = replayAll(m, projects, { blocks: curveBlocks, seed: curveSeed }, { ...DEFAULT_SETTINGS, confidenceThreshold: threshold });
      print(`${label} >= ${threshold}: keystroke savings ${(100 * (1 - c.keys / c.chars)).toFixed(1)} %, wrong ${((100 * c.wrong) / c.chars).toFixed(2)} / 100 chars, shown ${((100 * c.shown) / c.chars).toFixed(2)}, taken ${((100 * c.taken) / c.chars).toFixed(2)}`);
    }
  }
  if (values['dry-run'] !== true) {
    print(`wrote the show model into ${await withModelWriter(modelDir, { replaceModel: false, metadataOnly: true }, (writer) => writer.rewriteConfig(loaded, { ...model.config, showModel: fit.model }))}`);
  }
  model.dispose();
  return 0;
}

/** The engine's replay (Tab only) over each project's blocks; `record` receives the suggestions it was asked for and shown. */
function replayAll(model: Seq2SeqModel, projects: readonly { files: SourceFile[] }[], options: { blocks: number; seed: number }, settings: Settings, record?: (x: number[], right: boolean) => void): ReplayCount {
  let total = emptyCount();
  for (const p of projects) {
    const engine = new CompletionEngine(model);
    try {
      for (const doc of sampleBlocks(p.files, { ...options, blockChars: DEFAULT_REPLAY.blockChars })) {
        total = addCounts(total, replayBlock(doc.block, engineSuggester(engine, doc, settings, [], record)));
      }
    } finally {
      engine.dispose();
    }
  }
  return total;
}
