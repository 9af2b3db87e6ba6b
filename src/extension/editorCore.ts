// What every extension host runs, the Node one (src/extension.ts) and the browser's (src/browser/extension.ts):
// settings, the engine, the inline provider, the status bar, statistics, the other-files context, the encoder-state
// panel, and the commands that turn suggestions on and off. Each root adds what only its host can do (the Node
// host trains). Activation does no model work: the engine loads the model in the background.
import * as vscode from 'vscode';
import { languageEnabled, Settings } from '../completion/settings';
import { Snooze } from '../completion/snooze';
import type { StatsFile } from '../completion/statistics';
import type { ModelInfo } from '../shared/engineProtocol';
import { ContextFeed } from './contextFeed';
import { MemoryStatus, WorkspaceMemory } from './workspaceMemory';
import { EncoderPanel, EncoderPanelApi, registerEncoderPanel } from './encoderPanel';
import { EngineController, EngineState, EngineThreadOptions, ModelChooser } from './engineController';
import { RequestProbe, RequestRecord } from '../completion/requestProbe';
import { ACCEPTED_COMMAND, Seq2SeqInlineProvider, sessionLog } from './inlineProvider';
import { isUserDocument } from './workspaceFiles';
import { readFineTuneSettings, readSettings, SECTION } from './settings';
import { StatisticsStore } from './statisticsStore';
import { registerStatisticsView } from './statisticsView';
import { StatusBar } from './statusBar';
import type { LearnStatus } from './workspaceLearner';

/** What activate returns in every host: read by the integration tests and the latency benchmark. */
export interface Seq2SeqCoreApi {
  /** Time spent in activate(), ms (the model loads afterwards, in the engine's thread). */
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
  /** What the workspace memory holds (the workspace's files suggestions copy from). */
  workspaceMemory(): MemoryStatus;
}

/** What a host's root gives the core. */
export interface HostParts {
  /** How the engine's thread starts, and who reads model files for it where it cannot. */
  engineThread: EngineThreadOptions;
  /** Which model is active. */
  chooser: ModelChooser;
  /** Each provider call, printed for the UI test's latency split (SEQ2SEQ_REQUEST_CONSOLE=1 in Node), or nothing. */
  requestLog?: (r: RequestRecord) => void;
  /** The background learner's status for the status bar, where the host has one. */
  learning?: () => LearnStatus;
}

/** What the core hands back to its root, to add the host's own parts. */
export interface EditorCore {
  log: vscode.LogOutputChannel;
  engine: EngineController;
  settings(languageId?: string): Settings;
  /** Redraws the status bar (after a change the core does not see, such as the learner's). */
  refresh(): void;
  /** Called after the core took a settings change in (with the event, to tell which section changed). */
  onSettingsChanged(listener: (e: vscode.ConfigurationChangeEvent) => void): void;
  /** Why the file policy keeps a document out of the engine's reach, or null when it lets it in (the context feed's verdict). */
  admits(document: vscode.TextDocument): Promise<string | null>;
  /** Says " the seq2seq.modelPath setting still decides..." when that setting overrides a model choice, else "". */
  overriddenBySetting(): string;
  /** Ends activation: loads the model in the background and returns the API. */
  finish(started: number): Seq2SeqCoreApi;
}

export function startEditorCore(context: vscode.ExtensionContext, host: HostParts): EditorCore {
  const log = vscode.window.createOutputChannel('Seq2Seq Complete', { log: true });
  let settings: Settings = readSettings();
  // Per language, read once per language until the settings change (a keystroke reads no configuration).
  const byLanguage = new Map<string, Settings>();
  const current = (languageId?: string): Settings => {
    if (languageId === undefined) return settings;
    let s = byLanguage.get(languageId);
    if (!s) byLanguage.set(languageId, (s = readSettings(languageId)));
    return s;
  };
  // Refreshes the status bar when it starts and ends (refresh only reads what exists by then).
  const snooze = new Snooze(() => refresh());

  // The engine loads whatever the chooser announces; every switch clears the provider's suggestions of the old model.
  const engine = new EngineController(host.engineThread, log, host.chooser, current, () => provider.clearCache(), () => provider.memoryChanged());
  const status = new StatusBar();
  // The one probe of the provider's calls: the tests' latency figures, their recent calls, the UI test's console.
  const probe = new RequestProbe(host.requestLog);
  // Local statistics: in the extension's global storage, on this machine only.
  const statistics = new StatisticsStore(context.globalStorageUri, log);
  const refresh = (): void => status.update({ enabled: settings.enabled, snoozedUntil: snooze.until, engine: engine.state, totals: statistics.summary().total, learning: host.learning?.() });
  const isActive = (languageId: string): boolean => settings.enabled && snooze.until === null && languageEnabled(settings, languageId);
  /** One cursor, no selection, in a document (not an output channel): where a suggestion could be asked for. */
  const cursorMoved = (editor: vscode.TextEditor): void => {
    if (editor.selections.length === 1 && editor.selection.isEmpty && editor.document.uri.scheme !== 'output') provider.cursorMoved(editor.document, editor.selection.active);
  };
  const provider = new Seq2SeqInlineProvider({ engine, settings: current, isActive, isUserDocument, log: sessionLog(log), probe, onShown: (language, ms) => statistics.shown(language, ms), onPartlyAccepted: (language, chars) => statistics.partlyAccepted(language, chars), onTyped: (language, chars) => statistics.typed(language, chars), onWrong: (language) => statistics.wrong(language) });
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

  const setEnabled = async (enabled: boolean): Promise<void> => {
    await vscode.workspace.getConfiguration(SECTION).update('enabled', enabled, vscode.ConfigurationTarget.Global);
  };

  // The user's other files, for the copy prior: sent on document events, and offered again whenever the engine is ready.
  const contextFeed = new ContextFeed(engine, log, () => readFineTuneSettings().exclude);
  // And every file of the workspace, read in the background once the engine is ready.
  const memory = new WorkspaceMemory(engine, log, () => settings.workspaceMemory, readFineTuneSettings);
  context.subscriptions.push(
    contextFeed,
    memory,
    engine.onDidChangeState((s) => {
      if (s.kind === 'ready') contextFeed.resend();
    }),
  );

  const settingsListeners: ((e: vscode.ConfigurationChangeEvent) => void)[] = [];
  context.subscriptions.push(
    log,
    engine,
    status,
    engine.onDidChangeState(refresh),
    vscode.languages.registerInlineCompletionItemProvider({ pattern: '**' }, provider),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(SECTION)) return;
      settings = readSettings();
      byLanguage.clear();
      for (const listener of settingsListeners) listener(e);
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

  // Seq2Seq: Show Encoder State: one webview panel, restored after a reload; the engine computes what it shows.
  context.subscriptions.push(registerEncoderPanel({ extensionUri: context.extensionUri, engine, settings: current, isActive, log }));

  return {
    log,
    engine,
    settings: current,
    refresh,
    onSettingsChanged: (listener) => void settingsListeners.push(listener),
    admits: (document) => contextFeed.verdictOf(document),
    overriddenBySetting: () =>
      settings.modelPath ? ` The seq2seq.modelPath setting (${settings.modelPath}) still decides which model suggests; clear it to use this one.` : '',
    finish(started: number): Seq2SeqCoreApi {
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
        takeLatencies: () => probe.takeLatencies(),
        pendingRequests: () => engine.pendingRequests,
        provider,
        encoderPanel: EncoderPanel.api,
        statistics: () => statistics.snapshot(),
        prefetched: () => provider.session.prefetched,
        landed: () => provider.session.landed,
        recentRequests: () => probe.recent,
        contextVerdict: (document) => contextFeed.verdictOf(document),
        workspaceMemory: () => memory.status,
      };
    },
  };
}
