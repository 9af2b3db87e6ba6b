// The background learner in a real extension host: with seq2seq.learn.enabled it learns the workspace without a
// command, holds while the user types, switches the engine to what it learnt, lists the files it learnt from, and
// Forget This Workspace undoes it all. The suites before and after run with it off (scripts/e2e/codeServer.mjs).
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Seq2SeqApi } from '../../src/extension';
import type { LearntFiles } from '../../src/extension/workspaceLearner';
import { closeAll, extensionApi, newEditor, setting, sleep, type, waitFor } from './helpers';

/** The learner is switched in the workspace's settings, which win over the harness's user setting. */
const learnEnabled = (on: boolean): Thenable<void> => vscode.workspace.getConfiguration('seq2seq').update('learn.enabled', on, vscode.ConfigurationTarget.Workspace);

suite('Learns the workspace in the background', () => {
  let api: Seq2SeqApi;
  let extensionPath: string;

  suiteSetup(async () => {
    ({ api, extensionPath } = await extensionApi());
    await setting('modelPath', undefined);
    // Adapting to the document in hand has its own test below; the first one watches the workspace's learning alone.
    await setting('learn.documentSteps', 0);
    await waitFor('the base model', () => {
      const s = api.engineState();
      return s.kind === 'ready' && s.source === 'base';
    });
  });

  teardown(async () => {
    await closeAll();
  });

  suiteTeardown(async () => {
    await learnEnabled(false);
    await setting('learn.steps', undefined);
    await setting('learn.documentSteps', undefined);
  });

  test('learns without a command, pauses while the user types, and switches to what it learnt', async function () {
    this.timeout(240_000);
    assert.equal(api.learning().status.kind, 'off');
    await setting('learn.steps', 20);
    await learnEnabled(true);
    await waitFor('learning under way', () => api.learning().status.kind === 'learning', 30_000);
    assert.match(api.statusText(), /\$\((sync|debug-pause)\) \d+%$/, api.statusText());
    // Typing holds the training: a key every 300 ms, then the status says so.
    await newEditor('export const a = 1;\n');
    for (let i = 0; i < 8; i++) {
      await type('x');
      await sleep(300);
    }
    const whileTyping = api.learning().status;
    assert.ok(whileTyping.kind !== 'learning' || whileTyping.paused, JSON.stringify(whileTyping));
    await waitFor('the learnt workspace model in use', () => {
      const s = api.engineState();
      return api.learning().state.complete && s.kind === 'ready' && s.source === 'workspace';
    }, 200_000);
    // The encoder-state panel draws the learner's loss curve (kept while no panel is open, drawn when one opens).
    await vscode.commands.executeCommand('seq2seq.showEncoderState');
    await waitFor('panel ready', () => api.encoderPanel.isReady());
    await waitFor('the loss curve', () => (api.encoderPanel.lastRender()?.trainingPoints ?? 0) > 0);
    const dir = api.workspaceModelDir() ?? assert.fail('no workspace storage');
    assert.ok(existsSync(path.join(dir, 'model.json')));
    assert.ok(!dir.startsWith(vscode.workspace.workspaceFolders![0]!.uri.fsPath), 'the model must not land in the repository');
    // The learnt model says it was fine-tuned and carries the shipped model's correction for learnt weights, which
    // the engine applies to a model that says so (engineService.ts).
    type Saved = { config: { tunedShow?: unknown }; training: { fineTunedFrom?: unknown } };
    const read = (folder: string): Saved => JSON.parse(readFileSync(path.join(folder, 'metadata.json'), 'utf8')) as Saved;
    const learnt = read(dir);
    assert.equal(typeof learnt.training.fineTunedFrom, 'string');
    assert.ok(learnt.config.tunedShow !== undefined);
    assert.deepEqual(learnt.config.tunedShow, read(path.join(extensionPath, 'models', 'base')).config.tunedShow);
    assert.equal(api.learning().status.kind, 'off');
    assert.match(api.learning().plan, /^none: learnt/);
    const files = (await vscode.commands.executeCommand<LearntFiles | null>('seq2seq.showLearntFiles'))?.files ?? [];
    assert.ok(files.includes('src/greeter1.ts'), JSON.stringify(files));
    assert.ok(!files.includes('ignored/hidden.ts') && !files.includes('.env'), JSON.stringify(files));
    assert.match(vscode.window.activeTextEditor?.document.getText() ?? '', /learnt from these \d+ file\(s\)/);
    // It keeps learning: a saved source file of the workspace calls for an update (it starts once saves quieten).
    const fresh = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, 'src', 'learntLater.ts');
    await vscode.workspace.fs.writeFile(fresh, Buffer.from(''));
    const doc = await vscode.workspace.openTextDocument(fresh);
    const edit = new vscode.WorkspaceEdit();
    edit.insert(fresh, new vscode.Position(0, 0), 'export const learntLater = 1;\n');
    await vscode.workspace.applyEdit(edit);
    await doc.save();
    await waitFor('an update planned after the save', () => api.learning().plan === 'update');
    await vscode.workspace.fs.delete(fresh);
  });

  test('adapts to the document in hand while the user pauses, and serves those weights until learning stops', async function () {
    this.timeout(120_000);
    const file = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, 'src', 'greeter1.ts');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file));
    await setting('learn.documentSteps', 5);
    await waitFor('weights adapted to the file', () => api.learning().adaptedTo === file.toString(), 90_000);
    assert.equal(api.engineState().kind, 'ready');
    // Turned off: the model's own weights serve again.
    await setting('learn.documentSteps', 0);
    await waitFor('the model\'s own weights', () => api.learning().adaptedTo === null);
    await setting('learn.documentSteps', 5);
    await waitFor('adapted again', () => api.learning().adaptedTo === file.toString(), 90_000);
  });

  test('Forget This Workspace deletes what was learnt, goes back to the base model and learns nothing more', async () => {
    const dir = api.workspaceModelDir() ?? assert.fail('no workspace storage');
    await vscode.commands.executeCommand('seq2seq.forgetWorkspace');
    assert.ok(!existsSync(dir));
    assert.equal(api.learning().adaptedTo, null, 'no adapted weights serve after forgetting');
    await waitFor('the base model after forgetting', () => {
      const s = api.engineState();
      return s.kind === 'ready' && s.source === 'base';
    });
    assert.equal(await vscode.commands.executeCommand('seq2seq.showLearntFiles'), null);
    // The loss curve of what was forgotten goes too.
    await vscode.commands.executeCommand('seq2seq.showEncoderState');
    await waitFor('panel ready', () => api.encoderPanel.isReady());
    await waitFor('no loss curve', () => api.encoderPanel.lastRender()?.trainingPoints === 0);
    assert.match(api.learning().plan, /forgotten/);
    // Still enabled, and still nothing starts.
    await sleep(1000);
    assert.equal(api.learning().status.kind, 'off');
  });
});
