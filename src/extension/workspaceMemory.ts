// The workspace memory: every file of the workspace that the fine-tune's file rules let in, read in the background
// once the engine is ready and kept in step as files change, so that suggestions copy the workspace's names from
// the first minute, before (and without) any learning. On held-out projects it spares more keys with fewer wrong
// suggestions (docs/figures.md, "The workspace's files"). The files are read on this machine and searched in the
// engine's thread; nothing leaves it.
import * as vscode from 'vscode';
import type { FineTuneSettings } from '../completion/settings';
import { memoryOf } from '../shared/memory';
import { FINE_TUNE_MAX_FILE_BYTES, readableText } from '../workspace/filePolicy';
import type { EngineController } from './engineController';
import { collectTrainingFiles } from './trainingFiles';
import { policyPath } from './workspaceFiles';

/** After the engine is first ready: startup is left alone. */
const FIRST_READ_AFTER_MS = 3_000;
/** Quiet time after a file changed before the memory goes to the engine again (saves come in bursts). */
const SEND_AFTER_MS = 5_000;
/** Quiet time after files were created, or a rule changed, before the workspace is read again. */
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
  /** A change came while a read was under way (it may have read the file before the change): read again after it. */
  private readAgain = false;
  /**
   * Bumped by every read, refusal and the end: a file change whose own read of the file was still pending then
   * belongs to what came before, and is dropped.
   */
  private generation = 0;
  private readTimer: ReturnType<typeof setTimeout> | undefined;
  private sendTimer: ReturnType<typeof setTimeout> | undefined;
  /** The text the engine was last given (the engine client gives it again to a thread restarted after a crash). */
  private sent: string | null = null;
  private current: MemoryStatus = { kind: 'off' };
  /** Watches the files a fine-tune would read, in each workspace folder (its include glob, so a build's output elsewhere wakes nothing). */
  private watchers: vscode.Disposable[] = [];
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
      // The paths the memory is keyed by name the folders (policyPath): read again at once.
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.readLater(0)),
      // Read in a later task: the settings the core reads are up to date by then.
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (['seq2seq.workspaceMemory', 'seq2seq.fineTune', 'files.exclude', 'search.exclude'].some((s) => e.affectsConfiguration(s))) this.readLater(0);
      }),
      engine.onDidChangeState((s) => {
        if (s.kind !== 'ready' || this.started) return;
        this.started = true;
        this.readLater(FIRST_READ_AFTER_MS);
      }),
    );
  }

  get status(): MemoryStatus {
    return this.current;
  }

  /** Watches the files `include` names in every workspace folder, and deletions anywhere (null: nothing). */
  private watch(include: string | null): void {
    const key = include === null ? null : `${include}|${(vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.toString()).join('|')}`;
    if (key === this.watched) return;
    for (const w of this.watchers) w.dispose();
    this.watchers = [];
    this.watched = key;
    if (include === null) return;
    // Any deletion, whatever its name: a deleted or renamed folder takes the files under it along.
    const deletions = vscode.workspace.createFileSystemWatcher('**/*', true, true, false);
    this.watchers.push(deletions, deletions.onDidDelete((uri) => this.went(uri)));
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      // Relative to each folder, as the file search reads the glob (a pattern like src/**/*.ts too).
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, include));
      // Saved in the editor or changed by another program (a checkout, a formatter).
      this.watchers.push(watcher, watcher.onDidChange((uri) => void this.changed(uri)), watcher.onDidCreate((uri) => this.came(uri)));
    }
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
    this.reading = null;
    this.readAgain = false;
    this.generation++;
    clearTimeout(this.sendTimer);
    if (!this.enabled()) {
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
      // What the engine has stays (the last reading, or none) until a change, a rule or a setting reads again.
      if (abort.signal.aborted) return this.current;
      this.log.warn(`[memory] could not read the workspace's files: ${(e as Error).message}`);
      this.current = this.sent === null ? { kind: 'refused', why: (e as Error).message } : { kind: 'ready', files: this.files.size, chars: this.chars() };
    } finally {
      if (this.reading === abort) {
        this.reading = null;
        if (this.readAgain) this.readLater(READ_AGAIN_AFTER_MS);
      }
    }
    return this.current;
  }

  /** The workspace cannot be read under every rule (too many .gitignore files): nothing of it is searched. */
  private refuse(why: string): MemoryStatus {
    this.generation++;
    // Nothing to watch until a setting, a rule or the folders change: each new file would search the rules again.
    this.watch(null);
    this.files.clear();
    this.current = { kind: 'refused', why };
    this.log.warn(`[memory] the workspace's files are not searched: ${why}`);
    this.send('');
    return this.current;
  }

  /** A file changed: the new text of one the memory holds replaces the old, unless the file policy now refuses it. */
  private async changed(uri: vscode.Uri): Promise<void> {
    const path = policyPath(uri);
    if (path === null) return;
    if (this.reading) return void (this.readAgain = true);
    const held = this.files.get(path);
    if (held === undefined || this.current.kind !== 'ready') return;
    const generation = this.generation;
    let text: string | null = null;
    try {
      // The name was let in when the file was read; its size and text are checked again (readableText applies the
      // text rules: binary, minified, secrets).
      const bytes = await vscode.workspace.fs.readFile(uri);
      const read = bytes.byteLength > FINE_TUNE_MAX_FILE_BYTES ? null : readableText(bytes);
      text = read && 'text' in read ? read.text : null;
    } catch {
      // Gone or unreadable since: it leaves, as its delete event would take it.
    }
    if (generation !== this.generation || text === held) return;
    if (text === null) this.files.delete(path);
    else if (this.chars() - held.length + text.length > this.fineTune().maxCorpusChars) return this.readLater(READ_AGAIN_AFTER_MS);
    else this.files.set(path, text);
    this.sendLater();
  }

  /** A new file: only a read of the whole workspace applies every rule to it (.gitignore, the size cap). */
  private came(uri: vscode.Uri): void {
    if (policyPath(uri) === null) return;
    if (this.reading) this.readAgain = true;
    else this.readLater(READ_AGAIN_AFTER_MS);
  }

  /** A file or folder went: what the memory holds of it leaves at once (a renamed folder's files come back on the next read). */
  private went(uri: vscode.Uri): void {
    const path = policyPath(uri);
    if (path === null || this.current.kind === 'off') return;
    if (this.reading) return void (this.readAgain = true);
    const gone = [...this.files.keys()].filter((p) => p === path || p.startsWith(`${path}/`));
    if (gone.length === 0) return;
    for (const p of gone) this.files.delete(p);
    this.sendLater();
    // A folder renamed is one deleted and one created: the created one holds the files again.
    if (gone.length > 1 || gone[0] !== path) this.readLater(READ_AGAIN_AFTER_MS);
  }

  private chars(): number {
    let n = 0;
    for (const t of this.files.values()) n += t.length;
    return n;
  }

  private sendLater(): void {
    clearTimeout(this.sendTimer);
    this.sendTimer = setTimeout(() => this.sendNow(), SEND_AFTER_MS);
  }

  private sendNow(): void {
    if (!this.enabled()) return;
    const texts = [...this.files.values()];
    this.current = { kind: 'ready', files: texts.length, chars: this.chars() };
    // An empty workspace is an empty memory, not "the model's own" (a learnt model's files as they were).
    const changed = this.send(memoryOf(texts.map((text) => ({ text }))));
    if (!changed) return;
    this.log.debug(`[memory] suggestions search ${texts.length} file(s) of the workspace, ${this.current.chars.toLocaleString('en')} characters`);
    // For the UI tests, which compare the editor with `suggest --workspace` once the engine has the files.
    console.log(`[seq2seq] workspace memory: ${texts.length} file(s), ${this.current.chars} characters`);
  }

  /** Gives the engine `text` unless it has it already; whether it did. */
  private send(text: string | null): boolean {
    if (text === this.sent) return false;
    this.sent = text;
    this.engine.workspaceMemory(text);
    return true;
  }

  dispose(): void {
    this.generation++;
    this.reading?.abort();
    clearTimeout(this.readTimer);
    clearTimeout(this.sendTimer);
    for (const w of this.watchers) w.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}
