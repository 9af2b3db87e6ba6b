// `fit-length`: fits the calibrator that decides how far a suggestion goes past its token (lengthFit.ts) on
// held-out cursors, with the context the editor gives (the document below, neighbouring files), and writes it into
// the model folder's config. Fit it on a project the figures leave out.
import { judge, sampleCursors } from '../model/evaluation/evaluation';
import { fitCalibrator, tokenExamples } from '../model/evaluation/lengthFit';
import { suggestionValue } from '../model/evaluation/suggestionValue';
import { CompletionEngine } from '../model/inference/engine';
import { calibratedProb } from '../model/inference/extend';
import { Rng } from '../model/graph/rng';
import { initBackend } from '../node/backend';
import { readCorpus } from '../node/corpus';
import { loadModelDir, withModelWriter } from '../node/modelFiles';
import { DEFAULT_SETTINGS } from '../completion/settings';
import { backendOption, countOption, numberOption, parse, requireString } from './options';
import { stdoutLines } from './output';

export async function runFitLength(args: string[]): Promise<number> {
  const values = parse(args, {
    model: { type: 'string' },
    corpus: { type: 'string', multiple: true },
    samples: { type: 'string' },
    seed: { type: 'string' },
    below: { type: 'boolean' },
    files: { type: 'string' },
    'max-chars': { type: 'string' },
    'dry-run': { type: 'boolean' },
  });
  const modelDir = requireString(values, 'model');
  const corpora = (values.corpus as string[] | undefined) ?? [];
  if (corpora.length === 0) throw new Error('--corpus is required');
  await initBackend(backendOption(values));
  const loaded = await loadModelDir(modelDir);
  const { model } = loaded;
  const { files } = await readCorpus(corpora);
  if (files.length === 0) throw new Error(`no usable source files under ${corpora.join(', ')}`);
  const showThreshold = DEFAULT_SETTINGS.confidenceThreshold;
  const cursors = sampleCursors(files, countOption(values, 'samples', 1000, 1, 1_000_000), new Rng(numberOption(values, 'seed', 13, 0)));
  const engine = new CompletionEngine(model);
  const t0 = Date.now();
  const judged = judge(engine, cursors, DEFAULT_SETTINGS.beamWidth, true, { below: values.below === true, neighbours: countOption(values, 'files', 0, 0, 64), corpus: files }, { maxChars: countOption(values, 'max-chars', DEFAULT_SETTINGS.maxSuggestionChars, 1, 200) });
  const samples = judged.map((j) => j.value);
  const fit = fitCalibrator(tokenExamples(samples, showThreshold));
  const print = stdoutLines({ goOn: 'the fit goes on and writes the model as before' });
  print(`$ node dist/cli.js fit-length ${args.join(' ')}`);
  print(`${cursors.length} cursors, ${fit.examples} next tokens after a right suggestion, in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  print(`weights (bias, log p, log min char p, copy match / 32, copied, word, index / 8, log LSTM min char p, copy min share): ${fit.weights.join(', ')}`);
  print(`log-loss on these tokens: base rate ${fit.bits.baseRate.toFixed(3)} bits, calibrator ${fit.bits.fitted.toFixed(3)} bits`);
  // The curve on the fitting cursors themselves, as a sanity check (the held-out figures come from `eval`).
  const calibrated = samples.map((s) => ({ ...s, nextTokens: s.nextTokens.map((t, k) => ({ ...t, calibrated: calibratedProb(fit.weights, t, k) })) }));
  const value = suggestionValue(calibrated, showThreshold, [0.5, 0.6, 0.7, 0.8, 0.9]);
  const pct = (x: number | null): string => (x === null ? '-' : `${(100 * x).toFixed(1)} %`);
  print(`one token: precision ${pct(value.token.precision)}, keystroke savings ${pct(value.token.keystrokeSavings)}`);
  for (const r of value.auto.filter((r) => r.rule === 'calibrated')) print(`calibrated >= ${r.extendThreshold}: precision ${pct(r.precision)}, keystroke savings ${pct(r.keystrokeSavings)}`);
  print(`ceiling (every right next token, no wrong one): precision ${pct(value.ceiling.precision)}, keystroke savings ${pct(value.ceiling.keystrokeSavings)}`);
  if (values['dry-run'] !== true) {
    print(`wrote the calibrator into ${await withModelWriter(modelDir, { replaceModel: false, metadataOnly: true }, (writer) => writer.rewriteConfig(loaded, { ...model.config, extendCalibration: fit.weights }))}`);
  }
  engine.dispose();
  model.dispose();
  return 0;
}
