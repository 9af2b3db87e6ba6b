// Inline completions: the glue between VS Code and the completion session (src/completion/session.ts), which
// decides what is shown. This file turns VS Code's documents, positions, context and cancellation into the
// session's terms, and its answer into items whose accept the statistics count.
import * as vscode from 'vscode';
import { CompletionSession, DocumentReader, Pos, SessionDeps, SessionLog } from '../completion/session';
import type { Settings } from '../completion/settings';
import { encoderWindow } from './encoderWindow';

/** The command VS Code runs when the user accepts a suggestion whole: the statistics count it. */
export const ACCEPTED_COMMAND = 'seq2seq.accepted';

/** VS Code's documents, as the session reads them. */
const documents: DocumentReader<vscode.TextDocument> = {
  uri: (d) => d.uri.toString(),
  languageId: (d) => d.languageId,
  version: (d) => d.version,
  isClosed: (d) => d.isClosed,
  lineText: (d, line) => d.lineAt(line).text,
  offsetAt: (d, p) => d.offsetAt(new vscode.Position(p.line, p.character)),
  validate: (d, p) => d.validatePosition(new vscode.Position(p.line, p.character)),
  window: (d, anchor, info, extra) => encoderWindow(d, new vscode.Position(anchor.line, anchor.character), info, extra),
};

/** The session's log lines on the output channel; a message is built only when the channel shows its level. */
export function sessionLog(log: vscode.LogOutputChannel): SessionLog {
  const shows = (level: vscode.LogLevel): boolean => log.logLevel !== vscode.LogLevel.Off && log.logLevel <= level;
  return {
    debug: (message) => shows(vscode.LogLevel.Debug) && log.debug(message()),
    trace: (message) => shows(vscode.LogLevel.Trace) && log.trace(message()),
    error: (message) => log.error(message),
  };
}

export type ProviderDeps = Omit<SessionDeps<vscode.TextDocument>, 'documents'>;

const toPosition = (p: Pos): vscode.Position => new vscode.Position(p.line, p.character);

export class Seq2SeqInlineProvider implements vscode.InlineCompletionItemProvider {
  readonly session: CompletionSession<vscode.TextDocument>;

  constructor(deps: ProviderDeps) {
    this.session = new CompletionSession({ ...deps, documents });
  }

  settingsChanged(settings: Settings): void {
    this.session.settingsChanged(settings);
  }

  clearCache(): void {
    this.session.clearCache();
  }

  memoryChanged(): void {
    this.session.memoryChanged();
  }

  cursorMoved(document: vscode.TextDocument, position: vscode.Position): void {
    this.session.cursorMoved(document, position);
  }

  documentChanged(e: vscode.TextDocumentChangeEvent): void {
    this.session.documentChanged(e.document, e.contentChanges);
  }

  async provideInlineCompletionItems(
    document: vscode.TextDocument,
    position: vscode.Position,
    context: vscode.InlineCompletionContext,
    token: vscode.CancellationToken,
  ): Promise<vscode.InlineCompletionItem[] | undefined> {
    const selected = context.selectedCompletionInfo;
    const answer = await this.session.request(document, position, {
      selected: selected ? { text: selected.text, start: selected.range.start } : null,
      explicit: context.triggerKind === vscode.InlineCompletionTriggerKind.Invoke,
      isCancelled: () => token.isCancellationRequested,
      onCancelled: (listener) => token.onCancellationRequested(listener),
    });
    if (!answer) return undefined;
    // The selected item's range is replaced by the suggestion that extends it; otherwise it goes in at the cursor.
    const replace = selected ? selected.range : new vscode.Range(toPosition(answer.anchor), toPosition(answer.anchor));
    return answer.shown.map((c, i) => {
      const item = new vscode.InlineCompletionItem(answer.texts[i] as string, replace);
      // Stable API: VS Code runs an item's command after the item is accepted (Tab), not on a partial accept.
      item.command = { command: ACCEPTED_COMMAND, title: 'Suggestion accepted', arguments: [document.languageId, c.text.length] };
      return item;
    });
  }
}
