// What the background learner has done in a workspace and what it does next, kept in the workspace's state so a
// restart resumes where it stopped. Pure: the extension (src/extension/workspaceLearner.ts) reads and writes it.

export interface LearnState {
  /** Steps of the first learning taken so far, over every run (a restart resumes from the last saved gain). */
  stepsDone: number;
  /** The first learning is over: its budget is spent, it stopped early, or a fine-tune replaced it. */
  complete: boolean;
  /** The user forgot this workspace (or deleted its model): nothing is learnt until they fine-tune again. */
  forgotten: boolean;
  /** Updates after saves, run so far. */
  updates: number;
}

export const INITIAL_LEARN_STATE: LearnState = { stepsDone: 0, complete: false, forgotten: false, updates: 0 };

const count = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : null);

/** A stored state, or the initial one where it is missing or not one (hand-edited, another version). */
export function parseLearnState(v: unknown): LearnState {
  if (typeof v !== 'object' || v === null) return { ...INITIAL_LEARN_STATE };
  const s = v as Record<string, unknown>;
  return {
    stepsDone: count(s.stepsDone) ?? 0,
    complete: s.complete === true,
    forgotten: s.forgotten === true,
    updates: count(s.updates) ?? 0,
  };
}

/** What the learner is allowed to know when it decides. */
export interface LearnConditions {
  enabled: boolean;
  trusted: boolean;
  /** A workspace folder is open, and the extension has storage for it. */
  hasWorkspace: boolean;
  /** seq2seq.modelPath names another model: the workspace's would never be used. */
  modelFromSetting: boolean;
  /** The user chose the base model for this workspace (Use the Base Model). */
  baseChosen: boolean;
  /** A fine-tune command is running. */
  commandRunning: boolean;
  /** The first learning's budget (seq2seq.learn.steps). */
  budget: number;
}

export type LearnPlan =
  | { kind: 'first'; steps: number }
  | { kind: 'update' }
  | { kind: 'none'; why: string };

/** Why nothing may be learnt here now, or null when learning may go on. */
function refusal(state: LearnState, c: LearnConditions): string | null {
  if (!c.enabled) return 'seq2seq.learn.enabled is off';
  if (!c.trusted) return 'the workspace is not trusted (Restricted Mode)';
  if (!c.hasWorkspace) return 'no folder is open';
  if (c.modelFromSetting) return 'seq2seq.modelPath names the model to use';
  if (c.baseChosen) return 'this workspace uses the base model';
  if (state.forgotten) return 'this workspace was forgotten; run Fine-tune on Workspace to learn it again';
  if (c.commandRunning) return 'a fine-tune is running';
  return null;
}

/** The next run, given the state and the conditions; `savedSince`: files were saved since the last update. */
export function planLearning(state: LearnState, c: LearnConditions, savedSince: boolean): LearnPlan {
  const why = refusal(state, c);
  if (why) return { kind: 'none', why };
  if (!state.complete && state.stepsDone < c.budget) return { kind: 'first', steps: c.budget - state.stepsDone };
  return savedSince ? { kind: 'update' } : { kind: 'none', why: 'learnt; waiting for saved files' };
}

/** Characters edited in the document in hand after which the model adapts to it again. */
export const ADAPT_AFTER_EDITED_CHARS = 500;

/** The document in hand, and the engine's load the weights would be adapted from. */
export interface AdaptSubject {
  uri: string;
  loadId: number;
}

/**
 * Whether to adapt the model to the document in hand now (the caller starts nothing beside a run already going):
 * learning is allowed, and the serving weights were not adapted to this document from this load, or it changed
 * much since. `last`: what was last adapted to or tried (null: none); `editedSince`: characters edited there since.
 */
export function planAdapt(
  state: LearnState,
  c: LearnConditions & { documentSteps: number },
  now: AdaptSubject,
  last: AdaptSubject | null,
  editedSince: number,
): { kind: 'adapt'; steps: number } | { kind: 'none'; why: string } {
  const why = refusal(state, c);
  if (why) return { kind: 'none', why };
  if (c.documentSteps <= 0) return { kind: 'none', why: 'seq2seq.learn.documentSteps is 0' };
  if (last && last.uri === now.uri && last.loadId === now.loadId && editedSince < ADAPT_AFTER_EDITED_CHARS) return { kind: 'none', why: 'adapted to this document already' };
  return { kind: 'adapt', steps: c.documentSteps };
}
