#!/usr/bin/env node
// Headless entry point: `suggest` (JSON lines), `train`, `eval`, `fit-copy` and `bench`. A contract other tools rely on.
import { runBench } from './bench';
import { runEval } from './evaluate';
import { runFitCopy } from './fitCopy';
import { runSuggest } from './suggest';
import { runTrain } from './train';

const USAGE = `usage: seq2seq <command> [options]

  suggest --model DIR [--beam K] [--max-chars N] [--backend auto|tensorflow|wasm|cpu]
      JSON lines on stdin ({"id", "prefix", "suffix", "language"}), one JSON line out per request.
  train --corpus DIR [--corpus DIR ...] --out DIR [--from DIR] [--resume] [--minutes M] [--epochs E]
        [--steps N] [--hidden H] [--layers N] [--peephole] [--decoder-prime K] [--batch B] [--lr X] [--seed S] [--json]
  eval --model DIR --corpus DIR [--corpus DIR ...] [--baseline-corpus DIR ...] [--memory DIR ...] [--samples N] [--batches N] [--beam K] [--seed S]
  fit-copy --model DIR --corpus DIR [--validation-of-training F] [--memory DIR ...] [--batches N] [--dry-run]
      fits the copy prior's weight per match length to the model on held-out text and saves it in the folder.
  bench [--model DIR] [--quick]
`;

async function main(): Promise<number> {
  const [command, ...args] = process.argv.slice(2);
  switch (command) {
    case 'suggest':
      return runSuggest(args);
    case 'train':
      return runTrain(args);
    case 'eval':
      return runEval(args);
    case 'fit-copy':
      return runFitCopy(args);
    case 'bench':
      return runBench(args);
    case undefined:
    case 'help':
    case '--help':
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`unknown command ${command}\n${USAGE}`);
      return 2;
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
