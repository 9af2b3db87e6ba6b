// The background learner: in a trusted workspace it learns the workspace's files without a command, in idle time
// only, and keeps learning after files are saved. Each run is the train worker (src/worker/trainWorker.ts) on one
// thread below the editor's priority, held between steps while the user types (src/completion/idleGate.ts), saving
// every gain through the atomic writer; the engine switches to the result between requests. What it has done
// lives in the workspace's state (src/completion/learnState.ts), so a restart resumes from the last saved gain.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { AdaptRun, FineTuneRun } from '../host/trainThread';
import { IdleGate } from '../completion/idleGate';
import { AdaptSubject, LearnConditions, LearnState, parseLearnState, planAdapt, planLearning, LearnPlan, INITIAL_LEARN_STATE } from '../completion/learnState';
import type { FineTuneSettings, LearnSettings, Settings } from '../completion/settings';
import { familyOfLanguageId, languageOfPath } from '../shared/language';
import { LEARN_SEED, LEARN_UPDATE_STEPS } from '../shared/learning';
import { releaseLockOf } from '../host/modelFolder';
import type { FineTuneResult, TrainPoint } from '../shared/trainProtocol';
import type { ActiveModel } from './activeModel';
import type { EngineController } from './engineController';
import { collectTrainingFiles, logSelection, TrainingFiles } from './trainingFiles';
import { isUserDocument } from './workspaceFiles';

const STATE_KEY = 'seq2seq.learn';
/** Quiet time after the last keystroke or cursor move before training goes on. */
export const IDLE_MS = 1500;
/** Quiet time after a save before an update starts (saves come in bursts while the user works). */
const UPDATE_AFTER_MS = 30_000;
/** The list of files the workspace model learnt from, beside the model in the extension's workspace storage. */
const LEARNT_FILES = 'learnt-files.json';

/** What the status bar shows of the learner. */
export type LearnStatus =
  | { kind: 'off' }
  | { kind: 'learning'; paused: boolean; step: number; steps: number }
  | { kind: 'updating'; paused: boolean }
  /** Adapting the model to the document in hand (its name, for the tooltip). */
  | { kind: 'adapting'; paused: boolean; document: string };

export interface LearnerDeps {
  context: vscode.ExtensionContext;
  engine: EngineController;
  activeModel: ActiveModel;
  settings: () => Settings;
  fineTuneSettings: () => FineTuneSettings;
  learnSettings: () => LearnSettings;
  /** Whether the Fine-tune command is running (the learner never runs beside it). */
  commandRunning: () => boolean;
  /** Why the file policy keeps a document out of the engine's reach, or null when it lets it in (the context feed's verdict). */
  admits: (document: vscode.TextDocument) => Promise<string | null>;
  log: vscode.LogOutputChannel;
}

export interface LearntFiles {
  at: string;
  files: string[];
  skipped: { path: string; reason: string }[];
}

export class WorkspaceLearner implements vscode.Disposable {
  /** The run in progress (learning the workspace, or adapting to a document); its worker is null while the files are still being collected. */
  private run: { kind: 'workspace' | 'document'; fineTune: FineTuneRun | AdaptRun | null; abort: AbortController; done: Promise<void> } | null = null;
  /** The document (and engine load) last adapted to, or tried and refused, and characters edited there since. */
  private lastTried: AdaptSubject | null = null;
  private editedSince = 0;
  /** Whether the engine serves weights adapted to a document (they go back to the model's own when learning stops). */
  private serving: AdaptSubject | null = null;
  private readonly gate: IdleGate;
  private savedSince = false;
  private updateTimer: ReturnType<typeof setTimeout> | undefined;
  private current: LearnStatus = { kind: 'off' };
  private readonly changed = new vscode.EventEmitter<LearnStatus>();
  readonly onDidChange = this.changed.event;
  private readonly trained = new vscode.EventEmitter<TrainPoint>();
  /** Each progress point of a run, its step counted over the whole first learning (the panel's loss curve). */
  readonly onTrainingPoint = this.trained.event;
  private readonly subscriptions: vscode.Disposable[] = [];
  private disposed = false;

  constructor(private readonly deps: LearnerDeps) {
    this.gate = new IdleGate(IDLE_MS, (idle) => {
      if (!this.run) {
        if (idle) void this.considerDocument();
        return;
      }
      if (idle) this.run.fineTune?.resume();
      else this.run.fineTune?.pause();
      this.setStatus(this.current.kind === 'off' ? this.current : { ...this.current, paused: !idle });
    });
    this.subscriptions.push(
      this.changed,
      this.trained,
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length === 0 || !isUserDocument(e.document)) return;
        if (e.document.uri.toString() === this.lastTried?.uri) this.editedSince += e.contentChanges.reduce((n, c) => n + c.rangeLength + c.text.length, 0);
        this.gate.activity();
      }),
      vscode.window.onDidChangeActiveTextEditor(() => {
        if (this.gate.isIdle) void this.considerDocument();
      }),
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (isUserDocument(e.textEditor.document)) this.gate.activity();
      }),
      vscode.workspace.onDidSaveTextDocument((d) => {
        // Source files of the workspace only: a settings file or a note saved is nothing to learn.
        if (d.uri.scheme !== 'file' || !vscode.workspace.getWorkspaceFolder(d.uri) || languageOfPath(d.uri.path) === 'plaintext') return;
        this.savedSince = true;
        this.scheduleUpdate();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => void this.consider()),
    );
  }

  get status(): LearnStatus {
    return this.current;
  }

  /** The document whose adapted weights the engine serves, or null when it serves its model's own. */
  get adaptedTo(): string | null {
    const engine = this.deps.engine.state;
    // A load since gave the engine a model with its own weights.
    return this.serving && engine.kind === 'ready' && engine.info.loadId === this.serving.loadId ? this.serving.uri : null;
  }

  get state(): LearnState {
    return parseLearnState(this.deps.context.workspaceState.get(STATE_KEY));
  }

  private async setState(state: LearnState): Promise<void> {
    await this.deps.context.workspaceState.update(STATE_KEY, state);
  }

  private setStatus(status: LearnStatus): void {
    this.current = status;
    this.changed.fire(status);
  }

  /** What the learner would do now, and why not when it would not. */
  plan(): LearnPlan {
    return planLearning(this.state, this.conditions(), this.savedSince);
  }

  private conditions(): LearnConditions {
    const { settings, activeModel, learnSettings, commandRunning } = this.deps;
    const learn = learnSettings();
    return {
      enabled: learn.enabled,
      trusted: vscode.workspace.isTrusted,
      hasWorkspace: (vscode.workspace.workspaceFolders?.length ?? 0) > 0 && activeModel.workspaceDir !== undefined,
      modelFromSetting: settings().modelPath !== '',
      baseChosen: activeModel.baseChosen,
      commandRunning: commandRunning(),
      budget: learn.steps,
    };
  }

  /**
   * Starts the run the plan calls for, if none is running. Called on activation, trust and settings; an update
   * (`updates`) only from the timer that waits for saves to quieten.
   */
  async consider(updates = false): Promise<void> {
    if (this.run || this.disposed) return;
    if (this.deps.engine.state.kind !== 'ready') return;
    const plan = this.plan();
    if (plan.kind === 'none' || (plan.kind === 'update' && !updates)) {
      if (plan.kind === 'none') this.deps.log.trace(`[learn] not learning: ${plan.why}`);
      return this.considerDocument();
    }
    await this.start(plan);
  }

  /**
   * Adapts the engine's model to the document in hand, when the user is idle and planAdapt allows it
   * (src/completion/learnState.ts): a few steps on its text in the train worker, the weights sent to the engine.
   */
  private async considerDocument(): Promise<void> {
    if (this.run || this.disposed || !this.gate.isIdle) return;
    const engine = this.deps.engine.state;
    const document = vscode.window.activeTextEditor?.document;
    if (engine.kind !== 'ready' || !document || !isUserDocument(document) || languageOfPath(document.uri.path) === 'plaintext') return;
    const now = { uri: document.uri.toString(), loadId: engine.info.loadId };
    const plan = planAdapt(this.state, { ...this.conditions(), documentSteps: this.deps.learnSettings().documentSteps }, now, this.lastTried, this.editedSince);
    if (plan.kind === 'none') return void this.deps.log.trace(`[learn] not adapting to the document: ${plan.why}`);
    const abort = new AbortController();
    let finished!: () => void;
    this.run = { kind: 'document', fineTune: null, abort, done: new Promise<void>((r) => (finished = r)) };
    const name = vscode.workspace.asRelativePath(document.uri);
    // Tried once per document, load and batch of edits, whatever comes of it: a refused or failing document is not
    // retried at every pause.
    this.lastTried = now;
    this.editedSince = 0;
    try {
      const refused = await this.deps.admits(document);
      if (refused) return void this.deps.log.trace(`[learn] not adapting to ${name}: ${refused}`);
      if (abort.signal.aborted) return;
      const text = document.getText();
      const adapt = new AdaptRun(
        path.join(this.deps.context.extensionPath, 'dist', 'trainWorker.js'),
        { path: now.uri, text, family: familyOfLanguageId(document.languageId) },
        { modelDir: engine.dir, steps: plan.steps, backend: this.deps.settings().backend === 'cpu' ? 'cpu' : 'wasm' },
        (level, message) => this.deps.log[level](`[learn worker] ${message}`),
      );
      this.run.fineTune = adapt;
      if (!this.gate.isIdle) adapt.pause();
      abort.signal.addEventListener('abort', () => adapt.cancel(), { once: true });
      this.setStatus({ kind: 'adapting', paused: !this.gate.isIdle, document: name });
      const { result, weights } = await adapt.done;
      this.deps.log.info(`[learn] adapting to ${name}: ${result.outcome} after ${result.steps} step(s) in ${result.seconds.toFixed(1)} s${result.bitsPerChar === null ? '' : `, ${result.bitsPerChar.toFixed(3)} bits/char`}`);
      if (result.outcome !== 'adapted' || !weights || abort.signal.aborted) return;
      if (await this.deps.engine.setWeights(now.loadId, weights)) {
        this.serving = now;
        console.log(`[seq2seq] adapted to the document: ${result.steps} step(s)`);
      }
    } catch (e) {
      this.deps.log.error(`[learn] adapting to ${name} failed: ${(e as Error).message}; the model is unchanged`);
    } finally {
      this.run = null;
      this.setStatus({ kind: 'off' });
      finished();
      // What waited for this run: saves wait for their quiet time again (the update's timer found this run going);
      // the workspace's own learning, then another document, are looked at once more, unless learning was stopped.
      if (!this.disposed && !abort.signal.aborted) {
        if (this.savedSince) this.scheduleUpdate();
        setTimeout(() => void this.consider(), 0);
      }
    }
  }

  /** An update once saves have been quiet for UPDATE_AFTER_MS (a later save starts the wait again). */
  private scheduleUpdate(): void {
    clearTimeout(this.updateTimer);
    this.updateTimer = setTimeout(() => void this.consider(true), UPDATE_AFTER_MS);
  }

  private async start(plan: Exclude<LearnPlan, { kind: 'none' }>): Promise<void> {
    const { activeModel, engine, log } = this.deps;
    const storage = activeModel.workspaceDir;
    if (!storage) return;
    const abort = new AbortController();
    let finished!: () => void;
    const done = new Promise<void>((r) => (finished = r));
    // Claimed before the first await: two calls never start two runs.
    this.run = { kind: 'workspace', fineTune: null, abort, done };
    try {
      if (plan.kind === 'update') this.savedSince = false;
      const selection = await collectTrainingFiles(this.deps.fineTuneSettings(), abort.signal, log, 'learn');
      if ('refused' in selection) {
        log.warn(`[learn] ${selection.refused}`);
        return;
      }
      if (abort.signal.aborted) return;
      if (selection.files.length === 0) {
        log.info('[learn] no source files to learn from in this workspace');
        return;
      }
      logSelection(log, 'learn', selection);
      const steps = plan.kind === 'first' ? plan.steps : LEARN_UPDATE_STEPS;
      // From the workspace model where one is saved (a resumed first learning, or an update), else the base model.
      const from = engine.choice().dir;
      const before = this.state;
      const folder = vscode.workspace.workspaceFolders?.[0]?.name ?? 'workspace';
      log.info(`[learn] ${plan.kind === 'first' ? `learning this workspace: ${steps} step(s) left of the first ${this.deps.learnSettings().steps}` : `updating after saved files: ${steps} step(s)`} from ${from}, in idle time`);
      const fineTune = new FineTuneRun(
        path.join(this.deps.context.extensionPath, 'dist', 'trainWorker.js'),
        selection.files,
        // wasm (or cpu, if asked for): one thread. tfjs-node's own thread pools would take every core.
        { baseModelDir: from, outDir: storage, outName: `${folder} (learnt)`, minutes: null, maxSteps: steps, backend: this.deps.settings().backend === 'cpu' ? 'cpu' : 'wasm', seed: LEARN_SEED, workers: 1, background: true },
        {
          onProgress: (p) => {
            this.trained.fire(plan.kind === 'first' ? { ...p, step: before.stepsDone + p.step } : p);
            if (plan.kind === 'first') {
              void this.setState({ ...this.state, stepsDone: Math.max(this.state.stepsDone, before.stepsDone + p.step) });
              this.setStatus({ kind: 'learning', paused: !this.gate.isIdle, step: before.stepsDone + p.step, steps: this.deps.learnSettings().steps });
            }
          },
          onSaved: (step) => log.info(`[learn] saved a gain at step ${step}`),
          log: (level, message) => log[level](`[learn worker] ${message}`),
        },
      );
      this.run.fineTune = fineTune;
      if (!this.gate.isIdle) fineTune.pause();
      abort.signal.addEventListener('abort', () => fineTune.cancel(), { once: true });
      // On the extension host's console too: the UI test's harness reads it (keystroke latency while learning).
      console.log(`[seq2seq] learning started: ${plan.kind}, ${steps} step(s)`);
      this.setStatus(plan.kind === 'first'
        ? { kind: 'learning', paused: !this.gate.isIdle, step: before.stepsDone, steps: this.deps.learnSettings().steps }
        : { kind: 'updating', paused: !this.gate.isIdle });
      const result = await fineTune.done;
      await this.finish(plan, result, selection, abort.signal.aborted);
    } catch (e) {
      log.error(`[learn] learning failed: ${(e as Error).message}; the previous model is unchanged`);
    } finally {
      this.run = null;
      this.setStatus({ kind: 'off' });
      // A worker that died mid-run never released the writer's lock, and it holds this process's pid: every later
      // run would be refused. The worker locks the folder by its resolved path (modelFolderPath, src/node/modelFiles.ts).
      if (await releaseLockOf(path.resolve(storage), process.pid)) log.warn('[learn] the learning thread ended without releasing the model\'s lock; released it');
      finished();
      if (!this.disposed) {
        // What was asked while this run went on: saves wait for their quiet time again; a stop asked for another
        // reason (the setting turned off and on again, say) is looked at once more.
        if (this.savedSince) this.scheduleUpdate();
        if (abort.signal.aborted) setTimeout(() => void this.consider(), 0);
      }
    }
  }

  private async finish(plan: Exclude<LearnPlan, { kind: 'none' }>, result: FineTuneResult, selection: TrainingFiles, stopped: boolean): Promise<void> {
    const { log, activeModel, engine } = this.deps;
    const figures = `validation ${result.baseValidationBpc?.toFixed(3)} -> ${result.bestValidationBpc?.toFixed(3)} bits/char in ${result.steps} step(s), ${Math.round(result.seconds)} s`;
    log.info(`[learn] ${plan.kind === 'first' ? 'first learning' : 'update'} ${result.outcome}: ${figures}`);
    console.log(`[seq2seq] learning ended: ${plan.kind} ${result.outcome} after ${result.steps} step(s)`);
    const state = this.state;
    // A stop (the user's command, a forget, the setting) leaves the first learning to resume later, even after the
    // gains it saved (the worker then reports 'saved').
    const firstDone = plan.kind === 'first' && !stopped && result.outcome !== 'cancelled';
    await this.setState({ ...state, complete: state.complete || firstDone, updates: state.updates + (plan.kind === 'update' ? 1 : 0) });
    if (result.outcome !== 'saved' || this.state.forgotten) return;
    await this.writeLearntFiles({ at: new Date().toISOString(), files: selection.files.map((f) => f.path), skipped: selection.skipped });
    // A stopped run's saved gains are used from the next load on; the engine is not switched under a user who
    // just turned learning off or chose the base model.
    if (stopped) return;
    // Switched in between requests: the engine loads the saved folder and clears the old model's suggestions.
    await activeModel.workspaceModelSaved();
    await engine.settled();
    if (activeModel.resolve().source === 'workspace') log.info('[learn] suggestions now use the learnt workspace model');
  }

  /**
   * Stops the run in progress, if any, and waits for it to end (the previous model, or its saved gains, stay). The
   * engine's weights go back to its model's own: whoever stops learning wants nothing learnt to serve meanwhile.
   */
  async stop(): Promise<void> {
    await this.halt();
    await this.dropAdaptation();
  }

  /** Stops the run in progress, if any (of `kind` only, when given), and waits for it to end. */
  private async halt(kind?: 'document'): Promise<void> {
    const run = this.run;
    if (!run || (kind && run.kind !== kind)) return;
    run.abort.abort();
    run.fineTune?.cancel();
    await run.done;
  }

  /** The engine's weights back to its model's own, if they were adapted to a document; an adaptation under way stops. */
  async dropAdaptation(): Promise<void> {
    await this.halt('document');
    const serving = this.serving;
    this.serving = null;
    // Adapting again later starts afresh, even on the same document.
    this.lastTried = null;
    if (serving) await this.deps.engine.setWeights(serving.loadId, null);
  }

  /** After a fine-tune command saved a model: the first learning is over; updates go on from it. */
  async fineTuned(): Promise<void> {
    await this.setState({ ...this.state, complete: true, forgotten: false });
  }

  /** Seq2Seq: Forget This Workspace: stop, delete the workspace model and its file list, learn nothing more. */
  async forget(): Promise<void> {
    // Forgotten first: a run that ends now sees it, and nothing starts again.
    await this.setState({ ...INITIAL_LEARN_STATE, forgotten: true });
    await this.stop();
    this.savedSince = false;
    await this.removeLearntFiles();
    await this.deps.activeModel.deleteWorkspaceModel();
    await this.deps.engine.settled();
  }

  private learntFilesPath(): string | undefined {
    const dir = this.deps.activeModel.workspaceDir;
    return dir ? path.join(path.dirname(dir), LEARNT_FILES) : undefined;
  }

  private async writeLearntFiles(list: LearntFiles): Promise<void> {
    const file = this.learntFilesPath();
    if (!file) return;
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(`${file}.tmp`, JSON.stringify(list, null, 1));
    await fs.rename(`${file}.tmp`, file);
  }

  private async removeLearntFiles(): Promise<void> {
    const file = this.learntFilesPath();
    if (file) await fs.rm(file, { force: true });
  }

  /** The files the workspace model learnt from, or null when it learnt nothing yet. */
  async learntFiles(): Promise<LearntFiles | null> {
    const file = this.learntFilesPath();
    if (!file) return null;
    try {
      const v = JSON.parse(await fs.readFile(file, 'utf8')) as LearntFiles;
      return Array.isArray(v.files) ? v : null;
    } catch {
      return null;
    }
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.updateTimer);
    this.gate.dispose();
    // The engine goes too: its weights are not put back.
    void this.halt();
    for (const s of this.subscriptions) s.dispose();
  }
}
