// What the fitting commands (`fit-show`, `fit-words`) share: the fit projects read one per --corpus folder, the
// tree options from the command line, and the engine's replay over the projects' blocks with its examples recorded.
import { basename } from 'node:path';
import { DEFAULT_SETTINGS, Settings } from '../../completion/settings';
import { DEFAULT_TREE_OPTIONS, TreeOptions } from '../../model/evaluation/showFit';
import type { Seq2SeqModel } from '../../model/graph/seq2seq';
import { CompletionEngine } from '../../model/inference/engine';
import type { ShowModel } from '../../model/inference/show';
import type { SourceFile } from '../../model/training/dataset';
import { readCorpus } from '../../node/corpus';
import { countOption, numberOption } from '../options';
import { DEFAULT_REPLAY, sampleBlocks } from './run';
import { addCounts, emptyCount, replayBlock, ReplayCount } from './simulate';
import { engineSuggester, ShowRecord, WordRecord } from './suggesters';

export interface FitProject {
  name: string;
  files: SourceFile[];
}

/** Each folder one project; a folder with no usable source file is an error, named. */
export async function readFitProjects(corpora: readonly string[]): Promise<FitProject[]> {
  if (corpora.length === 0) throw new Error('--corpus is required (one folder per fit project)');
  const projects: FitProject[] = [];
  for (const corpus of corpora) {
    const { files } = await readCorpus([corpus]);
    if (files.length === 0) throw new Error(`no usable source files under ${corpus}`);
    projects.push({ name: basename(corpus), files });
  }
  return projects;
}

/** The options both fitting commands take. */
export const FIT_OPTIONS = {
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
} as const;

/** How often the fitted trees split on each feature, named: what the model reads most. */
export function splitsLine(model: ShowModel, names: readonly string[]): string {
  const splits = new Array<number>(names.length).fill(0);
  for (const tree of model.trees) for (const [f] of tree) if (f >= 0) splits[f] = (splits[f] as number) + 1;
  return `splits per feature: ${names.map((name, k) => `${name} ${splits[k]}`).join(', ')}`;
}

/** The boosted trees' options as --trees, --depth and --rate give them. */
export const treeOptionsOf = (values: Record<string, unknown>): TreeOptions => ({
  ...DEFAULT_TREE_OPTIONS,
  trees: countOption(values, 'trees', DEFAULT_TREE_OPTIONS.trees, 1, 2_000),
  depth: countOption(values, 'depth', DEFAULT_TREE_OPTIONS.depth, 1, 8),
  rate: numberOption(values, 'rate', DEFAULT_TREE_OPTIONS.rate, 0.001),
});

/** A curve's thresholds from --curve (commas between), or `fallback`. */
export function curveOf(values: Record<string, unknown>, fallback: readonly number[]): readonly number[] {
  const curve = typeof values.curve === 'string' ? values.curve.split(',').map(Number) : fallback;
  if (curve.some((t) => !(t >= 0 && t <= 1))) throw new Error('--curve must be thresholds from 0 to 1, separated by commas');
  return curve;
}

/**
 * The engine's replay (Tab only) over each project's blocks; `record.show` receives the suggestions it was asked
 * for and shown, `record.word` every document word it weighed.
 */
export function replayProjects(
  model: Seq2SeqModel,
  projects: readonly { files: SourceFile[] }[],
  options: { blocks: number; seed: number },
  settings: Settings,
  record: { show?: ShowRecord; word?: WordRecord } = {},
): ReplayCount {
  let total = emptyCount();
  for (const p of projects) {
    const engine = new CompletionEngine(model);
    try {
      for (const doc of sampleBlocks(p.files, { ...options, blockChars: DEFAULT_REPLAY.blockChars })) {
        total = addCounts(total, replayBlock(doc.block, engineSuggester(engine, doc, settings, [], record.show, {}, undefined, record.word)));
      }
    } finally {
      engine.dispose();
    }
  }
  return total;
}

/**
 * The curve, a line per model and threshold, each printed as soon as its replay on the projects' blocks (other
 * blocks than the fit's) is done.
 */
export function printCurve(print: (line: string) => void, models: readonly (readonly [string, Seq2SeqModel])[], projects: readonly { files: SourceFile[] }[], options: { blocks: number; seed: number }, curve: readonly number[]): void {
  for (const [label, model] of models) {
    for (const threshold of curve) print(curveLine(label, threshold, replayProjects(model, projects, options, { ...DEFAULT_SETTINGS, confidenceThreshold: threshold })));
  }
}

/** One line of a curve: keystroke savings and suggestions per 100 characters. */
export function curveLine(label: string, threshold: number, c: ReplayCount): string {
  const per100 = (n: number): string => ((100 * n) / c.chars).toFixed(2);
  return `${label} >= ${threshold}: keystroke savings ${(100 * (1 - c.keys / c.chars)).toFixed(1)} %, wrong ${per100(c.wrong)} / 100 chars, shown ${per100(c.shown)}, taken ${per100(c.taken)}`;
}
