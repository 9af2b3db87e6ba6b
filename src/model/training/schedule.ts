// The learning rate over a run: constant, or annealed from the start rate to an end rate along a half cosine over
// the run's budget (steps or minutes, whichever runs out first). Annealing by hand (resume at a lower rate) moved the
// base model 1.504 -> 1.485 bits/char; a schedule does it within one background run.

export interface LearningRateSchedule {
  start: number;
  /** null: the start rate throughout. */
  end: number | null;
}

/** The rate at `fraction` (0 = the run's start, 1 = its budget spent) of the run. */
export function learningRateAt(schedule: LearningRateSchedule, fraction: number): number {
  if (schedule.end === null) return schedule.start;
  const f = Math.min(1, Math.max(0, fraction));
  return schedule.end + ((schedule.start - schedule.end) * (1 + Math.cos(Math.PI * f))) / 2;
}

/** How much of a run's budget is spent: the larger of its step and time fractions. */
export function budgetFraction(o: { startStep: number; step: number; maxSteps: number; startedAt: number; deadline: number | undefined; now: number }): number {
  const byStep = Number.isFinite(o.maxSteps) ? (o.step - o.startStep) / Math.max(1, o.maxSteps - o.startStep) : 0;
  const byTime = o.deadline === undefined ? 0 : (o.now - o.startedAt) / Math.max(1, o.deadline - o.startedAt);
  return Math.min(1, Math.max(byStep, byTime));
}
