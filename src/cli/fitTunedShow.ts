// `fit-show --learn`: the show model's correction for a model that learnt a workspace (show.ts, TunedShow). Each
// fit project is split as `eval --replay --learn` splits it. The model as shipped retypes blocks of one part, with
// the other part as its memory; then a fresh copy learns that other part for the background learner's budget and
// retypes the same blocks. Every suggestion is shown (threshold 0) and labelled by whether the text went on with it;
// the correction is fitted on them (tunedShowFit.ts), so the threshold keeps for a learnt model the meaning it was
// chosen with on the shipped model's replays. `--examples FILE` keeps the examples and `--examples-from FILE ...`
// fits from kept ones, so that the projects can be learnt side by side.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { DEFAULT_SETTINGS } from '../completion/settings';
import { Example, logLossBits } from '../model/evaluation/logistic';
import { fitTunedShow, RightRate } from '../model/evaluation/tunedShowFit';
import { Seq2SeqModel } from '../model/graph/seq2seq';
import { CompletionEngine } from '../model/inference/engine';
import { logOdds, probabilityOf, ShowModel, showProbability, tunedProbability } from '../model/inference/show';
import type { SourceFile } from '../model/training/dataset';
import { memoryOf } from '../shared/memory';
import { learnWorkspace } from '../model/training/learn';
import { initBackend } from '../node/backend';
import { readCorpus } from '../node/corpus';
import { loadModelDir, withModelWriter } from '../node/modelFiles';
import { LEARN_STEPS } from '../shared/learning';
import { FINE_TUNE_MAX_CORPUS_CHARS, FINE_TUNE_MAX_FILE_BYTES } from '../workspace/filePolicy';
import { backendOption, countOption, parse, requireString } from './options';
import { stdoutLines } from './output';
import { learnReplayBlocks } from './replay/learned';
import { DEFAULT_REPLAY } from './replay/run';
import { replayBlock } from './replay/simulate';
import { engineSuggester, ReplayDocument } from './replay/suggesters';

/**
 * One suggestion: the show model's uncorrected log-odds (x = [1, log-odds]), whether it was right, and whether the
 * model that made it had learnt the project's other files.
 */
type TunedExample = Example & { project: string; learnt: boolean };

/** Confidence bands the report compares. */
const BANDS = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];

export async function runFitTunedShow(args: string[]): Promise<number> {
  const values = parse(args, {
    model: { type: 'string' }, corpus: { type: 'string', multiple: true }, learn: { type: 'boolean' }, 'learn-steps': { type: 'string' },
    blocks: { type: 'string' }, seed: { type: 'string' }, examples: { type: 'string' }, 'examples-from': { type: 'string', multiple: true }, 'dry-run': { type: 'boolean' },
  });
  const modelDir = requireString(values, 'model');
  const corpora = (values.corpus as string[] | undefined) ?? [];
  const from = (values['examples-from'] as string[] | undefined) ?? [];
  if ((corpora.length === 0) === (from.length === 0)) throw new Error('fit-show --learn needs either --corpus (one folder per fit project) or --examples-from (examples kept by --examples)');
  const replay = {
    steps: countOption(values, 'learn-steps', LEARN_STEPS, 1, 100_000),
    blocks: countOption(values, 'blocks', 20, 1, 10_000),
    seed: countOption(values, 'seed', 11, 0, 2 ** 31 - 1),
  };
  const print = stdoutLines({ goOn: 'the fit goes on and writes the model as before' });
  print(`$ node dist/cli.js fit-show ${args.join(' ')}`);
  await initBackend(backendOption(values));
  const loaded = await loadModelDir(modelDir);
  const { model } = loaded;
  try {
    const showModel = model.config.showModel;
    if (!showModel) throw new Error(`${modelDir} has no show model to correct: fit it first with fit-show (without --learn)`);
    const t0 = Date.now();
    const examples: TunedExample[] = from.flatMap(readExamples);
    for (const corpus of corpora) examples.push(...(await projectExamples(modelDir, showModel, corpus, replay, print)));
    const shipped = examples.filter((e) => !e.learnt);
    const learnt = examples.filter((e) => e.learnt);
    const fit = fitTunedShow(shipped, learnt);
    if (typeof values.examples === 'string') writeFileSync(values.examples, examples.map((e) => JSON.stringify(e)).join('\n'));
    const { tuned } = fit;
    const loss = (rows: readonly TunedExample[], p: (z: number) => number): string => logLossBits(rows, (i) => p((rows[i] as TunedExample).x[1] as number)).toFixed(3);
    print(`${examples.length} suggestions from ${new Set(examples.map((e) => e.project)).size} projects: the model as shipped ${shipped.length} (${shipped.filter((e) => e.right).length} right), learnt ${learnt.length} (${learnt.filter((e) => e.right).length} right), in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const curve = (c: RightRate): string => `probabilityOf(${c.slope.toFixed(3)} z + ${c.intercept.toFixed(3)})`;
    print(`right-rate by log-odds z: shipped ${curve(fit.shipped)}, learnt ${curve(fit.learnt)}; correction: scale ${tuned.scale}, shift ${tuned.shift}`);
    print(`log-loss of the learnt model's suggestions: as the show model says ${loss(learnt, probabilityOf)} bits, corrected ${loss(learnt, (z) => tunedProbability(probabilityOf(z), tuned))} bits (the shipped model's as it says: ${loss(shipped, probabilityOf)} bits)`);
    print(bandLine('shipped', shipped, probabilityOf));
    print(bandLine('learnt, uncorrected', learnt, probabilityOf));
    print(bandLine('learnt, corrected', learnt, (z) => tunedProbability(probabilityOf(z), tuned)));
    if (values['dry-run'] !== true) {
      print(`wrote the correction for learnt models into ${await withModelWriter(modelDir, { replaceModel: false, metadataOnly: true }, (writer) => writer.rewriteConfig(loaded, { ...model.config, tunedShow: tuned }))}`);
    }
    return 0;
  } finally {
    model.dispose();
  }
}

/**
 * One fit project's examples: the model as shipped and then a fresh copy of it (each workspace starts from the
 * model as shipped) that learnt the learn part, on the same blocks with the same memory; none where learning gained
 * nothing, as the extension then serves the model as it came.
 */
async function projectExamples(modelDir: string, showModel: ShowModel, corpus: string, o: { steps: number; blocks: number; seed: number }, print: (line: string) => void): Promise<TunedExample[]> {
  const { files } = await readCorpus([corpus], { maxFileBytes: FINE_TUNE_MAX_FILE_BYTES, maxTotalChars: FINE_TUNE_MAX_CORPUS_CHARS });
  if (files.length === 0) throw new Error(`no usable source files under ${corpus}`);
  const project = basename(corpus);
  const { split, blocks } = learnReplayBlocks(files, { blocks: o.blocks, blockChars: DEFAULT_REPLAY.blockChars, seed: o.seed });
  const model = (await loadModelDir(modelDir)).model;
  try {
    const shipped = replayExamples(model, showModel, split.train, blocks).map((e) => ({ ...e, project, learnt: false }));
    const t0 = Date.now();
    const report = await learnWorkspace(model, split.train, o.steps);
    if (!report.improved) {
      print(`${project}: learning ${split.train.length} files for ${report.steps} steps ended ${report.outcome}; the project is left out`);
      return [];
    }
    const learnt = replayExamples(model, showModel, split.train, blocks).map((e) => ({ ...e, project, learnt: true }));
    print(`${project}: learnt ${split.train.length} files for ${report.steps} steps (${report.outcome}); ${shipped.length} suggestions before and ${learnt.length} after, from ${blocks.length} blocks of the other files, in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    return [...shipped, ...learnt];
  } finally {
    model.dispose();
  }
}

/** Every suggestion the model's engine shows along the blocks from any confidence, with the learn files as its memory. */
function replayExamples(model: Seq2SeqModel, showModel: ShowModel, memory: readonly SourceFile[], blocks: readonly ReplayDocument[]): Example[] {
  // The word model reads the show model's confidence and would put its words among the examples: left out, as in
  // fit-show; the correction is of the show model alone.
  const { wordModel: _words, tunedShow: _tuned, ...config } = model.config;
  const engine = new CompletionEngine(new Seq2SeqModel(config, model.vocab, model.weights));
  engine.setMemory(memoryOf(memory));
  const examples: Example[] = [];
  const record = (x: number[], right: boolean): void => void examples.push({ x: [1, logOdds(showProbability(showModel, x))], right });
  try {
    for (const doc of blocks) replayBlock(doc.block, engineSuggester(engine, doc, { ...DEFAULT_SETTINGS, confidenceThreshold: 0 }, [], record));
  } finally {
    engine.dispose();
  }
  return examples;
}

function readExamples(file: string): TunedExample[] {
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').map((line, k) => {
    const e = JSON.parse(line) as TunedExample;
    if (!Array.isArray(e.x) || e.x.length !== 2 || typeof e.right !== 'boolean' || typeof e.learnt !== 'boolean') throw new Error(`${file}:${k + 1} is not an example fit-show --learn kept`);
    return e;
  });
}

/** How often suggestions were right in each band of confidence `p` (of the log-odds). */
function bandLine(label: string, examples: readonly TunedExample[], p: (z: number) => number): string {
  const cells = BANDS.slice(0, -1).map((lo, k) => {
    const hi = BANDS[k + 1] as number;
    const inBand = examples.filter((e) => {
      const q = p(e.x[1] as number);
      return q >= lo && (q < hi || hi === 1);
    });
    const right = inBand.filter((e) => e.right).length;
    return `${lo}-${hi} ${inBand.length ? (right / inBand.length).toFixed(2) : '-'} (${inBand.length})`;
  });
  return `right by confidence, ${label}: ${cells.join(', ')}`;
}
