// The encoder window for a cursor, cut from the document by the one request cut (cutRequest in src/shared/window.ts):
// the inline provider and the encoder-state panel both send it, so the panel shows the state the decoder starts
// from. With it goes the text further back that the copy prior searches.
import * as vscode from 'vscode';
import type { ModelInfo, WindowRequest } from '../shared/engineProtocol';
import { COPY_AFTER_CHARS, cutDocument } from '../shared/window';

/** `extra` is text the user has not typed yet but that counts as typed (the suggest widget's selected item). */
export function encoderWindow(
  document: vscode.TextDocument,
  anchor: vscode.Position,
  info: Pick<ModelInfo, 'minContextChars' | 'maxContextChars'>,
  extra = '',
): Pick<WindowRequest, 'before' | 'windowStart' | 'atFileStart' | 'below' | 'path'> {
  // The cut is made on normalised offsets: in a CRLF document every line break before the cursor is one character
  // there, as the model reads it. VS Code keeps one line ending per document.
  const crlf = document.eol === vscode.EndOfLine.CRLF;
  const cut = cutDocument(
    { crlf, offset: document.offsetAt(anchor), line: anchor.line, readBefore: (rawFrom) => document.getText(new vscode.Range(document.positionAt(rawFrom), anchor)) },
    info,
    extra,
  );
  // Below the cursor's line (never the rest of the line itself), no further than the copy prior searches.
  let below = '';
  if (anchor.line + 1 < document.lineCount) {
    const from = new vscode.Position(anchor.line + 1, 0);
    below = document.getText(new vscode.Range(from, document.positionAt(document.offsetAt(from) + (crlf ? 2 : 1) * COPY_AFTER_CHARS)));
  }
  return { ...cut, below, path: document.uri.toString() };
}
