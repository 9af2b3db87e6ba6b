// `eval`: held-out figures of a model on a corpus, as one JSON object.
import { CompletionEngine } from '../model/engine';
import { bitsPerChar, byFamily, exactMatch, FamilyFigures, sampleCursors } from '../model/evaluation';
import { Rng } from '../model/rng';
import { initBackend } from '../node/backend';
import { readCorpus } from '../node/corpus';
import { loadModelDir } from '../node/modelFiles';
import { backendOption, numberOption, parse, requireString } from './options';

export async function runEval(args: string[]): Promise<number> {
  const values = parse(args, { model: { type: 'string' }, corpus: { type: 'string', multiple: true }, samples: { type: 'string' }, seed: { type: 'string' }, batches: { type: 'string' } });
  const modelDir = requireString(values, 'model');
  const corpora = (values.corpus as string[] | undefined) ?? [];
  if (corpora.length === 0) throw new Error('--corpus is required');
  const samples = numberOption(values, 'samples', 300, 1);
  const batches = numberOption(values, 'batches', 8, 1);
  const seed = numberOption(values, 'seed', 7, 0);
  const backend = await initBackend(backendOption(values));
  const { model, metadata } = await loadModelDir(modelDir);
  const { files, skipped } = await readCorpus(corpora);
  if (files.length === 0) throw new Error(`no usable source files under ${corpora.join(', ')}`);
  const engine = new CompletionEngine(model);
  const t0 = Date.now();
  const families: Record<string, FamilyFigures> = {};
  for (const [family, group] of byFamily(files)) {
    const share = group.reduce((n, f) => n + f.text.length, 0) / files.reduce((n, f) => n + f.text.length, 0);
    const cursors = sampleCursors(group, Math.max(20, Math.round(samples * share)), Rng.derive(seed, family.length));
    const bpc = bitsPerChar(model, group, batches, 16, seed);
    families[family] = { bitsPerChar: bpc?.bpc ?? null, exactMatch: exactMatch(engine, cursors), cursors: cursors.length, targetChars: bpc?.chars ?? 0 };
  }
  const all = Object.values(families);
  const weighted = (key: 'bitsPerChar' | 'exactMatch', weight: 'targetChars' | 'cursors'): number | null => {
    const w = all.filter((f) => f[key] !== null).reduce((n, f) => n + f[weight], 0);
    return w === 0 ? null : all.reduce((s, f) => s + (f[key] ?? 0) * f[weight], 0) / w;
  };
  process.stdout.write(
    `${JSON.stringify({
      model: metadata.name ?? modelDir,
      backend: backend.name,
      corpus: corpora,
      files: files.length,
      skipped: skipped.length,
      bitsPerChar: weighted('bitsPerChar', 'targetChars'),
      exactMatch: weighted('exactMatch', 'cursors'),
      byFamily: families,
      seconds: (Date.now() - t0) / 1000,
    }, null, 2)}\n`,
  );
  engine.dispose();
  model.dispose();
  return 0;
}
