// The "Fine-tune on Workspace" command: collects the workspace's files, shows what it uses and skips, trains
// in a worker with a cancellable progress notification, and hands the saved model to the engine.
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { FineTuneRun } from '../host/trainThread';
import { fineTuneWorkers } from '../completion/settings';
import type { FineTuneSettings, Settings } from '../completion/settings';
import type { FineTuneResult, TrainPoint } from '../shared/trainProtocol';
import { collectTrainingFiles, logSelection } from './trainingFiles';
import { releaseLockOf } from '../host/modelFolder';
import type { EngineController } from './engineController';
import type { ActiveModel } from './activeModel';

/** Which files a run used and which it skipped, with the reason. */
export interface SelectionSummary {
  selected: string[];
  skipped: { path: string; reason: string }[];
}

/** What the command returns: the tests read it, users see the same in messages. */
export type FineTuneReport =
  | { outcome: 'refused'; message: string }
  | ({ outcome: 'no-files'; message: string } & SelectionSummary)
  | ({ outcome: FineTuneResult['outcome']; message: string } & FineTuneResult & SelectionSummary);

const formatEta = (s: number): string => `${Math.floor(s / 60)}:${String(Math.round(s % 60)).padStart(2, '0')}`;

export class FineTuneCommand {
  private running: FineTuneRun | null = null;
  /** Set from the first moment of a run (file discovery included) until it ends: one fine-tune at a time. */
  private busy = false;
  private readonly progressListeners = new Set<(p: TrainPoint) => void>();

  constructor(
    private readonly extensionPath: string,
    private readonly engine: EngineController,
    private readonly activeModel: ActiveModel,
    private readonly settings: () => Settings,
    private readonly fineTuneSettings: () => FineTuneSettings,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  get isRunning(): boolean {
    return this.busy;
  }

  /** For the encoder-state panel's loss curve. */
  onProgress(listener: (p: TrainPoint) => void): vscode.Disposable {
    this.progressListeners.add(listener);
    return { dispose: () => this.progressListeners.delete(listener) };
  }

  /** Aborts the run in progress, from its first moment (file discovery) to its last. */
  private abort: AbortController | null = null;

  cancel(): void {
    this.abort?.abort();
    this.running?.cancel();
  }

  async run(): Promise<FineTuneReport> {
    if (!vscode.workspace.isTrusted) {
      return this.refuse('Fine-tuning reads and learns from this workspace\'s files, so it is disabled in Restricted Mode. Trust the workspace to use it.');
    }
    if (this.busy) {
      // Not awaited: the command answers at once; the button stays available in the notification.
      void vscode.window.showWarningMessage('Seq2Seq: a fine-tune is already running.', 'Cancel It').then((choice) => {
        if (choice === 'Cancel It') this.cancel();
      });
      return { outcome: 'refused', message: 'a fine-tune is already running' };
    }
    this.busy = true;
    this.abort = new AbortController();
    try {
      return await this.runExclusive(this.abort.signal);
    } finally {
      this.busy = false;
      this.abort = null;
    }
  }

  private async runExclusive(signal: AbortSignal): Promise<FineTuneReport> {
    const storage = this.activeModel.workspaceDir;
    if (!storage || !vscode.workspace.workspaceFolders?.length) {
      return this.refuse('Open a folder first: fine-tuning learns from the files of the open workspace.');
    }
    const state = this.engine.state;
    if (state.kind !== 'ready') return this.refuse('The model is not loaded yet; try again in a moment.');
    // The model in use now is the one fine-tuned, whichever source it comes from.
    const from = this.engine.choice();
    const baseModelDir = from.dir;

    const ft = this.fineTuneSettings();
    const selection = await collectTrainingFiles(ft, signal, this.log, 'fine-tune');
    if ('refused' in selection) return this.refuse(selection.refused);
    if (signal.aborted) {
      void vscode.window.showInformationMessage('Seq2Seq: fine-tuning cancelled. The previous model is unchanged.');
      return { outcome: 'refused', message: 'Fine-tuning cancelled before training started. The previous model is unchanged.' };
    }
    const kept = selection.files.length;
    logSelection(this.log, 'fine-tune', selection);
    if (kept === 0) {
      const message = `No source files to learn from in this workspace${selection.skipped.length ? ` (${selection.skipped.length} skipped; see the log)` : ''}.`;
      void vscode.window.showWarningMessage(`Seq2Seq: ${message}`);
      return { outcome: 'no-files', message, selected: [], skipped: selection.skipped };
    }

    const folder = vscode.workspace.workspaceFolders[0]?.name ?? 'workspace';
    const run = new FineTuneRun(
      path.join(this.extensionPath, 'dist', 'trainWorker.js'),
      selection.files,
      { baseModelDir, outDir: storage, outName: `${folder} (fine-tuned)`, minutes: ft.minutes, backend: this.settings().backend, seed: 1, workers: fineTuneWorkers(ft.workers, availableParallelism()) },
      {
        onProgress: (p) => {
          for (const l of this.progressListeners) l(p);
          this.log.trace(`[fine-tune] step ${p.step} train ${p.trainBpc.toFixed(3)} val ${p.validationBpc?.toFixed(3) ?? '-'} bpc, ${Math.round(p.charsPerSecond)} chars/s`);
        },
        log: (level, message) => this.log[level](`[fine-tune worker] ${message}`),
      },
    );
    this.running = run;
    try {
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Seq2Seq: fine-tuning on ${kept} file(s)`, cancellable: true },
        async (progress, token) => {
          token.onCancellationRequested(() => run.cancel());
          let reported = 0;
          const listener = this.onProgress((p) => {
            const pct = Math.round(p.fraction * 100);
            const val = p.validationBpc ?? p.bestValidationBpc;
            progress.report({
              increment: Math.max(0, pct - reported),
              message: `${pct}% · ${Math.round(p.charsPerSecond).toLocaleString('en')} chars/s · train ${p.trainBpc.toFixed(2)}${val === null ? '' : ` / val ${val.toFixed(2)}`} bits/char · ${formatEta(p.etaSeconds)} left`,
            });
            reported = Math.max(reported, pct);
          });
          try {
            return await run.done;
          } finally {
            listener.dispose();
          }
        },
      );
      return { ...(await this.finish(result)), selected: selection.files.map((f) => f.path), skipped: selection.skipped };
    } catch (e) {
      const message = `Fine-tuning failed: ${(e as Error).message}. The previous model is unchanged.`;
      this.log.error(`[fine-tune] ${message}`);
      void vscode.window.showErrorMessage(`Seq2Seq: ${message}`);
      return { outcome: 'refused', message };
    } finally {
      this.running = null;
      // A worker that died mid-run never released the writer's lock, and it holds this process's pid.
      // The worker locks the folder by its resolved path (modelFolderPath in src/node/modelFiles.ts).
      if (await releaseLockOf(path.resolve(storage), process.pid)) this.log.warn('[fine-tune] the fine-tune thread ended without releasing the model\'s lock; released it');
    }
  }

  private async finish(result: FineTuneResult): Promise<FineTuneResult & { message: string }> {
    const on = result.validatedOn === 'training files' ? ' (no file could be held out: measured on the training files)' : '';
    const figures = `validation ${result.baseValidationBpc?.toFixed(3)} → ${result.bestValidationBpc?.toFixed(3)} bits/char${on} in ${Math.round(result.seconds)} s (${result.steps} steps, peak ${Math.round(result.peakRssMB)} MB)`;
    let message: string;
    switch (result.outcome) {
      case 'saved':
        // The folder's content changed even where its path did not: the announcement forces the reload.
        await this.activeModel.workspaceModelSaved();
        await this.engine.settled();
        message = this.engine.choice().source === 'workspace'
          ? `Fine-tuned on this workspace: ${figures}. Suggestions now use the workspace model.`
          : `Fine-tuned on this workspace: ${figures}. The workspace model is saved, but suggestions keep using the seq2seq.modelPath setting (${this.settings().modelPath}); clear that setting to use the workspace model.`;
        break;
      case 'cancelled':
        message = 'Fine-tuning cancelled. The previous model is unchanged.';
        break;
      case 'no-improvement':
        message = `Fine-tuning did not improve on the current model (${figures}); it was kept.`;
        break;
      case 'diverged':
        message = `Fine-tuning diverged (the loss stopped being a number after ${result.steps} steps); the current model was kept.`;
        break;
    }
    this.log.info(`[fine-tune] ${result.outcome}: ${figures}`);
    void vscode.window.showInformationMessage(`Seq2Seq: ${message}`);
    return { ...result, message };
  }

  private refuse(message: string): FineTuneReport {
    void vscode.window.showWarningMessage(`Seq2Seq: ${message}`);
    return { outcome: 'refused', message };
  }
}
