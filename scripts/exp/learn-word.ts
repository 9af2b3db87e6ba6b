// Word completion on the learning replay's blocks (eval --replay --learn before it counted word completion):
// the same split and blocks (learnReplayBlocks), word completion only. Usage: --corpus DIR ... [--seed S]
import { parseArgs } from 'node:util';
import { learnReplayBlocks } from '../../src/cli/replay/learned';
import { figuresOf } from '../../src/cli/replay/run';
import { addCounts, emptyCount, replayBlock } from '../../src/cli/replay/simulate';
import { wordSuggester } from '../../src/cli/replay/suggesters';
import { readCorpus } from '../../src/node/corpus';
import { FINE_TUNE_MAX_CORPUS_CHARS, FINE_TUNE_MAX_FILE_BYTES } from '../../src/workspace/filePolicy';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { corpus: { type: 'string', multiple: true }, seed: { type: 'string' } } });
  const languages = new Map<string, ReturnType<typeof emptyCount>>();
  for (const corpus of values.corpus ?? []) {
    const { files } = await readCorpus([corpus], { maxFileBytes: FINE_TUNE_MAX_FILE_BYTES, maxTotalChars: FINE_TUNE_MAX_CORPUS_CHARS });
    const { blocks } = learnReplayBlocks(files, { blocks: 20, blockChars: 300, seed: Number(values.seed ?? 7) });
    let count = emptyCount();
    for (const doc of blocks) {
      const c = replayBlock(doc.block, wordSuggester(doc));
      count = addCounts(count, c);
      languages.set(doc.language, addCounts(languages.get(doc.language) ?? emptyCount(), c));
    }
    console.log(JSON.stringify({ corpus, chars: count.chars, wordCompletion: figuresOf(count) }));
  }
  for (const [language, c] of languages) console.log(JSON.stringify({ language, chars: c.chars, wordCompletion: figuresOf(c) }));
}
void main();
