// `suggest --workspace DIR [--learn]`: the workspace as the extension knows it. Its files pass the fine-tune's
// file policy (src/node/corpus.ts); their text is the engine's workspace memory; with --learn the model first
// learns them with the background learner's recipe and budget (src/model/training/learn.ts), and learns again,
// a few steps, after each `{"saved": ...}` line, as the extension does after a save, and adapts to the document of
// an `"adapt": true` line (src/model/training/adapt.ts) from what it learnt, as the extension does when the user
// pauses in a document.
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { Seq2SeqModel } from '../model/graph/seq2seq';
import type { SourceFile } from '../model/training/dataset';
import { FineTuneReport } from '../model/training/fineTune';
import { memoryOf } from '../shared/memory';
import { learnWorkspace } from '../model/training/learn';
import { adaptToDocument, AdaptReport } from '../model/training/adapt';
import { assignWeights, weightArrays } from '../model/graph/serialize';
import type { NamedArray } from '../shared/namedArray';
import { DOCUMENT_STEPS, LEARN_UPDATE_STEPS } from '../shared/learning';
import { gitignoreRulesOf, readCorpus, skippedByPath } from '../node/corpus';
import { familyOfPath } from '../shared/language';
import { FINE_TUNE_MAX_CORPUS_CHARS, FINE_TUNE_MAX_FILE_BYTES, GitignoreRules, ignoredPath, skipByName, textSkipReason } from '../workspace/filePolicy';

export interface LearnRun {
  steps: number;
  outcome: FineTuneReport['outcome'];
  validatedOn: FineTuneReport['validatedOn'];
  bitsPerChar: { before: number; after: number };
  seconds: number;
}

export type AdaptRun = AdaptReport & { seconds: number };

export class LearningWorkspace {
  /** The weights learnt from the workspace, kept while weights adapted to a document serve (null: none adapted). */
  private learnt: NamedArray[] | null = null;

  private constructor(
    readonly root: string,
    private readonly files: Map<string, SourceFile>,
    private readonly model: Seq2SeqModel,
    private readonly learn: boolean,
    private readonly rules: GitignoreRules,
  ) {}

  /** Reads DIR under the file policy; with `learnSteps`, the model learns its files before the first answer. */
  static async open(root: string, model: Seq2SeqModel, learnSteps: number | null): Promise<{ workspace: LearningWorkspace; skipped: number; learnt: LearnRun | null }> {
    const dir = resolve(root);
    const { files, skipped } = await readCorpus([dir], { maxFileBytes: FINE_TUNE_MAX_FILE_BYTES, maxTotalChars: FINE_TUNE_MAX_CORPUS_CHARS });
    const workspace = new LearningWorkspace(dir, new Map(files.map((f) => [f.path, f])), model, learnSteps !== null, await gitignoreRulesOf(dir));
    const learnt = learnSteps !== null && files.length > 0 ? await workspace.learnFor(learnSteps) : null;
    return { workspace, skipped: skipped.length, learnt };
  }

  get fileCount(): number {
    return this.files.size;
  }

  /** The workspace memory the copy prior searches: every admitted file's text as it is now. */
  memory(): string {
    return memoryOf([...this.files.values()]);
  }

  /**
   * A saved file: its text replaces the workspace's copy (a file the policy refuses leaves it, with why: the same
   * checks as the folder's own files met), and with --learn the model learns the workspace as it is now for
   * LEARN_UPDATE_STEPS steps.
   */
  async saved(path: string, text: string): Promise<{ path: string; skipped?: string; learnt?: LearnRun }> {
    const full = resolve(this.root, path);
    const inside = relative(this.root, full);
    if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) return { path: full, skipped: 'outside the workspace' };
    // The policy's rules are written for '/'-separated paths relative to the folder, on every system.
    const rel = inside.split(sep).join('/');
    const reason = skippedByPath(rel) ?? ignoredPath(this.rules, rel) ?? skipByName(rel, text.length, { maxFileBytes: FINE_TUNE_MAX_FILE_BYTES, maxTotalChars: Infinity }) ?? textSkipReason(text);
    if (reason) {
      this.files.delete(full);
      return { path: full, skipped: reason };
    }
    this.files.set(full, { path: full, text, family: familyOfPath(full) });
    return this.learn ? { path: full, learnt: await this.learnFor(LEARN_UPDATE_STEPS) } : { path: full };
  }

  /**
   * The user paused in a document: the model adapts to its text for `steps` steps, starting from the weights learnt
   * from the workspace (never from another document's). What it did; the weights serve until the next adaptation
   * or save.
   */
  async adapt(document: SourceFile, steps = DOCUMENT_STEPS): Promise<AdaptRun> {
    const t0 = Date.now();
    this.restoreLearnt();
    this.learnt = weightArrays(this.model.weights);
    const report = await adaptToDocument(this.model, document, steps);
    // Weights part-way (a diverged run) never serve.
    if (report.outcome !== 'adapted') this.restoreLearnt();
    return { ...report, bitsPerChar: report.bitsPerChar === null ? null : Number(report.bitsPerChar.toFixed(3)), seconds: Number(((Date.now() - t0) / 1000).toFixed(1)) };
  }

  /** The workspace's learnt weights back in place of a document's. */
  private restoreLearnt(): void {
    if (!this.learnt) return;
    assignWeights(this.model.weights, this.learnt);
    this.learnt = null;
  }

  private async learnFor(steps: number): Promise<LearnRun> {
    // A save learns from the workspace's weights, as the extension's update starts from the saved model.
    this.restoreLearnt();
    const t0 = Date.now();
    const report = await learnWorkspace(this.model, [...this.files.values()], steps);
    const bpc = (nats: number): number => Number((nats / Math.LN2).toFixed(3));
    return { steps: report.steps, outcome: report.outcome, validatedOn: report.validatedOn, bitsPerChar: { before: bpc(report.startLoss), after: bpc(report.bestLoss) }, seconds: Number(((Date.now() - t0) / 1000).toFixed(1)) };
  }
}
