#!/usr/bin/env node
// Headless entry point: `suggest` (JSON lines), `train`, `eval`, `fit-copy`, `fit-length`, `fit-show`, `fit-words` and `bench`. A contract other tools rely on.
import { runBench } from './bench';
import { runEval } from './evaluate';
import { runFitCopy } from './fitCopy';
import { runFitLength } from './fitLength';
import { runFitShow } from './fitShow';
import { runFitWords } from './fitWords';
import { runSuggest } from './suggest';
import { runTrain } from './train';

const USAGE = `usage: seq2seq <command> [options]

  suggest --model DIR [--beam K] [--max-chars N] [--threshold P] [--length token|auto] [--backend auto|tensorflow|wasm|cpu]
          [--workspace DIR [--learn [--learn-steps N] [--document-steps N]]]
      JSON lines on stdin ({"id", "prefix", "suffix", "language", "path", "files"}), one JSON line out per request:
      what the editor would show with these settings (the defaults are the editor's). --workspace: DIR's files are
      the workspace memory; --learn: the model first learns them as the extension's background learner does, and
      again after each {"id", "saved": {"path", "text"}} line; a request line with "adapt": true (the user paused in
      that document) adapts the learnt model to its prefix + suffix for N steps (default 10), as the extension does.
  train --corpus DIR [--corpus DIR ...] --out DIR [--replace] [--from DIR] [--resume] [--minutes M] [--epochs E]
        [--steps N] [--hidden H] [--layers N] [--peephole] [--decoder-prime K] [--batch B] [--lr X] [--seed S] [--json]
  eval --model DIR --corpus DIR [--corpus DIR ...] [--baseline-corpus DIR ...] [--memory DIR ...] [--samples N] [--batches N] [--beam K] [--seed S]
       [--below] [--files N] [--threshold P] [--max-chars N]
  eval --replay --model DIR --corpus PROJECT [--corpus PROJECT ...] [--blocks N] [--block-chars N] [--seed S] [--length token|auto]
       [--threshold P] [--copy-run N] [--learn [--learn-steps N] [--document-steps N]]
      the typing replay; --learn: on blocks of a third of each project's files, before and after learning the rest,
      and with the learnt model adapted to each block's document for N steps (default 10, as the extension does).
  fit-copy --model DIR --corpus DIR [--validation-of-training F] [--memory DIR ...] [--batches N] [--below] [--files N]
           [--sources above,below,files,memory] [--shared] [--dry-run]
      fits the copy prior's weights per match length (and per source) to the model on held-out text and saves them.
  fit-length --model DIR --corpus DIR [--samples N] [--seed S] [--below] [--files N] [--max-chars N] [--dry-run]
      fits the calibrator that decides how far a suggestion goes past its token, on held-out cursors, and saves it.
  fit-show --model DIR --corpus DIR [--corpus DIR ...] [--blocks N] [--curve-blocks N] [--curve P,P,...] [--trees N] [--depth D] [--rate R] [--seed S] [--dry-run]
      fits the show model (how likely a suggestion is right) on typing replays of fit projects, and saves it.
  fit-show --learn --model DIR (--corpus DIR [--corpus DIR ...] | --examples-from FILE ...) [--learn-steps N] [--blocks N] [--seed S] [--examples FILE] [--dry-run]
      fits the show model's correction for weights learnt from a workspace, on replays of fit projects learnt first.
  fit-words --model DIR --corpus DIR [--corpus DIR ...] [--blocks N] [--curve-blocks N] [--curve P,P,...] [--trees N] [--depth D] [--rate R] [--seed S] [--dry-run]
      fits the word model (how likely the document's word that extends the name being typed is right) the same way.
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
    case 'fit-length':
      return runFitLength(args);
    case 'fit-show':
      return runFitShow(args);
    case 'fit-words':
      return runFitWords(args);
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
