// Experiment (issue 27): the engine, and where it shows nothing, word completion under a few rules; on replay
// blocks. Measured before the word model (at 2ff408f): docs/fit-show/word-completion-{union,rules}-{a,b}.txt. Usage: --corpus DIR ... [--blocks N]
import { parseArgs } from 'node:util';
import { DEFAULT_SETTINGS } from '../../src/completion/settings';
import { decodeRequest } from '../../src/completion/settings';
import { decideShown } from '../../src/completion/shown';
import { SuggestionCache } from '../../src/completion/suggestionCache';
import { CompletionEngine, SuggestResult } from '../../src/model/inference/engine';
import { textBelow } from '../../src/shared/window';
import { sampleBlocks, figuresOf } from '../../src/cli/replay/run';
import { addCounts, emptyCount, replayBlock, Suggester } from '../../src/cli/replay/simulate';
import { wordSuggester, ReplayDocument } from '../../src/cli/replay/suggesters';
import { readCorpus } from '../../src/node/corpus';
import { loadModelWithMemory } from '../../src/node/modelFiles';
import { initBackend } from '../../src/node/backend';

type Fallback = (engineTop: string, word: string, result: SuggestResult | null, info: { count: number; current: string; topConfidence: number }) => boolean;

function unionSuggester(engine: CompletionEngine, doc: ReplayDocument, fallback: Fallback | null, threshold: number): Suggester {
  const settings = { ...DEFAULT_SETTINGS, confidenceThreshold: threshold };
  const cache = new SuggestionCache<{ text: string; confidence: number }>();
  const below = textBelow(doc.below);
  const rest = doc.below.split('\n', 1)[0] as string;
  const word = wordSuggester(doc);
  return (typed) => {
    const prefix = doc.above + typed;
    const lineStart = prefix.lastIndexOf('\n') + 1;
    const key = String(lineStart);
    const before = prefix.slice(lineStart);
    const cached = cache.get(key, before, settings.confidenceThreshold);
    let shown: string;
    let result: SuggestResult | null = null;
    if (cached) shown = decideShown(cached, rest, settings.confidenceThreshold).shown[0]?.text ?? '';
    else {
      result = engine.suggest({ prefix, below, language: doc.language, path: doc.path, ...decodeRequest(settings) });
      cache.put(key, before, result.candidates);
      while (engine.prepareIdle());
      shown = decideShown(result.candidates, rest, settings.confidenceThreshold).shown[0]?.text ?? '';
    }
    if (shown || !fallback) return shown;
    if (decideShown([{ text: 'xx', confidence: 1 }], rest, 0).hidden) return '';
    const w = word(typed);
    if (w.length < 2) return '';
    const current = /[A-Za-z0-9_$]+$/.exec(prefix)?.[0] ?? '';
    const full = current + w;
    let count = 0;
    for (const m of (prefix + doc.below).matchAll(/[A-Za-z0-9_$]+/g)) if (m[0] === full) count++;
    return fallback(result?.candidates[0]?.text ?? '', w, result, { count, current, topConfidence: result?.candidates[0]?.confidence ?? 0 }) ? w : '';
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { corpus: { type: 'string', multiple: true }, blocks: { type: 'string' }, model: { type: 'string' }, threshold: { type: 'string' } } });
  await initBackend('wasm');
  const { model } = await loadModelWithMemory(values.model ?? 'models/base');
  const threshold = Number(values.threshold ?? DEFAULT_SETTINGS.confidenceThreshold);
  const fc = (t: string, w: string): boolean => t.length > 0 && t[0] === w[0];
  const variants: Record<string, Fallback | null> = {
    engine: null,
    unionFirstChar: (t, w) => fc(t, w),
    firstCharCount2: (t, w, _r, i) => fc(t, w) && i.count >= 2,
    firstCharConf02: (t, w, _r, i) => fc(t, w) && i.topConfidence >= 0.2,
    twoChars: (t, w) => t.length >= 2 ? t.slice(0, 2) === w.slice(0, 2) : w.startsWith(t) && t.length > 0,
    firstCharTyped2: (t, w, _r, i) => fc(t, w) && i.current.length >= 2,
  };
  const totals = new Map<string, ReturnType<typeof emptyCount>>();
  const add = (k: string, c: ReturnType<typeof emptyCount>): void => void totals.set(k, addCounts(totals.get(k) ?? emptyCount(), c));
  for (const corpus of values.corpus ?? []) {
    const { files } = await readCorpus([corpus]);
    const blocks = sampleBlocks(files, { blocks: Number(values.blocks ?? 15), blockChars: 300, seed: 7 });
    const engine = new CompletionEngine(model);
    for (const doc of blocks) {
      const wc = replayBlock(doc.block, wordSuggester(doc));
      add(`${doc.language} word`, wc);
      add(`all word`, wc);
      for (const [name, fb] of Object.entries(variants)) {
        const c = replayBlock(doc.block, unionSuggester(engine, doc, fb, threshold));
        add(`${doc.language} ${name}`, c);
        add(`all ${name}`, c);
      }
    }
    engine.dispose();
    console.error(`done ${corpus}`);
  }
  for (const [k, c] of [...totals].sort()) console.log(k.padEnd(28), JSON.stringify(figuresOf(c)));
}
void main();
