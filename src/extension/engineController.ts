// Keeps the engine worker loaded with the model and backend the settings ask for, and publishes its state.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EngineClient, SuggestAnswer, SuggestParams, TraceParams } from '../completion/engineClient';
import type { Settings } from '../completion/settings';
import type { ModelInfo } from '../shared/engineProtocol';
import type { EncoderStateView } from '../shared/encoderStateView';

export type EngineState =
  | { kind: 'idle' }
  | { kind: 'loading' }
  | { kind: 'ready'; info: ModelInfo }
  | { kind: 'error'; message: string };

export class EngineController implements vscode.Disposable {
  private readonly client: EngineClient;
  private current: EngineState = { kind: 'idle' };
  private loadedKey = '';
  private loading: Promise<void> | null = null;
  private readonly changed = new vscode.EventEmitter<EngineState>();
  readonly onDidChangeState = this.changed.event;

  constructor(
    private readonly extensionPath: string,
    private readonly log: vscode.LogOutputChannel,
    /** The workspace's fine-tuned model folder when one exists and is in use. */
    private readonly workspaceModelDir: () => string | null = () => null,
  ) {
    this.client = new EngineClient(path.join(extensionPath, 'dist', 'worker.js'), (level, message) => {
      if (level === 'trace') log.trace(`[worker] ${message}`);
      else log[level](`[worker] ${message}`);
    });
  }

  get state(): EngineState {
    return this.current;
  }

  private set(state: EngineState): void {
    this.current = state;
    this.changed.fire(state);
  }

  /** An explicit setting wins, then the workspace's fine-tuned model, then the shipped base model. */
  modelDir(settings: Settings): string {
    return settings.modelPath || this.workspaceModelDir() || path.join(this.extensionPath, 'models', 'base');
  }

  /** Loads (or reloads, when the model or backend setting changed) without blocking the caller. */
  ensureLoaded(settings: Settings, force = false): Promise<void> {
    const key = `${this.modelDir(settings)}|${settings.backend}`;
    if (!force && key === this.loadedKey && this.loading) return this.loading;
    this.loadedKey = key;
    this.set({ kind: 'loading' });
    const modelDir = this.modelDir(settings);
    this.log.info(`[engine] loading ${modelDir} (backend ${settings.backend})`);
    const run = this.client.load(modelDir, settings.backend).then(
      (info) => {
        if (this.loadedKey !== key) return;
        this.log.info(`[engine] ready: ${info.name} on ${info.backend} in ${Math.round(info.loadMs)} ms${info.backendNotes.length ? ` (${info.backendNotes.join('; ')})` : ''}`);
        console.log('[seq2seq] engine ready');
        this.set({ kind: 'ready', info });
      },
      (e: Error) => {
        if (this.loadedKey !== key) return;
        this.log.error(`[engine] could not load the model: ${e.message}`);
        this.set({ kind: 'error', message: e.message });
      },
    );
    this.loading = run;
    return run;
  }

  suggest(params: SuggestParams, signal: AbortSignal): Promise<SuggestAnswer | null> {
    return this.client.suggest(params, signal);
  }

  /** For the encoder-state panel: the worker computes the view; the host never runs the model. */
  trace(params: TraceParams, signal?: AbortSignal): Promise<EncoderStateView | null> {
    return this.client.trace(params, signal);
  }

  get pendingRequests(): number {
    return this.client.pendingRequests;
  }

  dispose(): void {
    void this.client.dispose();
    this.changed.dispose();
  }
}
