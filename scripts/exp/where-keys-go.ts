// Experiment (issue 27): where the keys of the replay go (docs/fit-show/where-keys-go-{a,b}.txt). The shipped engine retypes fit-project blocks; each key
// the user types (not a Tab) is put in one class: leading blanks of a line, typed under a wrong suggestion, or
// typed with nothing shown, split by whether the engine's best candidate there (hidden by the show bar or the
// two-character rule) would have been right, and whether it is inside a name. Usage: --corpus DIR ... [--blocks N]
import { parseArgs } from 'node:util';
import { DEFAULT_SETTINGS, decodeRequest } from '../../src/completion/settings';
import { trimOverlap } from '../../src/completion/filters';
import { hiddenMidLine } from '../../src/completion/shown';
import { CompletionEngine } from '../../src/model/inference/engine';
import { textBelow } from '../../src/shared/window';
import { sampleBlocks } from '../../src/cli/replay/run';
import { engineSuggester } from '../../src/cli/replay/suggesters';
import { readCorpus } from '../../src/node/corpus';
import { loadModelWithMemory } from '../../src/node/modelFiles';
import { initBackend } from '../../src/node/backend';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { corpus: { type: 'string', multiple: true }, blocks: { type: 'string' }, model: { type: 'string' } } });
  await initBackend('wasm');
  const { model } = await loadModelWithMemory(values.model ?? 'models/base');
  const counts = new Map<string, number>();
  const add = (k: string, n = 1): void => void counts.set(k, (counts.get(k) ?? 0) + n);
  for (const corpus of values.corpus ?? []) {
    const { files } = await readCorpus([corpus]);
    const blocks = sampleBlocks(files, { blocks: Number(values.blocks ?? 8), blockChars: 300, seed: 7 });
    const engine = new CompletionEngine(model);
    const probe = new CompletionEngine(model);
    for (const doc of blocks) {
      const lang = doc.language;
      const shown = engineSuggester(engine, doc, DEFAULT_SETTINGS, []);
      const below = textBelow(doc.below);
      const rest = doc.below.split('\n', 1)[0] as string;
      const block = doc.block;
      let p = 0;
      add(`${lang} chars`, block.length);
      while (p < block.length) {
        const g = shown(block.slice(0, p));
        if (g && block.startsWith(g, p)) { add(`${lang} tab`); add(`${lang} spared`, g.length - 1); p += g.length; continue; }
        const lineStart = block.lastIndexOf('\n', p - 1) + 1;
        const inIndent = block.slice(lineStart, p + 1).trim() === '';
        const prefix = doc.above + block.slice(0, p);
        const inName = /[A-Za-z0-9_$]$/.test(prefix) && /[A-Za-z0-9_$]/.test(block[p] as string);
        let cls: string;
        if (g && block[p] !== g[0]) cls = 'under a wrong one';
        else if (g) cls = 'typing through';
        else if (inIndent) cls = 'leading blanks';
        else if (hiddenMidLine(rest)) cls = 'mid-line (never shown)';
        else {
          const r = probe.suggest({ prefix, below, language: lang, path: doc.path, ...decodeRequest(DEFAULT_SETTINGS) });
          const top = trimOverlap(r.candidates[0]?.text ?? '', rest);
          const right = top.length >= 2 && block.startsWith(top, p);
          const any = r.candidates.some((c) => { const t = trimOverlap(c.text, rest); return t.length >= 2 && block.startsWith(t, p); });
          cls = right ? 'nothing shown, best was right' : any ? 'nothing shown, another was right' : 'nothing shown, none right';
        }
        add(`${lang} ${cls}${inName ? ' (in a name)' : ''}`);
        p++;
      }
    }
    engine.dispose();
    probe.dispose();
    console.error(`done ${corpus}`);
  }
  for (const [k, n] of [...counts].sort()) console.log(k.padEnd(60), n);
}
void main();
