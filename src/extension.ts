// Composition root of the Node extension host: the editor core every host runs (src/extension/editorCore.ts) and
// what only this host can do: choose among models on disk, fine-tune, learn the workspace in the background.
// Nothing imports this file; activation does no model work (the worker loads the model in the background).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { nodeEngineThread } from './host/engineThread';
import { EncoderPanel } from './extension/encoderPanel';
import { Seq2SeqCoreApi, startEditorCore } from './extension/editorCore';
import type { RequestRecord } from './completion/requestProbe';
import { FineTuneCommand } from './extension/fineTune';
import { readFineTuneSettings, readLearnSettings, SECTION } from './extension/settings';
import { LearnStatus, WorkspaceLearner } from './extension/workspaceLearner';
import type { LearnState } from './completion/learnState';
import { registerLearntFilesView } from './extension/learntFilesView';
import { ActiveModel } from './extension/activeModel';
import type { TrainPoint } from './shared/trainProtocol';

/** What activate returns: read by the integration tests and the latency benchmark. */
export interface Seq2SeqApi extends Seq2SeqCoreApi {
  /** Where this workspace's fine-tuned model is kept (the extension's workspace storage). */
  workspaceModelDir(): string | undefined;
  /** The background learner: what it is doing, what it has done in this workspace, and whether a run is going. */
  learning(): { status: LearnStatus; state: LearnState; plan: string; adaptedTo: string | null };
}

/** How long after the engine is ready the background learner looks at the workspace: startup is left alone. */
const LEARN_START_DELAY_MS = 5_000;

export function activate(context: vscode.ExtensionContext): Seq2SeqApi {
  const started = performance.now();
  // The core owns the settings; the active model reads them through it (never before activate returns).
  const models = new ActiveModel(context, () => core.settings());
  let learner: WorkspaceLearner | undefined;
  // SEQ2SEQ_REQUEST_CONSOLE=1 (set by the UI test) prints each provider call on the console with its epoch time,
  // so keydown-to-ghost-text figures can be split into VS Code's share and ours. Nothing is printed otherwise.
  const requestLog = process.env.SEQ2SEQ_REQUEST_CONSOLE === '1' ? (r: RequestRecord): void => console.log(`[seq2seq] request ${JSON.stringify(r)}`) : undefined;
  const core = startEditorCore(context, {
    engineThread: { start: nodeEngineThread(path.join(context.extensionPath, 'dist', 'worker.js')) },
    chooser: models,
    requestLog,
    learning: () => learner?.status ?? { kind: 'off' },
  });
  const { log, engine, refresh, overriddenBySetting } = core;
  const settings = core.settings;
  const fineTune = new FineTuneCommand(context.extensionPath, engine, models, settings, readFineTuneSettings, log);
  // Learns the workspace in idle time, without a command.
  const workspaceLearner = new WorkspaceLearner({ context, engine, activeModel: models, settings, fineTuneSettings: readFineTuneSettings, learnSettings: readLearnSettings, commandRunning: () => fineTune.isRunning, admits: core.admits, log });
  learner = workspaceLearner;
  context.subscriptions.push(models);
  core.onSettingsChanged((e) => {
    if (!e.affectsConfiguration(`${SECTION}.learn`)) return;
    const learn = readLearnSettings();
    if (!learn.enabled) return void workspaceLearner.stop();
    if (learn.documentSteps === 0) void workspaceLearner.dropAdaptation();
    void workspaceLearner.consider();
  });

  // The encoder-state panel draws the loss curve of both learners live.
  const drawTraining = (p: TrainPoint): void => EncoderPanel.showTraining({ step: p.step, trainBpc: p.trainBpc, validationBpc: p.validationBpc });
  /** Forget This Workspace and Delete: the learnt model, its file list and its loss curve go. */
  const forget = async (done: string): Promise<void> => {
    if (fineTune.isRunning) return void vscode.window.showWarningMessage('Seq2Seq: a fine-tune is running; cancel it first.');
    await workspaceLearner.forget();
    EncoderPanel.clearTraining();
    void vscode.window.showInformationMessage(`Seq2Seq: ${done}${overriddenBySetting()}`);
  };
  // The background learner looks again whenever a (re)loaded engine is ready, a few seconds on, so that startup is
  // left alone.
  let considerTimer: NodeJS.Timeout | undefined;
  context.subscriptions.push(
    workspaceLearner,
    workspaceLearner.onDidChange(() => refresh()),
    workspaceLearner.onTrainingPoint(drawTraining),
    registerLearntFilesView(workspaceLearner),
    engine.onDidChangeState((s) => {
      if (s.kind !== 'ready') return;
      clearTimeout(considerTimer);
      considerTimer = setTimeout(() => void workspaceLearner.consider(), LEARN_START_DELAY_MS);
    }),
    { dispose: () => clearTimeout(considerTimer) },
  );
  context.subscriptions.push(fineTune.onProgress(drawTraining));

  context.subscriptions.push(
    // The command and the background learner never run together: the command waits for the learner to stop.
    vscode.commands.registerCommand('seq2seq.fineTune', async () => {
      if (!fineTune.isRunning) await workspaceLearner.stop();
      const report = await fineTune.run();
      if (report.outcome === 'saved') await workspaceLearner.fineTuned();
      return report;
    }),
    vscode.commands.registerCommand('seq2seq.cancelFineTune', () => fineTune.cancel()),
    vscode.commands.registerCommand('seq2seq.useBaseModel', async () => {
      // The choice first: a learner that ends now sees it and starts nothing again.
      await models.useWorkspaceModel(false);
      await workspaceLearner.stop();
      await engine.settled();
      void vscode.window.showInformationMessage(`Seq2Seq: this workspace uses the base model (the fine-tuned one is kept).${overriddenBySetting()}`);
    }),
    vscode.commands.registerCommand('seq2seq.useWorkspaceModel', async () => {
      if (!models.hasWorkspaceModel) return void vscode.window.showWarningMessage('Seq2Seq: this workspace has no fine-tuned model yet.');
      await models.useWorkspaceModel(true);
      await engine.settled();
      void vscode.window.showInformationMessage(`Seq2Seq: this workspace uses its fine-tuned model.${overriddenBySetting()}`);
      void workspaceLearner.consider();
    }),
    // Deleting the model is forgetting the workspace: otherwise the background learner would learn it again at once.
    vscode.commands.registerCommand('seq2seq.deleteWorkspaceModel', () => forget('the workspace model was deleted; nothing more is learnt here until you run Fine-tune on Workspace.')),
    vscode.commands.registerCommand('seq2seq.forgetWorkspace', () => forget('this workspace is forgotten: its learnt model and the list of files it learnt from are deleted, and suggestions use the base model. Nothing more is learnt here until you run Fine-tune on Workspace.')),
  );

  const api = core.finish(started);
  return {
    ...api,
    workspaceModelDir: () => models.workspaceDir,
    learning: () => {
      const plan = workspaceLearner.plan();
      return { status: workspaceLearner.status, state: workspaceLearner.state, plan: plan.kind === 'none' ? `none: ${plan.why}` : plan.kind, adaptedTo: workspaceLearner.adaptedTo };
    },
  };
}

export function deactivate(): void {
  // Everything is in context.subscriptions; VS Code disposes it.
}
