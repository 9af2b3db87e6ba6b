// Composition root: wires settings, the engine worker, the inline provider, the status bar and commands.
// Nothing imports this file; activation does no model work (the worker loads the model in the background).
import * as vscode from 'vscode';
import { languageEnabled, Settings } from './completion/settings';
import { Snooze } from './completion/snooze';
import { EncoderPanel, EncoderPanelApi, registerEncoderPanel } from './extension/encoderPanel';
import { EngineController, EngineState } from './extension/engineController';
import { LatencyLog, RequestRecord, Seq2SeqInlineProvider } from './extension/inlineProvider';
import { FineTuneCommand } from './extension/fineTune';
import { ContextFeed } from './extension/contextFeed';
import { StatisticsStore } from './extension/statisticsStore';
import { registerStatisticsView } from './extension/statisticsView';
import { ACCEPTED_COMMAND } from './extension/inlineProvider';
import type { StatsFile } from './completion/statistics';
import { readFineTuneSettings, readLearnSettings, readSettings, SECTION } from './extension/settings';
import { LearnStatus, WorkspaceLearner } from './extension/workspaceLearner';
import type { LearnState } from './completion/learnState';
import { registerLearntFilesView } from './extension/learntFilesView';
import { ActiveModel } from './extension/activeModel';
import { StatusBar } from './extension/statusBar';
import type { ModelInfo } from './shared/engineProtocol';
import type { TrainPoint } from './shared/trainProtocol';

/** What activate returns: read by the integration tests and the latency benchmark. */
export interface Seq2SeqApi {
  /** Time spent in activate(), ms (the model loads afterwards, in the worker). */
  activationMs: number;
  /** The engine's state when activate() returned: 'loading', since activation never waits for the model. */
  stateAtActivation: EngineState['kind'];
  engineState(): EngineState;
  whenReady(): Promise<ModelInfo>;
  statusText(): string;
  isActive(languageId: string): boolean;
  /** Provider entry to items returned (debounce excluded), and the engine's own time, in ms, since the last call. */
  takeLatencies(): { provider: number[]; engine: number[] };
  pendingRequests(): number;
  /** The registered provider itself, so a benchmark can call it the way VS Code does. */
  provider: vscode.InlineCompletionItemProvider;
  /** The encoder-state panel: read by the integration tests; showTraining feeds its live loss curve. */
  encoderPanel: EncoderPanelApi;
  /** Where this workspace's fine-tuned model is kept (the extension's workspace storage). */
  workspaceModelDir(): string | undefined;
  /** The local statistics as counted so far. */
  statistics(): StatsFile;
  /** How many continuations were computed ahead, after a suggestion appeared, and cached for after its accept. */
  prefetched(): number;
  /** How many times the cursor came to rest somewhere new and the engine was asked to read ahead there. */
  landed(): number;
  /** The provider's last calls (up to 100), oldest first: each one's wait, the engine's time and steps, what it showed. */
  recentRequests(): readonly RequestRecord[];
  /** Why the other-files context keeps a document out (the fine-tune's file policy), or null when it lets it in. */
  contextVerdict(document: vscode.TextDocument): Promise<string | null>;
  /** The background learner: what it is doing, what it has done in this workspace, and whether a run is going. */
  learning(): { status: LearnStatus; state: LearnState; plan: string };
}

/** How long after the engine is ready the background learner looks at the workspace: startup is left alone. */
const LEARN_START_DELAY_MS = 5_000;

export function activate(context: vscode.ExtensionContext): Seq2SeqApi {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('Seq2Seq Complete', { log: true });
  let settings: Settings = readSettings();
  // Refreshes the status bar when it starts and ends (refresh only reads what exists by then).
  const snooze = new Snooze(() => refresh());

  const activeModel = new ActiveModel(context, () => settings);
  // The engine loads whatever the active model announces; every switch clears the provider's suggestions of the
  // old model.
  const engine = new EngineController(context.extensionPath, log, activeModel, () => settings, () => provider.clearCache());
  const fineTune = new FineTuneCommand(context.extensionPath, engine, activeModel, () => settings, readFineTuneSettings, log);
  // Learns the workspace in idle time, without a command.
  const learner = new WorkspaceLearner({ context, engine, activeModel, settings: () => settings, fineTuneSettings: readFineTuneSettings, learnSettings: readLearnSettings, commandRunning: () => fineTune.isRunning, log });
  const status = new StatusBar();
  const latency = new LatencyLog();
  // Local statistics: in the extension's global storage, on this machine only.
  const statistics = new StatisticsStore(context.globalStorageUri, log);
  const refresh = (): void => status.update({ enabled: settings.enabled, snoozedUntil: snooze.until, engine: engine.state, totals: statistics.summary().total, learning: learner.status });
  const isActive = (languageId: string): boolean => settings.enabled && snooze.until === null && languageEnabled(settings, languageId);
  // SEQ2SEQ_REQUEST_CONSOLE=1 (set by the UI test) prints each provider call on the console with its epoch time,
  // so keydown-to-ghost-text figures can be split into VS Code's share and ours. Nothing is printed otherwise.
  const requestLog = process.env.SEQ2SEQ_REQUEST_CONSOLE === '1' ? (r: RequestRecord): void => console.log(`[seq2seq] request ${JSON.stringify(r)}`) : undefined;
  /** One cursor, no selection, in a document (not an output channel): where a suggestion could be asked for. */
  const cursorMoved = (editor: vscode.TextEditor): void => {
    if (editor.selections.length === 1 && editor.selection.isEmpty && editor.document.uri.scheme !== 'output') provider.cursorMoved(editor.document, editor.selection.active);
  };
  const provider = new Seq2SeqInlineProvider({ engine, settings: () => settings, isActive, log, latency, requestLog, onShown: (language, ms) => statistics.shown(language, ms), onPartlyAccepted: (language, chars) => statistics.partlyAccepted(language, chars), onTyped: (language, chars) => statistics.typed(language, chars), onWrong: (language) => statistics.wrong(language) });
  context.subscriptions.push(
    statistics,
    statistics.onDidChange(refresh),
    registerStatisticsView(statistics),
    vscode.workspace.onDidChangeTextDocument((e) => provider.documentChanged(e)),
    // Where the cursor comes to rest (a click, a jump, another file), the engine reads ahead for the first keystroke.
    vscode.window.onDidChangeTextEditorSelection((e) => cursorMoved(e.textEditor)),
    vscode.window.onDidChangeActiveTextEditor((editor) => editor && cursorMoved(editor)),
    vscode.commands.registerCommand(ACCEPTED_COMMAND, (languageId: unknown, chars: unknown) => {
      if (typeof languageId === 'string' && typeof chars === 'number') statistics.accepted(languageId, chars);
    }),
  );

  const overriddenBySetting = (): string =>
    settings.modelPath ? ` The seq2seq.modelPath setting (${settings.modelPath}) still decides which model suggests; clear it to use this one.` : '';
  const setEnabled = async (enabled: boolean): Promise<void> => {
    await vscode.workspace.getConfiguration(SECTION).update('enabled', enabled, vscode.ConfigurationTarget.Global);
  };

  // The user's other files, for the copy prior: sent on document events, again whenever a (re)started engine is ready.
  const contextFeed = new ContextFeed(engine, log, () => readFineTuneSettings().exclude);
  context.subscriptions.push(
    contextFeed,
    engine.onDidChangeState((s) => {
      if (s.kind === 'ready') contextFeed.resend();
    }),
  );

  // The encoder-state panel draws the loss curve of both learners live.
  const drawTraining = (p: TrainPoint): void => EncoderPanel.showTraining({ step: p.step, trainBpc: p.trainBpc, validationBpc: p.validationBpc });
  /** Forget This Workspace and Delete: the learnt model, its file list and its loss curve go. */
  const forget = async (done: string): Promise<void> => {
    if (fineTune.isRunning) return void vscode.window.showWarningMessage('Seq2Seq: a fine-tune is running; cancel it first.');
    await learner.forget();
    EncoderPanel.clearTraining();
    void vscode.window.showInformationMessage(`Seq2Seq: ${done}${overriddenBySetting()}`);
  };
  // The background learner looks again whenever a (re)loaded engine is ready, a few seconds on, so that startup is
  // left alone.
  let considerTimer: NodeJS.Timeout | undefined;
  context.subscriptions.push(
    learner,
    learner.onDidChange(() => refresh()),
    learner.onTrainingPoint(drawTraining),
    registerLearntFilesView(learner),
    engine.onDidChangeState((s) => {
      if (s.kind !== 'ready') return;
      clearTimeout(considerTimer);
      considerTimer = setTimeout(() => void learner.consider(), LEARN_START_DELAY_MS);
    }),
    { dispose: () => clearTimeout(considerTimer) },
  );
  context.subscriptions.push(fineTune.onProgress(drawTraining));

  context.subscriptions.push(
    // The command and the background learner never run together: the command waits for the learner to stop.
    vscode.commands.registerCommand('seq2seq.fineTune', async () => {
      if (!fineTune.isRunning) await learner.stop();
      const report = await fineTune.run();
      if (report.outcome === 'saved') await learner.fineTuned();
      return report;
    }),
    vscode.commands.registerCommand('seq2seq.cancelFineTune', () => fineTune.cancel()),
    vscode.commands.registerCommand('seq2seq.useBaseModel', async () => {
      // The choice first: a learner that ends now sees it and starts nothing again.
      await activeModel.useWorkspaceModel(false);
      await learner.stop();
      await engine.settled();
      void vscode.window.showInformationMessage(`Seq2Seq: this workspace uses the base model (the fine-tuned one is kept).${overriddenBySetting()}`);
    }),
    vscode.commands.registerCommand('seq2seq.useWorkspaceModel', async () => {
      if (!activeModel.hasWorkspaceModel) return void vscode.window.showWarningMessage('Seq2Seq: this workspace has no fine-tuned model yet.');
      await activeModel.useWorkspaceModel(true);
      await engine.settled();
      void vscode.window.showInformationMessage(`Seq2Seq: this workspace uses its fine-tuned model.${overriddenBySetting()}`);
      void learner.consider();
    }),
    // Deleting the model is forgetting the workspace: otherwise the background learner would learn it again at once.
    vscode.commands.registerCommand('seq2seq.deleteWorkspaceModel', () => forget('the workspace model was deleted; nothing more is learnt here until you run Fine-tune on Workspace.')),
    vscode.commands.registerCommand('seq2seq.forgetWorkspace', () => forget('this workspace is forgotten: its learnt model and the list of files it learnt from are deleted, and suggestions use the base model. Nothing more is learnt here until you run Fine-tune on Workspace.')),
  );

  context.subscriptions.push(
    log,
    engine,
    activeModel,
    status,
    engine.onDidChangeState(refresh),
    vscode.languages.registerInlineCompletionItemProvider({ pattern: '**' }, provider),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(SECTION)) return;
      settings = readSettings();
      if (e.affectsConfiguration(`${SECTION}.learn`)) {
        if (readLearnSettings().enabled) void learner.consider();
        else void learner.stop();
      }
      // Other settings (threshold, beam, debounce) change what the provider would do.
      provider.settingsChanged(settings);
      log.info(`[settings] ${JSON.stringify(settings)}`);
      void engine.load(settings);
      refresh();
    }),
    vscode.commands.registerCommand('seq2seq.toggle', () => setEnabled(!settings.enabled || snooze.until !== null).then(() => snooze.resume())),
    vscode.commands.registerCommand('seq2seq.enable', () => setEnabled(true).then(() => snooze.resume())),
    vscode.commands.registerCommand('seq2seq.disable', () => setEnabled(false)),
    vscode.commands.registerCommand('seq2seq.resume', () => snooze.resume()),
    vscode.commands.registerCommand('seq2seq.snooze', async (minutes?: number) => {
      let chosen = typeof minutes === 'number' && minutes > 0 ? minutes : undefined;
      if (chosen === undefined) {
        const pick = await vscode.window.showQuickPick(['5', '15', '30', '60'].map((m) => ({ label: `${m} minutes`, minutes: Number(m) })), {
          placeHolder: 'Snooze inline suggestions for…',
        });
        chosen = pick?.minutes;
      }
      if (chosen !== undefined) {
        snooze.snooze(chosen);
        log.info(`[status] snoozed for ${chosen} minute(s)`);
      }
    }),
    vscode.commands.registerCommand('seq2seq.showLog', () => log.show()),
    snooze,
  );

  // Seq2Seq: Show Encoder State: one webview panel, restored after a reload; the worker computes what it shows.
  context.subscriptions.push(registerEncoderPanel({ extensionUri: context.extensionUri, engine, settings: () => settings, isActive, log }));

  refresh();
  void engine.load(settings);
  const activationMs = performance.now() - started;
  log.info(`[activate] in ${activationMs.toFixed(1)} ms`);
  console.log('[seq2seq] activated');

  return {
    activationMs,
    stateAtActivation: engine.state.kind,
    engineState: () => engine.state,
    whenReady: () =>
      new Promise((resolve, reject) => {
        const check = (s: EngineState): boolean => {
          if (s.kind === 'ready') resolve(s.info);
          else if (s.kind === 'error') reject(new Error(s.message));
          else return false;
          return true;
        };
        if (check(engine.state)) return;
        const sub = engine.onDidChangeState((s) => {
          if (check(s)) sub.dispose();
        });
      }),
    statusText: () => status.text,
    isActive,
    takeLatencies: () => latency.take(),
    pendingRequests: () => engine.pendingRequests,
    provider,
    encoderPanel: EncoderPanel.api,
    workspaceModelDir: () => activeModel.workspaceDir,
    statistics: () => statistics.snapshot(),
    prefetched: () => provider.prefetched,
    landed: () => provider.landed,
    recentRequests: () => provider.recentRequests,
    contextVerdict: (document) => contextFeed.verdictOf(document),
    learning: () => {
      const plan = learner.plan();
      return { status: learner.status, state: learner.state, plan: plan.kind === 'none' ? `none: ${plan.why}` : plan.kind };
    },
  };
}

export function deactivate(): void {
  // Everything is in context.subscriptions; VS Code disposes it.
}
