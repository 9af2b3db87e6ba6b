// The background learner's budgets, shared by the model core (src/model/training/learn.ts), the CLI and the
// extension's settings, which must not load the model code to know them.

/**
 * The first learning's budget: what one core reaches in about 5 minutes of idle time. Measured with `train --from
 * models/base --corpus <koa> --steps 40 --workers 1` on this project's 2-core machines: 0.6-0.7 s a step with its
 * validations, so 400 steps take 4-5 minutes.
 */
export const LEARN_STEPS = 400;

/** An update after files were saved: a few steps on the workspace as it is now (about 30 s of one core). */
export const LEARN_UPDATE_STEPS = 40;

/** The seed every learning run uses: the same files give the same model. */
export const LEARN_SEED = 1;
