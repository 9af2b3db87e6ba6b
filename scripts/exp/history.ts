// Experiment (issue 27): does the editor's own history tell a right suggestion from a wrong one at equal show
// probability? The shipped engine retypes fit-project blocks (15 each, seed 7) through the type-through cache; each
// suggestion shown is printed with its confidence, whether it was right, keys since the last wrong suggestion and
// since the last Tab. Usage: node --import tsx scripts/exp/history.ts DIR ... > rows.jsonl (docs/fit-show/history-features.txt)
import { DEFAULT_SETTINGS, decodeRequest } from '../../src/completion/settings';
import { decideShown } from '../../src/completion/shown';
import { SuggestionCache } from '../../src/completion/suggestionCache';
import { CompletionEngine } from '../../src/model/inference/engine';
import { textBelow } from '../../src/shared/window';
import { sampleBlocks } from '../../src/cli/replay/run';
import { readCorpus } from '../../src/node/corpus';
import { loadModelWithMemory } from '../../src/node/modelFiles';
import { initBackend } from '../../src/node/backend';
async function main(): Promise<void> {
  await initBackend('wasm');
  const { model } = await loadModelWithMemory('models/base');
  const rows: string[] = [];
  for (const corpus of process.argv.slice(2)) {
    const { files } = await readCorpus([corpus]);
    const engine = new CompletionEngine(model);
    for (const doc of sampleBlocks(files, { blocks: 15, blockChars: 300, seed: 7 })) {
      const below = textBelow(doc.below);
      const rest = doc.below.split('\n', 1)[0] as string;
      const cache = new SuggestionCache<{ text: string; confidence: number }>();
      const block = doc.block;
      let p = 0; let carried = ''; let lastWrong = -1000; let lastTab = -1000;
      while (p < block.length) {
        const typed = block.slice(0, p);
        const prefix = doc.above + typed;
        const lineStart = prefix.lastIndexOf('\n') + 1;
        const before = prefix.slice(lineStart);
        let cands = cache.get(String(lineStart), before, 0.5);
        let fresh = false;
        if (!cands) {
          const r = engine.suggest({ prefix, below, language: doc.language, path: doc.path, ...decodeRequest(DEFAULT_SETTINGS) });
          while (engine.prepareIdle());
          cache.put(String(lineStart), before, r.candidates);
          cands = r.candidates; fresh = true;
        }
        const shown = decideShown(cands, rest, 0.5).shown[0];
        const g = shown?.text ?? '';
        if (g && g !== carried) rows.push(JSON.stringify([doc.language, shown!.confidence, block.startsWith(g, p) ? 1 : 0, p - lastWrong, p - lastTab, fresh ? 1 : 0]));
        if (g && block.startsWith(g, p)) { p += g.length; lastTab = p; carried = ''; continue; }
        if (g && block[p] !== g[0]) { lastWrong = p; carried = ''; } else carried = g.slice(1);
        p++;
      }
    }
    engine.dispose();
    console.error('done', corpus);
  }
  console.log(rows.join('\n'));
}
void main();
