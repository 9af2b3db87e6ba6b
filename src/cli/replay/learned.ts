// `eval --replay --learn`: what learning a workspace is worth to a user, on the same blocks. Each project's files
// are split by file (as the fine-tune splits them): blocks come from a third of them, which the learner never
// sees, and the learner gets the rest, exactly as the extension's background learner would
// (src/model/training/learn.ts). Word completion and four engines retype the same blocks: the base model as shipped, the base model
// knowing the learnt files (their text searchable by the copy prior, no training step), the learnt model, and the
// learnt model adapted to each block's document (its text above and below the block, as the editor holds it before
// the user writes the block) for the steps the extension takes (src/model/training/adapt.ts).
import { basename } from 'node:path';
import type { Seq2SeqModel } from '../../model/graph/seq2seq';
import { CompletionEngine } from '../../model/inference/engine';
import { splitByFile, SourceFile, Split } from '../../model/training/dataset';
import { memoryOf } from '../../shared/memory';
import { learnWorkspace } from '../../model/training/learn';
import { adaptToDocument } from '../../model/training/adapt';
import { DOCUMENT_STEPS } from '../../shared/learning';
import { assignWeights, weightArrays } from '../../model/graph/serialize';
import { readCorpus } from '../../node/corpus';
import { FINE_TUNE_MAX_CORPUS_CHARS, FINE_TUNE_MAX_FILE_BYTES } from '../../workspace/filePolicy';
import { ContestantFigures, figuresOf, reportPercentile, ReplayOptions, sampleBlocks } from './run';
import { addCounts, emptyCount, replayBlock, ReplayCount } from './simulate';
import { engineSuggester, ReplayDocument, wordSuggester } from './suggesters';

/** The share of a project's files its blocks come from; the learner reads the others. */
export const BLOCK_FILE_SHARE = 1 / 3;

export const LEARN_CONTESTANTS = ['base', 'knowsFiles', 'learnt', 'learntDocument', 'wordCompletion'] as const;
export type LearnContestant = (typeof LEARN_CONTESTANTS)[number];

export interface LearnedGroup {
  blocks: number;
  chars: number;
  figures: Record<LearnContestant, ContestantFigures & { engineMsP50: number | null; engineMsP95: number | null }>;
  /** Keystroke savings of the learnt model minus the base model's, in points. */
  gainPoints: number;
  /** The same for the learnt model adapted to each block's document. */
  documentGainPoints: number;
  /** Keystroke savings over word completion's on the same blocks. */
  overWordCompletion: { base: number | null; learnt: number | null; learntDocument: number | null };
}

export interface LearnedProject extends LearnedGroup {
  project: string;
  learnFiles: number;
  blockFiles: number;
  learnChars: number;
  steps: number;
  learnSeconds: number;
  /** Validation bits/char of the learner's held-out files before and after (the fine-tune's own figure). */
  bitsPerChar: { before: number; after: number; validatedOn: string };
}

export interface LearnTally {
  blocks: number;
  counts: Record<LearnContestant, ReplayCount>;
  ms: Record<LearnContestant, number[]>;
}

export const newLearnTally = (): LearnTally => ({
  blocks: 0,
  counts: { base: emptyCount(), knowsFiles: emptyCount(), learnt: emptyCount(), learntDocument: emptyCount(), wordCompletion: emptyCount() },
  ms: { base: [], knowsFiles: [], learnt: [], learntDocument: [], wordCompletion: [] },
});

export function addLearnTally(into: LearnTally, from: LearnTally): void {
  into.blocks += from.blocks;
  for (const c of LEARN_CONTESTANTS) {
    into.counts[c] = addCounts(into.counts[c], from.counts[c]);
    into.ms[c].push(...from.ms[c]);
  }
}

export function learnedGroup(t: LearnTally): LearnedGroup {
  const figures = Object.fromEntries(LEARN_CONTESTANTS.map((c) => [c, { ...figuresOf(t.counts[c]), engineMsP50: reportPercentile(t.ms[c], 50), engineMsP95: reportPercentile(t.ms[c], 95) }])) as LearnedGroup['figures'];
  const gain = (c: LearnContestant): number => Number((100 * (figures[c].keystrokeSavings - figures.base.keystrokeSavings)).toFixed(2));
  const word = figures.wordCompletion.keystrokeSavings;
  const over = (c: LearnContestant): number | null => (word > 0 ? Number((figures[c].keystrokeSavings / word).toFixed(3)) : null);
  return {
    blocks: t.blocks, chars: t.counts.base.chars, figures, gainPoints: gain('learnt'), documentGainPoints: gain('learntDocument'),
    overWordCompletion: { base: over('base'), learnt: over('learnt'), learntDocument: over('learntDocument') },
  };
}

/**
 * One engine over the blocks, Tab only, as the editor shows it. With `documentSteps` the model is first adapted to
 * each block's document and given back its weights after the block; `tuned`: the model learnt the workspace, so
 * its show model's confidence is corrected, as the extension's engine corrects a learnt model's.
 */
async function replayEngine(
  model: Seq2SeqModel,
  blocks: readonly ReplayDocument[],
  options: ReplayOptions,
  memory: string | null,
  into: LearnTally,
  c: LearnContestant,
  byBlock: LearnTally[],
  { tuned = false, documentSteps = 0, files = [] }: { tuned?: boolean; documentSteps?: number; files?: readonly SourceFile[] } = {},
): Promise<void> {
  const own = documentSteps > 0 ? weightArrays(model.weights) : null;
  for (const [i, doc] of blocks.entries()) {
    let engine: CompletionEngine | null = null;
    try {
      if (own) {
        const family = files.find((f) => f.path === doc.path)?.family ?? 'other';
        const report = await adaptToDocument(model, { path: doc.path, text: doc.above + doc.below, family }, documentSteps);
        // As in the extension: weights that did not adapt (part-way, or not numbers) never serve.
        if (report.outcome !== 'adapted') assignWeights(model.weights, own);
      }
      engine = new CompletionEngine(model, { tuned });
      engine.setMemory(memory);
      const ms: number[] = [];
      const count = replayBlock(doc.block, engineSuggester(engine, doc, options.settings, ms, undefined, options.request, options.minShownChars));
      into.counts[c] = addCounts(into.counts[c], count);
      into.ms[c].push(...ms);
      const b = byBlock[i] as LearnTally;
      b.counts[c] = addCounts(b.counts[c], count);
      b.ms[c].push(...ms);
    } finally {
      engine?.dispose();
      if (own) assignWeights(model.weights, own);
    }
  }
}

/** A project's split by file (the learner reads `split.train`) and the blocks replayed from the rest. */
export function learnReplayBlocks(files: readonly SourceFile[], options: Pick<ReplayOptions, 'blocks' | 'blockChars' | 'seed'>): { split: Split; blocks: ReplayDocument[] } {
  const split = splitByFile([...files], BLOCK_FILE_SHARE, options.seed);
  if (split.validation.length === 0 || split.train.length === 0) throw new Error('a project needs at least two files to learn from some and replay others');
  return { split, blocks: sampleBlocks(split.validation, options) };
}

/**
 * One project: word completion and the base model replay the blocks, then a fresh copy of it (from `load`) learns the learn part for
 * `steps` steps and replays them again. Returns the project's figures and one tally per block (for the languages).
 */
export async function replayLearning(
  load: () => Promise<Seq2SeqModel>,
  files: readonly SourceFile[],
  options: ReplayOptions,
  steps: number,
  log: (line: string) => void,
  documentSteps = DOCUMENT_STEPS,
): Promise<{ project: Omit<LearnedProject, 'project'>; blocks: { language: string; tally: LearnTally }[] }> {
  const { split, blocks } = learnReplayBlocks(files, options);
  const tally = newLearnTally();
  tally.blocks = blocks.length;
  const byBlock = blocks.map(() => ({ ...newLearnTally(), blocks: 1 }));
  const memory = memoryOf(split.train);
  blocks.forEach((doc, i) => {
    const count = replayBlock(doc.block, wordSuggester(doc));
    tally.counts.wordCompletion = addCounts(tally.counts.wordCompletion, count);
    (byBlock[i] as LearnTally).counts.wordCompletion = count;
  });
  const base = await load();
  try {
    await replayEngine(base, blocks, options, null, tally, 'base', byBlock);
    await replayEngine(base, blocks, options, memory, tally, 'knowsFiles', byBlock);
    const t0 = Date.now();
    const report = await learnWorkspace(base, split.train, steps);
    const learnSeconds = (Date.now() - t0) / 1000;
    log(`  learnt ${split.train.length} files for ${report.steps} steps in ${learnSeconds.toFixed(0)} s: ${report.outcome}, validation ${(report.startLoss / Math.LN2).toFixed(3)} -> ${(report.bestLoss / Math.LN2).toFixed(3)} bits/char`);
    // As in the extension, only a model that learnt something serves as learnt.
    const tuned = report.improved;
    await replayEngine(base, blocks, options, memory, tally, 'learnt', byBlock, { tuned });
    const a0 = Date.now();
    await replayEngine(base, blocks, options, memory, tally, 'learntDocument', byBlock, { tuned, documentSteps, files });
    log(`  adapted to each block's document for ${documentSteps} steps: ${((Date.now() - a0) / 1000 / blocks.length).toFixed(1)} s a block with its replay`);
    return {
      project: {
        ...learnedGroup(tally),
        learnFiles: split.train.length,
        blockFiles: split.validation.length,
        learnChars: memory.length,
        steps: report.steps,
        learnSeconds: Number(learnSeconds.toFixed(1)),
        bitsPerChar: { before: Number((report.startLoss / Math.LN2).toFixed(3)), after: Number((report.bestLoss / Math.LN2).toFixed(3)), validatedOn: report.validatedOn },
      },
      blocks: blocks.map((b, i) => ({ language: b.language, tally: byBlock[i] as LearnTally })),
    };
  } finally {
    base.dispose();
  }
}

export interface LearnReplayReport {
  options: Omit<ReplayOptions, 'settings' | 'request'> & { steps: number; documentSteps: number; blockFileShare: number };
  projects: LearnedProject[];
  languages: Record<string, LearnedGroup>;
  all: LearnedGroup;
  seconds: number;
}

/** The learning replay over every --corpus folder, each one project. */
export async function runLearnReplay(load: () => Promise<Seq2SeqModel>, corpora: string[], options: ReplayOptions, steps: number, log: (line: string) => void, documentSteps = DOCUMENT_STEPS): Promise<LearnReplayReport> {
  const t0 = Date.now();
  const all = newLearnTally();
  const languages = new Map<string, LearnTally>();
  const projects: LearnedProject[] = [];
  for (const corpus of corpora) {
    const { files } = await readCorpus([corpus], { maxFileBytes: FINE_TUNE_MAX_FILE_BYTES, maxTotalChars: FINE_TUNE_MAX_CORPUS_CHARS });
    if (files.length === 0) throw new Error(`no usable source files under ${corpus}`);
    log(`${basename(corpus)}:`);
    const { project, blocks } = await replayLearning(load, files, options, steps, log, documentSteps);
    for (const b of blocks) {
      addLearnTally(all, b.tally);
      const into = languages.get(b.language) ?? newLearnTally();
      addLearnTally(into, b.tally);
      languages.set(b.language, into);
    }
    projects.push({ project: basename(corpus), ...project });
    const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;
    const f = project.figures;
    log(`  ${project.blocks} blocks, ${project.chars} chars; savings base ${pct(f.base.keystrokeSavings)}, knowing the files ${pct(f.knowsFiles.keystrokeSavings)}, learnt ${pct(f.learnt.keystrokeSavings)} (${project.gainPoints >= 0 ? '+' : ''}${project.gainPoints} points), adapted to the document ${pct(f.learntDocument.keystrokeSavings)} (${project.documentGainPoints >= 0 ? '+' : ''}${project.documentGainPoints}); wrong / 100 chars ${f.base.wrongPer100} -> ${f.learnt.wrongPer100} -> ${f.learntDocument.wrongPer100}`);
  }
  const { settings: _settings, request: _request, ...rest } = options;
  return {
    options: { ...rest, steps, documentSteps, blockFileShare: BLOCK_FILE_SHARE },
    projects,
    languages: Object.fromEntries([...languages].map(([lang, t]) => [lang, learnedGroup(t)])),
    all: learnedGroup(all),
    seconds: Number(((Date.now() - t0) / 1000).toFixed(1)),
  };
}
