// `fit-copy`: fits the copy prior's weight per match length to a model on held-out text (copyFit.ts) and writes
// them into the model folder's config. For the base model: the training corpus's validation files, which it
// never trained on (`--validation-of-training`).
import { MatchIndex, MIN_MATCH, ruleWeight } from '../model/inference/copy';
import { MAX_MATCH } from '../model/graph/config';
import { splitByFile } from '../model/training/dataset';
import { copyObservations, fitCopyWeights } from '../model/evaluation/copyFit';
import { sampleTargets } from '../model/evaluation/evaluation';
import { Vocabulary } from '../model/graph/vocab';
import { initBackend } from '../node/backend';
import { readCorpus } from '../node/corpus';
import { loadModelDir, withModelWriter } from '../node/modelFiles';
import { backendOption, countOption, numberOption, parse, requireString } from './options';
import { stdoutLines } from './output';
import { COPY_ORIGINS, CopyOrigin } from '../shared/copySources';

export async function runFitCopy(args: string[]): Promise<number> {
  const values = parse(args, {
    model: { type: 'string' },
    corpus: { type: 'string', multiple: true },
    memory: { type: 'string', multiple: true },
    'validation-of-training': { type: 'string' },
    batches: { type: 'string' },
    seed: { type: 'string' },
    'dry-run': { type: 'boolean' },
    below: { type: 'boolean' },
    files: { type: 'string' },
    sources: { type: 'string' },
    shared: { type: 'boolean' },
  });
  // The context of the editor's requests: below the target's line, the N nearest files. What is written: a table
  // per source for --sources (default: every source seen), and the one shared table only with --shared.
  const context = { below: values.below === true, neighbours: countOption(values, 'files', 0, 0, 64) };
  const wanted = typeof values.sources === 'string' ? values.sources.split(',').map((x) => x.trim()) : null;
  for (const w of wanted ?? []) if (!COPY_ORIGINS.includes(w as CopyOrigin)) throw new Error(`--sources: unknown source "${w}" (one of ${COPY_ORIGINS.join(', ')})`);
  const modelDir = requireString(values, 'model');
  const corpora = (values.corpus as string[] | undefined) ?? [];
  if (corpora.length === 0) throw new Error('--corpus is required');
  await initBackend(backendOption(values));
  const loaded = await loadModelDir(modelDir);
  const { model, metadata } = loaded;
  let { files } = await readCorpus(corpora);
  // The files the training run held out for validation: the same split (fraction and seed) as `train` made.
  const fraction = values['validation-of-training'] as string | undefined;
  if (fraction !== undefined) files = splitByFile(files, Number(fraction), metadata.training.seed).validation;
  if (files.length === 0) throw new Error('no files to fit on');
  const memoryCorpora = (values.memory as string[] | undefined) ?? [];
  const memory = memoryCorpora.length ? new MatchIndex(Vocabulary.normalise((await readCorpus(memoryCorpora)).files.map((f) => f.text).join('\n'))) : null;
  const sample = sampleTargets(model, files, numberOption(values, 'batches', 32, 1), 16, numberOption(values, 'seed', 11, 0));
  if (!sample) throw new Error('no text to fit on');
  const t0 = Date.now();
  const fit = fitCopyWeights(copyObservations(model, sample, memory, { ...context, corpus: files }));
  const print = stdoutLines({ goOn: 'the fit goes on and writes the model as before' });
  print(`$ node dist/cli.js fit-copy ${args.join(' ')}`);
  print(`${files.length} files, ${fit.counts.reduce((a, b) => a + b, 0)} characters scored in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  print('match length | characters | fitted weight | rule len/(len+4)');
  for (let length = MIN_MATCH; length <= MAX_MATCH; length++) {
    print(`${String(length).padStart(12)} | ${String(fit.counts[length]).padStart(10)} | ${(fit.weights[length] as number).toFixed(3).padStart(13)} | ${ruleWeight(length).toFixed(3)}`);
  }
  print(`characters with no match of ${MIN_MATCH}+: ${fit.counts.slice(0, MIN_MATCH).reduce((a, b) => a + b, 0)}`);
  const b = fit.bitsPerChar;
  for (const [origin, table] of Object.entries(fit.bySource)) {
    const rows = [];
    for (let length = MIN_MATCH; length <= MAX_MATCH; length += 1) if ((table.counts[length] as number) > 0) rows.push(`${length}:${(table.weights[length] as number).toFixed(2)}(${table.counts[length]})`);
    print(`source ${origin}: ${table.counts.reduce((a, c) => a + c, 0)} characters; length:weight(characters) ${rows.join(' ')}`);
  }
  print(`bits/char on these characters: LSTM alone ${b.lstm.toFixed(3)}, with the rule ${b.rule.toFixed(3)}, with the fitted weights ${b.fitted.toFixed(3)}, with a table per source ${b.fittedBySource.toFixed(3)}`);
  if (values['dry-run'] !== true) {
    const round = (w: readonly number[]): number[] => w.map((x) => Number(x.toFixed(4)));
    const bySource = Object.fromEntries(
      Object.entries(fit.bySource).filter(([origin]) => wanted === null || wanted.includes(origin)).map(([origin, t]) => [origin, round(t.weights)]),
    );
    const { copyWeights: _oldShared, copySourceWeights: _oldBySource, ...rest } = model.config;
    const config = { ...rest, ...(values.shared === true ? { copyWeights: round(fit.weights) } : {}), ...(Object.keys(bySource).length ? { copySourceWeights: bySource } : {}) };
    print(`wrote the weights into ${await withModelWriter(modelDir, { replaceModel: false, metadataOnly: true }, (writer) => writer.rewriteConfig(loaded, config))}`);
  }
  model.dispose();
  return 0;
}
