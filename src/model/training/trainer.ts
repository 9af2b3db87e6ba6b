// The training loop. It knows nothing of the model: it calls a step function, a validation function and
// reports through callbacks; it stops on a step budget, a deadline or an AbortSignal.

export interface StepResult {
  loss: number;
  processedChars: number;
  targetChars: number;
}

export interface TrainProgress {
  step: number;
  trainLoss: number;
  validationLoss: number | null;
  bestValidationLoss: number | null;
  /** Characters read per second (encoder + decoder) since the run started. */
  charsPerSecond: number;
  /** Characters scored per second. */
  targetCharsPerSecond: number;
  /** Characters scored since this loop started. */
  trainedChars: number;
  elapsedMs: number;
  /** Fraction of the step or time budget used, in [0, 1]. */
  fraction: number;
}

export interface TrainLoopOptions {
  startStep: number;
  bestValidationLoss: number | null;
  maxSteps: number;
  deadline?: number; // Date.now() value
  evalEvery: number;
  signal?: AbortSignal;
  /** Awaited before each step, ahead of the cancel check: a hold (the background learner while the user types) that a cancel ends. */
  gate?(): Promise<void>;
  /** One optimisation step; a data-parallel learner answers once every worker has done its share. */
  step(step: number): StepResult | Promise<StepResult>;
  validate(): number | null;
  onProgress?(p: TrainProgress): void;
  /** Called after each validation, with whether it improved on the best so far. */
  onEvaluation?(p: TrainProgress, improved: boolean): void | Promise<void>;
  /** Patience in evaluations without improvement before stopping early; 0 disables. */
  patience?: number;
}

/** diverged: a training step's loss was not a finite number (a learning rate far too high, say). */
export type StopReason = 'steps' | 'deadline' | 'aborted' | 'early-stopping' | 'diverged';

export interface TrainLoopResult {
  step: number;
  bestValidationLoss: number | null;
  stopReason: StopReason;
  last: TrainProgress | null;
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

export async function trainLoop(o: TrainLoopOptions): Promise<TrainLoopResult> {
  const started = Date.now();
  const totalMs = o.deadline !== undefined ? o.deadline - started : Infinity;
  let step = o.startStep;
  let best = o.bestValidationLoss;
  let processed = 0;
  let targets = 0;
  let smoothed: number | null = null;
  let last: TrainProgress | null = null;
  let sinceImprovement = 0;
  let stopReason: StopReason = 'steps';
  const progress = (validationLoss: number | null): TrainProgress => {
    const elapsedMs = Math.max(1, Date.now() - started);
    const stepFraction = (step - o.startStep) / Math.max(1, o.maxSteps - o.startStep);
    return {
      step,
      trainLoss: smoothed ?? NaN,
      validationLoss,
      bestValidationLoss: best,
      charsPerSecond: (processed * 1000) / elapsedMs,
      targetCharsPerSecond: (targets * 1000) / elapsedMs,
      trainedChars: targets,
      elapsedMs,
      fraction: Math.min(1, Math.max(stepFraction, elapsedMs / totalMs)),
    };
  };
  while (true) {
    if (o.gate) await o.gate();
    if (o.signal?.aborted) { stopReason = 'aborted'; break; }
    if (step >= o.maxSteps) { stopReason = 'steps'; break; }
    if (o.deadline !== undefined && Date.now() >= o.deadline) {
      stopReason = 'deadline';
      // Keep the steps since the last evaluation if they helped: a deadline is a normal end, not a cancel.
      if (last && last.validationLoss === null) {
        const validationLoss = o.validate();
        const score = validationLoss ?? smoothed ?? Infinity;
        const improved = best === null || score < best;
        if (improved) best = score;
        last = progress(validationLoss);
        await o.onEvaluation?.(last, improved);
      }
      break;
    }
    const r = await o.step(step);
    step++;
    if (!Number.isFinite(r.loss)) { stopReason = 'diverged'; break; }
    processed += r.processedChars;
    targets += r.targetChars;
    smoothed = smoothed === null ? r.loss : 0.9 * smoothed + 0.1 * r.loss;
    const atEval = (step - o.startStep) % o.evalEvery === 0 || step >= o.maxSteps;
    let validationLoss: number | null = null;
    let improved = false;
    if (atEval) {
      validationLoss = o.validate();
      const score = validationLoss ?? smoothed;
      improved = best === null || score < best;
      if (improved) { best = score; sinceImprovement = 0; } else sinceImprovement++;
    }
    last = progress(validationLoss);
    o.onProgress?.(last);
    if (atEval) await o.onEvaluation?.(last, improved);
    if (o.patience && sinceImprovement >= o.patience) { stopReason = 'early-stopping'; break; }
    await yieldToEventLoop();
  }
  return { step, bestValidationLoss: best, stopReason, last };
}
