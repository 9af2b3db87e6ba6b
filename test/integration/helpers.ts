// Helpers for the integration suite: the extension's API, settings, and typing into a real editor.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Seq2SeqApi } from '../../src/extension';

export const EXTENSION_ID = 'seq2seq-complete.seq2seq-complete';

export async function extensionApi(): Promise<{ api: Seq2SeqApi; extensionPath: string }> {
  const ext = vscode.extensions.getExtension<Seq2SeqApi>(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not installed`);
  return { api: await ext.activate(), extensionPath: ext.extensionPath };
}

export const fixtureModel = (extensionPath: string): string => path.join(extensionPath, 'test', 'fixtures', 'models', 'memorized');

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

export async function setting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('seq2seq').update(key, value, vscode.ConfigurationTarget.Global);
}

/** Uses the given model and waits until the engine has loaded it. */
export async function useModel(api: Seq2SeqApi, modelPath: string, name: string): Promise<void> {
  await setting('modelPath', modelPath);
  await waitFor(`model ${name}`, () => {
    const s = api.engineState();
    return s.kind === 'ready' && s.info.name === name;
  });
}

export async function newEditor(content: string, language = 'typescript'): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument({ language, content });
  const editor = await vscode.window.showTextDocument(doc);
  const end = doc.positionAt(doc.getText().length);
  editor.selection = new vscode.Selection(end, end);
  return editor;
}

/** Types text the way a user does (through the `type` command, which triggers inline suggestions). */
export async function type(text: string): Promise<void> {
  await vscode.commands.executeCommand('type', { text });
}

/** The text inserted into `before` to make `after` (one insertion anywhere). */
export function insertedText(before: string, after: string): string {
  let start = 0;
  while (start < before.length && before[start] === after[start]) start++;
  let end = 0;
  while (end < before.length - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
  return after.slice(start, after.length - end);
}

/**
 * Asks for an inline suggestion and accepts it (whole, or with `accept` a part: acceptNextWord, acceptNextLine);
 * returns the inserted text ('' if none came within timeoutMs).
 */
export async function acceptSuggestion(editor: vscode.TextEditor, timeoutMs = 4000, accept = 'editor.action.inlineSuggest.commit'): Promise<string> {
  const before = editor.document.getText();
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
    await sleep(250);
    await vscode.commands.executeCommand(accept);
    const after = editor.document.getText();
    if (after !== before) return insertedText(before, after);
  }
  return '';
}

export async function closeAll(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}
