// Keeps the local statistics (src/completion/statistics.ts) in the extension's global storage: read once, counted
// in memory, written a few seconds after a change (never on a keystroke). A corrupt or unreadable file is set
// aside with a warning and counting starts afresh: statistics never break suggestions. Nothing is sent anywhere.
import * as vscode from 'vscode';
import { emptyStats, mergeStats, parseStats, recordAccepted, recordPartlyAccepted, recordShown, recordTyped, recordWrong, StatsFile, summarize } from '../completion/statistics';

const FILE = 'statistics.json';
/** Changes are written at most this often. */
const WRITE_DELAY_MS = 5_000;

export class StatisticsStore implements vscode.Disposable {
  private stats: StatsFile = emptyStats();
  private timer: NodeJS.Timeout | undefined;
  private loaded: Promise<void>;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly dir: vscode.Uri, private readonly log: vscode.LogOutputChannel) {
    this.loaded = this.load();
  }

  private get uri(): vscode.Uri {
    return vscode.Uri.joinPath(this.dir, FILE);
  }

  private async load(): Promise<void> {
    let text: string;
    try {
      text = new TextDecoder().decode(await vscode.workspace.fs.readFile(this.uri));
    } catch {
      return; // no file yet: counting starts now
    }
    const parsed = parseStats(text);
    if (parsed) {
      // Counts made before the file was read are kept on top of it.
      this.stats = mergeStats(parsed, this.stats);
      return;
    }
    const aside = vscode.Uri.joinPath(this.dir, `statistics.corrupt-${Date.now()}.json`);
    await vscode.workspace.fs.rename(this.uri, aside, { overwrite: true }).then(undefined, () => undefined);
    this.log.warn(`[statistics] ${this.uri.fsPath} could not be read as statistics; it was set aside as ${aside.fsPath} and counting starts afresh`);
    void vscode.window.showWarningMessage('Seq2Seq: the local statistics file was unreadable; it was set aside and counting starts afresh.');
  }

  shown(languageId: string, engineMs: number | null): void {
    recordShown(this.stats, languageId, engineMs);
    this.touch();
  }

  accepted(languageId: string, chars: number): void {
    recordAccepted(this.stats, languageId, chars);
    this.touch();
  }

  partlyAccepted(languageId: string, chars: number): void {
    recordPartlyAccepted(this.stats, languageId, chars);
    this.touch();
  }

  typed(languageId: string, chars: number): void {
    recordTyped(this.stats, languageId, chars);
    this.touch();
  }

  wrong(languageId: string): void {
    recordWrong(this.stats, languageId);
    this.touch();
  }

  async reset(): Promise<void> {
    await this.loaded;
    this.stats = emptyStats();
    this.touch();
  }

  snapshot(): StatsFile {
    return structuredClone(this.stats);
  }

  summary(): ReturnType<typeof summarize> {
    return summarize(this.stats);
  }

  private touch(): void {
    this.changed.fire();
    if (this.timer) return;
    this.timer = setTimeout(() => void this.flush(), WRITE_DELAY_MS);
  }

  /** Writes the statistics now (also on dispose). A failed write (a full disk) is logged, never thrown. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.loaded;
    try {
      await vscode.workspace.fs.createDirectory(this.dir);
      const tmp = vscode.Uri.joinPath(this.dir, `${FILE}.tmp`);
      await vscode.workspace.fs.writeFile(tmp, new TextEncoder().encode(JSON.stringify(this.stats)));
      await vscode.workspace.fs.rename(tmp, this.uri, { overwrite: true });
    } catch (e) {
      this.log.warn(`[statistics] could not be saved: ${(e as Error).message}`);
    }
  }

  dispose(): void {
    void this.flush();
    this.changed.dispose();
  }
}
