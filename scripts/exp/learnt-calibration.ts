// Experiment (issue 27): is the show model calibrated for a model that has learnt its workspace? On each fit
// project, as `eval --replay --learn` splits it: the base model and then the learnt model (the extension's budget,
// with the learnt files as its memory) retype the same blocks through the editor's cache and decision; each
// suggestion shown is printed with its confidence and whether it was right. Usage: DIR ... > rows.jsonl
// The learnt engine is built without `tuned`: these are the figures of the show model before the correction for
// learnt models (fit-show --learn) that they led to.
import { DEFAULT_SETTINGS, decodeRequest } from '../../src/completion/settings';
import { decideShown } from '../../src/completion/shown';
import { SuggestionCache } from '../../src/completion/suggestionCache';
import { CompletionEngine } from '../../src/model/inference/engine';
import { textBelow } from '../../src/shared/window';
import { LEARN_STEPS } from '../../src/shared/learning';
import { learnReplayBlocks } from '../../src/cli/replay/learned';
import type { ReplayDocument } from '../../src/cli/replay/suggesters';
import { memoryOf } from '../../src/model/training/fineTune';
import { learnWorkspace } from '../../src/model/training/learn';
import { readCorpus } from '../../src/node/corpus';
import { loadModelWithMemory } from '../../src/node/modelFiles';
import { initBackend } from '../../src/node/backend';
import { FINE_TUNE_MAX_CORPUS_CHARS, FINE_TUNE_MAX_FILE_BYTES } from '../../src/workspace/filePolicy';

function shownRows(engine: CompletionEngine, doc: ReplayDocument, label: string, rows: string[]): void {
  const settings = DEFAULT_SETTINGS;
  const below = textBelow(doc.below);
  const rest = doc.below.split('\n', 1)[0] as string;
  const cache = new SuggestionCache<{ text: string; confidence: number }>();
  const block = doc.block;
  let p = 0;
  let carried = '';
  while (p < block.length) {
    const prefix = doc.above + block.slice(0, p);
    const lineStart = prefix.lastIndexOf('\n') + 1;
    let candidates = cache.get(String(lineStart), prefix.slice(lineStart), settings.confidenceThreshold);
    if (!candidates) {
      candidates = engine.suggest({ prefix, below, language: doc.language, path: doc.path, ...decodeRequest(settings) }).candidates;
      while (engine.prepareIdle());
      cache.put(String(lineStart), prefix.slice(lineStart), candidates);
    }
    const shown = decideShown(candidates, rest, settings.confidenceThreshold).shown[0];
    const g = shown?.text ?? '';
    if (shown && g !== carried) rows.push(JSON.stringify([label, doc.language, shown.confidence, block.startsWith(g, p) ? 1 : 0, (shown as { word?: boolean }).word === true ? 1 : 0]));
    if (g && block.startsWith(g, p)) { p += g.length; carried = ''; continue; }
    carried = g && block[p] === g[0] ? g.slice(1) : '';
    p++;
  }
}

async function main(): Promise<void> {
  await initBackend('wasm');
  for (const corpus of process.argv.slice(2)) {
    const rows: string[] = [];
    const { files } = await readCorpus([corpus], { maxFileBytes: FINE_TUNE_MAX_FILE_BYTES, maxTotalChars: FINE_TUNE_MAX_CORPUS_CHARS });
    const { split, blocks } = learnReplayBlocks(files, { blocks: 12, blockChars: 300, seed: 7 });
    const { model } = await loadModelWithMemory('models/base');
    const base = new CompletionEngine(model);
    for (const doc of blocks) shownRows(base, doc, 'base', rows);
    base.dispose();
    const report = await learnWorkspace(model, split.train, LEARN_STEPS);
    console.error(`${corpus}: learnt ${report.steps} steps, ${report.outcome}`);
    const learnt = new CompletionEngine(model);
    learnt.setMemory(memoryOf(split.train));
    for (const doc of blocks) shownRows(learnt, doc, 'learnt', rows);
    learnt.dispose();
    model.dispose();
    console.log(rows.join('\n'));
  }
}
void main();
