// "Seq2Seq: Show Encoder State", host side: one webview beside the editor, reused, restored after a reload. It
// asks the engine worker to trace the text before the cursor (throttled, one request in flight, only while the
// panel is visible) and posts plain arrays once the webview said `ready`. It never runs the model itself.
import * as vscode from 'vscode';
import { encoderWindow } from './encoderWindow';
import { decideShown } from '../completion/shown';
import { decodeRequest, Settings } from '../completion/settings';
import { Throttle } from '../completion/throttle';
import type { EncoderStateView } from '../shared/encoderStateView';
import { HostToPanel, isPanelToHost, PanelOptions, RenderSummary, TrainingPoint } from '../shared/panelProtocol';
import type { EngineController } from './engineController';
import { encoderPanelHtml, makeNonce } from './encoderPanelHtml';

export interface EncoderPanelDeps {
  extensionUri: vscode.Uri;
  engine: EngineController;
  /** The settings, as they apply to a document of `languageId` where one is given. */
  settings(languageId?: string): Settings;
  /** Enabled, not snoozed, language on: decides whether the editor shows a suggestion at all. */
  isActive(languageId: string): boolean;
  log: vscode.LogOutputChannel;
}

/** The panel as the extension's API shows it: for the integration tests, and for the fine-tune's loss curve. */
export interface EncoderPanelApi {
  isOpen(): boolean;
  /** True once the webview's script said `ready` (and it has not been hidden since). */
  isReady(): boolean;
  /** What the webview reported drawing last. */
  lastRender(): RenderSummary | null;
  /** Adds a point to the live loss curve (kept while no panel is open, shown when one opens). */
  showTraining(point: TrainingPoint): void;
}

const THROTTLE_MS = 150; // at most ~7 traces a second while typing: the heatmap still follows the cursor
const TOP_K = 5;
const MAX_TRAINING_POINTS = 5000;

export class EncoderPanel {
  static readonly viewType = 'seq2seq.encoderState';
  private static current: EncoderPanel | undefined;
  /** Points of the current fine-tune, kept across panels so that one opened mid-run shows the whole curve. */
  private static training: TrainingPoint[] = [];

  private ready = false;
  private options: PanelOptions = { chars: 48, layer: 0 };
  private editor: vscode.TextEditor | undefined;
  private inFlight = false;
  private again = false;
  private rendered: RenderSummary | null = null;
  private disposed = false;
  private readonly abort = new AbortController();
  private readonly throttle = new Throttle(THROTTLE_MS, () => void this.update());
  private readonly disposables: vscode.Disposable[] = [];

  static createOrShow(deps: EncoderPanelDeps): void {
    if (EncoderPanel.current) {
      EncoderPanel.current.panel.reveal(undefined, true);
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      EncoderPanel.viewType,
      'Encoder State',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      webviewOptions(deps.extensionUri),
    );
    EncoderPanel.current = new EncoderPanel(panel, deps);
    deps.log.info('[panel] opened');
  }

  /** Called by the serializer after a reload: adopts the restored panel (the webview restores its own options). */
  static revive(panel: vscode.WebviewPanel, deps: EncoderPanelDeps): void {
    EncoderPanel.current?.dispose();
    panel.webview.options = webviewOptions(deps.extensionUri);
    EncoderPanel.current = new EncoderPanel(panel, deps);
    deps.log.info('[panel] restored after a reload');
  }

  static showTraining(point: TrainingPoint): void {
    const points = EncoderPanel.training;
    // A step that does not follow the last one starts a new run: the old curve goes.
    const reset = points.length > 0 && point.step <= (points[points.length - 1] as TrainingPoint).step;
    if (reset) points.length = 0;
    points.push(point);
    if (points.length > MAX_TRAINING_POINTS) points.splice(0, points.length - MAX_TRAINING_POINTS);
    EncoderPanel.current?.post({ kind: 'training', points: reset ? [...points] : [point], reset });
  }

  /** Drops the loss curve (the model it showed was forgotten). */
  static clearTraining(): void {
    EncoderPanel.training.length = 0;
    EncoderPanel.current?.post({ kind: 'training', points: [], reset: true });
  }

  static close(): void {
    EncoderPanel.current?.dispose();
  }

  static readonly api: EncoderPanelApi = {
    isOpen: () => EncoderPanel.current !== undefined,
    isReady: () => EncoderPanel.current?.ready ?? false,
    lastRender: () => EncoderPanel.current?.rendered ?? null,
    showTraining: (point) => EncoderPanel.showTraining(point),
  };

  private constructor(private readonly panel: vscode.WebviewPanel, private readonly deps: EncoderPanelDeps) {
    const { webview } = panel;
    const media = (...p: string[]): string => webview.asWebviewUri(vscode.Uri.joinPath(deps.extensionUri, ...p)).toString();
    webview.html = encoderPanelHtml({
      cspSource: webview.cspSource,
      scriptUri: media('dist', 'webview', 'encoderPanel.js'),
      styleUri: media('media', 'encoderPanel.css'),
      nonce: makeNonce(),
    });
    this.editor = [vscode.window.activeTextEditor, ...vscode.window.visibleTextEditors].find(traceable);
    const schedule = (): void => {
      if (this.ready && this.panel.visible) this.throttle.schedule();
    };
    this.disposables.push(
      webview.onDidReceiveMessage((m: unknown) => this.onMessage(m)),
      panel.onDidDispose(() => this.dispose()),
      panel.onDidChangeViewState(() => {
        // A hidden webview loses its page; it says `ready` again when it is shown.
        if (!panel.visible) {
          this.ready = false;
          this.throttle.cancel();
        }
      }),
      vscode.window.onDidChangeActiveTextEditor((e) => {
        if (traceable(e)) this.editor = e;
        schedule();
      }),
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (!traceable(e.textEditor)) return;
        this.editor = e.textEditor;
        schedule();
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === this.editor?.document) schedule();
      }),
      deps.engine.onDidChangeState(schedule),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('seq2seq')) schedule();
      }),
    );
  }

  private post(message: HostToPanel): void {
    // Before `ready` the webview would drop it; `ready` triggers a full resend instead.
    if (this.ready) void this.panel.webview.postMessage(message);
  }

  private onMessage(m: unknown): void {
    if (!isPanelToHost(m)) {
      this.deps.log.warn(`[panel] ignored a malformed message from the webview: ${JSON.stringify(m).slice(0, 200)}`);
      return;
    }
    switch (m.kind) {
      case 'ready':
        this.ready = true;
        this.options = m.options;
        this.post({ kind: 'training', points: [...EncoderPanel.training], reset: true });
        this.throttle.schedule();
        return;
      case 'options':
        this.options = m.options;
        this.throttle.schedule();
        return;
      case 'rendered':
        this.rendered = m.summary;
        this.deps.log.trace(`[panel] drew state ${m.summary.states}, unit ${m.summary.unit ?? '-'}, ${m.summary.trainingPoints} training point(s)`);
        return;
    }
  }

  /** The text editor being traced: the active one, else the last one used while it is still visible (the panel has focus). */
  private target(): vscode.TextEditor | undefined {
    const active = vscode.window.activeTextEditor;
    if (traceable(active)) return active;
    return this.editor && vscode.window.visibleTextEditors.includes(this.editor) ? this.editor : undefined;
  }

  private async update(): Promise<void> {
    if (!this.ready || !this.panel.visible || this.abort.signal.aborted) return;
    if (this.inFlight) {
      // One trace at a time: a slow trace must not be superseded forever by fast typing; rerun when it lands.
      this.again = true;
      return;
    }
    const editor = this.target();
    if (!editor) {
      this.post({ kind: 'status', message: 'Open a file and place the cursor: the panel traces the text before it.' });
      return;
    }
    const state = this.deps.engine.state;
    if (state.kind !== 'ready') {
      this.post({ kind: 'status', message: state.kind === 'error' ? `The model could not be loaded: ${state.message}` : 'The model is loading…' });
      return;
    }
    const doc = editor.document;
    const cursor = editor.selection.active;
    const settings = this.deps.settings(doc.languageId);
    this.inFlight = true;
    const t0 = performance.now();
    try {
      const view = await this.deps.engine.trace(
        {
          ...encoderWindow(doc, cursor, state.info),
          language: doc.languageId,
          ...decodeRequest(settings),
          traceChars: this.options.chars,
          layer: this.options.layer,
          topK: TOP_K,
        },
        this.abort.signal,
      );
      if (!view) return;
      const rest = doc.lineAt(cursor.line).text.slice(cursor.character);
      this.post({
        kind: 'state',
        view,
        shown: this.shownSuggestion(view, doc.languageId, rest, settings),
        source: `${doc.uri.path.split('/').pop() ?? doc.fileName}:${cursor.line + 1}:${cursor.character + 1}`,
      });
      this.deps.log.trace(`[panel] traced ${view.tokens.length} chars in ${view.engineMs.toFixed(1)} ms (round trip ${(performance.now() - t0).toFixed(1)} ms)`);
    } catch (e) {
      this.deps.log.warn(`[panel] trace failed: ${(e as Error).message}`);
      this.post({ kind: 'status', message: `The trace failed: ${(e as Error).message}` });
    } finally {
      this.inFlight = false;
      if (this.again) {
        this.again = false;
        this.throttle.schedule();
      }
    }
  }

  /** What the inline provider shows for this answer: the one decision (src/completion/shown.ts). */
  private shownSuggestion(view: EncoderStateView, languageId: string, rest: string, settings: Settings): string | null {
    if (!this.deps.isActive(languageId)) return null;
    return decideShown(view.candidates, rest, settings.confidenceThreshold).shown[0]?.text ?? null;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (EncoderPanel.current === this) EncoderPanel.current = undefined;
    this.abort.abort();
    this.throttle.cancel();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
    this.deps.log.info('[panel] closed');
  }
}

/** Editors worth tracing: not the Output panel's log views. */
function traceable(editor: vscode.TextEditor | undefined): editor is vscode.TextEditor {
  return editor !== undefined && editor.document.uri.scheme !== 'output';
}

function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    // Only the webview bundle and the stylesheet can be loaded; nothing else of the extension or the workspace.
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

/** The command and the serializer; disposing closes the panel. */
export function registerEncoderPanel(deps: EncoderPanelDeps): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand('seq2seq.showEncoderState', () => EncoderPanel.createOrShow(deps)),
    vscode.window.registerWebviewPanelSerializer(EncoderPanel.viewType, {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel) => EncoderPanel.revive(panel, deps),
    }),
    { dispose: () => EncoderPanel.close() },
  );
}
