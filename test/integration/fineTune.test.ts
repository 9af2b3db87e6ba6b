// Fine-tune on the workspace in a real extension host: model saved in extension storage and hot-swapped,
// suggestions move toward the workspace's names, cancel keeps the previous model, empty input is explained.
import * as assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Seq2SeqApi } from '../../src/extension';
import type { FineTuneReport } from '../../src/extension/fineTune';
import { closeAll, extensionApi, fixtureModel, newEditor, setting, sleep, useModel, waitFor } from './helpers';

const fineTune = (): Thenable<FineTuneReport> => vscode.commands.executeCommand<FineTuneReport>('seq2seq.fineTune');

suite('Fine-tune on the workspace', () => {
  let api: Seq2SeqApi;
  let extensionPath: string;

  suiteSetup(async () => {
    ({ api, extensionPath } = await extensionApi());
    // The memorised fixture model trains in seconds; it knows "function gre" -> "et", not greetZorblax.
    await useModel(api, fixtureModel(extensionPath), 'memorized-fixture');
    await setting('fineTune.minutes', 0.5);
    // A 30-second fine-tune learns the name, not yet with the confidence the default threshold asks for.
    await setting('confidenceThreshold', 0);
  });

  teardown(async () => {
    await closeAll();
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('seq2seq.deleteWorkspaceModel');
    for (const key of ['modelPath', 'fineTune.minutes', 'fineTune.include', 'confidenceThreshold']) await setting(key, undefined);
  });

  test('learns the workspace, saves to extension storage, hot-swaps, and suggestions use its names', async () => {
    await vscode.commands.executeCommand('seq2seq.showEncoderState');
    await waitFor('panel ready', () => api.encoderPanel.isReady());
    const report = await fineTune();
    assert.equal(report.outcome, 'saved', report.message);
    if (report.outcome !== 'saved') return;
    assert.ok(report.selected.some((p) => p === 'src/greeter1.ts'));
    assert.ok(!report.selected.includes('ignored/hidden.ts') && !report.selected.includes('.env'));
    assert.ok(report.skipped.some((s) => s.path === 'ignored/hidden.ts' && s.reason === 'ignored by .gitignore'), JSON.stringify(report.skipped));
    assert.ok(report.bestValidationBpc! < report.baseValidationBpc!);
    // The encoder-state panel drew the live loss curve.
    await waitFor('loss curve', () => (api.encoderPanel.lastRender()?.trainingPoints ?? 0) > 0);
    const dir = report.modelDir!;
    assert.ok(existsSync(path.join(dir, 'model.json')));
    assert.ok(!dir.startsWith(vscode.workspace.workspaceFolders![0]!.uri.fsPath), 'the model must not land in the repository');
    // The explicit modelPath setting wins, and the command says so instead of claiming the workspace model is in use.
    assert.match(report.message, /keep using the seq2seq\.modelPath setting/, report.message);
    await waitFor("the setting's model, still", () => {
      const s = api.engineState();
      return s.kind === 'ready' && s.source === 'setting';
    });
    assert.equal(api.statusText(), '$(sparkle) Seq2Seq: model from settings');
    // Clearing it brings in the workspace model without a reload.
    await setting('modelPath', undefined);
    await waitFor('workspace model', () => {
      const s = api.engineState();
      return s.kind === 'ready' && s.source === 'workspace';
    });
    assert.equal(api.statusText(), '$(sparkle) Seq2Seq: workspace model');
    // The provider's items for a prefix of the workspace's own name: the base model never saw "greetZorblax".
    const editor = await newEditor('export const x = greetZor');
    const position = editor.document.positionAt(editor.document.getText().length);
    const items = (await api.provider.provideInlineCompletionItems(
      editor.document,
      position,
      { triggerKind: vscode.InlineCompletionTriggerKind.Invoke, selectedCompletionInfo: undefined },
      new vscode.CancellationTokenSource().token,
    )) as vscode.InlineCompletionItem[] | undefined;
    const texts = (items ?? []).map((i) => i.insertText as string);
    // The name completed; a copy run may go on with what the workspace writes after it in several places.
    assert.ok(texts.some((t) => /^blax\b/.test(t)), JSON.stringify(texts));
  });

  test('cancelling keeps the previous model; a second run while one is going is refused', async () => {
    await setting('fineTune.minutes', 5);
    const weights = path.join(await workspaceModelDir(), 'weights.bin');
    const before = statSync(weights).mtimeMs;
    // Two at once, the second before the first has even listed the files: the second is refused.
    const running = fineTune();
    const second = await fineTune();
    assert.equal(second.outcome, 'refused');
    assert.match(second.message, /already running/);
    await sleep(1500);
    await vscode.commands.executeCommand('seq2seq.cancelFineTune');
    const report = await running;
    assert.equal(report.outcome, 'cancelled', report.message);
    assert.equal(statSync(weights).mtimeMs, before);
    const s = api.engineState();
    assert.ok(s.kind === 'ready' && s.source === 'workspace');
    await setting('fineTune.minutes', 0.5);
  });

  test('with nothing to learn from, the command says so', async () => {
    await setting('fineTune.include', '**/*.nothing-matches-this');
    const report = await fineTune();
    assert.equal(report.outcome, 'no-files');
    assert.match(report.message, /No source files to learn from/);
    await setting('fineTune.include', undefined);
  });

  test('use-base and delete return to the base model, and every switch drops the suggestions of the old model', async () => {
    // The test before read the workspace's files again (its include setting, then none): a change of the memory
    // also empties the cache, so the cache is checked once the reading is in.
    await waitFor('the workspace memory read again', () => {
      const m = api.workspaceMemory();
      return m.kind === 'ready' && m.files > 0;
    }, 30_000);
    const editor = await newEditor('export const x = greetZor');
    // Asked twice on the workspace model: the second answer comes from the suggestion cache.
    assert.equal(await askedTheEngine(editor), true);
    assert.equal(await askedTheEngine(editor), false, 'the same line again: from the cache');
    await vscode.commands.executeCommand('seq2seq.useBaseModel');
    await waitFor('base model', () => {
      const s = api.engineState();
      return s.kind === 'ready' && s.source === 'base';
    });
    assert.equal(await askedTheEngine(editor), true, 'after use-base the workspace model\'s cached suggestion must not be shown');
    await vscode.commands.executeCommand('seq2seq.useWorkspaceModel');
    await waitFor('workspace model again', () => {
      const s = api.engineState();
      return s.kind === 'ready' && s.source === 'workspace';
    });
    assert.equal(await askedTheEngine(editor), true, 'after use-workspace');
    const dir = await workspaceModelDir();
    await vscode.commands.executeCommand('seq2seq.deleteWorkspaceModel');
    assert.ok(!existsSync(dir));
    await waitFor('base model after delete', () => {
      const s = api.engineState();
      return s.kind === 'ready' && s.source === 'base';
    });
    assert.equal(await askedTheEngine(editor), true, 'after delete');
  });

  /** Asks the provider at the end of the editor's text; true when the engine answered, false for the cache. */
  async function askedTheEngine(editor: vscode.TextEditor): Promise<boolean> {
    api.takeLatencies();
    const position = editor.document.positionAt(editor.document.getText().length);
    await api.provider.provideInlineCompletionItems(
      editor.document,
      position,
      { triggerKind: vscode.InlineCompletionTriggerKind.Invoke, selectedCompletionInfo: undefined },
      new vscode.CancellationTokenSource().token,
    );
    return api.takeLatencies().engine.length > 0;
  }

  async function workspaceModelDir(): Promise<string> {
    return api.workspaceModelDir() ?? assert.fail('no workspace storage');
  }
});
