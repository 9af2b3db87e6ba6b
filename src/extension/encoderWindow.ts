// The encoder window for a cursor, cut from the document the way the engine expects (see windowStart): the
// inline provider and the encoder-state panel both send it, so the panel shows the state the decoder starts from.
import * as vscode from 'vscode';
import { windowStart } from '../model/context';
import type { ModelInfo } from '../shared/engineProtocol';

/** `extra` is text the user has not typed yet but that counts as typed (the suggest widget's selected item). */
export function encoderWindow(
  document: vscode.TextDocument,
  anchor: vscode.Position,
  info: Pick<ModelInfo, 'minContextChars' | 'maxContextChars'>,
  extra = '',
): { window: string; atFileStart: boolean } {
  const offset = document.offsetAt(anchor);
  const start = Math.min(offset, windowStart(offset + extra.length, info));
  return { window: document.getText(new vscode.Range(document.positionAt(start), anchor)) + extra, atFileStart: start === 0 };
}
