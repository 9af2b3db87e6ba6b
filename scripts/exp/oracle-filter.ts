// Experiment (issue 27): how much a perfect show model could spare. The engine asked at every key; a candidate is
// shown only when the text goes on with it (so no wrong suggestion): the best candidate alone (top), or any of the
// candidates (any). Measured at the document's words (9d06b6b): docs/fit-show/oracle-filter-{a,b}.txt. Usage: --corpus DIR ... [--blocks N]
import { parseArgs } from 'node:util';
import { DEFAULT_SETTINGS, decodeRequest } from '../../src/completion/settings';
import { decideShown, MIN_SHOWN_CHARS } from '../../src/completion/shown';
import { trimOverlap } from '../../src/completion/filters';
import { CompletionEngine } from '../../src/model/inference/engine';
import { textBelow } from '../../src/shared/window';
import { sampleBlocks, figuresOf } from '../../src/cli/replay/run';
import { addCounts, emptyCount, replayBlock, Suggester } from '../../src/cli/replay/simulate';
import { engineSuggester, wordSuggester, ReplayDocument } from '../../src/cli/replay/suggesters';
import { readCorpus } from '../../src/node/corpus';
import { loadModelWithMemory } from '../../src/node/modelFiles';
import { initBackend } from '../../src/node/backend';

function oracleSuggester(engine: CompletionEngine, doc: ReplayDocument, which: 'top' | 'any'): Suggester {
  const below = textBelow(doc.below);
  const rest = doc.below.split('\n', 1)[0] as string;
  return (typed) => {
    if (decideShown([{ text: 'xx', confidence: 1 }], rest, 0).hidden) return '';
    const result = engine.suggest({ prefix: doc.above + typed, below, language: doc.language, path: doc.path, ...decodeRequest(DEFAULT_SETTINGS) });
    while (engine.prepareIdle());
    const texts = result.candidates.map((c) => trimOverlap(c.text, rest)).filter((t) => t.length >= MIN_SHOWN_CHARS);
    const pool = which === 'top' ? texts.slice(0, 1) : texts;
    return pool.find((t) => doc.block.startsWith(t, typed.length)) ?? '';
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { corpus: { type: 'string', multiple: true }, blocks: { type: 'string' }, model: { type: 'string' } } });
  await initBackend('wasm');
  const { model } = await loadModelWithMemory(values.model ?? 'models/base');
  const totals = new Map<string, ReturnType<typeof emptyCount>>();
  const add = (k: string, c: ReturnType<typeof emptyCount>): void => void totals.set(k, addCounts(totals.get(k) ?? emptyCount(), c));
  for (const corpus of values.corpus ?? []) {
    const { files } = await readCorpus([corpus]);
    const blocks = sampleBlocks(files, { blocks: Number(values.blocks ?? 15), blockChars: 300, seed: 7 });
    const engine = new CompletionEngine(model);
    for (const doc of blocks) {
      const runs: Record<string, Suggester> = {
        word: wordSuggester(doc),
        shipped: engineSuggester(engine, doc, DEFAULT_SETTINGS, []),
        top: oracleSuggester(engine, doc, 'top'),
        any: oracleSuggester(engine, doc, 'any'),
      };
      for (const [name, s] of Object.entries(runs)) {
        const c = replayBlock(doc.block, s);
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
