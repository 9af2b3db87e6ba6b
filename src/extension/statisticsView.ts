// Seq2Seq: Show Statistics and Reset Statistics: the local statistics as a read-only Markdown document that
// refreshes while it is open. What it shows is only on this machine.
import * as vscode from 'vscode';
import type { StatsFile } from '../completion/statistics';
import { summarize } from '../completion/statistics';
import type { StatisticsStore } from './statisticsStore';

const SCHEME = 'seq2seq-stats';
const URI = vscode.Uri.from({ scheme: SCHEME, path: '/Seq2Seq Statistics.md' });

export function renderStatistics(stats: StatsFile): string {
  const { rows, total } = summarize(stats);
  const pct = (x: number | null): string => (x === null ? '–' : `${Math.round(100 * x)} %`);
  const per100 = (x: number | null): string => (x === null ? '–' : x.toFixed(1));
  const lines = [
    '# Seq2Seq Complete: local statistics',
    '',
    `Counted on this machine since ${stats.since.slice(0, 10)}, kept in the extension's storage and never sent anywhere.`,
    'A suggestion counts as shown once when the editor is given it (typing through it does not count again); accepted when Tab took it',
    'whole; "in part" counts each word (Ctrl+Right) or line taken from one, seen as an edit that inserts the start of the suggestion.',
    '',
    'Of the characters written, suggestions wrote "spared" (the rest you typed); "wrong / 100" counts the suggestions a typed',
    'character contradicted, per 100 characters written: the two figures of the typing replay in docs/figures.md, for your own typing.',
    '',
    '| language | shown | accepted | accept rate | in part | characters saved | spared | wrong / 100 | engine median |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.language} | ${r.shown} | ${r.accepted} | ${pct(r.acceptRate)} | ${r.partlyAccepted} | ${r.charsSaved} | ${pct(r.spared)} | ${per100(r.wrongPer100)} | ${r.medianEngineMs === null ? '–' : `${r.medianEngineMs} ms`} |`),
    `| **all** | ${total.shown} | ${total.accepted} | ${pct(total.shown ? total.accepted / total.shown : null)} | ${total.partlyAccepted} | ${total.charsSaved} | ${pct(total.spared)} | ${per100(total.wrongPer100)} | |`,
    '',
    'Run **Seq2Seq: Reset Statistics** to start counting afresh.',
  ];
  return `${lines.join('\n')}\n`;
}

export function registerStatisticsView(store: StatisticsStore): vscode.Disposable {
  const changed = new vscode.EventEmitter<vscode.Uri>();
  const provider: vscode.TextDocumentContentProvider = { onDidChange: changed.event, provideTextDocumentContent: () => renderStatistics(store.snapshot()) };
  return vscode.Disposable.from(
    changed,
    vscode.workspace.registerTextDocumentContentProvider(SCHEME, provider),
    store.onDidChange(() => changed.fire(URI)),
    vscode.commands.registerCommand('seq2seq.showStatistics', async () => {
      const doc = await vscode.workspace.openTextDocument(URI);
      await vscode.languages.setTextDocumentLanguage(doc, 'markdown');
      return vscode.window.showTextDocument(doc, { preview: true });
    }),
    // `confirmed` (from a test or a keybinding) skips the question.
    vscode.commands.registerCommand('seq2seq.resetStatistics', async (confirmed?: boolean) => {
      const ok = confirmed === true || (await vscode.window.showWarningMessage('Reset the local Seq2Seq statistics?', { modal: true }, 'Reset')) === 'Reset';
      if (ok) await store.reset();
      return ok;
    }),
  );
}
