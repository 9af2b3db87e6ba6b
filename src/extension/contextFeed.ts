// Feeds the engine the user's other files: documents they open, save, or leave after editing them. Each passes
// the one file policy first (the fine-tune's: .gitignore, secrets, lock files, binary, minified, huge), so
// nothing the fine-tune would refuse is ever copied from. Driven by document events only: no keystroke reads a
// file, and the disk is searched once, for .gitignore files, when the first document comes in.
import * as vscode from 'vscode';
import { FINE_TUNE_MAX_FILE_BYTES, GitignoreRules, ignoredPath, skipByName, textSkipReason } from '../workspace/filePolicy';
import type { EngineController } from './engineController';
import { excludedBySettings, excludeGlob, isUserDocument, MAX_GITIGNORES, policyPath, workspaceGitignoreRules } from './workspaceFiles';

export class ContextFeed implements vscode.Disposable {
  private readonly subscriptions: vscode.Disposable[] = [];
  private rules: Promise<GitignoreRules | null> | null = null;
  /** Documents edited since they were last sent: sent when the user leaves them or saves them. */
  private readonly edited = new Set<string>();
  private activeUri: string | null = null;
  /** Why each document was last left out, so the log says it once, not on every event. */
  private readonly refused = new Map<string, string>();

  constructor(
    private readonly engine: EngineController,
    private readonly log: vscode.LogOutputChannel,
    /** seq2seq.fineTune.exclude, read when a document is offered. */
    private readonly fineTuneExclude: () => string,
  ) {
    this.subscriptions.push(
      vscode.workspace.onDidOpenTextDocument((d) => void this.offer(d)),
      vscode.workspace.onDidSaveTextDocument((d) => {
        if (d.fileName.endsWith('.gitignore')) this.rules = null;
        this.edited.delete(d.uri.toString());
        void this.offer(d);
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length > 0) this.edited.add(e.document.uri.toString());
      }),
      vscode.window.onDidChangeActiveTextEditor((editor) => this.switched(editor)),
      // Text the user threw away (an untitled document, or edits closed without saving) is not theirs to copy
      // from any more; a saved file stays among the recently used.
      vscode.workspace.onDidCloseTextDocument((d) => {
        const uri = d.uri.toString();
        this.edited.delete(uri);
        if (d.uri.scheme === 'untitled' || d.isDirty) this.engine.contextFile(uri, null);
      }),
      vscode.workspace.onDidDeleteFiles((e) => e.files.forEach((uri) => this.engine.contextFile(uri.toString(), null))),
    );
    this.activeUri = vscode.window.activeTextEditor?.document.uri.toString() ?? null;
  }

  /**
   * Offers every open document again, called whenever the engine is ready: documents open before activation had no
   * open event, and a changed setting may now refuse one (a thread restarted after a crash gets the ring from the
   * engine client).
   */
  resend(): void {
    for (const d of vscode.workspace.textDocuments) void this.offer(d);
  }

  private switched(editor: vscode.TextEditor | undefined): void {
    const left = this.activeUri;
    this.activeUri = editor?.document.uri.toString() ?? null;
    if (!left || !this.edited.has(left)) return;
    this.edited.delete(left);
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === left);
    if (document) void this.offer(document);
  }

  private gitignore(): Promise<GitignoreRules | null> {
    this.rules ??= (async () => {
      const rules = await workspaceGitignoreRules(excludeGlob());
      if (!rules) return null;
      for (const r of rules.skippedRules) this.log.warn(`[context] .gitignore rule not applied in ${r.file}: "${r.rule}": ${r.reason}; files it would match are still let in`);
      return rules;
    })();
    return this.rules;
  }

  /** Why the file policy keeps `document` out of the context, or null when it lets it in (for the tests' API too). */
  verdictOf(document: vscode.TextDocument): Promise<string | null> {
    return this.verdict(document);
  }

  /** Sends the document if the file policy allows it, else says why (once, at debug level). */
  private async offer(document: vscode.TextDocument): Promise<void> {
    const uri = document.uri.toString();
    const reason = await this.verdict(document);
    if (reason) {
      if (this.refused.get(uri) !== reason) this.log.debug(`[context] not copying from ${vscode.workspace.asRelativePath(document.uri)}: ${reason}`);
      this.refused.set(uri, reason);
      this.engine.contextFile(uri, null);
      return;
    }
    this.refused.delete(uri);
    this.engine.contextFile(uri, document.getText());
  }

  private async verdict(document: vscode.TextDocument): Promise<string | null> {
    if (!isUserDocument(document)) return 'not a file of the workspace';
    // The length is known without building the text: a huge document is refused before it is read.
    const chars = document.offsetAt(document.lineAt(document.lineCount - 1).range.end);
    // The workspace's files and new untitled ones; not files elsewhere (VS Code opens settings.json and the like
    // as documents without showing them).
    const untitled = document.uri.scheme === 'untitled';
    const inWorkspace = untitled ? null : policyPath(document.uri);
    if (!untitled && inWorkspace === null) return 'outside the workspace';
    // The exclusions the fine-tune's file search applies (files.exclude, search.exclude, seq2seq.fineTune.exclude).
    const excluded = untitled ? null : excludedBySettings(document, this.fineTuneExclude());
    if (excluded) return excluded;
    const byName = skipByName(inWorkspace ?? document.uri.path, chars, { maxFileBytes: FINE_TUNE_MAX_FILE_BYTES, maxTotalChars: Infinity });
    if (byName) return byName;
    if (inWorkspace !== null) {
      const rules = await this.gitignore();
      if (!rules) return `more than ${MAX_GITIGNORES} .gitignore files: the rules could not all be read`;
      const ignored = ignoredPath(rules, inWorkspace);
      if (ignored) return ignored;
    }
    return textSkipReason(document.getText());
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}
