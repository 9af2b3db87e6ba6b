// The workspace's files that a model may learn from, found and read once for both learners: the Fine-tune command
// and the background learner. Discovery honours files.exclude, search.exclude, seq2seq.fineTune.exclude and every
// .gitignore; the file policy (src/workspace/filePolicy.ts) then decides on each file.
import * as vscode from 'vscode';
import type { FineTuneSettings } from '../completion/settings';
import { CandidateFile, FINE_TUNE_MAX_CORPUS_CHARS, FINE_TUNE_MAX_FILE_BYTES, GitignoreRules, selectFiles } from '../workspace/filePolicy';
import { excludeGlob, MAX_GITIGNORES, policyPath, workspaceGitignoreRules } from './workspaceFiles';

/** Discovery caps: beyond them the command says what it left out (files) or refuses (ignore rules). */
const MAX_FILES = 20_000;
/** Files stat'ed at once during discovery. */
const STAT_CONCURRENCY = 32;

export type TrainingFiles = Awaited<ReturnType<typeof selectFiles>>;

/** Maps `items` with at most `limit` calls in flight, in order; stops starting new ones once `signal` aborts. */
async function mapBounded<T, R>(items: readonly T[], limit: number, signal: AbortSignal, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length && !signal.aborted) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results.filter((r) => r !== undefined);
}

/** The files to learn from, or why there are none to be had; an abort (Cancel) stops discovery and reading. */
export async function collectTrainingFiles(ft: FineTuneSettings, signal: AbortSignal, log: vscode.LogOutputChannel, tag: string): Promise<TrainingFiles | { refused: string }> {
  const exclude = excludeGlob(ft.exclude);
  // Discovery itself honours Cancel: the token stops the search.
  const source = new vscode.CancellationTokenSource();
  const onAbort = (): void => source.cancel();
  signal.addEventListener('abort', onAbort, { once: true });
  let uris: vscode.Uri[];
  let rules: GitignoreRules | null;
  try {
    [uris, rules] = await Promise.all([vscode.workspace.findFiles(ft.include, exclude, MAX_FILES, source.token), workspaceGitignoreRules(exclude, source.token)]);
  } catch (e) {
    if (signal.aborted) return { files: [], skipped: [], chars: {} };
    throw e;
  } finally {
    signal.removeEventListener('abort', onAbort);
    source.dispose();
  }
  // A rule that was never read could let an ignored (private) file in: past the cap, refuse rather than guess.
  if (!rules) {
    return { refused: `This workspace has more than ${MAX_GITIGNORES.toLocaleString('en')} .gitignore files; learning honours every one of them, so it stops here. Narrow seq2seq.fineTune.include to the folders to learn from.` };
  }
  if (uris.length >= MAX_FILES) log.warn(`[${tag}] file discovery stopped at ${MAX_FILES.toLocaleString('en')} files; the rest of the workspace is not used (narrow seq2seq.fineTune.include to choose)`);
  // A few stats at a time: 20,000 at once would flood the file system provider and the host's memory. A file that
  // went between the search and its stat or read (a checkout, a build) is left out, not the whole reading.
  const found = await mapBounded(uris, STAT_CONCURRENCY, signal, async (u): Promise<CandidateFile | null> => {
    const stat = await Promise.resolve(vscode.workspace.fs.stat(u)).catch(() => null);
    return stat && { path: policyPath(u) ?? u.path, bytes: stat.size, read: () => Promise.resolve(vscode.workspace.fs.readFile(u)).catch(() => new Uint8Array()) };
  });
  const candidates = found.filter((c): c is CandidateFile => c !== null);
  for (const r of rules.skippedRules) log.warn(`[${tag}] .gitignore rule not applied in ${r.file}: "${r.rule}": ${r.reason}`);
  return selectFiles(candidates, rules, { maxFileBytes: FINE_TUNE_MAX_FILE_BYTES, maxTotalChars: Math.min(ft.maxCorpusChars, FINE_TUNE_MAX_CORPUS_CHARS) }, signal);
}

/** Logs what a selection kept and skipped, with the reasons, under `tag`. */
export function logSelection(log: vscode.LogOutputChannel, tag: string, selection: TrainingFiles): void {
  log.info(`[${tag}] ${selection.files.length} file(s) selected: ${Object.entries(selection.chars).map(([f, n]) => `${f} ${n} chars`).join(', ') || 'none'}`);
  const reasons = new Map<string, string[]>();
  for (const s of selection.skipped) reasons.set(s.reason, [...(reasons.get(s.reason) ?? []), s.path]);
  for (const [reason, paths] of reasons) {
    log.info(`[${tag}] skipped ${paths.length} (${reason}): ${paths.slice(0, 10).join(', ')}${paths.length > 10 ? ', …' : ''}`);
  }
}
