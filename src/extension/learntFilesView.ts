// Seq2Seq: Show Learnt Files: the files the workspace model learnt from (and those it was not allowed to), as a
// read-only Markdown document. The list lives beside the model in the extension's workspace storage.
import * as vscode from 'vscode';
import type { LearntFiles, WorkspaceLearner } from './workspaceLearner';

const SCHEME = 'seq2seq-learnt';
const URI = vscode.Uri.from({ scheme: SCHEME, path: '/Seq2Seq Learnt Files.md' });

export function renderLearntFiles(list: LearntFiles | null): string {
  if (!list) return '# Seq2Seq Complete: learnt files\n\nThe workspace model has learnt nothing yet in this workspace (or it was forgotten).\n';
  const reasons = new Map<string, string[]>();
  for (const s of list.skipped) reasons.set(s.reason, [...(reasons.get(s.reason) ?? []), s.path]);
  return [
    '# Seq2Seq Complete: learnt files',
    '',
    `The workspace model learnt from these ${list.files.length} file(s) on ${list.at.slice(0, 16).replace('T', ' ')} UTC, on this machine; nothing was sent anywhere.`,
    'Run **Seq2Seq: Forget This Workspace** to delete what it learnt.',
    '',
    ...list.files.map((f) => `- ${f}`),
    '',
    ...(reasons.size ? ['## Left out', '', ...[...reasons].map(([reason, paths]) => `- ${reason}: ${paths.join(', ')}`), ''] : []),
  ].join('\n');
}

export function registerLearntFilesView(learner: WorkspaceLearner): vscode.Disposable {
  const changed = new vscode.EventEmitter<vscode.Uri>();
  const provider: vscode.TextDocumentContentProvider = { onDidChange: changed.event, provideTextDocumentContent: async () => renderLearntFiles(await learner.learntFiles()) };
  return vscode.Disposable.from(
    changed,
    vscode.workspace.registerTextDocumentContentProvider(SCHEME, provider),
    vscode.commands.registerCommand('seq2seq.showLearntFiles', async () => {
      changed.fire(URI);
      const doc = await vscode.workspace.openTextDocument(URI);
      await vscode.languages.setTextDocumentLanguage(doc, 'markdown');
      await vscode.window.showTextDocument(doc, { preview: true });
      return learner.learntFiles();
    }),
  );
}
