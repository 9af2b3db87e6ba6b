// Keeps the engine worker loaded with the active model (src/extension/activeModel.ts) and the backend the settings
// ask for, and publishes its state. It listens to the active model's announcements and loads what they name;
// load() is the one way the model changes, and it clears what the old model left behind (the provider's suggestion
// cache) in the same call.
import * as vscode from 'vscode';
import { EngineClient, StartEngineThread, SuggestAnswer, SuggestParams, TraceParams } from '../completion/engineClient';
import type { Settings } from '../completion/settings';
import type { LandRequest, ModelFiles, ModelInfo } from '../shared/engineProtocol';
import type { NamedArray } from '../shared/namedArray';
import type { EncoderStateView } from '../shared/encoderStateView';
import type { ActiveModelChange, ActiveModelChoice, ModelSource } from './activeModel';

/** Who decides which model is active: ActiveModel in Node; the shipped model alone in a browser. */
export interface ModelChooser {
  resolve(): ActiveModelChoice;
  readonly onDidChange: vscode.Event<ActiveModelChange>;
}

/** How the engine thread starts and, where it cannot read a model folder itself (a browser), who reads it for it. */
export interface EngineThreadOptions {
  start: StartEngineThread;
  readFiles?: (dir: string) => Promise<ModelFiles>;
}

export type EngineState =
  | { kind: 'idle' }
  | { kind: 'loading' }
  /** `source` says why this model is the one in use (see ActiveModel). */
  | { kind: 'ready'; info: ModelInfo; source: ModelSource; dir: string }
  | { kind: 'error'; message: string };

export class EngineController implements vscode.Disposable {
  private readonly client: EngineClient;
  private current: EngineState = { kind: 'idle' };
  private loadedKey = '';
  private loading: Promise<EngineState> | null = null;
  private readonly changed = new vscode.EventEmitter<EngineState>();
  readonly onDidChangeState = this.changed.event;

  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly thread: EngineThreadOptions,
    private readonly log: vscode.LogOutputChannel,
    private readonly active: ModelChooser,
    private readonly settings: () => Settings,
    /** Called on every switch to another model or backend, before it loads (the provider clears its cache). */
    private readonly onSwitch: () => void,
    /** Called when the workspace memory changes (the provider lets go of what it holds, not of a request under way). */
    private readonly onMemory: () => void,
  ) {
    this.subscription = active.onDidChange((change) => void this.load(this.settings(), change.contentChanged));
    this.client = new EngineClient(thread.start, (level, message) => {
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

  /** What the active model is now, as ActiveModel decides it. */
  choice(): ActiveModelChoice {
    return this.active.resolve();
  }

  /**
   * Loads the active model, or reloads it when the choice, the backend or (with force) the folder's content changed,
   * without blocking the caller. Every switch clears the old model's suggestions first. Resolves with the state the
   * load ended in (that of a later load when one overtook it).
   */
  load(settings: Settings, force = false): Promise<EngineState> {
    const choice = this.active.resolve();
    const key = `${choice.dir}|${settings.backend}`;
    if (!force && key === this.loadedKey && this.loading) return this.loading;
    this.loadedKey = key;
    this.onSwitch();
    this.set({ kind: 'loading' });
    this.log.info(`[engine] loading the ${choice.source} model ${choice.dir} (backend ${settings.backend})`);
    const files = this.thread.readFiles;
    // Where the host reads the model for the engine, the engine's thread starts meanwhile.
    if (files) this.client.warm();
    const run: Promise<EngineState> = (files ? files(choice.dir).then((f) => this.client.load(choice.dir, settings.backend, f)) : this.client.load(choice.dir, settings.backend)).then(
      (info) => {
        if (this.loadedKey !== key) return this.loading ?? this.current;
        this.log.info(`[engine] ready: ${info.name} (${choice.source} model) on ${info.backend} in ${Math.round(info.loadMs)} ms${info.backendNotes.length ? ` (${info.backendNotes.join('; ')})` : ''}`);
        console.log('[seq2seq] engine ready');
        this.set({ kind: 'ready', info, source: choice.source, dir: choice.dir });
        return this.current;
      },
      (e: Error) => {
        if (this.loadedKey !== key) return this.loading ?? this.current;
        this.log.error(`[engine] could not load the model: ${e.message}`);
        this.set({ kind: 'error', message: e.message });
        return this.current;
      },
    );
    this.loading = run;
    return run;
  }

  /** The state the load under way ends in (the current state when none is under way). */
  settled(): Promise<EngineState> {
    return this.loading ?? Promise.resolve(this.current);
  }

  /**
   * Weights the learner adapted to the document in hand from the load `loadId` (null: the model's own again). The
   * suggestions the provider holds came from the old weights: they go, as on a switch.
   */
  async setWeights(loadId: number, weights: NamedArray[] | null): Promise<boolean> {
    const state = this.current;
    if (state.kind !== 'ready' || state.info.loadId !== loadId) return false;
    const { applied, reason } = await this.client.setWeights(loadId, weights);
    if (applied) this.onSwitch();
    else this.log.info(`[engine] adapted weights not used: ${reason ?? 'refused'}`);
    return applied;
  }

  suggest(params: SuggestParams, signal: AbortSignal): Promise<SuggestAnswer | null> {
    return this.client.suggest(params, signal);
  }

  /** The cursor came to rest somewhere new (src/completion/landing.ts): the worker reads the window there ahead. */
  land(params: LandRequest): void {
    if (this.state.kind === 'ready') this.client.land(params);
  }

  /** One of the user's other files for the copy prior, already allowed by the file policy (see ContextFeed). */
  contextFile(uri: string, text: string | null): void {
    this.client.contextFile(uri, text);
  }

  /**
   * The workspace's files as the copy prior's memory (see WorkspaceMemory); null: the loaded model's own. The
   * suggestions the provider holds may have copied from a file that changed or went: they go.
   */
  workspaceMemory(text: string | null): void {
    this.client.memory(text);
    this.onMemory();
  }

  /** For the encoder-state panel: the worker computes the view; the host never runs the model. */
  trace(params: TraceParams, signal?: AbortSignal): Promise<EncoderStateView | null> {
    return this.client.trace(params, signal);
  }

  get pendingRequests(): number {
    return this.client.pendingRequests;
  }

  dispose(): void {
    this.subscription.dispose();
    void this.client.dispose();
    this.changed.dispose();
  }
}
