// One admission for both: the other-files context (src/extension/contextFeed.ts) lets in exactly the source files
// that a fine-tune or the background learner would learn from (src/extension/trainingFiles.ts), under the
// workspace's exclude settings, the user's fine-tune exclude and every .gitignore.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { Seq2SeqApi } from '../../src/extension';
import { DEFAULT_FINE_TUNE } from '../../src/completion/settings';
import { collectTrainingFiles } from '../../src/extension/trainingFiles';
import { closeAll, extensionApi, setting } from './helpers';

suite('One file admission for the context and the learners', () => {
  let api: Seq2SeqApi;
  const log = vscode.window.createOutputChannel('Seq2Seq admission test', { log: true });

  suiteSetup(async () => {
    ({ api } = await extensionApi());
  });

  suiteTeardown(async () => {
    await closeAll();
    await setting('fineTune.exclude', undefined);
    await vscode.workspace.getConfiguration('files').update('exclude', undefined, vscode.ConfigurationTarget.Workspace);
    log.dispose();
  });

  test('each source file of the workspace is either learnt from and copied from, or neither, for the same reason', async () => {
    await setting('fineTune.exclude', '**/greeter5.ts');
    await vscode.workspace.getConfiguration('files').update('exclude', { '**/greeter4.ts': true }, vscode.ConfigurationTarget.Workspace);
    const exclude = vscode.workspace.getConfiguration('seq2seq').get<string>('fineTune.exclude') ?? '';
    const selection = await collectTrainingFiles({ ...DEFAULT_FINE_TUNE, exclude }, new AbortController().signal, log, 'test');
    assert.ok(!('refused' in selection));
    if ('refused' in selection) return;
    const learnt = new Set(selection.files.map((f) => f.path));
    // Every source file on disk, excluded or not (a search without excludes).
    const onDisk = await vscode.workspace.findFiles(DEFAULT_FINE_TUNE.include, null);
    const verdicts: Record<string, string | null> = {};
    for (const uri of onDisk) {
      const document = await vscode.workspace.openTextDocument(uri);
      verdicts[vscode.workspace.asRelativePath(uri)] = await api.contextVerdict(document);
    }
    assert.ok(Object.keys(verdicts).length >= 7, JSON.stringify(verdicts));
    for (const [file, verdict] of Object.entries(verdicts)) {
      assert.equal(verdict === null, learnt.has(file), `${file}: context says ${verdict ?? 'in'}, the learners ${learnt.has(file) ? 'learn it' : 'do not'}`);
    }
    assert.match(verdicts['src/greeter5.ts'] ?? '', /excluded by \*\*\/greeter5\.ts/);
    assert.match(verdicts['src/greeter4.ts'] ?? '', /excluded by \*\*\/greeter4\.ts/);
    assert.match(verdicts['ignored/hidden.ts'] ?? '', /gitignore/);
    assert.equal(verdicts['src/greeter1.ts'], null);
  });
});
