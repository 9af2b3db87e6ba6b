// `fit-show --learn`: the show model's correction for weights tuned on the user's code (show.ts, TunedShow). Each
// fit project is split as `eval --replay --learn` splits it; a fresh copy of the model learns the learn part for the
// background learner's budget, then retypes blocks of the other files with the learnt files as its memory, every
// suggestion shown (threshold 0) and labelled by whether the text went on with it. A logistic regression on the
// show model's log-odds over those suggestions gives the correction's scale and shift. `--examples FILE` keeps the
// examples and `--examples-from FILE ...` fits from kept ones, so that the projects can be learnt side by side.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { DEFAULT_SETTINGS } from '../completion/settings';
import { Example, fitLogistic, logLossBits } from '../model/evaluation/logistic';
import { Seq2SeqModel } from '../model/graph/seq2seq';
import { CompletionEngine } from '../model/inference/engine';
import { logOdds, ShowModel, showProbability, TunedShow, tunedProbability } from '../model/inference/show';
import { memoryOf } from '../model/training/fineTune';
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
import { engineSuggester } from './replay/suggesters';

/** One suggestion of a learnt model: its uncorrected show-model log-odds (x = [1, log-odds]) and whether it was right. */
type TunedExample = Example & { project: string };

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** Confidence bands the report compares, uncorrected and corrected. */
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
    for (const corpus of corpora) examples.push(...(await learntExamples(modelDir, showModel, corpus, replay, print)));
    if (examples.length === 0) throw new Error('no suggestions to fit on');
    if (typeof values.examples === 'string') writeFileSync(values.examples, examples.map((e) => JSON.stringify(e)).join('\n'));

    const fit = fitLogistic(examples, 2);
    const tuned: TunedShow = { scale: Number((fit.weights[1] as number).toFixed(4)), shift: Number((fit.weights[0] as number).toFixed(4)) };
    const uncorrected = logLossBits(examples, (i) => sigmoid((examples[i] as TunedExample).x[1] as number));
    const corrected = logLossBits(examples, (i) => tunedProbability(sigmoid((examples[i] as TunedExample).x[1] as number), tuned));
    print(`${examples.length} suggestions of learnt models from ${new Set(examples.map((e) => e.project)).size} projects, ${examples.filter((e) => e.right).length} right, in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    print(`log-loss: base rate ${fit.bits.baseRate.toFixed(3)} bits, the show model as fitted on the base model ${uncorrected.toFixed(3)} bits, corrected (scale ${tuned.scale}, shift ${tuned.shift}) ${corrected.toFixed(3)} bits`);
    for (const line of bandLines(examples, tuned)) print(line);
    if (values['dry-run'] !== true) {
      print(`wrote the correction for learnt weights into ${await withModelWriter(modelDir, { replaceModel: false, metadataOnly: true }, (writer) => writer.rewriteConfig(loaded, { ...model.config, tunedShow: tuned }))}`);
    }
    return 0;
  } finally {
    model.dispose();
  }
}

/**
 * One fit project's examples: a fresh copy of the model (each workspace starts from the model as shipped) learns
 * the learn part, then retypes blocks of the other files; none where learning gained nothing, as the extension then
 * serves the model as it came.
 */
async function learntExamples(modelDir: string, showModel: ShowModel, corpus: string, o: { steps: number; blocks: number; seed: number }, print: (line: string) => void): Promise<TunedExample[]> {
  const { files } = await readCorpus([corpus], { maxFileBytes: FINE_TUNE_MAX_FILE_BYTES, maxTotalChars: FINE_TUNE_MAX_CORPUS_CHARS });
  if (files.length === 0) throw new Error(`no usable source files under ${corpus}`);
  const project = basename(corpus);
  const { split, blocks } = learnReplayBlocks(files, { blocks: o.blocks, blockChars: DEFAULT_REPLAY.blockChars, seed: o.seed });
  const learner = (await loadModelDir(modelDir)).model;
  try {
    const t0 = Date.now();
    const report = await learnWorkspace(learner, split.train, o.steps);
    if (!report.improved) {
      print(`${project}: learning ${split.train.length} files for ${report.steps} steps ended ${report.outcome}; the project is left out`);
      return [];
    }
    // The word model reads the show model's confidence and would put its words among the examples: left out, as
    // in fit-show; the correction is of the show model alone.
    const { wordModel: _words, tunedShow: _tuned, ...config } = learner.config;
    const engine = new CompletionEngine(new Seq2SeqModel(config, learner.vocab, learner.weights));
    engine.setMemory(memoryOf(split.train));
    const examples: TunedExample[] = [];
    const record = (x: number[], right: boolean): void => void examples.push({ x: [1, logOdds(showProbability(showModel, x))], right, project });
    try {
      for (const doc of blocks) replayBlock(doc.block, engineSuggester(engine, doc, { ...DEFAULT_SETTINGS, confidenceThreshold: 0 }, [], record));
    } finally {
      engine.dispose();
    }
    print(`${project}: learnt ${split.train.length} files for ${report.steps} steps (${report.outcome}) in ${((Date.now() - t0) / 1000).toFixed(0)} s; ${examples.length} suggestions from ${blocks.length} blocks of the other files`);
    return examples;
  } finally {
    learner.dispose();
  }
}

function readExamples(file: string): TunedExample[] {
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').map((line, k) => {
    const e = JSON.parse(line) as TunedExample;
    if (!Array.isArray(e.x) || e.x.length !== 2 || typeof e.right !== 'boolean') throw new Error(`${file}:${k + 1} is not an example fit-show --learn kept`);
    return e;
  });
}

/** How often suggestions were right in each band of confidence, as the show model says and as corrected. */
function bandLines(examples: readonly TunedExample[], tuned: TunedShow): string[] {
  const lines: string[] = [];
  for (const [label, p] of [['uncorrected', (z: number) => sigmoid(z)], ['corrected', (z: number) => tunedProbability(sigmoid(z), tuned)]] as const) {
    const cells = BANDS.slice(0, -1).map((lo, k) => {
      const hi = BANDS[k + 1] as number;
      const inBand = examples.filter((e) => {
        const q = p(e.x[1] as number);
        return q >= lo && (q < hi || (hi === 1 && q <= 1));
      });
      const right = inBand.filter((e) => e.right).length;
      return `${lo}-${hi} ${inBand.length ? (right / inBand.length).toFixed(2) : '-'} (${inBand.length})`;
    });
    lines.push(`right by confidence, ${label}: ${cells.join(', ')}`);
  }
  return lines;
}
