// Learning a workspace without a command: the one fine-tune recipe (fineTune.ts) on one thread, for a budget of
// steps rather than minutes, so that the extension's background learner, `suggest --workspace --learn` and
// `eval --replay --learn` learn exactly the same from the same files. The extension spends the budget in idle time
// only; the CLI spends it at once.
import { FINE_TUNE_TRAIN_CONFIG } from '../graph/config';
import type { Seq2SeqModel } from '../graph/seq2seq';
import type { SourceFile } from './dataset';
import { FineTuneHooks, FineTuneReport, runFineTune } from './fineTune';
import { LEARN_SEED } from '../../shared/learning';

export type LearnHooks = Pick<FineTuneHooks, 'signal' | 'gate' | 'onProgress' | 'onEvaluation'>;

/** Learns `files` for `steps` steps of the fine-tune recipe on this thread; the model leaves with its best weights. */
export function learnWorkspace(model: Seq2SeqModel, files: SourceFile[], steps: number, hooks: LearnHooks = {}): Promise<FineTuneReport> {
  return runFineTune(model, files, { ...FINE_TUNE_TRAIN_CONFIG, seed: LEARN_SEED }, { ...hooks, maxSteps: steps });
}
