// `fit-show`: fits the show model (src/model/inference/show.ts) on typing replays of the fit projects, and writes it
// into the model folder's config. Every suggestion the engine makes along the replay is shown (threshold 0), so
// the examples cover the whole range the threshold may cut; each is labelled by whether the text went on with it.
// The curve it prints (keystroke savings and wrong suggestions at each threshold, before and after) is measured on
// other blocks of the same projects, with the decoder's probability and with the show model: the default threshold
// is read off it. Fit on projects the reported figures leave out (scripts/corpus.mjs, role 'fit').
import { writeFileSync } from 'node:fs';
import { DEFAULT_SETTINGS } from '../completion/settings';
import type { Example } from '../model/evaluation/logistic';
import { fitShowModel } from '../model/evaluation/showFit';
import { Seq2SeqModel } from '../model/graph/seq2seq';
import { SHOW_FEATURE_NAMES, SHOW_FEATURES } from '../model/inference/show';
import { initBackend } from '../node/backend';
import { loadModelDir, withModelWriter } from '../node/modelFiles';
import { backendOption, countOption, parse, requireString } from './options';
import { stdoutLines } from './output';
import { curveOf, FIT_OPTIONS, printCurve, readFitProjects, replayProjects, splitsLine, treeOptionsOf } from './replay/fitting';
import { DEFAULT_REPLAY } from './replay/run';
import { runFitTunedShow } from './fitTunedShow';

/** Thresholds the curve reports, for the decoder's probability and for the show model. */
const CURVE = [0.3, 0.4, 0.5, 0.6, 0.7];

export async function runFitShow(args: string[]): Promise<number> {
  if (args.includes('--learn')) return runFitTunedShow(args);
  const values = parse(args, { ...FIT_OPTIONS, examples: { type: 'string' } });
  const modelDir = requireString(values, 'model');
  const projects = await readFitProjects((values.corpus as string[] | undefined) ?? []);
  await initBackend(backendOption(values));
  const loaded = await loadModelDir(modelDir);
  const { model } = loaded;
  // The word model reads the show model's confidence: the raw engine has neither, and fit-words is run after.
  const { showModel: _old, wordModel: _words, tunedShow: _tuned, ...raw } = model.config;
  const blocks = countOption(values, 'blocks', 40, 1, 10_000);
  const seed = countOption(values, 'seed', 11, 0, 2 ** 31 - 1);
  const curveBlocks = countOption(values, 'curve-blocks', DEFAULT_REPLAY.blocks, 1, 10_000);
  const treeOptions = treeOptionsOf(values);
  const curve = curveOf(values, CURVE);
  const print = stdoutLines({ goOn: 'the fit goes on and writes the model as before' });
  print(`$ node dist/cli.js fit-show ${args.join(' ')}`);
  const t0 = Date.now();

  // Examples: every suggestion of the raw engine along the replay, shown from any probability.
  const examples: (Example & { project: string })[] = [];
  const rawModel = new Seq2SeqModel(raw, model.vocab, model.weights);
  for (const p of projects) replayProjects(rawModel, [p], { blocks, seed }, { ...DEFAULT_SETTINGS, confidenceThreshold: 0 }, { show: (x, right) => examples.push({ x, right, project: p.name }) });
  if (typeof values.examples === 'string') writeFileSync(values.examples, examples.map((e) => JSON.stringify(e)).join('\n'));
  const fit = fitShowModel(examples, SHOW_FEATURES, treeOptions);
  print(`${examples.length} suggestions from ${projects.length} projects (${blocks} blocks each, seed ${seed}), ${examples.filter((e) => e.right).length} right, in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  print(`log-loss: base rate ${fit.bits.baseRate.toFixed(3)} bits, show model (${fit.model.trees.length} trees) ${fit.bits.fitted.toFixed(3)} bits`);
  print(splitsLine(fit.model, SHOW_FEATURE_NAMES));

  // The curve, on other blocks of the same projects.
  const calibrated = new Seq2SeqModel({ ...raw, showModel: fit.model }, model.vocab, model.weights);
  printCurve(print, [['decoder probability', rawModel], ['show model', calibrated]], projects, { blocks: curveBlocks, seed: seed + 1 }, curve);
  if (values['dry-run'] !== true) {
    // The correction for learnt weights was fitted on the old show model's log-odds: it goes with it.
    const { tunedShow: _stale, ...kept } = model.config;
    print(`wrote the show model into ${await withModelWriter(modelDir, { replaceModel: false, metadataOnly: true }, (writer) => writer.rewriteConfig(loaded, { ...kept, showModel: fit.model }))}`);
    if (model.config.wordModel) print('the model\'s word model reads the show model\'s confidence: refit it with fit-words');
    if (model.config.tunedShow) print('the correction for learnt weights was fitted on the old show model and is dropped: refit it with fit-show --learn');
  }
  model.dispose();
  return 0;
}
