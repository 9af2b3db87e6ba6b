// `fit-words`: fits the word model (src/model/inference/words.ts) on typing replays of the fit projects, and writes
// it into the model folder's config. Along the replay of the engine as it ships without a word model, every request
// where the document holds a word that extends the name being typed gives an example, labelled by whether the text
// goes on with that word. The curve it prints (keystroke savings and wrong suggestions at each threshold, without
// and with the word model) is measured on other blocks of the same projects. Fit on projects the reported figures
// leave out (scripts/corpus.mjs, role 'fit'), after `fit-show`: the word model reads the show model's confidence.
import { DEFAULT_SETTINGS } from '../completion/settings';
import type { Example } from '../model/evaluation/logistic';
import { fitShowModel } from '../model/evaluation/showFit';
import { Seq2SeqModel } from '../model/graph/seq2seq';
import { WORD_FEATURE_NAMES, WORD_FEATURES } from '../model/inference/words';
import { initBackend } from '../node/backend';
import { loadModelDir, withModelWriter } from '../node/modelFiles';
import { backendOption, countOption, parse, requireString } from './options';
import { stdoutLines } from './output';
import { curveOf, FIT_OPTIONS, printCurve, readFitProjects, replayProjects, splitsLine, treeOptionsOf } from './replay/fitting';
import { DEFAULT_REPLAY } from './replay/run';

/** Thresholds the curve reports, without and with the word model. */
const CURVE = [0.45, 0.5, 0.55];

export async function runFitWords(args: string[]): Promise<number> {
  const values = parse(args, FIT_OPTIONS);
  const modelDir = requireString(values, 'model');
  const projects = await readFitProjects((values.corpus as string[] | undefined) ?? []);
  await initBackend(backendOption(values));
  const loaded = await loadModelDir(modelDir);
  const { model } = loaded;
  const { wordModel: _old, ...raw } = model.config;
  const blocks = countOption(values, 'blocks', 30, 1, 10_000);
  const seed = countOption(values, 'seed', 11, 0, 2 ** 31 - 1);
  const curveBlocks = countOption(values, 'curve-blocks', 12, 1, 10_000);
  const treeOptions = treeOptionsOf(values);
  const curve = curveOf(values, CURVE);
  const print = stdoutLines({ goOn: 'the fit goes on and writes the model as before' });
  print(`$ node dist/cli.js fit-words ${args.join(' ')}`);
  const t0 = Date.now();

  const examples: Example[] = [];
  const rawModel = new Seq2SeqModel(raw, model.vocab, model.weights);
  replayProjects(rawModel, projects, { blocks, seed }, DEFAULT_SETTINGS, { word: (x, right) => examples.push({ x, right }) });
  if (examples.length === 0) throw new Error(`no document word to fit on: no file of these projects is over ${2 * DEFAULT_REPLAY.blockChars} characters, or no name typed in their blocks is completed by a word of its document`);
  const fit = fitShowModel(examples, WORD_FEATURES, treeOptions);
  print(`${examples.length} document words from ${projects.length} projects (${blocks} blocks each, seed ${seed}), ${examples.filter((e) => e.right).length} right, in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  print(`log-loss: base rate ${fit.bits.baseRate.toFixed(3)} bits, word model (${fit.model.trees.length} trees) ${fit.bits.fitted.toFixed(3)} bits`);
  print(splitsLine(fit.model, WORD_FEATURE_NAMES));

  // The curve, on other blocks of the same projects.
  const withWords = new Seq2SeqModel({ ...raw, wordModel: fit.model }, model.vocab, model.weights);
  printCurve(print, [['without', rawModel], ['with the word model', withWords]], projects, { blocks: curveBlocks, seed: seed + 1 }, curve);
  if (values['dry-run'] !== true) {
    print(`wrote the word model into ${await withModelWriter(modelDir, { replaceModel: false, metadataOnly: true }, (writer) => writer.rewriteConfig(loaded, { ...model.config, wordModel: fit.model }))}`);
  }
  model.dispose();
  return 0;
}
