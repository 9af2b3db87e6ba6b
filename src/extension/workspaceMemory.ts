// The workspace memory: every file of the workspace that the fine-tune's file rules let in, read in the background
// once the engine is ready and kept in step as files change, so that suggestions copy the workspace's names from
// the first minute, before (and without) any learning. On held-out projects the shipped model that knows the other
// files spares about as many keys as one that learnt them (docs/figures.md). The files are read on this machine
// and searched in the engine's thread; nothing leaves it.
import * as vscode from 'vscode';
import type { FineTuneSettings } from '../completion/settings';
import { memoryOf } from '../shared/memory';
import { readableText, textSkipReason } from '../workspace/filePolicy';
import type { EngineController } from './engineController';
import { collectTrainingFiles } from './trainingFiles';
import { policyPath } from './workspaceFiles';

/** After the engine is first ready: startup is left alone. */
const FIRST_READ_AFTER_MS = 3_000;
/** Quiet time after a file changed before the memory goes to the engine again (saves come in bursts). */
const SEND_AFTER_MS = 5_000;
/** Quiet time after files were created, deleted or renamed, or a rule changed, before the workspace is read again. */
const READ_AGAIN_AFTER_MS = 15_000;

/** What the memory holds, for the log and the tests. */
export type MemoryStatus =
  | { kind: 'off' }
  | { kind: 'reading' }
  /** What the engine was last given (a change waits SEND_AFTER_MS before it is given again). */
  | { kind: 'ready'; files: number; chars: number }
  | { kind: 'refused'; why: string };

export class WorkspaceMemory implements vscode.Disposable {
  /** The text of each file read, by policy path, in the order the selection gave them (path order). */
  private files = new Map<string, string>();
  private started = false;
  private reading: AbortController | null = null;
  private readTimer: ReturnType<typeof setTimeout> | undefined;
  private sendTimer: ReturnType<typeof setTimeout> | undefined;
  /** The text the engine was last given (given again to an engine thread that started afresh). */
  private sent: string | null = null;
  private current: MemoryStatus = { kind: 'off' };
  /** Watches the files a fine-tune would read (its include glob, so a build's output elsewhere wakes nothing). */
  private watcher: vscode.Disposable | null = null;
  private watched: string | null = null;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly engine: EngineController,
    private readonly log: vscode.LogOutputChannel,
    /** seq2seq.workspaceMemory. */
    private readonly enabled: () => boolean,
    /** The fine-tune's include, exclude and size cap: the memory holds what a fine-tune would learn from. */
    private readonly fineTune: () => FineTuneSettings,
  ) {
    const gitignores = vscode.workspace.createFileSystemWatcher('**/.gitignore');
    const rulesChanged = (): void => this.readLater(READ_AGAIN_AFTER_MS);
    this.subscriptions.push(
      gitignores,
      gitignores.onDidChange(rulesChanged),
      gitignores.onDidCreate(rulesChanged),
      gitignores.onDidDelete(rulesChanged),
      vscode.workspace.onDidChangeWorkspaceFolders(rulesChanged),
      // Read in a later task: the settings the core reads are up to date by then.
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (['seq2seq.workspaceMemory', 'seq2seq.fineTune', 'files.exclude', 'search.exclude'].some((s) => e.affectsConfiguration(s))) this.readLater(0);
      }),
      engine.onDidChangeState((s) => {
        if (s.kind !== 'ready') return;
        // The first time, the workspace is read; after that a (re)started engine thread is given the memory again.
        if (!this.started) {
          this.started = true;
          this.readLater(FIRST_READ_AFTER_MS);
        } else if (this.sent !== null) {
          this.engine.workspaceMemory(this.sent);
        }
      }),
    );
  }

  get status(): MemoryStatus {
    return this.current;
  }

  /** Watches the files `include` names (null: none, the memory is off). */
  private watch(include: string | null): void {
    if (include === this.watched) return;
    this.watcher?.dispose();
    this.watcher = null;
    this.watched = include;
    if (include === null) return;
    const watcher = vscode.workspace.createFileSystemWatcher(include);
    // Saved in the editor or changed by another program (a checkout, a formatter).
    const subscriptions = [watcher, watcher.onDidChange((uri) => void this.changed(uri)), watcher.onDidCreate((uri) => this.came(uri)), watcher.onDidDelete((uri) => this.went(uri))];
    this.watcher = { dispose: () => subscriptions.forEach((d) => d.dispose()) };
  }

  private readLater(ms: number): void {
    if (!this.started) return;
    clearTimeout(this.readTimer);
    this.readTimer = setTimeout(() => {
      this.readTimer = undefined;
      void this.read();
    }, ms);
  }

  /** Reads the workspace anew (a read under way is abandoned) and gives the engine the result at once. */
  async read(): Promise<MemoryStatus> {
    this.reading?.abort();
    clearTimeout(this.sendTimer);
    if (!this.enabled()) {
      this.reading = null;
      this.watch(null);
      this.files.clear();
      if (this.current.kind !== 'off') this.log.info('[memory] off (seq2seq.workspaceMemory): suggestions copy only from the files you open');
      this.current = { kind: 'off' };
      this.send(null);
      return this.current;
    }
    const settings = this.fineTune();
    this.watch(settings.include);
    const abort = new AbortController();
    this.reading = abort;
    this.current = { kind: 'reading' };
    const t0 = performance.now();
    try {
      const selection = await collectTrainingFiles(settings, abort.signal, this.log, 'memory');
      if (abort.signal.aborted) return this.current;
      if ('refused' in selection) return this.refuse(selection.refused);
      this.files = new Map(selection.files.map((f) => [f.path, f.text]));
      const skipped = selection.skipped.length ? `, ${selection.skipped.length} left out by the fine-tune's file rules` : '';
      this.log.info(`[memory] ${this.files.size} file(s) of the workspace read in ${Math.round(performance.now() - t0)} ms${skipped}`);
      this.sendNow();
    } catch (e) {
      if (!abort.signal.aborted) this.refuse(`could not read the workspace's files: ${(e as Error).message}`);
    } finally {
      if (this.reading === abort) this.reading = null;
    }
    return this.current;
  }

  private refuse(why: string): MemoryStatus {
    this.files.clear();
    this.current = { kind: 'refused', why };
    this.log.warn(`[memory] the workspace's files are not searched: ${why}`);
    this.send(null);
    return this.current;
  }

  /** A file changed: the new text of one the memory holds replaces the old, unless the file policy now refuses it. */
  private async changed(uri: vscode.Uri): Promise<void> {
    const path = policyPath(uri);
    if (path === null) return;
    // A read under way may have read the file before the change: the workspace is read again once things are quiet.
    if (this.current.kind === 'reading') return this.readLater(READ_AGAIN_AFTER_MS);
    const held = this.files.get(path);
    if (held === undefined || this.current.kind !== 'ready') return;
    let text: string | null = null;
    try {
      const read = readableText(await vscode.workspace.fs.readFile(uri));
      text = 'text' in read && textSkipReason(read.text) === null ? read.text : null;
    } catch {
      // Gone or unreadable since: its delete event (or the next read) settles it.
    }
    if (text === held) return;
    if (text === null) this.files.delete(path);
    else this.files.set(path, text);
    this.sendLater();
  }

  /** A new file: only a read of the whole workspace applies every rule to it (.gitignore, the size cap). */
  private came(uri: vscode.Uri): void {
    if (policyPath(uri) !== null) this.readLater(READ_AGAIN_AFTER_MS);
  }

  /** A file went: it leaves the memory at once. */
  private went(uri: vscode.Uri): void {
    const path = policyPath(uri);
    if (path !== null && this.files.delete(path)) this.sendLater();
  }

  private sendLater(): void {
    clearTimeout(this.sendTimer);
    this.sendTimer = setTimeout(() => this.sendNow(), SEND_AFTER_MS);
  }

  private sendNow(): void {
    const texts = [...this.files.values()];
    this.current = { kind: 'ready', files: texts.length, chars: texts.reduce((n, t) => n + t.length, 0) };
    const text = memoryOf(texts.map((t) => ({ text: t })));
    this.send(text === '' ? null : text);
    if (text !== '') this.log.info(`[memory] suggestions search ${texts.length} file(s) of the workspace, ${this.current.chars.toLocaleString('en')} characters`);
    // For the UI tests, which check the editor against `suggest --workspace` once the engine has the files.
    console.log(`[seq2seq] workspace memory: ${texts.length} file(s), ${this.current.chars} characters`);
  }

  private send(text: string | null): void {
    if (text === this.sent) return;
    this.sent = text;
    this.engine.workspaceMemory(text);
  }

  dispose(): void {
    this.reading?.abort();
    clearTimeout(this.readTimer);
    clearTimeout(this.sendTimer);
    this.watcher?.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}
