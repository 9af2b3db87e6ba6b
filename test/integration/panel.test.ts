// The encoder-state panel in a real extension host: the command opens one webview beside the editor, the webview
// draws the trace of the text before the cursor and follows typing, training points reach its loss curve.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { Seq2SeqApi } from '../../src/extension';
import { closeAll, extensionApi, fixtureModel, newEditor, setting, type, useModel, waitFor } from './helpers';

const panelTabs = (): vscode.Tab[] =>
  vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('seq2seq.encoderState'));

suite('Encoder state panel', () => {
  let api: Seq2SeqApi;

  suiteSetup(async () => {
    let extensionPath: string;
    ({ api, extensionPath } = await extensionApi());
    await useModel(api, fixtureModel(extensionPath), 'memorized-fixture');
  });

  suiteTeardown(async () => {
    await closeAll();
    await setting('modelPath', undefined);
  });

  test('the command opens one panel beside the editor, which keeps the focus; the webview draws the text before the cursor', async () => {
    const editor = await newEditor('function gre');
    await vscode.commands.executeCommand('seq2seq.showEncoderState');
    await waitFor('the panel tab', () => panelTabs().length === 1);
    assert.ok(api.encoderPanel.isOpen());
    assert.notEqual(panelTabs()[0]?.group.viewColumn, editor.viewColumn, 'the panel opens beside the editor');
    assert.equal(vscode.window.activeTextEditor?.document, editor.document);
    await waitFor('the webview to say ready', () => api.encoderPanel.isReady());
    const first = await waitFor('the first state drawn', () => {
      const r = api.encoderPanel.lastRender();
      return r !== null && r.states > 0 && r.text.endsWith('function gre') && r;
    });
    assert.equal(first.unit, null);
  });

  test('typing updates the panel (throttled), with the text up to the new cursor', async () => {
    const before = api.encoderPanel.lastRender()?.states ?? 0;
    await type('e');
    await type('t');
    const after = await waitFor('a state drawn after typing', () => {
      const r = api.encoderPanel.lastRender();
      return r !== null && r.text.endsWith('function greet') && r;
    });
    assert.ok(after.states > before);
    // Moving the cursor back traces the shorter text before it.
    const editor = vscode.window.activeTextEditor as vscode.TextEditor;
    editor.selection = new vscode.Selection(0, 8, 0, 8);
    await waitFor('a state for the moved cursor', () => api.encoderPanel.lastRender()?.text.endsWith('<start>function'));
  });

  test('running the command again reuses the one panel', async () => {
    await vscode.commands.executeCommand('seq2seq.showEncoderState');
    await vscode.commands.executeCommand('seq2seq.showEncoderState');
    assert.equal(panelTabs().length, 1);
  });

  test('fine-tune points reach the loss curve; a step that goes back starts a new curve', async () => {
    for (const [step, train, validation] of [[10, 3.2, null], [20, 2.9, 3.0], [30, 2.7, 2.8]] as const) {
      api.encoderPanel.showTraining({ step, trainBpc: train, validationBpc: validation });
    }
    await waitFor('three points drawn', () => api.encoderPanel.lastRender()?.trainingPoints === 3);
    api.encoderPanel.showTraining({ step: 5, trainBpc: 3.1, validationBpc: null });
    await waitFor('a new curve of one point', () => api.encoderPanel.lastRender()?.trainingPoints === 1);
  });

  test('closing the panel disposes it; the command opens a fresh one that gets the curve so far', async () => {
    await vscode.window.tabGroups.close(panelTabs());
    await waitFor('the panel to close', () => !api.encoderPanel.isOpen());
    await vscode.commands.executeCommand('seq2seq.showEncoderState');
    await waitFor('a fresh panel drawing', () => {
      const r = api.encoderPanel.lastRender();
      return r !== null && r.states > 0 && r.trainingPoints === 1;
    });
    assert.equal(panelTabs().length, 1);
  });
});
