// Composition root of the browser extension host (VS Code for the Web: vscode.dev, github.dev, code-server's web
// worker host): the same editor core as in Node (src/extension/editorCore.ts) on the shipped model, with the engine
// in its own Web Worker. Training needs Node's threads and files, so its commands say so here and are hidden from
// the command palette. Nothing is fetched from the network: the host reads the extension's own files.
import * as vscode from 'vscode';
import { Seq2SeqCoreApi, startEditorCore } from '../extension/editorCore';
import type { ModelChooser } from '../extension/engineController';
import { SECTION } from '../extension/settings';
import type { ModelFiles } from '../shared/engineProtocol';
import { browserEngineThread, EngineThreadKind } from './engineThread';

/** What activate returns in a browser: the core's API, and where the engine ended up running. */
export interface Seq2SeqBrowserApi extends Seq2SeqCoreApi {
  engineThread(): EngineThreadKind | null;
}

/** The commands that train or switch among trained models: Node-only. */
const NODE_ONLY_COMMANDS = ['seq2seq.fineTune', 'seq2seq.cancelFineTune', 'seq2seq.useWorkspaceModel', 'seq2seq.deleteWorkspaceModel', 'seq2seq.forgetWorkspace', 'seq2seq.showLearntFiles'];
const NODE_ONLY_MESSAGE =
  'Seq2Seq: fine-tuning and learning the workspace need the desktop VS Code (a Node extension host). In the browser, suggestions come from the shipped model, computed in this browser; nothing is sent anywhere.';

export function activate(context: vscode.ExtensionContext): Seq2SeqBrowserApi {
  const started = performance.now();
  const read = (...parts: string[]): Thenable<Uint8Array> => vscode.workspace.fs.readFile(vscode.Uri.joinPath(context.extensionUri, ...parts));
  const baseDir = vscode.Uri.joinPath(context.extensionUri, 'models', 'base').toString();
  // One model here: the shipped one.
  const chooser: ModelChooser = { resolve: () => ({ dir: baseDir, source: 'base' }), onDidChange: () => ({ dispose: () => undefined }) };
  let threadKind: EngineThreadKind | null = null;
  const prefer: EngineThreadKind = vscode.workspace.getConfiguration(SECTION).get('browserEngineThread') === 'host' ? 'host' : 'worker';
  // Both reads start now and overlap (the engine thread starts on the load request, after the model's files are in):
  // the first ghost text waits for the slower of the two, not their sum.
  const script = read('dist', 'browser', 'engineWorker.js').then((bytes) => new TextDecoder().decode(bytes));
  const modelFiles = readModelFiles(read);
  script.then(undefined, () => undefined);
  modelFiles.then(undefined, () => undefined);

  const core = startEditorCore(context, {
    engineThread: {
      start: browserEngineThread({
        script: () => Promise.resolve(script),
        prefer,
        log: (level, message) => core.log[level](`[engine] ${message}`),
        started: (kind) => {
          threadKind = kind;
          // For the browser-host UI test (scripts/e2e/run-web-ui.mjs): where the engine ended up.
          console.log(`[seq2seq] engine thread: ${kind}`);
          core.log.info(`[engine] runs on ${kind === 'worker' ? 'its own Web Worker' : "the extension host's thread"}`);
        },
      }),
      // One model in a browser: read once, at activation.
      readFiles: () => modelFiles,
    },
    chooser,
  });

  void vscode.commands.executeCommand('setContext', 'seq2seq.browserHost', true);
  if (core.settings().modelPath) core.log.warn(`[engine] seq2seq.modelPath (${core.settings().modelPath}) is not read in a browser: the shipped model suggests`);
  context.subscriptions.push(
    ...NODE_ONLY_COMMANDS.map((id) => vscode.commands.registerCommand(id, () => void vscode.window.showInformationMessage(NODE_ONLY_MESSAGE))),
    vscode.commands.registerCommand('seq2seq.useBaseModel', () => void vscode.window.showInformationMessage('Seq2Seq: in the browser the shipped base model is the only one, and it is in use.')),
  );

  return { ...core.finish(started), engineThread: () => threadKind };
}

/** The shipped model's files and the wasm backend's binary, read from the extension's own folder. */
async function readModelFiles(read: (...parts: string[]) => Thenable<Uint8Array>): Promise<ModelFiles> {
  const text = new TextDecoder();
  const [modelJson, metadataJson, weights, wasm] = await Promise.all([
    read('models', 'base', 'model.json'),
    read('models', 'base', 'metadata.json'),
    read('models', 'base', 'weights.bin'),
    Promise.resolve(read('dist', 'tfjs-backend-wasm-simd.wasm')).catch(() => null),
  ]);
  return { modelJson: text.decode(modelJson), metadataJson: text.decode(metadataJson), weights: ownBuffer(weights), wasm: wasm && ownBuffer(wasm) };
}

/** The bytes in an ArrayBuffer of their own (a Uint8Array may view part of a larger one). */
const ownBuffer = (b: Uint8Array): ArrayBuffer => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;

export function deactivate(): void {
  // Everything is in context.subscriptions; VS Code disposes it.
}
