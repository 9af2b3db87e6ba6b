// The encoder window for a cursor, cut from the document the way the engine expects (see windowStart): the
// inline provider and the encoder-state panel both send it, so the panel shows the state the decoder starts from.
// With it goes the text further back that the copy prior searches.
import * as vscode from 'vscode';
import type { ModelInfo, WindowRequest } from '../shared/engineProtocol';
import { COPY_AFTER_CHARS, COPY_CONTEXT_CHARS, windowStart } from '../shared/window';

/** `extra` is text the user has not typed yet but that counts as typed (the suggest widget's selected item). */
export function encoderWindow(
  document: vscode.TextDocument,
  anchor: vscode.Position,
  info: Pick<ModelInfo, 'minContextChars' | 'maxContextChars'>,
  extra = '',
): Pick<WindowRequest, 'before' | 'windowStart' | 'atFileStart' | 'below' | 'path'> {
  const offset = document.offsetAt(anchor);
  const start = Math.min(offset, windowStart(offset + extra.length, info));
  // The copy prior searches further back than the encoder reads (the names defined earlier in the file): one read
  // of the document covers both, and the window is its end.
  const copyStart = Math.min(start, Math.max(0, offset + extra.length - COPY_CONTEXT_CHARS));
  const before = document.getText(new vscode.Range(document.positionAt(copyStart), anchor)) + extra;
  // Below the cursor's line (never the rest of the line itself), no further than the copy prior searches.
  let below = '';
  if (anchor.line + 1 < document.lineCount) {
    const from = new vscode.Position(anchor.line + 1, 0);
    below = document.getText(new vscode.Range(from, document.positionAt(document.offsetAt(from) + COPY_AFTER_CHARS)));
  }
  return { before, windowStart: start - copyStart, atFileStart: start === 0, below, path: document.uri.toString() };
}
