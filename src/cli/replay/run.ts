// `eval --replay`: the typing replay over held-out projects (each --corpus folder is one project), the engine
// searching the project's files as the extension's workspace memory does (unless the settings turn it off). Per
// project and per language: keystroke savings and suggestions shown, taken and wrong per 100 characters, for the engine
// as the editor shows it (Tab only, and with Ctrl+Right), word completion, the 8-gram trained on the project's
// other files, and the two limits; engine ms p50/p95. Deterministic for a seed.
import { basename } from 'node:path';
import { DEFAULT_FINE_TUNE, Settings } from '../../completion/settings';
import { CharNgram } from '../../model/evaluation/ngram';
import { Rng } from '../../model/graph/rng';
import type { Seq2SeqModel } from '../../model/graph/seq2seq';
import { CompletionEngine, SuggestRequest } from '../../model/inference/engine';
import type { SourceFile } from '../../model/training/dataset';
import { readCorpus } from '../../node/corpus';
import { languageOfPath } from '../../shared/language';
import { memoryOf } from '../../shared/memory';
import { percentile } from '../percentile';
import { addCounts, AcceptMode, emptyCount, replayBlock, ReplayCount, Suggester } from './simulate';
import { engineSuggester, ngramSuggester, nextTokenOracle, ReplayDocument, restOfLineOracle, wordSuggester } from './suggesters';

export interface ReplayOptions {
  blocks: number;
  /** A block is at least this long, extended to the end of its line. */
  blockChars: number;
  seed: number;
  settings: Settings;
  /** Engine request fields beyond the settings' (an engine default being measured before it ships). */
  request?: Partial<SuggestRequest>;
  /** The shortest suggestion shown (default MIN_SHOWN_CHARS; 1 measures the editor before that rule). */
  minShownChars?: number;
}

/**
 * The workspace memory as the extension holds it while the user types the block (src/extension/workspaceMemory.ts):
 * every file of the project as saved, the block's own without the block, in the order read, up to the fine-tune's
 * default size cap.
 */
export function memoryWhileTyping(files: readonly SourceFile[], doc: ReplayDocument, maxChars = DEFAULT_FINE_TUNE.maxCorpusChars): string {
  const kept: { text: string }[] = [];
  let total = 0;
  for (const f of files) {
    const text = f.path === doc.path ? doc.above + doc.below : f.text;
    if (total + text.length > maxChars) continue;
    kept.push({ text });
    total += text.length;
  }
  return memoryOf(kept);
}

export const DEFAULT_REPLAY: Omit<ReplayOptions, 'settings'> = { blocks: 20, blockChars: 300, seed: 7 };

/**
 * Blocks of the project's code: a file drawn by length, a line start drawn in it, at least `blockChars` characters
 * extended to the end of their line; never two from the same place.
 */
export function sampleBlocks(files: readonly SourceFile[], options: Pick<ReplayOptions, 'blocks' | 'blockChars' | 'seed'>): ReplayDocument[] {
  const usable = files.filter((f) => f.text.length > options.blockChars * 2);
  const total = usable.reduce((n, f) => n + f.text.length, 0);
  const rng = new Rng(options.seed);
  const taken = new Set<string>();
  const blocks: ReplayDocument[] = [];
  for (let attempt = 0; blocks.length < options.blocks && attempt < options.blocks * 20 && total > 0; attempt++) {
    let pick = rng.next() * total;
    const file = usable.find((f) => (pick -= f.text.length) < 0) ?? (usable[usable.length - 1] as SourceFile);
    const text = file.text;
    const start = text.lastIndexOf('\n', rng.int(0, text.length - options.blockChars)) + 1;
    const lineEnd = text.indexOf('\n', start + options.blockChars);
    const end = lineEnd < 0 ? text.length : lineEnd;
    const block = text.slice(start, end);
    if (block.trim().length < options.blockChars / 2 || taken.has(`${file.path}:${start}`)) continue;
    taken.add(`${file.path}:${start}`);
    blocks.push({ path: file.path, language: languageOfPath(file.path), above: text.slice(0, start), block, below: text.slice(end) });
  }
  return blocks;
}

export interface ContestantFigures {
  /** 1 - keys / characters. */
  keystrokeSavings: number;
  shownPer100: number;
  takenPer100: number;
  wrongPer100: number;
}

export const figuresOf = (c: ReplayCount): ContestantFigures => {
  const per100 = (n: number): number => Number(((100 * n) / Math.max(1, c.chars)).toFixed(2));
  return { keystrokeSavings: Number((1 - c.keys / Math.max(1, c.chars)).toFixed(4)), shownPer100: per100(c.shown), takenPer100: per100(c.taken), wrongPer100: per100(c.wrong) };
};

export const CONTESTANTS = ['engine', 'engineWords', 'wordCompletion', 'ngram', 'oracleNextToken', 'oracleRestOfLine'] as const;
export type Contestant = (typeof CONTESTANTS)[number];

export interface ReplayGroup {
  blocks: number;
  chars: number;
  figures: Record<Contestant, ContestantFigures>;
  /** Keystroke savings of the engine over word completion's. */
  engineOverWordCompletion: number | null;
  engineMs: { calls: number; p50: number | null; p95: number | null };
}

interface Tally {
  blocks: number;
  counts: Record<Contestant, ReplayCount>;
  engineMs: number[];
}

const newTally = (): Tally => ({ blocks: 0, counts: Object.fromEntries(CONTESTANTS.map((c) => [c, emptyCount()])) as Record<Contestant, ReplayCount>, engineMs: [] });

function addTally(into: Tally, from: Tally): void {
  into.blocks += from.blocks;
  for (const c of CONTESTANTS) into.counts[c] = addCounts(into.counts[c], from.counts[c]);
  into.engineMs.push(...from.engineMs);
}

/** A percentile for the report: rounded to 0.01 ms, null for no values. */
export const reportPercentile = (values: number[], p: number): number | null => (values.length === 0 ? null : Number(percentile(values, p).toFixed(2)));

function group(t: Tally): ReplayGroup {
  const figures = Object.fromEntries(CONTESTANTS.map((c) => [c, figuresOf(t.counts[c])])) as Record<Contestant, ContestantFigures>;
  const word = figures.wordCompletion.keystrokeSavings;
  return {
    blocks: t.blocks,
    chars: t.counts.engine.chars,
    figures,
    engineOverWordCompletion: word > 0 ? Number((figures.engine.keystrokeSavings / word).toFixed(3)) : null,
    engineMs: { calls: t.engineMs.length, p50: reportPercentile(t.engineMs, 50), p95: reportPercentile(t.engineMs, 95) },
  };
}

/** Replays one project's blocks for every contestant; `tuned`: the model learnt a workspace (CompletionEngine's option). */
export function replayProject(model: Seq2SeqModel, files: readonly SourceFile[], options: ReplayOptions, tuned = false): { tally: Tally; byLanguage: Map<string, Tally> } {
  const blocks = sampleBlocks(files, options);
  // The 8-gram learns the project's other files: none of those the blocks come from.
  const ngram = new CharNgram(model.vocab, 8);
  const blockFiles = new Set(blocks.map((b) => b.path));
  for (const f of files) if (!blockFiles.has(f.path)) ngram.train(f.text);
  const engine = new CompletionEngine(model, { tuned });
  const tally = newTally();
  const byLanguage = new Map<string, Tally>();
  try {
    for (const doc of blocks) {
      engine.setMemory(options.settings.workspaceMemory ? memoryWhileTyping(files, doc) : null);
      const t = newTally();
      t.blocks = 1;
      const run = (c: Contestant, suggest: Suggester, mode: AcceptMode = 'tab'): void => {
        t.counts[c] = replayBlock(doc.block, suggest, mode);
      };
      run('engine', engineSuggester(engine, doc, options.settings, t.engineMs, undefined, options.request, options.minShownChars));
      run('engineWords', engineSuggester(engine, doc, options.settings, [], undefined, options.request, options.minShownChars), 'words');
      run('wordCompletion', wordSuggester(doc));
      run('ngram', ngramSuggester(ngram, doc, options.settings));
      run('oracleNextToken', nextTokenOracle(doc, options.settings.maxSuggestionChars));
      run('oracleRestOfLine', restOfLineOracle(doc));
      addTally(tally, t);
      const lang = byLanguage.get(doc.language) ?? newTally();
      addTally(lang, t);
      byLanguage.set(doc.language, lang);
    }
  } finally {
    engine.dispose();
  }
  return { tally, byLanguage };
}

export interface ReplayReport {
  settings: Pick<Settings, 'confidenceThreshold' | 'beamWidth' | 'maxSuggestionChars' | 'suggestionLength' | 'multiline' | 'workspaceMemory'>;
  options: Omit<ReplayOptions, 'settings'>;
  projects: ({ project: string; corpus: string } & ReplayGroup)[];
  languages: Record<string, ReplayGroup>;
  all: ReplayGroup;
  seconds: number;
}

/** The replay over every --corpus folder, each one project. */
export async function runReplay(model: Seq2SeqModel, corpora: string[], options: ReplayOptions, log: (line: string) => void, tuned = false): Promise<ReplayReport> {
  const t0 = Date.now();
  const all = newTally();
  const languages = new Map<string, Tally>();
  const projects: ReplayReport['projects'] = [];
  for (const corpus of corpora) {
    const { files } = await readCorpus([corpus]);
    if (files.length === 0) throw new Error(`no usable source files under ${corpus}`);
    const { tally, byLanguage } = replayProject(model, files, options, tuned);
    addTally(all, tally);
    for (const [lang, t] of byLanguage) {
      const into = languages.get(lang) ?? newTally();
      addTally(into, t);
      languages.set(lang, into);
    }
    const g = group(tally);
    projects.push({ project: basename(corpus), corpus, ...g });
    const f = g.figures;
    const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;
    log(`${basename(corpus)}: ${g.blocks} blocks, ${g.chars} chars; savings engine ${pct(f.engine.keystrokeSavings)} (with Ctrl+Right ${pct(f.engineWords.keystrokeSavings)}), word completion ${pct(f.wordCompletion.keystrokeSavings)}, 8-gram ${pct(f.ngram.keystrokeSavings)}; wrong / 100 chars engine ${f.engine.wrongPer100}, word completion ${f.wordCompletion.wrongPer100}; engine ms p50 ${g.engineMs.p50} p95 ${g.engineMs.p95}`);
  }
  const { confidenceThreshold, beamWidth, maxSuggestionChars, suggestionLength, multiline, workspaceMemory } = options.settings;
  const { settings: _settings, request: _request, ...rest } = options;
  return {
    settings: { confidenceThreshold, beamWidth, maxSuggestionChars, suggestionLength, multiline, workspaceMemory },
    options: rest,
    projects,
    languages: Object.fromEntries([...languages].map(([lang, t]) => [lang, group(t)])),
    all: group(all),
    seconds: Number(((Date.now() - t0) / 1000).toFixed(1)),
  };
}

