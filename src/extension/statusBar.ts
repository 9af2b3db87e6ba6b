// The status bar item: what the extension is doing (loading, ready, snoozed, disabled, error); a click toggles.
import * as vscode from 'vscode';
import type { EngineState } from './engineController';
import type { LearnStatus } from './workspaceLearner';

export interface StatusView {
  enabled: boolean;
  snoozedUntil: number | null;
  engine: EngineState;
  /** The local statistics' totals, for the tooltip. */
  totals?: { shown: number; accepted: number; partlyAccepted: number; charsSaved: number };
  /** The background learner (src/extension/workspaceLearner.ts). */
  learning?: LearnStatus;
}

/** The learner's part of the status: a few characters for the bar, a sentence for the tooltip. */
function describeLearning(l: LearnStatus | undefined): { text: string; tooltip: string } {
  if (!l || l.kind === 'off') return { text: '', tooltip: '' };
  const held = l.paused ? ' (paused while you type)' : '';
  if (l.kind === 'adapting') return { text: ' $(sync)', tooltip: `\nAdapting the model to ${l.document} in idle time${held}; the adapted weights serve while you work there and are never saved. seq2seq.learn.documentSteps 0 turns it off.` };
  if (l.kind === 'updating') return { text: ' $(sync)', tooltip: `\nLearning the files you saved, in idle time${held}. Seq2Seq: Forget This Workspace undoes all it learnt; seq2seq.learn.enabled turns it off.` };
  const pct = Math.min(100, Math.round((100 * l.step) / Math.max(1, l.steps)));
  return {
    text: ` $(${l.paused ? 'debug-pause' : 'sync'}) ${pct}%`,
    tooltip: `\nLearning this workspace in idle time, on one core: step ${l.step} of ${l.steps} (${pct} %)${held}. Nothing leaves this machine. Seq2Seq: Forget This Workspace undoes it; seq2seq.learn.enabled turns it off.`,
  };
}

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('seq2seq.status', vscode.StatusBarAlignment.Right, 100);

  constructor() {
    this.item.name = 'Seq2Seq Complete';
    this.item.command = 'seq2seq.toggle';
    this.item.show();
  }

  update(view: StatusView): void {
    const { text, tooltip } = describe(view);
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.backgroundColor = view.engine.kind === 'error' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  }

  /** The rendered text, for the tests' API. */
  get text(): string {
    return this.item.text;
  }

  dispose(): void {
    this.item.dispose();
  }
}

export function describe(view: StatusView): { text: string; tooltip: string } {
  if (view.engine.kind === 'error') return { text: '$(error) Seq2Seq', tooltip: `Seq2Seq Complete: the model could not be loaded: ${view.engine.message}` };
  if (!view.enabled) return { text: '$(circle-slash) Seq2Seq', tooltip: 'Seq2Seq Complete is disabled. Click to enable.' };
  if (view.snoozedUntil !== null) {
    const minutes = Math.max(1, Math.ceil((view.snoozedUntil - Date.now()) / 60_000));
    return { text: `$(clock) Seq2Seq ${minutes}m`, tooltip: `Seq2Seq Complete is snoozed for ${minutes} more minute(s). Click to disable; run "Seq2Seq: Resume" to resume now.` };
  }
  if (view.engine.kind === 'ready') {
    const { info, source } = view.engine;
    const label = { workspace: ': workspace model', setting: ': model from settings', base: '' }[source];
    const why = { workspace: "this workspace's own model, fine-tuned or learnt", setting: 'the seq2seq.modelPath setting', base: 'the shipped base model' }[source];
    const t = view.totals;
    const stats = t && t.shown > 0 ? `\nSo far: ${t.shown} suggestion(s) shown, ${t.accepted} accepted (${Math.round((100 * t.accepted) / t.shown)} %)${t.partlyAccepted ? `, ${t.partlyAccepted} word(s) or line(s) taken from others` : ''}, ${t.charsSaved} characters saved (kept on this machine only; Seq2Seq: Show Statistics).` : '';
    const learning = describeLearning(view.learning);
    return { text: `$(sparkle) Seq2Seq${label}${learning.text}`, tooltip: `Seq2Seq Complete: ${info.name} (${why}) on ${info.backend} (${info.hiddenSize} units x ${info.layers} layer(s)). Click to disable.${learning.tooltip}${stats}` };
  }
  return { text: '$(loading~spin) Seq2Seq', tooltip: 'Seq2Seq Complete: loading the model…' };
}
