// `eval`: held-out figures of a model on a corpus, as one JSON object; with --baseline-corpus, the same figures
// for a PPM-style character n-gram trained on that corpus, on exactly the same targets and cursors.
import { CompletionEngine } from '../model/inference/engine';
import { byLanguage, calibration, copyOnlyExactMatch, exactMatch, FamilyFigures, judge, Judged, modelBitsPerChar, referenceFoundIn, ngramBitsPerChar, ngramExactMatch, pickThreshold, sampleCursors, sampleTargets } from '../model/evaluation/evaluation';
import { CharNgram } from '../model/evaluation/ngram';
import { hashString, Rng } from '../model/graph/rng';
import { initBackend } from '../node/backend';
import { readCorpus } from '../node/corpus';
import type { SourceFile } from '../model/training/dataset';
import { loadModelWithMemory } from '../node/modelFiles';
import { wasFineTuned } from '../model/training/fineTune';
import type { TrainingState } from '../model/graph/serialize';
import { backendOption, countOption, numberOption, parse, requireString } from './options';
import { DEFAULT_SETTINGS } from '../completion/settings';
import { MIN_SHOWN_CHARS } from '../completion/shown';
import { SUGGESTION_LENGTHS } from '../shared/window';
import { DEFAULT_REPLAY, runReplay } from './replay/run';
import { runLearnReplay } from './replay/learned';
import { DOCUMENT_STEPS, LEARN_STEPS } from '../shared/learning';
import type { Seq2SeqModel } from '../model/graph/seq2seq';
import { nextLineValue, suggestionValue } from '../model/evaluation/suggestionValue';
import { memoryOf } from '../shared/memory';

/** The extension thresholds the figures sweep: where a longer suggestion pays for itself. */
const EXTEND_THRESHOLDS = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95];
const NEXT_LINE_THRESHOLDS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

export async function runEval(args: string[]): Promise<number> {
  const values = parse(args, {
    model: { type: 'string' },
    corpus: { type: 'string', multiple: true },
    'baseline-corpus': { type: 'string', multiple: true },
    order: { type: 'string' },
    samples: { type: 'string' },
    seed: { type: 'string' },
    batches: { type: 'string' },
    beam: { type: 'string' },
    memory: { type: 'string', multiple: true },
    below: { type: 'boolean' },
    files: { type: 'string' },
    threshold: { type: 'string' },
    'max-chars': { type: 'string' },
    replay: { type: 'boolean' },
    blocks: { type: 'string' },
    'block-chars': { type: 'string' },
    length: { type: 'string' },
    'copy-run': { type: 'string' },
    'min-chars': { type: 'string' },
    learn: { type: 'boolean' },
    'learn-steps': { type: 'string' },
    'document-steps': { type: 'string' },
    'workspace-memory': { type: 'string' },
  });
  // The editor's defaults: suggestions are shown from this confidence on, and are at most this long.
  const showThreshold = numberOption(values, 'threshold', DEFAULT_SETTINGS.confidenceThreshold, 0);
  const maxChars = countOption(values, 'max-chars', DEFAULT_SETTINGS.maxSuggestionChars, 1, 200);
  // --below: the copy prior also searches the file below the cursor's line, as the editor does; --files N: and the N
  // files nearest to the cursor's file (the user's other open files). The figures with less context are reported
  // beside it, on the same cursors.
  const withBelow = values.below === true;
  const neighbours = countOption(values, 'files', 0, 0, 64);
  const modelDir = requireString(values, 'model');
  const corpora = (values.corpus as string[] | undefined) ?? [];
  if (corpora.length === 0) throw new Error('--corpus is required');
  const samples = countOption(values, 'samples', 300, 1, 1_000_000);
  const batches = countOption(values, 'batches', 8, 1, 10_000);
  const seed = countOption(values, 'seed', 7, 0, 2 ** 31 - 1);
  // The extension shows the best of a width-3 beam by default (seq2seq.beamWidth); score what users would see.
  const beamWidth = countOption(values, 'beam', 3, 1, 8);
  const backend = await initBackend(backendOption(values));
  // The model and its workspace memory from one version of the folder.
  const { model, metadata, memory: ownMemory } = await loadModelWithMemory(modelDir);
  if ((values.learn === true || values['learn-steps'] !== undefined) && values.replay !== true) throw new Error('--learn goes with --replay (savings with and without learning, on the same blocks)');
  if (values['learn-steps'] !== undefined && values.learn !== true) throw new Error('--learn-steps goes with --learn');
  if (values['document-steps'] !== undefined && values.learn !== true) throw new Error('--document-steps goes with --learn');
  if (values.replay === true) return runReplayCommand(values, model, metadata, modelDir, corpora, backend.name, { showThreshold, maxChars, beamWidth });
  return runCursorEval(values, model, metadata, ownMemory, modelDir, corpora, backend.name, { showThreshold, maxChars, beamWidth, withBelow, neighbours, samples, batches, seed });
}

/** The per-cursor figures (exact match with and without context, bits/char, calibration, suggestion value), as JSON on stdout. */
async function runCursorEval(
  values: Record<string, unknown>,
  model: Seq2SeqModel,
  metadata: { name?: string; training: TrainingState },
  ownMemory: string | null,
  modelDir: string,
  corpora: string[],
  backendName: string,
  o: { showThreshold: number; maxChars: number; beamWidth: number; withBelow: boolean; neighbours: number; samples: number; batches: number; seed: number },
): Promise<number> {
  const { showThreshold, maxChars, beamWidth, withBelow, neighbours } = o;
  const { files, skipped } = await readCorpus(corpora);
  if (files.length === 0) throw new Error(`no usable source files under ${corpora.join(', ')}`);

  const baselineCorpora = (values['baseline-corpus'] as string[] | undefined) ?? [];
  let ngram: CharNgram | null = null;
  let ngramSeconds = 0;
  if (baselineCorpora.length > 0) {
    const t = Date.now();
    ngram = new CharNgram(model.vocab, countOption(values, 'order', 8, 1, 16));
    for (const f of (await readCorpus(baselineCorpora)).files) ngram.train(f.text);
    ngramSeconds = (Date.now() - t) / 1000;
  }

  // A fine-tuned model is measured as it is served: its show model's confidence corrected, its memory searched.
  const engine = new CompletionEngine(model, { tuned: wasFineTuned(metadata.training) });
  // The workspace memory the copy prior may search besides the document: the model folder's own (what a fine-tuned
  // model learned from), or the files under --memory.
  const memoryCorpora = (values.memory as string[] | undefined) ?? [];
  engine.setMemory(memoryCorpora.length > 0 ? memoryOf((await readCorpus(memoryCorpora)).files) : ownMemory);
  const t0 = Date.now();
  const { families, allJudged } = languageFigures(engine, model, files, { ...o, ngram });
  const all = Object.values(families);
  const weighted = (pick: (f: FamilyFigures) => number | null | undefined, weight: 'targetChars' | 'cursors'): number | null => {
    const kept = all.filter((f) => typeof pick(f) === 'number');
    const w = kept.reduce((n, f) => n + f[weight], 0);
    return w === 0 ? null : kept.reduce((s, f) => s + (pick(f) as number) * f[weight], 0) / w;
  };
  process.stdout.write(
    `${JSON.stringify(
      {
        model: metadata.name ?? modelDir,
        step: metadata.training.step,
        backend: backendName,
        beamWidth,
        corpus: corpora,
        files: files.length,
        skipped: skipped.length,
        bitsPerChar: weighted((f) => f.bitsPerChar, 'targetChars'),
        exactMatch: weighted((f) => f.exactMatch, 'cursors'),
        ...(withBelow || neighbours > 0
          ? {
              context: { below: withBelow, neighbourFiles: neighbours },
              exactMatchAboveOnly: weighted((f) => f.exactMatchAboveOnly, 'cursors'),
              ...(withBelow && neighbours > 0 ? { exactMatchWithBelow: weighted((f) => f.exactMatchWithBelow, 'cursors') } : {}),
              referenceFoundIn: Object.fromEntries(
                (['above', 'below', 'files', 'nowhere'] as const).map((k) => [k, weighted((f) => f.referenceFoundIn?.[k], 'cursors')]),
              ),
            }
          : {}),
        exactMatchAfterJump: weighted((f) => f.exactMatchAfterJump, 'cursors'),
        lstmExactMatch: weighted((f) => f.lstmExactMatch, 'cursors'),
        copyOnlyExactMatch: weighted((f) => f.copyOnlyExactMatch, 'cursors'),
        memoryChars: engine.memoryChars,
        ...(ngram
          ? {
              baseline: {
                kind: `PPM-style character ${ngram.order}-gram`,
                corpus: baselineCorpora,
                trainedChars: ngram.trainedChars,
                trainSeconds: ngramSeconds,
                bitsPerChar: weighted((f) => f.baseline?.bitsPerChar, 'targetChars'),
                exactMatch: weighted((f) => f.baseline?.exactMatch, 'cursors'),
              },
            }
          : {}),
        byLanguage: families,
        calibration: calibration(allJudged),
        // Token-length suggestions beside longer ones, shown at the same threshold, on the same cursors.
        suggestionValue: { showThreshold, maxChars, ...suggestionValue(allJudged.map((j) => j.value), showThreshold, EXTEND_THRESHOLDS) },
        // seq2seq.multiline on top of the auto length at its shipped rule: next lines offered, and how often right.
        nextLineValue: nextLineValue(allJudged.map((j) => j.value), showThreshold, NEXT_LINE_THRESHOLDS),
        suggestedThreshold: pickThreshold(calibration(allJudged), 0.7),
        seconds: (Date.now() - t0) / 1000,
      },
      null,
      2,
    )}\n`,
  );
  engine.dispose();
  model.dispose();
  return 0;
}

/** Each language's figures on its own cursors and target windows, and every judged cursor for the calibration. */
function languageFigures(
  engine: CompletionEngine,
  model: Seq2SeqModel,
  files: SourceFile[],
  o: { maxChars: number; beamWidth: number; withBelow: boolean; neighbours: number; samples: number; batches: number; seed: number; ngram: CharNgram | null },
): { families: Record<string, FamilyFigures>; allJudged: Judged[] } {
  const { maxChars, beamWidth, withBelow, neighbours, samples, batches, seed, ngram } = o;
  const memoryIndex = engine.memoryIndex;
  const families: Record<string, FamilyFigures> = {};
  const allJudged: Judged[] = [];
  const total = files.reduce((n, f) => n + f.text.length, 0);
  for (const [language, group] of byLanguage(files)) {
    const share = group.reduce((n, f) => n + f.text.length, 0) / total;
    const cursors = sampleCursors(group, Math.max(20, Math.round(samples * share)), Rng.derive(seed, hashString(language)));
    const targets = sampleTargets(model, group, batches, 16, seed);
    const bpc = targets ? modelBitsPerChar(model, targets) : null;
    const context = { below: withBelow, neighbours, corpus: files };
    const judged = judge(engine, cursors, beamWidth, true, context, { maxChars });
    allJudged.push(...judged);
    families[language] = {
      bitsPerChar: bpc?.bpc ?? null,
      exactMatch: judged.length ? judged.filter((j) => j.correct).length / judged.length : null,
      // The same suggestion length as the main figure, so the columns differ only in context.
      ...(withBelow || neighbours > 0 ? { exactMatchAboveOnly: exactMatch(engine, cursors, beamWidth, true, {}, maxChars) } : {}),
      ...(withBelow && neighbours > 0 ? { exactMatchWithBelow: exactMatch(engine, cursors, beamWidth, true, { below: true }, maxChars) } : {}),
      ...(withBelow || neighbours > 0 ? { referenceFoundIn: referenceFoundIn(cursors, context) } : {}),
      // Right after a jump the engine answers from a short window first (engine.ts): what that costs.
      exactMatchAfterJump: exactMatch(engine, cursors, beamWidth, true, context, maxChars, 'short'),
      lstmExactMatch: exactMatch(engine, cursors, beamWidth, false, {}, maxChars),
      copyOnlyExactMatch: copyOnlyExactMatch(model.vocab, memoryIndex, cursors),
      cursors: cursors.length,
      targetChars: bpc?.chars ?? 0,
    };
    if (ngram) {
      families[language]!.baseline = { bitsPerChar: targets ? ngramBitsPerChar(ngram, targets).bpc : null, exactMatch: ngramExactMatch(ngram, cursors) };
    }
  }
  return { families, allJudged };
}

/**
 * `eval --replay` (the headline figure: the editor's settings, each --corpus one held-out project), and with --learn
 * the replay before and after learning each project's other files, on the same blocks (src/cli/replay/learned.ts).
 */
async function runReplayCommand(
  values: Record<string, unknown>,
  model: Seq2SeqModel,
  metadata: { name?: string; training: TrainingState },
  modelDir: string,
  corpora: string[],
  backend: string,
  shown: { showThreshold: number; maxChars: number; beamWidth: number },
): Promise<number> {
  const length = values.length === undefined ? DEFAULT_SETTINGS.suggestionLength : SUGGESTION_LENGTHS.find((l) => l === values.length);
  if (!length) throw new Error(`--length must be one of ${SUGGESTION_LENGTHS.join(', ')}`);
  const memory = values['workspace-memory'] ?? (DEFAULT_SETTINGS.workspaceMemory ? 'on' : 'off');
  if (memory !== 'on' && memory !== 'off') throw new Error('--workspace-memory must be on or off');
  const settings = { ...DEFAULT_SETTINGS, confidenceThreshold: shown.showThreshold, maxSuggestionChars: shown.maxChars, beamWidth: shown.beamWidth, suggestionLength: length, workspaceMemory: memory === 'on' };
  const options = {
    blocks: countOption(values, 'blocks', DEFAULT_REPLAY.blocks, 1, 10_000),
    blockChars: countOption(values, 'block-chars', DEFAULT_REPLAY.blockChars, 10, 100_000),
    seed: countOption(values, 'seed', DEFAULT_REPLAY.seed, 0, 2 ** 31 - 1),
  };
  const request = values['copy-run'] === undefined ? {} : { copyRun: countOption(values, 'copy-run', 0, 0, 32) };
  const minShownChars = countOption(values, 'min-chars', MIN_SHOWN_CHARS, 1, 32);
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const header = { model: metadata.name ?? modelDir, step: metadata.training.step, backend };
  if (values.learn === true) {
    const steps = countOption(values, 'learn-steps', LEARN_STEPS, 0, 1_000_000);
    // Each project learns on a fresh copy of the model: the one loaded here is never trained.
    model.dispose();
    const load = async (): Promise<Seq2SeqModel> => (await loadModelWithMemory(modelDir)).model;
    const documentSteps = countOption(values, 'document-steps', DOCUMENT_STEPS, 0, 10_000);
    const report = await runLearnReplay(load, corpora, { ...options, settings, request, minShownChars }, steps, log, documentSteps);
    process.stdout.write(`${JSON.stringify({ ...header, learnReplay: report }, null, 2)}\n`);
    return 0;
  }
  const report = await runReplay(model, corpora, { ...options, settings, request, minShownChars }, log, wasFineTuned(metadata.training));
  process.stdout.write(`${JSON.stringify({ ...header, replay: report }, null, 2)}\n`);
  model.dispose();
  return 0;
}
